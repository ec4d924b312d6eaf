import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { auditLog, boardPacks } from "../../db/schema";
import { getProgrammeSummary } from "~/models/summary.server";
import { getDashboard } from "~/models/dashboard.server";
import { previousBoardPack } from "~/models/board-pack.server";
import { createDeployment, createIndemnityCover, createOptInReturn, createOrganisation, createService, ensureCapabilities } from "../../seeds/factories";
import { loader as dashboardLoader } from "~/routes/_index";
import { readJsonText } from "~/lib/json-text";
import { action as boardPackAction, loader as boardPackLoader } from "~/routes/board-pack";
import { getRequest, postRequest, settle, signInAs, statusOf, dataOf } from "../helpers/requests";

type LoaderData = Awaited<ReturnType<typeof dashboardLoader>>;
/** The loader's data as the page reads it: its figures come as one JSON text (app/lib/json-text.ts). */
const shown = (data: LoaderData) => ({ ...data, ...readJsonText(data.figures) });
type DashboardData = ReturnType<typeof shown>;
type BoardPackLoaderData = Exclude<Awaited<ReturnType<typeof boardPackLoader>>, Response>;
/** The board pack's data as the page reads it: its figures come as one JSON text. */
const packShown = (data: BoardPackLoaderData) => ({ ...readJsonText(data.pack), reportingDate: data.reportingDate, asAtError: data.asAtError });

const LOCALITY = "Testshire";

/**
 * A small locality of its own, so every locality-filtered figure is exactly this fixture:
 * four practices (one signed up in October), three services with the detailed care record
 * (one live since August, one late since September, one live from 5 October), cover for
 * three practices, and opt-in returns for two practices in September and October.
 */
beforeAll(() => {
  const db = getDb();
  const caps = ensureCapabilities(db);
  const practice = (code: string, signedUpOn: string) =>
    createOrganisation(db, { odsCode: code, name: `Testshire practice ${code}`, type: "gp_practice", locality: LOCALITY, signedUpOn });
  const a = practice("T00001", "2016-01-10");
  const b = practice("T00002", "2016-02-10");
  const c = practice("T00003", "2016-09-15");
  practice("T00004", "2016-10-10");
  const deploy = (orgId: number, name: string, plannedGoLive: string, events: { status: "planned" | "in_progress" | "live"; effectiveOn: string }[]) =>
    createDeployment(db, { serviceId: createService(db, { organisationId: orgId, name }).id, capabilityId: caps.mig_view.id, plannedGoLive, events });
  deploy(a.id, "Testshire A surgery", "2016-08-01", [
    { status: "planned", effectiveOn: "2016-05-01" },
    { status: "live", effectiveOn: "2016-08-01" },
  ]);
  deploy(b.id, "Testshire B surgery", "2016-09-01", [
    { status: "planned", effectiveOn: "2016-05-01" },
    { status: "in_progress", effectiveOn: "2016-06-01" },
  ]);
  deploy(c.id, "Testshire C surgery", "2016-10-05", [
    { status: "planned", effectiveOn: "2016-09-20" },
    { status: "live", effectiveOn: "2016-10-05" },
  ]);
  for (const org of [a, b, c]) createIndemnityCover(db, { organisationId: org.id, startOn: "2016-01-01", endOn: "2017-12-31" });
  createOptInReturn(db, { organisationId: a.id, month: "2016-09", registered: 1000, optedIn: 600, declined: 50 });
  createOptInReturn(db, { organisationId: b.id, month: "2016-09", registered: 1000, optedIn: 500, declined: 50 });
  createOptInReturn(db, { organisationId: a.id, month: "2016-10", registered: 1000, optedIn: 650, declined: 50 });
  createOptInReturn(db, { organisationId: b.id, month: "2016-10", registered: 1000, optedIn: 550, declined: 50 });
});

async function dashboard(path: string, email = "board@example.org") {
  const cookie = await signInAs(email);
  return shown((await dashboardLoader({ request: getRequest(path, cookie), params: {}, context: {} })) as LoaderData);
}

const headline = (data: { headlines: { key: string }[] }, key: string) => data.headlines.find((h) => h.key === key) as DashboardData["headlines"][number];

describe("the programme summary on a small fixture (locality Testshire)", () => {
  it("counts exactly the fixture's figures as at 31 October 2016", () => {
    const s = getProgrammeSummary({ asAt: "2016-10-31", locality: LOCALITY });
    expect(s.practicesTotal).toBe(4);
    expect(s.practicesSignedUp).toBe(4);
    expect(s.servicesLive).toBe(2);
    expect(s.deploymentsLate).toBe(1);
    expect(s.practicesWithActiveIndemnity).toBe(3);
    // (650 + 550) / 2000
    expect(s.optInRate).toBe(60);
    expect(s.optInMonth).toBe("2016-10");
  });

  it("counts them again as they stood at the end of September", () => {
    const s = getProgrammeSummary({ asAt: "2016-09-30", locality: LOCALITY });
    expect(s.practicesSignedUp).toBe(3);
    expect(s.servicesLive).toBe(1);
    expect(s.deploymentsLate).toBe(1);
    // (600 + 500) / 2000
    expect(s.optInRate).toBe(55);
  });
});

describe("the dashboard loader", () => {
  it("shows the fixture's headline figures with status, target and the change since the end of the previous month", async () => {
    const data = await dashboard(`/?asAt=2016-10-31&locality=${LOCALITY}`);
    expect(data.filter).toEqual({ locality: LOCALITY, organisationType: null });
    expect(data.previousAsAt).toBe("2016-09-30");
    expect(headline(data, "practicesSignedUp")).toMatchObject({ value: "4 of 4", rag: "green", change: "+1 since 30 September 2016" });
    expect(headline(data, "servicesLive")).toMatchObject({ value: "2", change: "+1 since 30 September 2016" });
    expect(headline(data, "deploymentsLate")).toMatchObject({ value: "1", rag: "amber", change: "No change since 30 September 2016" });
    expect(headline(data, "optInRate")).toMatchObject({ value: "60%", rag: "green", target: "60% of registered patients", change: "+5 points since 30 September 2016" });
    expect(headline(data, "practicesWithActiveIndemnity")).toMatchObject({ value: "3", rag: "amber" });
    // The charts use the same filter: the last month's point is the headline figure.
    expect(data.charts.servicesLive.at(-1)).toEqual({ month: "2016-10", servicesLive: 2 });
    expect(data.charts.optIn.slice(-2)).toEqual([
      { month: "2016-09", rate: 55 },
      { month: "2016-10", rate: 60 },
    ]);
    // The late deployment is among the locality's exceptions: the page shows the model's list, each
    // with only what its table shows (not its detail, organisation or record).
    const model = getDashboard({ asAt: "2016-10-31", locality: LOCALITY, organisationType: null });
    expect(data.exceptions.map((e) => e.id)).toEqual(model.exceptions.map((e) => e.id));
    expect(Object.keys(data.exceptions[0]!).sort()).toEqual(["acknowledgement", "actionRole", "dueOn", "href", "id", "kind", "severity", "title"]);
    expect(model.exceptions.some((e) => e.kind === "deployment_late" && e.organisation?.odsCode === "T00002")).toBe(true);
    expect(model.exceptions.every((e) => e.organisation === null || e.organisation.locality === LOCALITY)).toBe(true);
  });

  it("recomputes everything as at the date asked for: 32 services live at 31 July 2016, 33 at 31 October", async () => {
    const july = await dashboard("/?asAt=2016-07-31");
    expect(july.asAt).toBe("2016-07-31");
    expect(headline(july, "servicesLive")).toMatchObject({ value: "32", rag: "green" });
    expect(july.charts.servicesLive.at(-1)).toEqual({ month: "2016-07", servicesLive: 32 });
    const october = await dashboard("/?asAt=2016-10-31");
    // The fixture's locality adds 2 to the partnership's 33.
    expect(headline(october, "servicesLive").value).toBe("35");
    expect(getProgrammeSummary({ asAt: "2016-10-31" }).servicesLive - getProgrammeSummary({ asAt: "2016-10-31", locality: LOCALITY }).servicesLive).toBe(33);
  });

  it("defaults to the reporting date and reports a malformed as-at date instead of guessing", async () => {
    const data = await dashboard("/?asAt=31/07/2016");
    expect(data.asAt).toBe(data.reportingDate);
    expect(data.asAtError).toBe("The as-at date must be a real date");
  });

  it("applies the organisation type filter to every figure", async () => {
    const data = await dashboard("/?organisationType=community_provider");
    expect(headline(data, "practicesSignedUp").value).toBe("0 of 0");
    expect(headline(data, "practicesSignedUp").rag).toBe("none");
    const model = getDashboard({ asAt: data.asAt, locality: null, organisationType: "community_provider" });
    expect(data.exceptions.map((e) => e.id)).toEqual(model.exceptions.map((e) => e.id));
    expect(model.exceptions.every((e) => e.organisation === null || e.organisation.type === "community_provider")).toBe(true);
    const unknown = await dashboard("/?organisationType=castle");
    expect(unknown.filter.organisationType).toBeNull();
  });

  it("shows every signed-in role the dashboard, and the practitioner a link to their cases instead of the board pack", async () => {
    const practitioner = await dashboard("/", "practitioner@example.org");
    expect(practitioner.headlines).toHaveLength(8);
    expect(practitioner.canSeeBoardPack).toBe(false);
    expect(practitioner.isPractitioner).toBe(true);
    const board = await dashboard("/", "board@example.org");
    expect(board.canSeeBoardPack).toBe(true);
  });

  it("lists at most 8 exceptions, most severe first, and counts them all", () => {
    const all = getDashboard({ asAt: "2016-10-31", exceptionLimit: 1000 });
    const top = getDashboard({ asAt: "2016-10-31" });
    expect(top.exceptions).toHaveLength(8);
    expect(top.exceptionsTotal).toBe(all.exceptions.length);
    expect(top.exceptions).toEqual(all.exceptions.slice(0, 8));
    const rank = { high: 0, medium: 1, low: 2 };
    const ranks = top.exceptions.map((e) => rank[e.severity]);
    expect(ranks).toEqual([...ranks].sort());
  });
});

describe("the board pack", () => {
  async function pack(asAt: string, email = "board@example.org") {
    const cookie = await signInAs(email);
    return packShown((await boardPackLoader({ request: getRequest(`/board-pack?asAt=${asAt}`, cookie), params: {}, context: {} })) as BoardPackLoaderData);
  }
  async function record(asAt: string, email = "programme@example.org") {
    const cookie = await signInAs(email);
    return settle(() => boardPackAction({ request: postRequest("/board-pack", { asAt }, cookie), params: {}, context: {} }));
  }

  it("with no pack recorded, reports the month before: decisions with rationale and meeting, agreements and roll-out changes in it", async () => {
    const data = await pack("2016-10-31");
    expect(data.period).toEqual({ from: "2016-09-30", recorded: false });
    expect(data.headlines).toHaveLength(8);
    const decision = data.decisions.find((d) => d.reference === "BC-2016-002");
    expect(decision).toMatchObject({ decision: "approved" });
    expect(decision?.rationale).toBeTruthy();
    expect(decision?.meetingReference).toBeTruthy();
    expect(data.decisions.every((d) => d.at.slice(0, 10) > "2016-09-30" && d.at.slice(0, 10) <= "2016-10-31")).toBe(true);
    // Testshire C went live on 5 October, in the period.
    expect(data.rolloutChanges.rows.some((c) => c.serviceName === "Testshire C surgery" && c.status === "live" && c.effectiveOn === "2016-10-05")).toBe(true);
    expect(data.rolloutChanges.rows.every((c) => c.effectiveOn > "2016-09-30" && c.effectiveOn <= "2016-10-31")).toBe(true);
    expect(data.agreementsSigned.rows.every((a) => a.activatedOn! > "2016-09-30" && a.activatedOn! <= "2016-10-31")).toBe(true);
    expect(data.exceptions.total).toBeGreaterThan(8);
    expect(data.exceptions.mostSevere.map((e) => e.severity)).toEqual([...data.exceptions.mostSevere.map((e) => e.severity)].sort((a, b) => ["high", "medium", "low"].indexOf(a) - ["high", "medium", "low"].indexOf(b)));
    expect(data.exceptions.byKind.reduce((n, k) => n + k.total, 0)).toBe(data.exceptions.total);
  });

  it("records a pack as issued (audited), and the next pack's period starts at its date", async () => {
    const result = (await record("2016-10-15")) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/board-pack?asAt=2016-10-15");
    const row = getDb().select().from(boardPacks).where(eq(boardPacks.asAt, "2016-10-15")).get();
    expect(row?.issuedBy).toBeTruthy();
    const audited = getDb().select().from(auditLog).where(and(eq(auditLog.action, "board_pack.issued"), eq(auditLog.entityId, String(row!.id)))).all();
    expect(audited).toHaveLength(1);

    expect(previousBoardPack({ asAt: "2016-10-31" })).toEqual({ since: "2016-10-15", recorded: true });
    const next = await pack("2016-10-31");
    expect(next.period).toEqual({ from: "2016-10-15", recorded: true });
    // BC-2016-002 was approved on 11 October, before the recorded pack: not repeated.
    expect(next.decisions.some((d) => d.reference === "BC-2016-002")).toBe(false);
    expect((await pack("2016-10-15")).issued?.issuedBy).toBeTruthy();
    // A pack dated on or before the recorded one still looks back a month.
    expect(previousBoardPack({ asAt: "2016-10-15" })).toEqual({ since: "2016-09-15", recorded: false });
  });

  it("refuses to record the same date twice (409) and a malformed date (400)", async () => {
    const again = await record("2016-10-15", "board@example.org");
    expect(statusOf(again)).toBe(409);
    expect(dataOf<{ errors: Record<string, string> }>(again).errors._form).toContain("already");
    const bad = await record("15 October", "board@example.org");
    expect(statusOf(bad)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(bad).errors.asAt).toBe("The board pack's date must be a real date");
  });

  for (const email of ["admin@example.org", "ig@example.org", "ccg@example.org", "practitioner@example.org"]) {
    it(`refuses ${email} the board pack and recording it (403, audited)`, async () => {
      const cookie = await signInAs(email);
      const read = await settle(() => boardPackLoader({ request: getRequest("/board-pack", cookie), params: {}, context: {} }));
      expect(statusOf(read)).toBe(403);
      const write = await settle(() => boardPackAction({ request: postRequest("/board-pack", { asAt: "2016-08-31" }, cookie), params: {}, context: {} }));
      expect(statusOf(write)).toBe(403);
      expect(getDb().select().from(boardPacks).where(eq(boardPacks.asAt, "2016-08-31")).all()).toHaveLength(0);
      const refusals = getDb().select().from(auditLog).where(and(eq(auditLog.action, "access.refused"), eq(auditLog.entityId, "/board-pack"))).all();
      expect(refusals.length).toBeGreaterThanOrEqual(2);
    });
  }
});
