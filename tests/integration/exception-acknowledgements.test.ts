import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { parse } from "csv-parse/sync";
import { getDb } from "~/lib/db.server";
import { SYSTEM_ACTOR } from "~/lib/audit.server";
import { auditLog, exceptionAcknowledgements, users } from "../../db/schema";
import { getUserWithRoles, type SignedInUser } from "~/models/users.server";
import { createApiToken } from "~/models/api-tokens.server";
import { listExceptions } from "~/models/exceptions.server";
import type { ProgrammeException } from "~/models/exceptions.schema";
import { listExceptionsWithAcknowledgements } from "~/models/exception-acknowledgements.server";
import { groupLowSeverity, LOW_SEVERITY_GROUP_ABOVE } from "~/models/exception-acknowledgements.schema";
import { taskCountFor, taskCountForHeader, tasksFor } from "~/models/tasks.server";
import { getBoardPack } from "~/models/board-pack.server";
import { loader as ackLoader, action as ackAction } from "~/routes/exceptions.$exceptionKey.acknowledge";
import { loader as exceptionsLoader } from "~/routes/exceptions._index";
import { loader as exceptionsCsvLoader } from "~/routes/exceptions[.]csv";
import { loader as apiExceptionsLoader } from "~/routes/api.v1.exceptions";
import { loader as organisationLoader } from "~/routes/organisations.$odsCode/route";
import { getDashboard } from "~/models/dashboard.server";
import { BASE, dataOf, getRequest, postRequest, settle, signInAs, statusOf, tableRows } from "../helpers/requests";

// The demo's reporting date: acknowledgements are dated on it.
const TODAY = "2016-10-31";
const db = () => getDb();
const user = (email: string): SignedInUser => getUserWithRoles({ userId: db().select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id })!;
const cookies: Record<string, string> = {};
const context = { clientIp: "10.9.0.9", requestId: "ack-test" };
const path = (key: string) => `/exceptions/${encodeURIComponent(key)}/acknowledge`;
const refusals = () => db().select().from(auditLog).where(eq(auditLog.action, "access.refused")).all().length;

async function acknowledge(email: string, key: string, fields: Record<string, string>) {
  return settle(() => ackAction({ request: postRequest(path(key), fields, cookies[email]), params: { exceptionKey: key }, context }));
}
async function open(email: string, key: string) {
  return settle(() => ackLoader({ request: getRequest(`${path(key)}?returnTo=%2Ftasks`, cookies[email]), params: { exceptionKey: key }, context }));
}
const programmeItems = (asAt = TODAY) => tasksFor({ user: user("programme@example.org"), asAt }).find((g) => g.id === "exceptions-programme")!.items;
const lateKey = () => listExceptions({ asAt: TODAY, kind: "deployment_late" })[0]!.id;

beforeAll(async () => {
  let i = 0;
  for (const email of ["programme@example.org", "ccg@example.org", "ig@example.org", "ig.gp@example.org", "board@example.org", "practitioner@example.org"]) {
    cookies[email] = await signInAs(email, undefined, `10.9.1.${++i}`);
  }
});

describe("grouping low-severity exceptions of one kind", () => {
  const make = (kind: ProgrammeException["kind"], severity: ProgrammeException["severity"], n: number) =>
    Array.from({ length: n }, (_, i): ProgrammeException => ({ id: `${kind}:${severity}:${i}`, kind, severity, title: `t${i}`, detail: "", organisation: null, record: null, href: "/", actionRole: "programme", dueOn: null }));

  it(`keeps ${LOW_SEVERITY_GROUP_ABOVE} of a kind as they are and makes ${LOW_SEVERITY_GROUP_ABOVE + 1} one line where the first was; never groups medium or high`, () => {
    const list = [...make("deployment_late", "medium", 5), ...make("agreement_review_due", "low", 3), ...make("opt_in_below_target", "low", 4)];
    const lines = groupLowSeverity(list);
    expect(lines.map((l) => l.type)).toEqual([...Array(5).fill("exception"), ...Array(3).fill("exception"), "group"]);
    expect(lines.at(-1)).toMatchObject({ type: "group", kind: "opt_in_below_target", count: 4, acknowledged: 0, title: "4 practices below the opt-in target", href: "/exceptions?kind=opt_in_below_target&severity=low" });
  });

  it("gives the programme team one line for the 20 practices below the opt-in target, linking to exactly those on /exceptions", async () => {
    const below = listExceptions({ asAt: TODAY, kind: "opt_in_below_target", severity: "low" });
    expect(below.length).toBeGreaterThan(LOW_SEVERITY_GROUP_ABOVE);
    const items = programmeItems();
    expect(items.filter((i) => i.id.startsWith("opt_in_below_target:"))).toEqual([]);
    const line = items.find((i) => i.id === "group:opt_in_below_target:low")!;
    expect(line.title).toBe(`${below.length} practices below the opt-in target`);
    expect(line.href).toBe("/exceptions?kind=opt_in_below_target&severity=low");
    const page = dataOf<{ total: number; rows: { kind: string; severity: string }[] }>(await exceptionsLoader({ request: getRequest(line.href, cookies["programme@example.org"]), params: {}, context }));
    expect(page.total).toBe(below.length);
    expect(tableRows<{ kind: string; severity: string }>(page).every((r) => r.kind === "opt_in_below_target" && r.severity === "low")).toBe(true);
    // The grouped line is one task: the count is the lines on the page.
    expect(taskCountFor({ user: user("programme@example.org"), asAt: TODAY })).toBe(items.length);
  });

  it("groups them in the board pack too, and lists the rest one by one", () => {
    const pack = getBoardPack({ asAt: TODAY });
    const groups = pack.exceptions.lines.rows.filter((l) => l.type === "group");
    expect(groups.map((g) => g.kind)).toEqual(["opt_in_below_target"]);
    expect(pack.exceptions.lines.total).toBe(pack.exceptions.total - groups[0]!.count + 1);
  });
});

describe("who may acknowledge", () => {
  it("refuses (403, audited) a role that should not act on the exception, on the page and on the form", async () => {
    const key = lateKey();
    for (const email of ["ccg@example.org", "board@example.org", "ig@example.org"]) {
      const before = refusals();
      expect(statusOf(await open(email, key)), email).toBe(403);
      expect(statusOf(await acknowledge(email, key, { reason: "Not mine", reviewBy: "2016-12-31" })), email).toBe(403);
      expect(refusals()).toBe(before + 2);
    }
    const before = refusals();
    expect(statusOf(await open("practitioner@example.org", key))).toBe(403);
    expect(refusals()).toBe(before + 1);
    expect(db().select().from(exceptionAcknowledgements).where(eq(exceptionAcknowledgements.exceptionKey, key)).all()).toEqual([]);
  });

  it("lets the role that should act open it (the CCG its cover, the board its priorities, an IG lead its own organisation's), and the programme team any", async () => {
    const cover = listExceptions({ asAt: TODAY, kind: "cover_expiring" })[0]!.id;
    const priority = listExceptions({ asAt: TODAY, kind: "priority_endorsement_due" })[0]!.id;
    const noAgreement = listExceptions({ asAt: TODAY, kind: "sharing_without_agreement" })[0]!.id;
    expect(statusOf(await open("ccg@example.org", cover))).toBe(200);
    expect(statusOf(await open("board@example.org", priority))).toBe(200);
    expect(statusOf(await open("ig@example.org", noAgreement))).toBe(200);
    // The frailty unit is the acute trust's: the GP practice's IG lead may not acknowledge it.
    expect(statusOf(await open("ig.gp@example.org", noAgreement))).toBe(403);
    for (const key of [cover, priority, noAgreement, lateKey()]) expect(statusOf(await open("programme@example.org", key)), key).toBe(200);
  });

  it("answers 404 for a key the engine does not produce on the reporting date", async () => {
    expect(statusOf(await open("programme@example.org", "deployment_late:999999"))).toBe(404);
  });
});

describe("acknowledging", () => {
  it("needs a reason and a review date after today and at most six months on", async () => {
    const key = lateKey();
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ reason: "", reviewBy: "2016-12-31" }, "reason", /why this exception can wait/],
      [{ reason: "Waiting for the supplier", reviewBy: "" }, "reviewBy", /Enter the date/],
      [{ reason: "Waiting for the supplier", reviewBy: "31/12/2016" }, "reviewBy", /real date/],
      [{ reason: "Waiting for the supplier", reviewBy: TODAY }, "reviewBy", /after today, 31 October 2016/],
      [{ reason: "Waiting for the supplier", reviewBy: "2017-05-01" }, "reviewBy", /no later than 30 April 2017/],
    ];
    for (const [fields, field, message] of cases) {
      const result = await acknowledge("programme@example.org", key, fields);
      expect(statusOf(result)).toBe(400);
      expect(dataOf<{ errors: Record<string, string> }>(result).errors[field]).toMatch(message);
    }
    expect(db().select().from(exceptionAcknowledgements).all()).toEqual([]);
  });

  it("takes it off the task list until the review date, audited, and shows it marked on /exceptions, the CSV, the API and the board pack", async () => {
    const key = lateKey();
    const programme = user("programme@example.org");
    const countBefore = taskCountForHeader({ user: programme });
    expect(programmeItems().map((i) => i.id)).toContain(key);

    const result = (await acknowledge("programme@example.org", key, { reason: "Supplier fix booked for December", reviewBy: "2016-12-15", returnTo: "/tasks" })) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/tasks");

    const rows = db().select().from(exceptionAcknowledgements).where(eq(exceptionAcknowledgements.exceptionKey, key)).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "deployment_late", subject: key.split(":")[1], severity: "medium", acknowledgedBy: programme.id, acknowledgedOn: TODAY, reviewBy: "2016-12-15" });
    const audited = db().select().from(auditLog).where(and(eq(auditLog.action, "exception.acknowledged"), eq(auditLog.entityId, key))).all();
    expect(audited).toHaveLength(1);
    expect(JSON.parse(audited[0]!.after!)).toMatchObject({ reason: "Supplier fix booked for December" });

    // Off the task list, and the header's remembered count follows at once.
    expect(programmeItems().map((i) => i.id)).not.toContain(key);
    expect(taskCountForHeader({ user: programme })).toBe(countBefore - 1);

    // Still on /exceptions, marked.
    const page = dataOf<{ rows: { id: string; acknowledgement: unknown; acknowledgeHref: string | null }[] }>(
      await exceptionsLoader({ request: getRequest("/exceptions?kind=deployment_late", cookies["programme@example.org"]), params: {}, context }),
    );
    const row = tableRows<{ id: string; acknowledgement: unknown; acknowledgeHref: string | null }>(page).find((r) => r.id === key)!;
    expect(row.acknowledgement).toEqual({ acknowledgedBy: "Priya Programme", acknowledgedOn: TODAY, reason: "Supplier fix booked for December", reviewBy: "2016-12-15", severity: "medium" });
    expect(row.acknowledgeHref).toContain(encodeURIComponent(key));
    // Someone who may not acknowledge it sees the mark and no link.
    const asBoard = dataOf<typeof page>(await exceptionsLoader({ request: getRequest("/exceptions?kind=deployment_late", cookies["board@example.org"]), params: {}, context }));
    expect(tableRows<{ id: string }>(asBoard).find((r) => r.id === key)).toMatchObject({ acknowledgeHref: null, acknowledgement: { reviewBy: "2016-12-15" } });

    const csv = parse(await ((await exceptionsCsvLoader({ request: getRequest("/exceptions.csv?kind=deployment_late", cookies["programme@example.org"]), params: {}, context })) as Response).text(), { columns: true, bom: true }) as Record<string, string>[];
    const line = csv.find((r) => r.Link === `/rollout/deployments/${key.split(":")[1]}`)!;
    expect(line.Acknowledged).toBe("by Priya Programme on 2016-10-31: Supplier fix booked for December");
    expect(line["Acknowledged until (review by)"]).toBe("2016-12-15");

    const token = createApiToken({ actor: SYSTEM_ACTOR, name: "ack test", expiresOn: null }).token;
    const api = (await apiExceptionsLoader({ request: new Request(`${BASE}/api/v1/exceptions?kind=deployment_late`, { headers: { Authorization: `Bearer ${token}` } }), params: {}, context })) as Response;
    const body = (await api.json()) as { data: { id: string; acknowledgement: { reviewBy: string } | null }[] };
    expect(body.data.find((e) => e.id === key)!.acknowledgement).toMatchObject({ reviewBy: "2016-12-15" });
    expect(body.data.filter((e) => e.id !== key).every((e) => e.acknowledgement === null)).toBe(true);

    const pack = getBoardPack({ asAt: TODAY });
    expect(pack.exceptions.acknowledged).toBe(1);
    expect(pack.exceptions.byKind.find((k) => k.kind === "deployment_late")!.acknowledged).toBe(1);
    const packLine = pack.exceptions.lines.rows.find((l) => l.id === key);
    expect(packLine?.type === "exception" && packLine.exception.acknowledgement?.reason).toBe("Supplier fix booked for December");
  });

  it("filters /exceptions and its CSV by acknowledged=yes|no, and marks it on the dashboard and its organisation's page", async () => {
    const key = lateKey();
    const cookie = cookies["programme@example.org"];
    type Page = { total: number; counts: Record<string, number>; rows: { id: string; acknowledgement: unknown }[] };
    const pageOf = async (query: string) => {
      const data = dataOf<Page>(await exceptionsLoader({ request: getRequest(`/exceptions?${query}`, cookie), params: {}, context }));
      return { ...data, rows: tableRows<Page["rows"][number]>(data) };
    };
    const csvOf = async (query: string) =>
      parse(await ((await exceptionsCsvLoader({ request: getRequest(`/exceptions.csv?${query}`, cookie), params: {}, context })) as Response).text(), { columns: true, bom: true }) as Record<string, string>[];
    const all = await pageOf("pageSize=200");
    const yes = await pageOf("acknowledged=yes&pageSize=200");
    const no = await pageOf("acknowledged=no&pageSize=200");
    expect(yes.rows.map((r) => r.id)).toEqual([key]);
    expect(yes.rows[0]!.acknowledgement).toMatchObject({ reviewBy: "2016-12-15" });
    expect(no.rows.map((r) => r.id)).not.toContain(key);
    expect(no.rows.every((r) => r.acknowledgement === null)).toBe(true);
    expect(yes.total + no.total).toBe(all.total);
    // The counts by severity follow the filter too.
    expect(yes.counts).toEqual({ high: 0, medium: 1, low: 0 });
    // With other filters, and an unknown value means "acknowledged or not".
    expect((await pageOf("acknowledged=yes&kind=cover_expiring")).total).toBe(0);
    expect((await pageOf("acknowledged=maybe&pageSize=200")).total).toBe(all.total);

    const csvYes = await csvOf("acknowledged=yes");
    expect(csvYes.map((r) => r.Link)).toEqual([`/rollout/deployments/${key.split(":")[1]}`]);
    expect(csvYes[0]!.Acknowledged).toBe("by Priya Programme on 2016-10-31: Supplier fix booked for December");
    const csvNo = await csvOf("acknowledged=no");
    expect(csvNo).toHaveLength(no.total);
    expect(csvNo.every((r) => r.Acknowledged === "")).toBe(true);

    // The dashboard's "What needs us" list and the organisation's exceptions carry the acknowledgement.
    const dashboard = getDashboard({ asAt: TODAY, exceptionLimit: 1000 });
    expect(dashboard.exceptions.find((e) => e.id === key)!.acknowledgement).toMatchObject({ acknowledgedBy: "Priya Programme", reviewBy: "2016-12-15" });
    expect(dashboard.exceptions.filter((e) => e.id !== key).every((e) => e.acknowledgement === null)).toBe(true);
    const odsCode = listExceptions({ asAt: TODAY, kind: "deployment_late" })[0]!.organisation!.odsCode;
    const organisation = dataOf<{ sections: { exceptions: { id: string; acknowledgement: unknown }[] } }>(
      await organisationLoader({ request: getRequest(`/organisations/${odsCode}`, cookie), params: { odsCode }, context }),
    );
    expect(organisation.sections.exceptions.find((e) => e.id === key)!.acknowledgement).toMatchObject({ reason: "Supplier fix booked for December" });
  });

  it("is in force from its day to the day before its review date: the exception is back in the tasks on the review date", () => {
    const key = lateKey();
    const inForce = (asAt: string) => listExceptionsWithAcknowledgements({ asAt, kind: "deployment_late" }).find((e) => e.id === key)?.acknowledgement ?? null;
    expect(inForce("2016-10-30")).toBeNull();
    expect(inForce("2016-12-14")).not.toBeNull();
    expect(inForce("2016-12-15")).toBeNull();
    expect(programmeItems("2016-12-14").map((i) => i.id)).not.toContain(key);
    expect(programmeItems("2016-12-15").map((i) => i.id)).toContain(key);
  });

  it("stops holding when the exception becomes more severe (cover with 24 days left acknowledged; back when 7 or fewer are left)", async () => {
    const cover = listExceptions({ asAt: TODAY, kind: "cover_expiring", severity: "medium" })[0]!;
    const endOn = cover.dueOn!;
    const result = (await acknowledge("ccg@example.org", cover.id, { reason: "Renewal signed, paperwork on its way", reviewBy: "2017-01-31" })) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/exceptions");
    const ccgCover = (asAt: string) => tasksFor({ user: user("ccg@example.org"), asAt }).find((g) => g.id === "cover")!.items.map((i) => i.id);
    expect(ccgCover(TODAY)).not.toContain(cover.id);
    // A week before the cover ends it is high severity: back on the list, and not marked as acknowledged.
    const weekBefore = new Date(Date.parse(`${endOn}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
    expect(ccgCover(weekBefore)).toContain(cover.id);
    expect(listExceptionsWithAcknowledgements({ asAt: weekBefore, kind: "cover_expiring" }).find((e) => e.id === cover.id)).toMatchObject({ severity: "high", acknowledgement: null });
  });

  it("lets an acknowledgement be renewed: the latest one counts", async () => {
    const key = lateKey();
    const result = (await acknowledge("programme@example.org", key, { reason: "Supplier fix moved to January", reviewBy: "2017-01-20" })) as Response;
    expect(result.status).toBe(302);
    expect(listExceptionsWithAcknowledgements({ asAt: TODAY, kind: "deployment_late" }).find((e) => e.id === key)!.acknowledgement).toMatchObject({ reason: "Supplier fix moved to January", reviewBy: "2017-01-20" });
    expect(programmeItems("2016-12-20").map((i) => i.id)).not.toContain(key);
  });
});
