// Issue 10, findings 1, 2 and 7: importing organisations keeps history, a dormant practice stays
// dormant, the preview says what happens to every line, and as-at dates are bounded.
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { SYSTEM_ACTOR } from "~/lib/audit.server";
import { organisations, users } from "../../db/schema";
import { getProgrammeSummary } from "~/models/summary.server";
import { countPracticesWithActiveCover } from "~/models/indemnity.server";
import { listOrganisations } from "~/models/organisations.server";
import { createApiToken } from "~/models/api-tokens.server";
import { action as importOrganisations } from "~/routes/organisations.import";
import { loader as indemnityLoader } from "~/routes/indemnity._index";
import { readJsonText, type JsonText } from "~/lib/json-text";
import { loader as dashboardLoader } from "~/routes/_index";
import { loader as rolloutLoader } from "~/routes/rollout._index";
import { loader as boardPackLoader } from "~/routes/board-pack";
import { loader as organisationsLoader } from "~/routes/organisations._index";
import { loader as maturityLoader } from "~/routes/maturity._index";
import { loader as exceptionsLoader } from "~/routes/exceptions._index";
import { loader as rolloutCsvLoader } from "~/routes/rollout[.]csv";
import { loader as summaryApi } from "~/routes/api.v1.summary";
import { loader as organisationsApi } from "~/routes/api.v1.organisations";
import { loader as indemnityApi } from "~/routes/api.v1.indemnity";
import { BASE, dataOf, getRequest, postRequest, settle, signInAs, statusOf } from "../helpers/requests";
import { epraccurLine } from "../helpers/epraccur";
import type { ImportSummary } from "~/models/organisation-import.server";

type Preview = { preview?: ImportSummary; stageId?: string; errors?: Record<string, string> };

const csv = (rows: string[][]) => rows.map((r) => r.map((c) => `"${c}"`).join(",")).join("\r\n") + "\r\n";

async function preview(cookie: string, rows: string[][], fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set("intent", "preview");
  form.set("commissionerCode", "02H");
  form.set("includeClosed", "yes");
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set("file", new File([csv(rows)], "epraccur.csv", { type: "text/csv" }));
  const request = new Request(`${BASE}/organisations/import`, { method: "POST", body: form, headers: { Cookie: cookie } });
  const result = await settle(() => importOrganisations({ request, params: {}, context: {} }));
  return { status: statusOf(result), body: dataOf<Preview>(result) };
}

async function confirm(cookie: string, stageId: string) {
  const result = await settle(() => importOrganisations({ request: postRequest("/organisations/import", { intent: "confirm", stageId }, cookie), params: {}, context: {} }));
  expect(statusOf(result)).toBe(302);
}

const figures = (asAt: string) => {
  const s = getProgrammeSummary({ asAt });
  return { practicesTotal: s.practicesTotal, practicesSignedUp: s.practicesSignedUp, servicesLive: s.servicesLive, practicesWithActiveIndemnity: s.practicesWithActiveIndemnity };
};

describe("finding 1: importing new practices does not rewrite history", () => {
  it("keeps 63 of 63 as at 31 July 2016, 44 of 63 as at 30 June 2015, and the indemnity register at 63 of 63", async () => {
    const cookie = await signInAs("programme@example.org");
    const before = { july2016: figures("2016-07-31"), june2015: figures("2015-06-30") };
    expect(before.july2016).toMatchObject({ practicesTotal: 63, practicesSignedUp: 63, servicesLive: 32 });
    expect(before.june2015).toMatchObject({ practicesTotal: 63, practicesSignedUp: 44 });

    const newPractices = ["Y81001", "Y81002", "Y81003", "Y81004"].map((code, i) => epraccurLine({ 1: code, 2: `NEW PRACTICE ${i + 1}`, 11: "19900401" }));
    const { status, body } = await preview(cookie, newPractices);
    expect(status).toBe(200);
    expect(body.preview).toMatchObject({ added: 4, updated: 0, effectiveOn: "2016-10-31" });
    await confirm(cookie, body.stageId!);

    expect(figures("2016-07-31")).toEqual(before.july2016);
    expect(figures("2015-06-30")).toEqual(before.june2015);
    const indemnity = (await indemnityLoader({ request: getRequest("/indemnity?asAt=2016-07-31", await signInAs("ccg@example.org")), params: {}, context: {} })) as { register: JsonText<{ practices: { covered: number; total: number } }> };
    expect(readJsonText(indemnity.register).practices).toEqual({ covered: 63, total: 63 });
    // From the date the file takes effect, the four are members (active, without cover yet).
    const reporting = getProgrammeSummary({ asAt: "2016-10-31" });
    expect(reporting.practicesTotal).toBe(67);
    expect(reporting.practicesSignedUp).toBe(67);
    expect(countPracticesWithActiveCover({ asAt: "2016-10-31" }).total).toBe(67);
    // The organisations list as at an earlier date does not list them.
    expect(listOrganisations({ asAt: "2016-07-31", q: "Y8100" }).total).toBe(0);
    expect(listOrganisations({ asAt: "2016-10-31", q: "Y8100" }).rows.map((r) => [r.odsCode, r.status, r.signedUpOn])).toContainEqual(["Y81001", "active", "2016-10-31"]);
  });

  it("answers 63 practices and 32 services live from /api/v1/summary as at 31 July 2016, and lists no later organisation for that date", async () => {
    const admin = getDb().select().from(users).where(eq(users.email, "admin@example.org")).get()!;
    const { token } = createApiToken({ actor: { ...SYSTEM_ACTOR, userId: admin.id }, name: "facts over time", expiresOn: null });
    const call = async (loader: (a: LoaderFunctionArgs) => Promise<Response>, path: string) => {
      const response = await loader({ request: new Request(`${BASE}${path}`, { headers: { Authorization: `Bearer ${token}` } }), params: {}, context: {} });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const summary = await call(summaryApi, "/api/v1/summary?asAt=2016-07-31");
    expect(summary.body).toMatchObject({ practicesTotal: 63, practicesSignedUp: 63, servicesLive: 32, practicesWithActiveIndemnity: 63 });
    const listed = await call(organisationsApi, "/api/v1/organisations?asAt=2016-07-31&q=Y8100");
    expect(listed.body).toMatchObject({ total: 0 });
  });
});

describe("finding 2: the preview lists every line's outcome, and a dormant practice is imported as dormant", () => {
  it("shows new, updated (old → new), skipped and rejected lines, then records dormant and closed practices with their dates", async () => {
    const cookie = await signInAs("programme@example.org");
    const p2 = getDb().select().from(organisations).where(eq(organisations.odsCode, "P92002")).get()!;
    const rows = [
      epraccurLine({ 1: "Y82001", 2: "SLEEPY PRACTICE", 13: "D" }), // new, dormant
      epraccurLine({ 1: "P92002", 2: "FROG LANE MEDICAL CENTRE", 10: p2.postcode!, 11: p2.openedOn!.replace(/-/g, ""), 13: "D" }), // existing: renamed and dormant
      epraccurLine({ 1: "P92003", 2: "WALLGATE FAMILY PRACTICE", 11: "19740401", 12: "20160930", 13: "C" }), // existing: closed on 30 September 2016
      epraccurLine({ 1: "Y82002", 2: "ELSEWHERE", 15: "01G" }), // skipped: other commissioner
      epraccurLine({ 1: "Y82003", 2: "BAD DATE", 11: "2015" }), // rejected
    ];
    const before = { july: figures("2016-07-31"), sept29: figures("2016-09-29") };
    const { status, body } = await preview(cookie, rows, { effectiveOn: "2016-10-01" });
    expect(status).toBe(200);
    const outcomes = body.preview!.rows;
    expect(outcomes.map((r) => [r.line, r.outcome, r.odsCode])).toEqual([
      [1, "new", "Y82001"],
      [2, "updated", "P92002"],
      [3, "updated", "P92003"],
      [4, "skipped", "Y82002"],
      [5, "rejected", "Y82003"],
    ]);
    expect(outcomes[0]).toMatchObject({ status: "dormant", facts: ["dormant from 1 October 2016: not counted as active", "joins the partnership on 1 October 2016"] });
    expect(outcomes[1]).toMatchObject({
      changes: expect.arrayContaining([
        { field: "name", label: "Name", from: "Frog Lane Medical Centre", to: "FROG LANE MEDICAL CENTRE" },
        { field: "status", label: "Status", from: "active", to: "dormant" },
      ]),
      // The new spelling is a dated name too: figures before 1 October 2016 keep the old one.
      facts: ["dormant from 1 October 2016: not counted as active", "known as FROG LANE MEDICAL CENTRE from 1 October 2016 (the old name stays on figures before then)"],
    });
    expect(outcomes[2]).toMatchObject({
      changes: expect.arrayContaining([{ field: "closedOn", label: "Closed", from: "(none)", to: "2016-09-30" }]),
      facts: ["closed from 30 September 2016", "leaves the partnership on 30 September 2016", "known as WALLGATE FAMILY PRACTICE from 1 October 2016 (the old name stays on figures before then)"],
    });
    expect(outcomes[3]).toMatchObject({ reason: "commissioner is not 02H" });
    expect(outcomes[4]).toMatchObject({ reason: 'open date "2015" is not a date as YYYYMMDD (column 11)' });

    await confirm(cookie, body.stageId!);
    expect(getDb().select({ status: organisations.status }).from(organisations).where(eq(organisations.odsCode, "Y82001")).get()).toEqual({ status: "dormant" });
    // Nothing before the facts moves; from their dates, the closed and dormant practices are not counted.
    expect(figures("2016-07-31")).toEqual(before.july);
    expect(figures("2016-09-29")).toEqual(before.sept29);
    expect(figures("2016-09-30")).toMatchObject({ practicesTotal: 62, practicesSignedUp: 62 });
    expect(figures("2016-10-01")).toMatchObject({ practicesTotal: 61, practicesSignedUp: 61 });
  });

  it("refuses an effective date after the reporting date or before 2000 at the field", async () => {
    const cookie = await signInAs("programme@example.org");
    for (const effectiveOn of ["2016-11-01", "1999-12-31"]) {
      const { status, body } = await preview(cookie, [epraccurLine({ 1: "Y83001" })], { effectiveOn });
      expect(status).toBe(400);
      expect(body.errors?.effectiveOn).toMatch(/enter a date from 1 January 2000 to 31 October 2016/);
    }
  });
});

describe("finding 7: as-at dates outside 2000-01-01 to the reporting date", () => {
  const pages: [string, (a: LoaderFunctionArgs) => unknown][] = [
    ["/rollout?asAt=3000-01-01", rolloutLoader],
    ["/?asAt=9999-12-31", dashboardLoader],
    ["/board-pack?asAt=9999-12-31", boardPackLoader],
    ["/organisations?asAt=1999-12-31", organisationsLoader],
    ["/indemnity?asAt=2016-11-01", indemnityLoader],
    ["/maturity?asAt=3000-01-01", maturityLoader],
    ["/exceptions?asAt=3000-01-01", exceptionsLoader],
    ["/rollout.csv?asAt=3000-01-01", rolloutCsvLoader],
  ];

  it("answers each page with 400 and the message for the date field, in milliseconds", async () => {
    const board = await signInAs("board@example.org");
    const ccg = await signInAs("ccg@example.org");
    for (const [path, loader] of pages) {
      const cookie = path.startsWith("/indemnity") ? ccg : board;
      const started = performance.now();
      const thrown = await settle(() => loader({ request: getRequest(path, cookie), params: {}, context: {} }));
      const elapsed = performance.now() - started;
      expect(thrown, path).toBeInstanceOf(Response);
      const response = thrown as Response;
      expect(response.status, path).toBe(400);
      const body = (await response.json()) as { asAtError: string };
      expect(body.asAtError, path).toMatch(/^The date must be on or (before the reporting date|after 1 January 2000): enter a date from 1 January 2000 to 31 October 2016/);
      expect(elapsed, path).toBeLessThan(500);
    }
  });

  it("still answers the first and the last date of the range", async () => {
    const cookie = await signInAs("board@example.org");
    for (const path of ["/rollout?asAt=2000-01-01", "/rollout?asAt=2016-10-31"]) {
      expect(statusOf(await settle(() => rolloutLoader({ request: getRequest(path, cookie), params: {}, context: {} }))), path).toBe(200);
    }
  });

  it("answers the API with 400 problem+json naming the asAt parameter", async () => {
    const admin = getDb().select().from(users).where(eq(users.email, "admin@example.org")).get()!;
    const { token } = createApiToken({ actor: { ...SYSTEM_ACTOR, userId: admin.id }, name: "bounds", expiresOn: null });
    for (const [loader, path] of [
      [summaryApi, "/api/v1/summary?asAt=3000-01-01"],
      [summaryApi, "/api/v1/summary?asAt=1999-12-31"],
      [indemnityApi, "/api/v1/indemnity?asAt=9999-12-31"],
    ] as const) {
      const started = performance.now();
      const response = await loader({ request: new Request(`${BASE}${path}`, { headers: { Authorization: `Bearer ${token}` } }), params: {}, context: {} });
      expect(performance.now() - started, path).toBeLessThan(500);
      expect(response.status, path).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const body = (await response.json()) as { errors: { parameter: string; problem: string }[] };
      expect(body.errors[0]).toMatchObject({ parameter: "asAt", problem: expect.stringMatching(/enter a date from 1 January 2000 to 31 October 2016/) });
    }
  });
});
