// Property: facts recorded later never move a figure as at an earlier date. Random histories are
// built (practices joining, cover), a cut-off date T is drawn, and later facts dated on or after T
// are applied through the models (imports of new, dormant and closing practices, cover renewals).
// Every programme-summary figure as at every month end before T is the same before and after.
//
// To add a kind of later fact (status events, corrections, agreement versions, signatures...),
// add an entry to LATER_FACTS: an arbitrary that draws its parameters and an `apply` that records
// it through the models with dates on or after `ctx.from`. Base facts a kind needs go in buildBase.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { desc, eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { SYSTEM_ACTOR } from "~/lib/audit.server";
import { addDaysIso, addMonthsIso, endOfMonthIso, monthRange } from "~/lib/dates";
import { getProgrammeSummary, type ProgrammeSummary } from "~/models/summary.server";
import { applyOrganisationImport } from "~/models/organisation-import.server";
import { renewCover } from "~/models/indemnity-changes.server";
import type { GovernanceUser } from "~/models/agreements.server";
import { indemnityCovers } from "../../db/schema";
import { createIndemnityCover, createOrganisation, createUser, ensureCapabilities, setSettings } from "../../seeds/factories";
import { epraccurLine } from "../helpers/epraccur";

const REPORTING_DATE = "2016-10-31";
const FIRST_MONTH = "2014-01";
const MONTH_ENDS = monthRange(FIRST_MONTH, REPORTING_DATE.slice(0, 7)).map(endOfMonthIso);

let ccg: GovernanceUser;
let runNumber = 0;
let codeNumber = 0;
const nextPracticeCode = () => `Q${String(10000 + ++codeNumber).padStart(5, "0")}`;

beforeAll(() => {
  // A database of its own, migrated and empty: the figures are small and quick to compute.
  process.env.DATABASE_PATH = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-property-")), "property.sqlite");
  const db = getDb();
  setSettings(db, { reporting_date: REPORTING_DATE });
  ensureCapabilities(db);
  const home = createOrganisation(db, { odsCode: "QCCG1", name: "Property CCG", type: "ccg" });
  const user = createUser(db, { email: "ccg-property@example.org", name: "Property CCG user", organisationId: home.id, roles: ["ccg"], passwordHash: "x" });
  ccg = { id: user.id, name: user.name, organisationId: home.id, roles: ["ccg"] };
});

/** One run's own world: its locality (every figure is filtered to it) and its practices. */
type Ctx = { locality: string; practices: { id: number; odsCode: string; name: string }[]; from: string };

/** A date `days` after `from`, never after the reporting date. */
const onOrAfter = (from: string, days: number) => {
  const d = addDaysIso(from, days);
  return d > REPORTING_DATE ? REPORTING_DATE : d;
};

const csv = (rows: string[][]) => rows.map((r) => r.map((c) => `"${c}"`).join(",")).join("\r\n") + "\r\n";

const dayOffset = fc.integer({ min: 0, max: 120 });

type LaterFactKind<P> = { arbitrary: fc.Arbitrary<P>; apply: (ctx: Ctx, params: P) => void };
const kind = <P,>(k: LaterFactKind<P>) => k as LaterFactKind<unknown>;

const LATER_FACTS = {
  /** An import of new practices (simple CSV, so they carry the run's locality), taking effect on or after T. */
  newPractices: kind({
    arbitrary: fc.record({ count: fc.integer({ min: 1, max: 3 }), days: dayOffset }),
    apply(ctx, { count, days }: { count: number; days: number }) {
      const lines = ["ods_code,name,type,locality,list_size", ...Array.from({ length: count }, (_, i) => `${nextPracticeCode()},New practice ${i},gp_practice,${ctx.locality},4000`)];
      applyOrganisationImport({ actor: SYSTEM_ACTOR, text: lines.join("\n") + "\n", options: { commissionerCode: "", includeClosed: true, effectiveOn: onOrAfter(ctx.from, days) }, fileName: "new.csv" });
    },
  }),
  /** epraccur says an existing practice is dormant, from an effective date on or after T. */
  dormant: kind({
    arbitrary: fc.record({ which: fc.nat(), days: dayOffset }),
    apply(ctx, { which, days }: { which: number; days: number }) {
      const p = ctx.practices[which % ctx.practices.length]!;
      const line = epraccurLine({ 1: p.odsCode, 2: p.name, 13: "D" });
      applyOrganisationImport({ actor: SYSTEM_ACTOR, text: csv([line]), options: { commissionerCode: "", includeClosed: true, effectiveOn: onOrAfter(ctx.from, days) }, fileName: "epraccur.csv" });
    },
  }),
  /** epraccur says an existing practice closed on a date on or after T. */
  closing: kind({
    arbitrary: fc.record({ which: fc.nat(), closeDays: dayOffset, effectiveDays: dayOffset }),
    apply(ctx, { which, closeDays, effectiveDays }: { which: number; closeDays: number; effectiveDays: number }) {
      const p = ctx.practices[which % ctx.practices.length]!;
      const line = epraccurLine({ 1: p.odsCode, 2: p.name, 12: onOrAfter(ctx.from, closeDays).replace(/-/g, ""), 13: "C" });
      applyOrganisationImport({ actor: SYSTEM_ACTOR, text: csv([line]), options: { commissionerCode: "", includeClosed: true, effectiveOn: onOrAfter(ctx.from, effectiveDays) }, fileName: "epraccur.csv" });
    },
  }),
  /** The CCG renews a practice's latest cover, the renewal starting on or after T. */
  coverRenewal: kind({
    arbitrary: fc.record({ which: fc.nat(), days: dayOffset }),
    apply(ctx, { which, days }: { which: number; days: number }) {
      const p = ctx.practices[which % ctx.practices.length]!;
      const latest = getDb().select().from(indemnityCovers).where(eq(indemnityCovers.organisationId, p.id)).orderBy(desc(indemnityCovers.startOn)).limit(1).get();
      if (!latest) return;
      const startOn = onOrAfter(ctx.from > latest.startOn ? ctx.from : addDaysIso(latest.startOn, 1), days);
      if (startOn <= latest.startOn) return;
      renewCover({ actor: SYSTEM_ACTOR, user: ccg, coverId: latest.id, input: { scope: latest.scope, startOn, endOn: addMonthsIso(startOn, 24), status: "active", documentReference: null, signedBy: "CCG chief finance officer" } });
    },
  }),
} satisfies Record<string, LaterFactKind<unknown>>;

type LaterFactName = keyof typeof LATER_FACTS;
const laterFact = fc.oneof(...(Object.keys(LATER_FACTS) as LaterFactName[]).map((name) => LATER_FACTS[name].arbitrary.map((params) => ({ name, params }))));

const date = (min: string, max: string) => fc.integer({ min: 0, max: Math.round((Date.parse(max) - Date.parse(min)) / 86_400_000) }).map((d) => addDaysIso(min, d));

/** The base history: practices with or without a sign-up date, each with cover for two years. */
const basePractice = fc.record({ signedUpOn: fc.option(date("2014-01-01", "2016-09-30"), { nil: null }), coverStart: date("2014-01-01", "2016-06-30") });

function buildBase(locality: string, practices: { signedUpOn: string | null; coverStart: string }[]): Ctx["practices"] {
  const db = getDb();
  return practices.map((p, i) => {
    const org = createOrganisation(db, { odsCode: nextPracticeCode(), name: `${locality} practice ${i}`, type: "gp_practice", locality, signedUpOn: p.signedUpOn, openedOn: "1990-04-01" });
    createIndemnityCover(db, { organisationId: org.id, startOn: p.coverStart, endOn: addMonthsIso(p.coverStart, 24), signedBy: "CCG chief finance officer" });
    return { id: org.id, odsCode: org.odsCode, name: org.name };
  });
}

async function figuresBefore(locality: string, from: string) {
  const out = new Map<string, ProgrammeSummary>();
  for (const asAt of MONTH_ENDS.filter((d) => d < from)) {
    out.set(asAt, getProgrammeSummary({ asAt, locality }));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}

describe("facts recorded later never move a figure as at an earlier date", () => {
  it("holds for random histories of imports (new, dormant, closing practices) and cover renewals", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(basePractice, { minLength: 1, maxLength: 4 }), date("2014-03-01", REPORTING_DATE), fc.array(laterFact, { minLength: 1, maxLength: 4 }), async (base, from, facts) => {
        // Let the test runner's messages through between runs (each run is synchronous work).
        await new Promise((resolve) => setImmediate(resolve));
        const locality = `Propville ${++runNumber}`;
        const ctx: Ctx = { locality, practices: buildBase(locality, base), from };
        const before = await figuresBefore(locality, from);
        for (const fact of facts) LATER_FACTS[fact.name].apply(ctx, fact.params);
        const after = await figuresBefore(locality, from);
        expect(after).toEqual(before);
      }),
      { numRuns: 15, seed: 20161031 },
    );
  }, 180_000);

  it("sees the later facts from their dates on (the property is not vacuous)", () => {
    const locality = "Propville checks";
    const ctx: Ctx = { locality, practices: buildBase(locality, [{ signedUpOn: "2015-01-01", coverStart: "2015-01-01" }, { signedUpOn: "2015-02-01", coverStart: "2015-02-01" }]), from: "2016-03-01" };
    expect(getProgrammeSummary({ asAt: "2016-03-31", locality })).toMatchObject({ practicesTotal: 2, practicesSignedUp: 2, practicesWithActiveIndemnity: 2 });
    LATER_FACTS.newPractices.apply(ctx, { count: 2, days: 0 });
    LATER_FACTS.dormant.apply(ctx, { which: 0, days: 10 });
    LATER_FACTS.closing.apply(ctx, { which: 1, closeDays: 20, effectiveDays: 30 });
    expect(getProgrammeSummary({ asAt: "2016-02-29", locality })).toMatchObject({ practicesTotal: 2, practicesSignedUp: 2 });
    // From 1 March: 2 new practices; from 11 March: the first is dormant; from 21 March: the second has closed and left.
    expect(getProgrammeSummary({ asAt: "2016-03-01", locality })).toMatchObject({ practicesTotal: 4, practicesSignedUp: 4 });
    expect(getProgrammeSummary({ asAt: "2016-03-11", locality })).toMatchObject({ practicesTotal: 3, practicesSignedUp: 3 });
    expect(getProgrammeSummary({ asAt: "2016-03-31", locality })).toMatchObject({ practicesTotal: 2, practicesSignedUp: 2, practicesWithActiveIndemnity: 0 });
  });
});
