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
    res.locals.requestId = (req.get("x-request-id") || randomUUID()).slice(0, 64);
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
export function sameOriginGuard(onRefuse?: (req: Request, reason: string) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    const reason = crossSiteReason({
      method: req.method,
      origin: req.get("origin") ?? undefined,
      secFetchSite: req.get("sec-fetch-site") ?? undefined,
      host: req.get("x-forwarded-host") ?? req.get("host") ?? undefined,
    });
    if (!reason) return next();
    onRefuse?.(req, reason);
    res.status(403).type("text/plain").send("Refused: this request came from another site. Submit the form from ShareBoard itself.");
  };
}
