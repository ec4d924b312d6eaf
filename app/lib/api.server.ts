import type { AppLoadContext } from "@remix-run/node";
import type { z } from "zod";
import { authenticateApiToken, type ApiCaller } from "~/models/api-tokens.server";
import type { ApiEndpoint } from "~/models/api.schema";
import { asAtRangeMessage, getReportingDate } from "~/models/settings.server";
import { clientIp } from "./request.server";
import { formToObject } from "./forms";

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

/** RFC 9457 problem details: what went wrong, in words a BI developer can act on. */
export function problem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ type: "about:blank", title, status, detail, ...extra }), {
    status,
    headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store", ...headers },
  });
}

export function json(body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { headers: { ...JSON_HEADERS, ...headers } });
}

function bearerToken(request: Request) {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}

export type QueryProblem = { parameter: string; problem: string };

/**
 * The query's problems, one per parameter: unknown parameters (a misspelt filter would otherwise
 * be silently ignored and return every row), repeated ones, then each schema failure.
 */
export function queryProblems(query: z.ZodObject, searchParams: URLSearchParams): { ok: true; data: unknown } | { ok: false; errors: QueryProblem[] } {
  const known = Object.keys(query.shape);
  const errors: QueryProblem[] = [];
  for (const key of new Set(searchParams.keys())) {
    if (!known.includes(key)) errors.push({ parameter: key, problem: `is not a parameter of this endpoint; use one of: ${known.join(", ")}` });
    else if (searchParams.getAll(key).length > 1) errors.push({ parameter: key, problem: "is given more than once; give it once" });
  }
  if (errors.length) return { ok: false, errors };
  const parsed = query.safeParse(formToObject(searchParams));
  if (parsed.success) return { ok: true, data: parsed.data };
  // One problem per parameter: the first check it fails says what to do.
  const byParameter = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const parameter = issue.path.join(".") || "query";
    if (!byParameter.has(parameter)) byParameter.set(parameter, issue.message);
  }
  return { ok: false, errors: [...byParameter].map(([parameter, problem]) => ({ parameter, problem })) };
}

/**
 * One read endpoint: authenticates the bearer token (401), parses the query with the endpoint's
 * zod schema (400 naming each problem), runs the handler and returns its result parsed through the
 * endpoint's response schema, which drops any field the schema does not name (so the schema is
 * the list of what the API may disclose). The same schemas generate the OpenAPI document.
 */
export async function apiEndpoint<Q extends z.ZodObject, R extends z.ZodType>(
  { request, context }: { request: Request; context?: AppLoadContext },
  endpoint: Pick<ApiEndpoint<Q, R>, "query" | "response">,
  handler: (args: { query: z.output<Q>; caller: ApiCaller }) => z.input<R>,
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
  const parsed = queryProblems(endpoint.query, url.searchParams);
  if (!parsed.ok) {
    return problem(400, "Bad request", parsed.errors.map((e) => `${e.parameter}: ${e.problem}`).join("; "), { errors: parsed.errors });
  }
  // As-at dates are bounded (2000-01-01 to the reporting date): refused before any figure is computed.
  const asAt = (parsed.data as { asAt?: unknown }).asAt;
  if (typeof asAt === "string") {
    const outOfRange = asAtRangeMessage(asAt, getReportingDate());
    if (outOfRange) return problem(400, "Bad request", `asAt: ${outOfRange}`, { errors: [{ parameter: "asAt", problem: outOfRange }] });
  }
  const body = endpoint.response.parse(handler({ query: parsed.data as z.output<Q>, caller }));
  return json(body);
}
