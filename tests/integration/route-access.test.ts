import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, count } from "drizzle-orm";
import type { Role } from "../../db/schema/enums";
import { auditLog } from "../../db/schema";
import { getDb } from "~/lib/db.server";
import { SYSTEM_ACTOR } from "~/lib/audit.server";
import { ROUTE_ACCESS, type Access } from "~/lib/route-access";
import { createApiToken } from "~/models/api-tokens.server";
import { BASE, dataOf, settle, signInAs, statusOf } from "../helpers/requests";
import { ROUTE_BODIES, ROUTE_BODIES_FILE } from "../helpers/route-bodies";
import { connection } from "~/lib/db.server";
import { closeImportPool } from "~/models/opt-in-import.server";

// The authorisation matrix, generated from the one route registry (app/lib/route-access.ts):
// every route file must have an entry, and every persona (signed out and each demo role) is tried
// against every route: a GET with valid parameters, and a POST with a VALID body (one per route
// file, in tests/helpers/route-bodies.ts). A persona who may not act is refused (403 audited once,
// or sent to sign in when signed out) and the database is left exactly as it was: temporary
// triggers record every row any table gains, loses or changes. A persona who may act is not
// refused (a record-level rule may still refuse some), and at least one succeeds with the body,
// which shows it was a request that would have worked.

type RouteModule = { loader?: (args: unknown) => unknown; action?: (args: unknown) => unknown };
const files = import.meta.glob<RouteModule>("../../app/routes/**/*.{ts,tsx}");
const ROUTE_FILES = Object.keys(files)
  .map((f) => f.replace("../../app/routes/", ""))
  .filter((f) => !f.includes("/") || /\/route\.tsx?$/.test(f));

const PERSONAS = {
  "signed out": null,
  admin: "admin@example.org",
  board: "board@example.org",
  programme: "programme@example.org",
  ig_lead: "ig@example.org",
  ccg: "ccg@example.org",
  practitioner: "practitioner@example.org",
} as const satisfies Record<string, string | null>;
type Persona = keyof typeof PERSONAS;
const cookies: Partial<Record<Persona, string>> = {};
let apiToken = "";

/** The route's params, read from its file name (Remix flat routes) against its sample path. */
function paramsFor(file: string, path: string) {
  const name = file.replace(/\/route\.tsx?$/, "").replace(/\.tsx?$/, "").replace(/\[\.\]/g, "\u0000");
  const segments = name.split(".").filter((s) => s !== "_index").map((s) => s.replace(/\u0000/g, ".").replace(/_$/, ""));
  const parts = path.split("?")[0]!.split("/").filter(Boolean);
  const params: Record<string, string> = {};
  segments.forEach((segment, i) => {
    if (segment === "$") params["*"] = parts.slice(i).join("/");
    else if (segment.startsWith("$")) params[segment.slice(1)] = decodeURIComponent(parts[i] ?? "");
  });
  return params;
}

function mayUse(access: Access, persona: Persona) {
  if (access === "public") return true;
  if (access === "token") return false; // a session never opens the API
  if (persona === "signed out") return false;
  return access === "signed-in" || access.includes(persona as Role);
}

function refusals() {
  return getDb().select({ n: count() }).from(auditLog).where(eq(auditLog.action, "access.refused")).get()!.n;
}

function isRedirectToLogin(result: unknown) {
  return result instanceof Response && result.status === 302 && (result.headers.get("Location") ?? "").startsWith("/login");
}

/** Temporary triggers on every table of this connection's database, noting each row written. */
function recordChanges() {
  const sqlite = connection().sqlite;
  sqlite.exec("create temp table if not exists matrix_changes (tbl text not null, op text not null)");
  const tables = sqlite.prepare("select name from sqlite_schema where type = 'table' and name not like 'sqlite_%' and sql not like 'CREATE VIRTUAL%'").pluck().all() as string[];
  for (const table of tables) {
    for (const op of ["insert", "update", "delete"]) {
      sqlite.exec(`create temp trigger if not exists "matrix_${op}_${table}" after ${op} on main."${table}" begin insert into matrix_changes values ('${table}', '${op}'); end`);
    }
  }
}

/**
 * The rows written since the last call, as "table op" → count (a session's last-seen touch left out: it is not data;
 * nor the change counters, which triggers bump for every row written, the audit row included).
 */
function takeChanges() {
  const sqlite = connection().sqlite;
  const rows = sqlite.prepare("select tbl || ' ' || op as change, count(*) as n from matrix_changes where not (tbl = 'sessions' and op = 'update') and tbl <> 'table_versions' group by tbl, op").all() as { change: string; n: number }[];
  sqlite.exec("delete from matrix_changes");
  return Object.fromEntries(rows.map((r) => [r.change, r.n]));
}

afterAll(() => closeImportPool());

beforeAll(async () => {
  recordChanges();
  let i = 0;
  for (const [persona, email] of Object.entries(PERSONAS)) {
    i++;
    if (email) cookies[persona as Persona] = await signInAs(email, undefined, `10.77.0.${i}`);
  }
  apiToken = createApiToken({ actor: SYSTEM_ACTOR, name: "matrix test", expiresOn: null }).token;
});

describe("the route registry", () => {
  it("has an entry for every file in app/routes, and every entry names a route file", () => {
    const missing = ROUTE_FILES.filter((f) => !ROUTE_ACCESS[f]);
    expect(missing, `Add these routes to ROUTE_ACCESS in app/lib/route-access.ts (who may GET and POST them): ${missing.join(", ")}`).toEqual([]);
    const stale = Object.keys(ROUTE_ACCESS).filter((f) => !ROUTE_FILES.includes(f));
    expect(stale, `These ROUTE_ACCESS entries have no file in app/routes: ${stale.join(", ")}`).toEqual([]);
  });

  it("holds valid bodies only for routes that take a POST (a POST route without one fails below)", () => {
    const stale = Object.keys(ROUTE_BODIES).filter((f) => !ROUTE_ACCESS[f]?.POST);
    expect(stale, `Remove these from ${ROUTE_BODIES_FILE}: they name no route with a POST`).toEqual([]);
  });

  it("states GET and POST exactly for the loaders and actions each route has", async () => {
    for (const file of ROUTE_FILES) {
      const mod = await files[`../../app/routes/${file}`]!();
      const entry = ROUTE_ACCESS[file]!;
      expect(Boolean(entry.GET), `${file}: GET in the registry and a loader must go together`).toBe(Boolean(mod.loader));
      expect(Boolean(entry.POST), `${file}: POST in the registry and an action must go together`).toBe(Boolean(mod.action));
    }
  });
});

describe("every persona against every route", () => {
  // Each POST is rolled back, but /login and /logout go last anyway: a failure there could leave a persona signed out.
  const last = (f: string) => ["login.tsx", "logout.tsx"].indexOf(f) + 1;
  const order = Object.keys(ROUTE_ACCESS).sort((a, b) => last(a) - last(b) || a.localeCompare(b));
  for (const file of order) {
    const entry = ROUTE_ACCESS[file]!;
    const params = paramsFor(file, entry.path);

    if (entry.GET) {
      it(`GET ${entry.path} (${file})`, async () => {
        const { loader } = await files[`../../app/routes/${file}`]!();
        const outcomes: string[] = [];
        for (const persona of Object.keys(PERSONAS) as Persona[]) {
          const cookie = cookies[persona];
          const request = new Request(`${BASE}${entry.path}`, { headers: cookie ? { Cookie: cookie } : {} });
          const before = refusals();
          const result = await settle(() => loader!({ request, params, context: { clientIp: "10.78.0.1", requestId: "matrix" } }));
          const status = statusOf(result);
          const allowed = mayUse(entry.GET!, persona);
          let ok: boolean;
          if (entry.GET === "token") ok = status === 401;
          else if (file === "api.v1.$.ts") ok = status === 404; // the API's "no such endpoint" answer
          else if (file === "logout.tsx") ok = status === 302; // signing out is a POST; GET goes back to the sign-in page
          else if (allowed) ok = status < 400 ? !isRedirectToLogin(result) : status === 403 && Boolean(entry.recordRule);
          else if (persona === "signed out") ok = isRedirectToLogin(result);
          else ok = status === 403 && refusals() === before + 1;
          if (!ok) outcomes.push(`${persona}: ${status}${result instanceof Response ? ` ${result.headers.get("Location") ?? ""}` : ""} (expected ${allowed ? "allowed" : "refused"})`);
        }
        expect(outcomes, outcomes.join("\n")).toEqual([]);
      });
    }

    if (entry.GET === "token") {
      it(`GET ${entry.path} with an API token answers 200`, async () => {
        const { loader } = await files[`../../app/routes/${file}`]!();
        const request = new Request(`${BASE}${entry.path}`, { headers: { Authorization: `Bearer ${apiToken}` } });
        expect(statusOf(await settle(() => loader!({ request, params, context: { clientIp: "10.78.0.2" } })))).toBe(200);
      });
    }

    if (entry.POST) {
      it(`POST ${entry.path} with a valid body: refused, changing nothing, for those who may not act; not refused for those who may`, async () => {
        const build = ROUTE_BODIES[file];
        expect(build, `add a valid body for ${file} in ${ROUTE_BODIES_FILE}`).toBeDefined();
        const { action } = await files[`../../app/routes/${file}`]!();
        const outcomes: string[] = [];
        const succeeded: string[] = [];
        const tried: string[] = [];
        // Rolled back at the end (the app's transactions nest as savepoints), so every test sees the demo data as seeded.
        const sqlite = connection().sqlite;
        sqlite.exec("BEGIN");
        try {
          for (const persona of Object.keys(PERSONAS) as Persona[]) {
            const cookie = cookies[persona];
            const built = build!();
            const { path, body } = "body" in built ? built : { path: entry.path, body: built };
            const request = new Request(`${BASE}${path}`, {
              method: "POST",
              body,
              // FormData sets its own multipart Content-Type with the boundary.
              headers: { ...(body instanceof URLSearchParams ? { "Content-Type": "application/x-www-form-urlencoded" } : {}), ...(cookie ? { Cookie: cookie } : {}) },
            });
            takeChanges();
            const before = refusals();
            const result = await settle(() => action!({ request, params: paramsFor(file, path), context: { clientIp: "10.78.0.3", requestId: "matrix" } }));
            const status = statusOf(result);
            const changes = takeChanges();
            const allowed = mayUse(entry.POST!, persona);
            if (allowed && status < 400 && !isRedirectToLogin(result)) succeeded.push(persona);
            const errors = result instanceof Response ? "" : JSON.stringify(dataOf<{ errors?: unknown }>(result)?.errors ?? "").slice(0, 300);
            if (allowed) tried.push(`${persona}: ${status} ${errors}`);
            let ok: boolean;
            if (file === "login.tsx" || file === "logout.tsx" || file === "api.v1.$.ts") ok = status < 500 && status !== 403;
            else if (allowed) ok = (status !== 403 || Boolean(entry.recordRule)) && !isRedirectToLogin(result) && status < 500;
            else if (persona === "signed out") ok = isRedirectToLogin(result) && Object.keys(changes).length === 0;
            else ok = status === 403 && refusals() === before + 1 && JSON.stringify(changes) === JSON.stringify({ "audit_log insert": 1 });
            if (!ok) {
              outcomes.push(`${persona}: ${status} (expected ${allowed ? "allowed" : "refused"}; refusals audited ${refusals() - before}; rows written ${JSON.stringify(changes)}) ${errors}`);
            }
          }
        } finally {
          if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
        }
        expect(outcomes, outcomes.join("\n")).toEqual([]);
        if (file !== "api.v1.$.ts" && file !== "logout.tsx") {
          expect(succeeded.length, `no persona who may act succeeded with the body for ${file}: make it valid in ${ROUTE_BODIES_FILE} (${tried.join("; ")})`).toBeGreaterThan(0);
        }
      });
    }
  }
});
