import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { auditLog, indemnityCovers } from "../../db/schema";
import * as editCover from "~/routes/indemnity.$coverId.edit";
import { countPracticesWithActiveCover, coverExpiring, listPracticeCover } from "~/models/indemnity.server";
import { coverHistory, endCoverEarly } from "~/models/indemnity-changes.server";
import { GovernanceError } from "~/models/governance-errors.server";
import { getReportingDate } from "~/models/settings.server";
import { actorOf, orgId, routeCaller, signInEach, userOf } from "../helpers/fixtures";
import { dataOf, statusOf } from "../helpers/requests";

// Ending cover early is a dated change (read from the day it was recorded); correcting a mistake
// fixes what was recorded, in place, with a reason, marked as a correction in the cover's history.

const REPORTING_DATE = "2016-10-31";
const cookies = {} as Record<"ccg" | "board" | "practitioner", string>;
beforeAll(async () => {
  Object.assign(cookies, await signInEach({ ccg: "ccg@example.org", board: "board@example.org", practitioner: "practitioner@example.org" }));
  expect(getReportingDate()).toBe(REPORTING_DATE);
});
const { get, post } = routeCaller(cookies);

const coverOf = (ods: string) => getDb().select().from(indemnityCovers).where(eq(indemnityCovers.organisationId, orgId(ods))).all().at(-1)!;
const auditRows = (coverId: number, action: string) =>
  getDb()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityType, "indemnity_cover"), eq(auditLog.entityId, String(coverId)), eq(auditLog.action, action)))
    .all();
const postEdit = (who: keyof typeof cookies, coverId: number, fields: Record<string, string>) =>
  post(editCover.action, `/indemnity/${coverId}/edit`, who, fields, { coverId: String(coverId) });
const rowOf = (ods: string, asAt: string) => listPracticeCover({ asAt, pageSize: 1000 }).rows.find((r) => r.odsCode === ods)!;
const errorsOf = (result: unknown) => dataOf<{ errors: Record<string, string> }>(result).errors;

describe("ending cover early through the edit form", () => {
  it("records the ending from the reporting date, keeps the signed end, audits it, and leaves figures as at earlier dates alone", async () => {
    const cover = coverOf("P92015");
    expect(cover).toMatchObject({ startOn: "2015-04-01", endOn: "2017-03-31", status: "active", endedOn: null });
    const before = { counts: countPracticesWithActiveCover({ asAt: "2016-10-20" }), row: rowOf("P92015", "2016-10-20"), expiring: coverExpiring({ asAt: "2016-10-20" }) };
    expect(before.row).toMatchObject({ state: "covered", endOn: "2017-03-31", endedEarlyOn: null });

    const result = await postEdit("ccg", cover.id, { intent: "end", endedOn: "2016-09-30", endReason: "The practice merged its indemnity into the federation's scheme" });
    expect(statusOf(result)).toBe(302);
    expect((result as Response).headers.get("Location")).toBe("/indemnity");

    expect(coverOf("P92015")).toMatchObject({ endOn: "2017-03-31", endedOn: "2016-09-30", endedRecordedOn: REPORTING_DATE, endReason: "The practice merged its indemnity into the federation's scheme", status: "active" });
    // As at a date before it was recorded, nothing moves: the cover ran to its signed end as far as anyone knew.
    expect({ counts: countPracticesWithActiveCover({ asAt: "2016-10-20" }), row: rowOf("P92015", "2016-10-20"), expiring: coverExpiring({ asAt: "2016-10-20" }) }).toEqual(before);
    // From the reporting date the cover ended on 30 September.
    expect(rowOf("P92015", REPORTING_DATE)).toMatchObject({ state: "lapsed", coverId: null, lastCoverEndedOn: "2016-09-30" });
    expect(countPracticesWithActiveCover({ asAt: REPORTING_DATE }).covered).toBe(countPracticesWithActiveCover({ asAt: "2016-10-30" }).covered - 1);

    const [audited] = auditRows(cover.id, "indemnity.end");
    expect(JSON.parse(audited!.before!)).toMatchObject({ endedOn: null, endOn: "2017-03-31" });
    expect(JSON.parse(audited!.after!)).toMatchObject({ endedOn: "2016-09-30", endedRecordedOn: REPORTING_DATE, note: expect.stringContaining("Ended early on 30 September 2016 (recorded 31 October 2016)") });

    // The page shows the signed end beside the ending, and its history.
    const page = dataOf<{ cover: { endOn: string; signedEndOn: string; endedEarlyOn: string | null }; cannotEnd: string | null; history: { what: string; correction: boolean }[] }>(
      await get(editCover.loader, `/indemnity/${cover.id}/edit`, "ccg", { coverId: String(cover.id) }),
    );
    expect(page.cover).toMatchObject({ endOn: "2016-09-30", signedEndOn: "2017-03-31", endedEarlyOn: "2016-09-30" });
    expect(page.cannotEnd).toMatch(/^This cover was already ended early, on 30 September 2016/);
    expect(page.history.map((h) => [h.what, h.correction])).toEqual([["Ended early", false]]);
  });

  it("refuses a second ending: a wrong date is corrected instead", async () => {
    const cover = coverOf("P92015");
    const result = await postEdit("ccg", cover.id, { intent: "end", endedOn: "2016-08-31", endReason: "Earlier" });
    expect(statusOf(result)).toBe(409);
    expect(coverOf("P92015").endedOn).toBe("2016-09-30");
  });

  it("refuses bad dates and a missing reason at the field, changing nothing", async () => {
    const cover = coverOf("P92016");
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ endedOn: "2015-03-31", endReason: "Ended" }, "endedOn", /^Enter a date on or after the day the cover started, 1 April 2015$/],
      [{ endedOn: "2017-03-31", endReason: "Ended" }, "endedOn", /^Enter a date before the signed end date, 31 March 2017/],
      [{ endedOn: "2018-01-01", endReason: "Ended" }, "endedOn", /^Enter a date before the signed end date/],
      [{ "endedOn-day": "31", "endedOn-month": "2", "endedOn-year": "2016", endReason: "Ended" }, "endedOn", /real date/i],
      [{ "endedOn-day": "", "endedOn-month": "", "endedOn-year": "", endReason: "Ended" }, "endedOn", /^Enter the last day of cover/],
      [{ endedOn: "2016-09-30", endReason: "  " }, "endReason", /^Enter why the cover ends early/],
    ];
    for (const [fields, field, message] of cases) {
      const result = await postEdit("ccg", cover.id, { intent: "end", ...fields });
      expect(statusOf(result), JSON.stringify(fields)).toBe(400);
      expect(errorsOf(result)[field], JSON.stringify(fields)).toMatch(message);
    }
    expect(coverOf("P92016")).toEqual(cover);
    expect(auditRows(cover.id, "indemnity.end")).toEqual([]);
  });

  it("is the CCG's alone", async () => {
    const cover = coverOf("P92016");
    for (const who of ["board", "practitioner"] as const) {
      expect(statusOf(await postEdit(who, cover.id, { intent: "end", endedOn: "2016-09-30", endReason: "Ended" }))).toBe(403);
      expect(statusOf(await postEdit(who, cover.id, { intent: "correct", scope: cover.scope, startOn: cover.startOn, endOn: "2017-03-30", status: "active", signedBy: "X", correctionReason: "Typo" }))).toBe(403);
    }
    expect(coverOf("P92016")).toEqual(cover);
  });

  it("writes the ending and its audit row in one transaction: if the audit row cannot be written, the cover is not ended", () => {
    const cover = coverOf("P92017");
    const ccg = userOf("ccg@example.org");
    const sqlite = (getDb() as unknown as { $client: import("better-sqlite3").Database }).$client;
    sqlite.exec(`CREATE TEMP TRIGGER refuse_cover_audit BEFORE INSERT ON audit_log WHEN NEW.action = 'indemnity.end' BEGIN SELECT RAISE(ABORT, 'audit refused'); END;`);
    try {
      expect(() => endCoverEarly({ actor: actorOf(ccg), user: ccg, coverId: cover.id, input: { endedOn: "2016-09-30", endReason: "Ended" } })).toThrow(/audit refused/);
    } finally {
      sqlite.exec("DROP TRIGGER refuse_cover_audit");
    }
    expect(coverOf("P92017")).toEqual(cover);
    expect(() => endCoverEarly({ actor: actorOf(ccg), user: ccg, coverId: cover.id, input: { endedOn: "2016-09-30", endReason: "Ended" } })).not.toThrow();
    expect(coverOf("P92017").endedOn).toBe("2016-09-30");
  });
});

describe("correcting a mistake", () => {
  const fieldsOf = (cover: typeof indemnityCovers.$inferSelect) => ({
    intent: "correct",
    scope: cover.scope,
    startOn: cover.startOn,
    endOn: cover.endOn,
    status: cover.status,
    documentReference: cover.documentReference ?? "",
    signedBy: cover.signedBy ?? "",
  });

  it("fixes the signed end date in place, on every date, with a reason, marked as a correction in the history", async () => {
    const cover = coverOf("P92018");
    const refused = await postEdit("ccg", cover.id, { ...fieldsOf(cover), endOn: "2018-03-31", correctionReason: "" });
    expect(statusOf(refused)).toBe(400);
    expect(errorsOf(refused).correctionReason).toMatch(/^Enter what was recorded wrongly/);

    const result = await postEdit("ccg", cover.id, { ...fieldsOf(cover), endOn: "2018-03-31", correctionReason: "The deed runs three years; the end was typed as 2017" });
    expect(statusOf(result)).toBe(302);
    expect(coverOf("P92018")).toMatchObject({ endOn: "2018-03-31", endedOn: null });
    // A correction applies on every date, earlier ones included.
    expect(rowOf("P92018", "2016-01-01").endOn).toBe("2018-03-31");
    const [audited] = auditRows(cover.id, "indemnity.correct");
    expect(JSON.parse(audited!.after!)).toMatchObject({ endOn: "2018-03-31", correction: true, note: "The deed runs three years; the end was typed as 2017" });
    expect(coverHistory({ coverId: cover.id }).map((h) => [h.what, h.correction, h.note])).toEqual([["Corrected", true, "The deed runs three years; the end was typed as 2017"]]);
  });

  it("corrects the date of an early ending, or removes an ending recorded in error, and never adds one", async () => {
    const cover = coverOf("P92015"); // ended early on 30 September 2016 above
    const bad = await postEdit("ccg", cover.id, { ...fieldsOf(cover), endedOn: "2017-04-01", correctionReason: "Wrong date" });
    expect(statusOf(bad)).toBe(400);
    expect(errorsOf(bad).endedOn).toMatch(/^Enter a date before the signed end date, 31 March 2017/);

    expect(statusOf(await postEdit("ccg", cover.id, { ...fieldsOf(cover), endedOn: "2016-09-15", correctionReason: "The letter ended cover on 15 September" }))).toBe(302);
    expect(coverOf("P92015")).toMatchObject({ endOn: "2017-03-31", endedOn: "2016-09-15", endedRecordedOn: REPORTING_DATE });
    expect(rowOf("P92015", REPORTING_DATE).lastCoverEndedOn).toBe("2016-09-15");

    expect(statusOf(await postEdit("ccg", cover.id, { ...fieldsOf(cover), endedOn: "", correctionReason: "Ended against the wrong practice" }))).toBe(302);
    expect(coverOf("P92015")).toMatchObject({ endOn: "2017-03-31", endedOn: null, endedRecordedOn: null, endReason: null });
    expect(rowOf("P92015", REPORTING_DATE)).toMatchObject({ state: "covered", endOn: "2017-03-31" });
    expect(coverHistory({ coverId: cover.id }).map((h) => [h.what, h.correction])).toEqual([
      ["Ended early", false],
      ["Corrected", true],
      ["Corrected", true],
    ]);

    const other = coverOf("P92019");
    const adding = await postEdit("ccg", other.id, { ...fieldsOf(other), endedOn: "2016-09-30", correctionReason: "Ended" });
    expect(statusOf(adding)).toBe(400);
    expect(errorsOf(adding).endedOn).toMatch(/use "End this cover early"/);
    expect(coverOf("P92019")).toEqual(other);
  });

  it("asks which change is meant when the form says neither", async () => {
    const cover = coverOf("P92019");
    expect(statusOf(await postEdit("ccg", cover.id, { ...fieldsOf(cover), intent: "", correctionReason: "x" }))).toBe(400);
    expect(() => endCoverEarly({ actor: actorOf(userOf("board@example.org")), user: userOf("board@example.org"), coverId: cover.id, input: { endedOn: "2016-09-30", endReason: "x" } })).toThrow(GovernanceError);
  });
});
