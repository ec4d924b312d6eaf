import type { AppLoadContext } from "@remix-run/node";
import type { Actor } from "./audit.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    cspNonce?: string;
    requestId?: string;
    clientIp?: string;
  }
}

export function clientIp(request: Request, context?: AppLoadContext) {
  return context?.clientIp || request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
}

export function requestId(request: Request, context?: AppLoadContext) {
  return context?.requestId || request.headers.get("x-request-id") || null;
}

export function anonymousActor(request: Request, context?: AppLoadContext): Actor {
  return { userId: null, label: "anonymous", ip: clientIp(request, context), requestId: requestId(request, context) };
}
