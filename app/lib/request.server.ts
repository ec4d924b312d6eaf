import type { AppLoadContext } from "@remix-run/node";
import type { Actor } from "./audit.server";
import { currentRequestId } from "./logger.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    cspNonce?: string;
    requestId?: string;
    clientIp?: string;
  }
}

/** The client's address as the server worked it out (X-Forwarded-For only from a trusted proxy: see TRUST_PROXY). */
export function clientIp(_request: Request, context?: AppLoadContext) {
  return context?.clientIp || "unknown";
}

/** The server's own id for this request; a client's X-Request-Id is never used (only logged once validated). */
export function requestId(_request: Request, context?: AppLoadContext) {
  return context?.requestId || currentRequestId();
}

export function anonymousActor(request: Request, context?: AppLoadContext): Actor {
  return { userId: null, label: "anonymous", ip: clientIp(request, context), requestId: requestId(request, context) };
}
