import type { AppLoadContext } from "@remix-run/node";
import type { z } from "zod";
import { authenticateApiToken, type ApiCaller } from "~/models/api-tokens.server";
import { clientIp } from "./request.server";
import { formToObject } from "./forms";

/** RFC 9457 problem details: what went wrong, in words a BI developer can act on. */
export function problem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ type: "about:blank", title, status, detail, ...extra }), {
    status,
    headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store", ...headers },
  });
}

function bearerToken(request: Request) {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}

/**
 * One read endpoint: authenticates the bearer token (401), parses the query with its zod schema
 * (400 naming each problem), runs the handler and returns JSON. The same schemas generate the
 * OpenAPI document.
 */
export async function apiEndpoint<Q extends z.ZodType, R extends z.ZodType>(
  { request, context }: { request: Request; context?: AppLoadContext },
  schemas: { query: Q; response: R },
  handler: (args: { query: z.infer<Q>; caller: ApiCaller }) => z.infer<R>,
) {
  const url = new URL(request.url);
  const token = bearerToken(request);
  if (!token) {
    return problem(401, "Unauthorised", "Send an API token as `Authorization: Bearer <token>`. An administrator creates tokens at /admin/tokens.", {}, { "WWW-Authenticate": "Bearer" });
  }
  const caller = authenticateApiToken({ token, path: url.pathname + url.search, ip: clientIp(request, context) });
  if (!caller) {
    return problem(401, "Unauthorised", "This API token is not valid: it is unknown, revoked or expired. Ask an administrator for a new one.", {}, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
  }
  const parsed = schemas.query.safeParse(formToObject(url.searchParams));
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ parameter: i.path.join(".") || "query", problem: i.message }));
    return problem(400, "Bad request", errors.map((e) => `${e.parameter}: ${e.problem}`).join("; "), { errors });
  }
  const body = handler({ query: parsed.data, caller });
  return new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" } });
}
