import { randomBytes, randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

/** Content-Security-Policy for one response; scripts run only with this request's nonce. */
export function contentSecurityPolicy(nonce: string, { development = false } = {}) {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${development ? " 'unsafe-eval'" : ""}`,
    // recharts and React set style attributes; no inline <script> is ever allowed.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${development ? " ws: wss:" : ""}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
  ];
  return directives.join("; ");
}

export function securityHeaders({ development = false } = {}) {
  return (req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    // The id is always the server's own; a client's X-Request-Id is only logged beside it, once validated.
    res.locals.requestId = randomUUID();
    res.locals.clientRequestId = validClientRequestId(req.get("x-request-id"));
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce, { development }));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("X-Request-Id", res.locals.requestId);
    if (req.secure) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    next();
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Why a request must be refused as cross-site, or null when it may go on. */
export function crossSiteReason({ method, origin, secFetchSite, host }: { method: string; origin?: string; secFetchSite?: string; host?: string }) {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  if (secFetchSite && secFetchSite !== "same-origin" && secFetchSite !== "none") {
    return `Sec-Fetch-Site is ${secFetchSite}`;
  }
  if (origin && origin !== "null") {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return "Origin is not a valid URL";
    }
    if (host && originHost !== host) return `Origin ${origin} is not this site`;
  } else if (origin === "null") {
    return "Origin is null";
  }
  return null;
}

/** Refuses every non-GET request that another site sent (CSRF defence in depth beside SameSite=Lax). */
export function sameOriginGuard(onRefuse?: (req: Request, res: Response, reason: string) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    const reason = crossSiteReason({
      method: req.method,
      origin: req.get("origin") ?? undefined,
      secFetchSite: req.get("sec-fetch-site") ?? undefined,
      host: siteHost(req) ?? undefined,
    });
    if (!reason) return next();
    onRefuse?.(req, res, reason);
    res.status(403).type("text/plain").send("Refused: this request came from another site. Submit the form from ShareBoard itself.");
  };
}

/** A client's X-Request-Id when it is safe to log: at most 64 characters of letters, digits and hyphens. */
export function validClientRequestId(value: string | undefined | null) {
  return value && /^[A-Za-z0-9-]{1,64}$/.test(value) ? value : undefined;
}

/**
 * Express's `trust proxy` value from TRUST_PROXY: unset or empty means no proxy is trusted (the
 * socket's address and the Host header are the truth); otherwise a comma-separated list of the
 * proxy's addresses or subnets (e.g. `10.0.0.5` or `loopback`), so X-Forwarded-For, -Host and
 * -Proto are honoured only when that proxy sent them.
 */
export function trustProxySetting(value: string | undefined): false | string[] {
  const names = (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (!names.length || names.some((n) => ["false", "0", "off", "no"].includes(n.toLowerCase()))) return false;
  return names;
}

function fromTrustedProxy(req: Request) {
  const trust = req.app.get("trust proxy fn") as ((addr: string | undefined, i: number) => boolean) | undefined;
  return Boolean(trust && trust(req.socket.remoteAddress, 0));
}

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The host (with port) the browser addressed: X-Forwarded-Host only from a trusted proxy,
 * otherwise the Host header. Null when it is missing or not a valid host name.
 */
export function siteHost(req: Request): string | null {
  const forwarded = fromTrustedProxy(req) ? req.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  const host = forwarded || req.get("host");
  return host && HOST.test(host) ? host : null;
}
