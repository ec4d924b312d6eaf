import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { verifyAuditChain } from "~/lib/audit.server";
import type { DbOrTx } from "~/lib/db.server";
import { ROUTE_ACCESS, type Access } from "~/lib/route-access";
import { signInOverHttp, startProductionServer, type TestServer } from "../helpers/own-server";
import { seededRandom } from "../helpers/seeded-random";

// Fuzzing the production server: at least 2,000 malformed requests spread over every route in the
// registry (so every action and every page's query parameters): bad content types, broken
// multipart, huge and control-character strings, impossible dates, repeated parameters, methods
// pages do not take, oversized bodies, mangled route parameters. Every answer must be below 500,
// the server must stay healthy, and the database and audit chain must be intact afterwards.
// Deterministic (a seeded generator), so a failure can be replayed.

const TOTAL = 2050;
const CONCURRENCY = 6;

const QUERY_NAMES = ["asAt", "page", "pageSize", "sort", "desc", "q", "status", "type", "locality", "organisationType", "capability", "late", "framework", "organisation", "version", "expiringWithin", "review", "purpose", "party", "scope", "state", "sponsor", "serviceId", "redirectTo", "month"];
const FIELD_NAMES = [
  "email", "password", "redirectTo", "intent", "action", "version", "note", "rationale", "meetingDate", "meetingReference", "igRecommendation", "interestDeclared", "body", "commentId",
  "title", "summary", "name", "odsCode", "type", "locality", "listSize", "signedUpOn", "dsptStatus", "dsptYear", "status", "effectiveOn", "plannedGoLive", "owner", "notes", "views", "month",
  "serviceId", "capabilityId", "endorsedOn", "minuteReference", "startOn", "endOn", "scope", "documentReference", "signedBy", "userId", "tokenId", "expiresOn", "organisation", "framework",
  "assessedOn", "assessor", "stageId", "asAt", "reference", "purpose", "article6Basis", "article9Condition", "reviewIntervalMonths", "parties[0].organisationId", "declineReason",
  "signatoryName", "signatoryRole", "signedOn", "authorityDeclared", "reporting_date", "opt_in_target_percent", "partnership_name", "coAuthorEmails", "residualRisk", "completedOn",
];
const VALUES = [
  "", " ", "\u0000", "a\r\nb", "\u3000", "\u202e", "\t", "2016-02-30", "2016-13-01", "0000-00-00", "9999-12-31", "2016-7-1", "31/07/2016", "-1", "0", "1e309", "NaN", "Infinity",
  "1.5", "99999999999999999999", "__proto__", "constructor", "' OR 1=1--", "\"; DROP TABLE users; --", "<script>alert(1)</script>", "%", "%zz", "../../etc/passwd", "😀", "\ud800",
  "null", "true", "[]", "{}", "x".repeat(5000), "=cmd|' /C calc'!A0", "/\t/evil.example", "//evil.example", "2016-07", "P92001", "ISA-001", "BC-2016-009", "live", "approve",
];
const HUGE = "y".repeat(200_000);
const BAD_TYPES = ["application/json", "text/plain", "application/xml", "", "multipart/form-data", "multipart/form-data; boundary=", "application/x-www-form-urlencoded; charset=ebcdic", "image/png"];
const PERSONAS = { admin: "admin@example.org", board: "board@example.org", programme: "programme@example.org", ig_lead: "ig@example.org", ccg: "ccg@example.org", practitioner: "practitioner@example.org" } as const;

/** A lone surrogate cannot be percent-encoded as UTF-8: send its raw (invalid) bytes instead. */
function safeEncode(value: string) {
  try {
    return encodeURIComponent(value);
  } catch {
    return "%ED%A0%80";
  }
}

type Planned = { label: string; method: string; path: string; headers: Record<string, string>; body?: string | FormData | Uint8Array; oversized?: boolean };

let server: TestServer;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  server = await startProductionServer();
  for (const [role, email] of Object.entries(PERSONAS)) cookies[role] = await signInOverHttp(server.baseURL, email);
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

function personaFor(access: Access | undefined, rnd: () => number) {
  if (!access || access === "public" || access === "token") return rnd() < 0.5 ? undefined : "programme";
  if (access === "signed-in") return Object.keys(PERSONAS)[Math.floor(rnd() * 6)]!;
  return access[Math.floor(rnd() * access.length)]!;
}

function plan(): Planned[] {
  const rnd = seededRandom(12);
  const pick = <T,>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const entries = Object.entries(ROUTE_ACCESS).filter(([file]) => file !== "logout.tsx");
  const requests: Planned[] = [];
  for (let i = 0; requests.length < TOTAL; i++) {
    const [file, entry] = entries[i % entries.length]!;
    const kind = Math.floor(rnd() * 10);
    // Two in three requests carry a malformed body (to routes without an action too); the rest fuzz
    // the query, a third of those signed out (the sign-in redirect carries the fuzzed query along).
    const post = kind >= 3 || !entry.GET;
    const persona = post ? personaFor(entry.POST ?? entry.GET, rnd) : rnd() < 0.3 ? undefined : personaFor(entry.GET, rnd);
    const headers: Record<string, string> = persona ? { Cookie: cookies[persona]! } : {};
    if (file.startsWith("api.v1") && entry.GET === "token") headers.Authorization = pick(["Bearer x", "Bearer " + "z".repeat(3000), "Basic YTpi", "Bearer \u00ff"]).replace(/[^\x20-\xff]/g, "?");
    let path = entry.path;
    if (rnd() < 0.08) path = path.replace(/\/(ISA-\d+|BC-\d+-\d+|P92001|02H|\d+)(?=\/|$)/, () => `/${safeEncode(pick(VALUES)).slice(0, 300) || "%00"}`);
    if (rnd() < 0.03) path += pick(["/%ZZ", "/%00", "/..%2F..%2F", "/\u00e9".replace("\u00e9", "%C3%A9"), ".data", "?index&_data=root"]);

    if (!post) {
      const params = new URLSearchParams();
      const n = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < n; k++) {
        const name = pick(QUERY_NAMES);
        params.append(name, pick(VALUES).slice(0, 2000));
        if (rnd() < 0.2) params.append(name, pick(VALUES).slice(0, 100));
      }
      const method = kind === 2 && rnd() < 0.5 ? pick(["DELETE", "PUT", "PATCH", "OPTIONS"]) : rnd() < 0.1 ? "HEAD" : "GET";
      requests.push({ label: `${method} query`, method, path: `${path}${path.includes("?") ? "&" : "?"}${params}`, headers });
      continue;
    }
    const fields = new URLSearchParams();
    const n = 1 + Math.floor(rnd() * 8);
    for (let k = 0; k < n; k++) {
      const name = pick(FIELD_NAMES);
      fields.append(name, rnd() < 0.02 ? HUGE : pick(VALUES));
      if (rnd() < 0.2) fields.append(name, pick(VALUES));
    }
    if (kind === 3) {
      const type = pick(BAD_TYPES);
      requests.push({ label: `POST content type ${JSON.stringify(type)}`, method: "POST", path, headers: { ...headers, ...(type ? { "Content-Type": type } : {}) }, body: rnd() < 0.5 ? JSON.stringify(Object.fromEntries(fields)) : fields.toString() });
    } else if (kind === 4) {
      const boundary = "fuzz" + Math.floor(rnd() * 1e6);
      const broken = pick([`--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx`, `--${boundary}\r\n\r\n--${boundary}--`, `garbage`, `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n\u0000\u0001\u0002\r\n--${boundary}`, ""]);
      requests.push({ label: "POST broken multipart", method: "POST", path, headers: { ...headers, "Content-Type": `multipart/form-data; boundary=${boundary}` }, body: broken });
    } else if (kind === 5) {
      const form = new FormData();
      for (const [k, v] of fields) form.append(k, v);
      form.append(pick(["file", "upload", "csv"]), new Blob([pick(["", "\u0000\u0001", "ods_code,name\nP92001,\"unterminated", "a,b,c\n".repeat(1000), HUGE])], { type: pick(["text/csv", "application/octet-stream"]) }), pick(["a.csv", "", "../../x.csv", "\u0000.csv"]));
      requests.push({ label: "POST multipart with a file", method: "POST", path, headers, body: form });
    } else if (kind === 6 && rnd() < 0.15) {
      requests.push({ label: "POST oversized form", method: "POST", path, headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" }, body: new Uint8Array(entry.upload ? 21 * 1024 * 1024 : 1024 * 1024 + 10).fill(97), oversized: true });
    } else {
      requests.push({ label: "POST form", method: "POST", path, headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" }, body: fields.toString() });
    }
  }
  return requests;
}

describe("fuzzing every route of the production server", () => {
  it(`answers ${TOTAL} malformed requests with no 5xx, stays healthy, and leaves the database and audit chain intact`, { timeout: 150_000 }, async () => {
    const requests = plan();
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        try {
          const res = await fetch(`${server.baseURL}${r.path}`, { method: r.method, headers: r.headers, body: r.body as BodyInit | undefined, redirect: "manual", signal: AbortSignal.timeout(30_000) });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) failures.push(`${res.status} ${r.label}: ${r.method} ${r.path.slice(0, 200)} ${typeof r.body === "string" ? r.body.slice(0, 300) : ""}`);
        } catch (error) {
          // An oversized body may be cut off once its 413 is sent; anything else is a failure.
          if (!r.oversized) failures.push(`network error ${(error as Error).message} ${r.label}: ${r.method} ${r.path.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(requests.length).toBeGreaterThanOrEqual(2000);
    expect(failures.slice(0, 25), `${failures.length} requests failed; statuses ${JSON.stringify([...statuses])}`).toEqual([]);

    expect((await fetch(`${server.baseURL}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.baseURL}/`, { headers: { Cookie: cookies.board! } })).status).toBe(200);
    const sqlite = new Database(server.databasePath, { readonly: true });
    try {
      expect(sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(verifyAuditChain(drizzle(sqlite, { schema }) as unknown as DbOrTx)).toMatchObject({ ok: true });
    } finally {
      sqlite.close();
    }
  });
});
