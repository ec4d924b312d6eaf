import { action as loginAction } from "~/routes/login";

export const BASE = "http://localhost";
export const DEMO_PASSWORD = "shareboard-demo";

export function getRequest(path: string, cookie?: string) {
  return new Request(`${BASE}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
}

export function postRequest(path: string, fields: Record<string, string | string[]>, cookie?: string, headers: Record<string, string> = {}) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
  return new Request(`${BASE}${path}`, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}), ...headers },
  });
}

/** The cookie pair ("name=value") a response sets, for the next request. */
export function cookieFrom(response: Response) {
  const header = response.headers.get("Set-Cookie");
  if (!header) throw new Error("The response set no cookie");
  return header.split(";")[0];
}

/** Runs a route function and returns what it threw or returned as a Response (redirects and 403s are thrown). */
export async function settle(fn: () => unknown): Promise<Response | unknown> {
  try {
    return await fn();
  } catch (thrown) {
    return thrown;
  }
}

export async function signInAs(email: string, password = DEMO_PASSWORD, ip = "10.0.0.1") {
  const response = (await settle(() =>
    loginAction({ request: postRequest("/login", { email, password, redirectTo: "/" }), params: {}, context: { clientIp: ip } }),
  )) as Response;
  if (!(response instanceof Response) || response.status !== 302) throw new Error(`Sign-in as ${email} failed`);
  return cookieFrom(response);
}

/** The status of a data()/Response result whichever way Remix represents it. */
export function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status;
  const init = (result as { init?: { status?: number } } | null)?.init;
  return init?.status ?? 200;
}

export function dataOf<T = Record<string, unknown>>(result: unknown): T {
  const r = result as { data?: T; type?: string };
  return (r && r.type === "DataWithResponseInit" ? r.data : result) as T;
}

/**
 * A loader's data as its page reads it: a page that sends its figures as one JSON text
 * (app/lib/json-text.ts) reads them back and has them beside the rest of its data.
 */
export function pageDataOf<T = Record<string, unknown>>(result: unknown, textField = "register"): T {
  const data = dataOf<Record<string, unknown>>(result);
  const text = data[textField];
  if (typeof text !== "string") throw new Error(`The loader's data has no JSON text "${textField}"`);
  return { ...data, ...(JSON.parse(text) as object) } as T;
}

/** A register page's rows as it shows them: its loader sends DataTable's model, each row whole as `original`. */
export function tableRows<R>(data: unknown): R[] {
  return (data as { tableModel: { rows: { original: R }[] } }).tableModel.rows.map((row) => row.original);
}
