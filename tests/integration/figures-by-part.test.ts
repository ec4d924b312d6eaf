import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { sql } from "drizzle-orm";
import { getDb, rowsFromValues } from "~/lib/db.server";
import { forgetFigures, memoiseByDataVersion, takeFigureComputations } from "~/lib/data-version.server";
import { addComment } from "~/models/cases.server";
import { getBoardPack } from "~/models/board-pack.server";
import { getDashboard } from "~/models/dashboard.server";
import { EXCEPTION_RULE_NAMES, exceptionRuleKey, listExceptions } from "~/models/exceptions.server";
import { renewCover } from "~/models/indemnity-changes.server";
import { getFramework, recordMaturityAssessment } from "~/models/maturity.server";
import { evidenceField, scoreField } from "~/models/maturity.labels";
import { confirmOptInUpload, previewOptInUpload } from "~/models/opt-in-upload.server";
import { transparencyReport } from "~/models/transparency.server";
import { updateOrganisation } from "~/models/organisations.server";
import { getUserWithRoles } from "~/models/users.server";
import { businessCases, indemnityCovers, organisations, users } from "../../db/schema";

// Each exception rule, each part of the board's summary and each section of the board pack and the
// public page is a figure of its own, kept until a table IT reads changes. These tests make one
// audited change through the models, read the three pages' figures again, and check which figures
// were worked out again (data-version's own count), and that the figures put back together from
// kept parts are exactly what working everything out afresh gives.

const ASAT = "2016-10-31";
const userOf = (email: string) => getUserWithRoles({ userId: getDb().select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id })!;
const actorOf = (email: string) => ({ userId: userOf(email).id, label: email });
const rule = (name: string) => `exceptions.rule.${name}`;

const readPages = () => ({ exceptions: listExceptions({ asAt: ASAT }), boardPack: getBoardPack({ asAt: ASAT }), transparency: transparencyReport({ asAt: ASAT }) });

/** The figures worked out again by the first read after `change`, having checked the kept parts against a fresh computation. */
async function recomputedAfter(change: () => unknown, whileKept: () => void = () => {}) {
  readPages();
  takeFigureComputations();
  await change();
  const kept = readPages();
  const recomputed = new Set(takeFigureComputations().keys());
  whileKept();
  forgetFigures();
  expect(kept).toEqual(readPages());
  return { recomputed, kept };
}

describe("after a change, only the figures that read the changed tables are worked out again", () => {
  it("keeps the exceptions, summary and board pack as they were after a comment on a case: nothing is worked out again", async () => {
    const programme = userOf("programme@example.org");
    const kase = getDb().select().from(businessCases).get()!;
    const { recomputed } = await recomputedAfter(() => addComment({ actor: actorOf(programme.email), user: programme, reference: kase.reference, body: "A comment changes no figure" }));
    expect([...recomputed]).toEqual([]);
  });

  it("a renewed cover recomputes the cover rules, not the opt-in, maturity, case, roll-out or agreement rules, nor the public page", async () => {
    expect(listExceptions({ asAt: ASAT, kind: "cover_expiring" }).some((e) => e.organisation?.odsCode === "P92031")).toBe(true);
    const org = getDb().select().from(organisations).where(eq(organisations.odsCode, "P92031")).get()!;
    const cover = getDb().select().from(indemnityCovers).where(eq(indemnityCovers.organisationId, org.id)).all().at(-1)!;
    const ccg = userOf("ccg@example.org");
    const { recomputed, kept } = await recomputedAfter(() =>
      renewCover({
        actor: actorOf(ccg.email),
        user: ccg,
        coverId: cover.id,
        input: { scope: cover.scope, startOn: "2016-11-04", endOn: "2018-03-31", status: "active", documentReference: "IND-RULES", signedBy: "A Officer" },
      }),
    );
    expect(kept.exceptions.some((e) => e.kind === "cover_expiring" && e.organisation?.odsCode === "P92031")).toBe(false);
    expect(recomputed).toContain(rule("cover-expiring"));
    expect(recomputed).toContain("summary:covered");
    for (const other of ["opt-in", "low-maturity", "case-waiting", "deployment-late", "agreement-review", "dpia-high-risk-without-ico", "priority-endorsement", "sharing-without-agreement"])
      expect(recomputed, other).not.toContain(rule(other));
    for (const other of ["summary:opt-in", "summary:maturity", "summary:pipeline", "summary:services-live", "board-pack.decisions", "board-pack.agreements-signed", "board-pack.rollout-changes"])
      expect(recomputed, other).not.toContain(other);
    expect([...recomputed].filter((name) => name.startsWith("transparency"))).toEqual([]);
  });

  it("an opt-in return recomputes the opt-in rule, the opt-in figures and the public page's trend, and nothing about cover or agreements", async () => {
    const programme = userOf("programme@example.org");
    const { recomputed, kept } = await recomputedAfter(async () => {
      const preview = previewOptInUpload({ userId: programme.id, fileName: "oct.csv", text: ["ods_code,month,registered,opted_in,declined,not_asked", "P92001,2016-10,6000,300,100,5600"].join("\n") });
      expect(preview).toMatchObject({ ok: true });
      await confirmOptInUpload({ actor: actorOf(programme.email), userId: programme.id, uploadId: (preview as { uploadId: string }).uploadId });
    });
    expect(kept.exceptions.some((e) => e.kind === "opt_in_below_target" && e.organisation?.odsCode === "P92001")).toBe(true);
    for (const figure of [rule("opt-in"), "summary:opt-in", "transparency.opt-in"]) expect(recomputed).toContain(figure);
    for (const other of [rule("cover-expiring"), rule("sharing-without-cover"), rule("agreement-review"), rule("case-waiting"), "summary:covered", "summary:agreements-active", "transparency.active-agreements", "transparency.viewing-organisations", "board-pack.agreements-signed", "board-pack.decisions"])
      expect(recomputed, other).not.toContain(other);
  });

  it("every day of a month shares one opt-in practice list (it reads returns by month), and a return imported for that month moves it for all of them", async () => {
    const programme = userOf("programme@example.org");
    const days = ["2016-10-31", "2016-10-12", "2016-10-01"];
    forgetFigures();
    takeFigureComputations();
    const lists = days.map((asAt) => listExceptions({ asAt, kind: "opt_in_below_target" }));
    // Worked out once for the month, the practice list and the rule itself (no practice was renamed in October).
    const worked = takeFigureComputations();
    expect(worked.get("opt-in-practices")?.count).toBe(1);
    expect(worked.get(rule("opt-in"))?.count).toBe(1);
    expect(lists[1]!.map((e) => e.id)).toEqual(lists[0]!.map((e) => e.id));
    const september = listExceptions({ asAt: "2016-09-30", kind: "opt_in_below_target" });
    // A practice not below the target in October, given a return far below it.
    const listed = new Set(lists[0]!.map((e) => e.organisation?.odsCode));
    const practice = getDb().select({ odsCode: organisations.odsCode }).from(organisations).where(eq(organisations.type, "gp_practice")).all().find((o) => !listed.has(o.odsCode))!.odsCode;
    const preview = previewOptInUpload({ userId: programme.id, fileName: "oct.csv", text: ["ods_code,month,registered,opted_in,declined,not_asked", `${practice},2016-10,6000,300,100,5600`].join("\n") });
    await confirmOptInUpload({ actor: actorOf(programme.email), userId: programme.id, uploadId: (preview as { uploadId: string }).uploadId });
    for (const asAt of days) {
      const after = listExceptions({ asAt, kind: "opt_in_below_target" });
      expect(after.some((e) => e.organisation?.odsCode === practice), asAt).toBe(true);
      forgetFigures();
      expect(listExceptions({ asAt, kind: "opt_in_below_target" }), asAt).toEqual(after);
    }
    // The month before keeps its own list: October's return is not in it.
    expect(listExceptions({ asAt: "2016-09-30", kind: "opt_in_below_target" })).toEqual(september);
  });

  it("days of a month share the opt-in rule's exceptions only while every practice has the same name: a rename in the month splits them at its date", () => {
    const programme = userOf("programme@example.org");
    const listed = listExceptions({ asAt: "2016-10-31", kind: "opt_in_below_target" });
    const target = listed[0]!.organisation!;
    const org = getDb().select().from(organisations).where(eq(organisations.odsCode, target.odsCode)).get()!;
    const { id, createdAt: _c, updatedAt: _u, commissionerCode: _cc, openedOn: _o, closedOn: _cl, ...held } = org;
    updateOrganisation({ actor: actorOf(programme.email), id, input: { ...held, name: "Renamed Mid-October Surgery", effectiveOn: "2016-10-15" } });
    forgetFigures();
    takeFigureComputations();
    const nameOn = (asAt: string) => listExceptions({ asAt, kind: "opt_in_below_target" }).find((e) => e.organisation?.odsCode === target.odsCode)!;
    expect(nameOn("2016-10-03").organisation!.name).toBe(target.name);
    expect(nameOn("2016-10-14").title).toContain(target.name);
    expect(nameOn("2016-10-15").organisation!.name).toBe("Renamed Mid-October Surgery");
    expect(nameOn("2016-10-31").title).toContain("Renamed Mid-October Surgery");
    // Once before the rename, once from it; the practice list once for the month.
    const worked = takeFigureComputations();
    expect(worked.get(rule("opt-in"))?.count).toBe(2);
    expect(worked.get("opt-in-practices")?.count).toBe(1);
    expect(exceptionRuleKey("opt-in", "2016-10-14")).toEqual({ month: "2016-10", namesFrom: "2016-10-01" });
    expect(exceptionRuleKey("opt-in", "2016-10-20")).toEqual({ month: "2016-10", namesFrom: "2016-10-15" });
    expect(exceptionRuleKey("cover-expiring", "2016-10-20")).toEqual({ asAt: "2016-10-20" });
  });

  it("a maturity assessment recomputes the maturity rule and average, and leaves the other rules and the public page kept", async () => {
    const programme = userOf("programme@example.org");
    const framework = getFramework({ code: "wgll" })!;
    const input: Record<string, string> = { framework: "wgll", organisation: "RY2", assessedOn: "2016-10-30", assessor: "Test assessor" };
    for (const d of framework.dimensions) {
      input[scoreField(d.code)] = "1";
      input[evidenceField(d.code)] = `Evidence for ${d.name}`;
    }
    // Asking for a kept rule with a computation that fails proves it is not worked out again.
    const fails = () => {
      throw new Error("recomputed");
    };
    const others = EXCEPTION_RULE_NAMES.filter((name) => name !== "low-maturity");
    const { recomputed } = await recomputedAfter(
      () => expect(recordMaturityAssessment({ actor: actorOf(programme.email), user: { id: programme.id, organisationId: programme.organisationId, roles: ["programme"] }, frameworkCode: "wgll", input })).toMatchObject({ ok: true }),
      () => {
        for (const other of others) expect(() => memoiseByDataVersion(rule(other), exceptionRuleKey(other, ASAT), getDb(), fails), other).not.toThrow();
      },
    );
    expect(recomputed).toContain(rule("low-maturity"));
    expect(recomputed).toContain("summary:maturity");
    for (const other of others) expect(recomputed, other).not.toContain(rule(other));
    expect([...recomputed].filter((name) => name.startsWith("transparency"))).toEqual([]);
  });
});

describe("the comparison with the previous month's end", () => {
  it("reads the previous month's figures without running the exception rules for that date", () => {
    forgetFigures();
    takeFigureComputations();
    const dashboard = getDashboard({ asAt: ASAT });
    const computed = takeFigureComputations();
    // Every rule ran once, for the dashboard's own date; the previous month's end has figures only.
    for (const name of EXCEPTION_RULE_NAMES) expect(computed.get(rule(name))?.count, name).toBe(1);
    expect(computed.get("summary-figures")?.count).toBe(2);
    expect(computed.get("summary:exceptions")?.count).toBe(1);
    // The headlines still say how each figure moved since then.
    expect(dashboard.previousAsAt).toBe("2016-09-30");
    expect(dashboard.headlines.every((h) => h.change === null || h.change.includes("30 September 2016"))).toBe(true);
    expect(dashboard.headlines.some((h) => h.change !== null)).toBe(true);
  });
});

describe("long lists read as value lists (rowsFromValues)", () => {
  it("gives exactly the rows drizzle's own reading gives: columns, decoded expressions, named expressions and nulls", () => {
    const fields = {
      id: organisations.id,
      odsCode: organisations.odsCode,
      locality: organisations.locality,
      odd: sql<boolean>`${organisations.id} % 2`.mapWith((v) => Boolean(Number(v))),
      doubled: sql<number>`${organisations.id} * 2`.as("doubled"),
      nothing: sql<string | null>`null`,
    };
    const query = () => getDb().select(fields).from(organisations).orderBy(organisations.id);
    const rows = query().all();
    expect(new Set(rows.map((r) => r.odd))).toEqual(new Set([true, false]));
    expect(rows.every((r) => r.nothing === null && r.doubled === 2 * r.id)).toBe(true);
    expect(rowsFromValues(fields, query().values())).toEqual(rows);
    expect(() => rowsFromValues({ nested: { id: organisations.id } }, [[1]])).toThrow("flat selects only");
  });
});
