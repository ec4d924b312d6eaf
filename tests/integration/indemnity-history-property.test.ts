import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { and, eq, gte, isNull, lte, ne } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { addDaysIso } from "~/lib/dates";
import { indemnityCovers, organisations, users } from "../../db/schema";
import { getUserWithRoles, type SignedInUser } from "~/models/users.server";
import { countPracticesWithActiveCover, coverExpiring, getCover, lapsedCover, listPracticeCover, practicesViewableWithoutCover } from "~/models/indemnity.server";
import { createCover, endCoverEarly, renewCover } from "~/models/indemnity-changes.server";
import { listExceptions } from "~/models/exceptions.server";
import { createOrganisation, OrganisationRuleError, updateOrganisation } from "~/models/organisations.server";
import { applyOrganisationImport } from "~/models/organisation-import.server";
import { changeDeploymentStatus, createDeployment, createService } from "~/models/rollout.server";
import { createApiToken } from "~/models/api-tokens.server";
import { loader as indemnityPracticesLoader } from "~/routes/api.v1.indemnity-practices";
import type { Actor } from "~/lib/audit.server";
import { BASE } from "../helpers/requests";
import { epraccurLine } from "../helpers/epraccur";

// Facts over time for the indemnity exception: who can view a practice's record without cover as at
// a date D counts only what was valid on D. Cover that starts later, renewals, deployments going
// live later, new private providers, a private-provider flag changed from a later date, imports dated
// later and cover ended from the reporting date never move the exceptions, the register or the API as at D.

const REPORTING_DATE = "2016-10-31";
const START = "2015-01-01";
const LAST_DAY = 669; // days from START to the reporting date
const day = (offset: number) => addDaysIso(START, offset);

let ccg: SignedInUser;
let ccgActor: Actor;
let programme: Actor;
let token: string;

function userByEmail(email: string) {
  const row = getDb().select({ id: users.id }).from(users).where(eq(users.email, email)).get();
  return getUserWithRoles({ userId: row!.id })!;
}

beforeAll(() => {
  ccg = userByEmail("ccg@example.org");
  ccgActor = { userId: ccg.id, label: ccg.email };
  const p = userByEmail("programme@example.org");
  programme = { userId: p.id, label: p.email };
  const admin = userByEmail("admin@example.org");
  token = createApiToken({ actor: { userId: admin.id, label: admin.email }, name: "Indemnity history property", expiresOn: null }).token;
});

const practices = () => getDb().select().from(organisations).where(and(eq(organisations.type, "gp_practice"), eq(organisations.status, "active"))).orderBy(organisations.id).all();
const viewers = () => getDb().select({ id: organisations.id }).from(organisations).where(eq(organisations.status, "active")).orderBy(organisations.id).all();

async function apiAsAt(asAt: string) {
  const request = new Request(`${BASE}/api/v1/indemnity-practices?asAt=${asAt}&pageSize=500`, { headers: { Authorization: `Bearer ${token}` } });
  const response = await indemnityPracticesLoader({ request, params: {}, context: {} });
  expect(response.status).toBe(200);
  return response.json();
}

/** Everything the exception, the register and the API say as at `asAt`. */
async function picture(asAt: string) {
  return {
    exceptions: listExceptions({ asAt, kind: "sharing_without_cover" }).map(({ id, severity, title, detail, dueOn, href }) => ({ id, severity, title, detail, dueOn, href })),
    register: {
      counts: countPracticesWithActiveCover({ asAt }),
      rows: listPracticeCover({ asAt, pageSize: 1000 }),
      viewableWithoutCover: practicesViewableWithoutCover({ asAt }),
      expiring: coverExpiring({ asAt }),
      lapsed: lapsedCover({ asAt }),
    },
    api: await apiAsAt(asAt),
  };
}

type Later =
  | { kind: "cover"; practice: number; start: number; length: number }
  | { kind: "renew"; practice: number; start: number }
  | { kind: "live"; owner: number; planned: number; live: number; newPrivate: boolean }
  | { kind: "import"; at: number; dormant: number; newPractice: boolean; newPrivate: boolean }
  | { kind: "flag"; owner: number; at: number }
  | { kind: "end"; practice: number };

const later: fc.Arbitrary<Later> = fc.oneof(
  fc.record({ kind: fc.constant("cover" as const), practice: fc.nat(200), start: fc.nat(400), length: fc.integer({ min: 30, max: 900 }) }),
  fc.record({ kind: fc.constant("renew" as const), practice: fc.nat(200), start: fc.nat(400) }),
  fc.record({ kind: fc.constant("live" as const), owner: fc.nat(300), planned: fc.nat(400), live: fc.nat(400), newPrivate: fc.boolean() }),
  fc.record({ kind: fc.constant("import" as const), at: fc.nat(400), dormant: fc.nat(200), newPractice: fc.boolean(), newPrivate: fc.boolean() }),
  fc.record({ kind: fc.constant("flag" as const), owner: fc.nat(300), at: fc.nat(400) }),
  fc.record({ kind: fc.constant("end" as const), practice: fc.nat(200) }),
);

let run = 0;
let applied = 0;
const appliedKinds = new Set<string>();

/** A date after `cutoff`, no later than the reporting date (`offset` spreads the choice). */
const after = (cutoff: string, offset: number) => {
  const room = Math.round((Date.parse(REPORTING_DATE) - Date.parse(cutoff)) / 86_400_000);
  return addDaysIso(cutoff, 1 + (offset % Math.max(room, 1)));
};

function newPrivateProvider() {
  run += 1;
  return createOrganisation({
    actor: programme,
    input: { odsCode: `PRV${String(run).padStart(3, "0")}`, name: `Private provider ${run}`, type: "private_provider", locality: null, nhsBadgedPrivate: true, listSize: null, signedUpOn: null, dsptStatus: null, dsptYear: null, status: "active", postcode: null, effectiveOn: null },
  }).id;
}

/** Records one later fact through the models' own (audited) write functions; a refusal the app would show a user is skipped. */
function record(fact: Later, cutoff: string) {
  const note = () => {
    applied += 1;
    appliedKinds.add(fact.kind);
  };
  const list = practices();
  if (fact.kind === "cover") {
    const practice = list[fact.practice % list.length]!;
    const startOn = after(cutoff, fact.start);
    createCover({ actor: ccgActor, user: ccg, input: { organisationId: practice.id, scope: "Sharing for direct care via MIG and EDT", startOn, endOn: addDaysIso(startOn, fact.length), status: "active", documentReference: `IND-PROP-${run}`, signedBy: "Jane Whitfield, Chief Finance Officer" } });
    return note();
  }
  if (fact.kind === "renew") {
    const practice = list[fact.practice % list.length]!;
    const covers = getDb().select().from(indemnityCovers).where(eq(indemnityCovers.organisationId, practice.id)).orderBy(indemnityCovers.id).all();
    const last = covers.at(-1);
    if (!last || last.status !== "active" || last.notCountedReason || covers.some((c) => c.renewsCoverId === last.id)) return;
    const startOn = [after(cutoff, fact.start), addDaysIso(last.startOn, 1)].sort().at(-1)!;
    renewCover({ actor: ccgActor, user: ccg, coverId: last.id, input: { scope: last.scope, startOn, endOn: addDaysIso(startOn, 730), status: "active", documentReference: `IND-RENEW-${run}`, signedBy: "Jane Whitfield, Chief Finance Officer" } });
    return note();
  }
  if (fact.kind === "live") {
    run += 1;
    const all = viewers();
    const organisationId = fact.newPrivate ? newPrivateProvider() : all[fact.owner % all.length]!.id;
    const service = createService({ actor: programme, organisationId, input: { name: `Indemnity history ${run}`, category: null, description: null } });
    const [plannedOn, liveOn] = [after(cutoff, fact.planned), after(cutoff, fact.live)].sort();
    const deployment = createDeployment({ actor: programme, input: { serviceId: service.id, capabilityCode: "mig_view", status: "planned", effectiveOn: plannedOn!, plannedGoLive: liveOn!, owner: null, notes: null } });
    if (liveOn! > plannedOn!) changeDeploymentStatus({ actor: programme, id: deployment.id, input: { status: "live", effectiveOn: liveOn!, note: null } });
    return note();
  }
  if (fact.kind === "import") {
    run += 1;
    const effectiveOn = after(cutoff, fact.at);
    // An existing practice goes dormant, as its epraccur line says, with its other details as held.
    const existing = list[fact.dormant % list.length]!;
    const epraccur = [epraccurLine({ 1: existing.odsCode, 2: existing.name, 10: existing.postcode ?? "", 11: (existing.openedOn ?? "").replace(/-/g, ""), 13: "D" })];
    if (fact.newPractice) epraccur.push(epraccurLine({ 1: `Y${String(70000 + run)}`, 2: `NEW PRACTICE ${run}` }));
    const text = epraccur.map((r) => r.map((c) => `"${c}"`).join(",")).join("\r\n") + "\r\n";
    applyOrganisationImport({ actor: programme, text, options: { commissionerCode: "02H", includeClosed: false, effectiveOn }, fileName: `epraccur-${run}.csv` });
    if (fact.newPrivate) {
      const simple = `ods_code,name,type,locality,list_size\r\nPI${String(run).padStart(4, "0")},Imported private provider ${run},private_provider,,\r\n`;
      applyOrganisationImport({ actor: programme, text: simple, options: { commissionerCode: "", includeClosed: false, effectiveOn }, fileName: `providers-${run}.csv` });
    }
    return note();
  }
  if (fact.kind === "flag") {
    // The programme team marks a viewing organisation as (or as no longer) a private provider under the NHS badge, from a date after D.
    const all = getDb().select().from(organisations).where(and(eq(organisations.status, "active"), ne(organisations.type, "gp_practice"))).orderBy(organisations.id).all();
    const org = all[fact.owner % all.length]!;
    const { id, createdAt: _c, updatedAt: _u, commissionerCode: _cc, openedOn: _o, closedOn: _cl, ...held } = org;
    try {
      updateOrganisation({ actor: programme, id, input: { ...held, nhsBadgedPrivate: !org.nhsBadgedPrivate, effectiveOn: after(cutoff, fact.at) } });
    } catch (error) {
      if (error instanceof OrganisationRuleError) return; // a change already recorded after that date: the form refuses it
      throw error;
    }
    return note();
  }
  // Cover ended from the reporting date: the CCG records that cover in force then ends on it early.
  const practice = list[fact.practice % list.length]!;
  const cover = getDb()
    .select()
    .from(indemnityCovers)
    .where(
      and(
        eq(indemnityCovers.organisationId, practice.id),
        eq(indemnityCovers.status, "active"),
        isNull(indemnityCovers.endedOn),
        lte(indemnityCovers.startOn, REPORTING_DATE),
        gte(indemnityCovers.endOn, addDaysIso(REPORTING_DATE, 1)),
      ),
    )
    .get();
  if (!cover) return;
  endCoverEarly({ actor: ccgActor, user: ccg, coverId: cover.id, input: { endedOn: REPORTING_DATE, endReason: "The CCG ends this indemnity from the reporting date" } });
  note();
}

describe("indemnity history over time", () => {
  it("starts with every practice covered at the reporting date and gaps to find earlier", () => {
    const atReportingDate = countPracticesWithActiveCover({ asAt: REPORTING_DATE });
    expect(atReportingDate.covered).toBe(atReportingDate.total);
    expect(listExceptions({ asAt: REPORTING_DATE, kind: "sharing_without_cover" })).toEqual([]);
  });

  it("never moves the sharing-without-cover exceptions, the register or the API as at a date when later facts are recorded", async () => {
    let withExceptions = 0;
    await fc.assert(
      fc.asyncProperty(
        // D: any day from January 2015 to the day before the reporting date.
        fc.integer({ min: 0, max: LAST_DAY - 1 }),
        fc.array(later.filter((f) => f.kind !== "end"), { minLength: 1, maxLength: 6 }),
        async (cutoffDay, facts) => {
          const cutoff = day(cutoffDay);
          const before = await picture(cutoff);
          if (before.exceptions.length) withExceptions += 1;
          for (const fact of facts) record(fact, cutoff);
          expect(await picture(cutoff)).toEqual(before);
        },
      ),
      { numRuns: 40 },
    );
    // The property was tried against real later facts of every kind and dates with exceptions to keep.
    expect(applied).toBeGreaterThan(15);
    expect([...appliedKinds].sort()).toEqual(["cover", "flag", "import", "live", "renew"]);
    expect(withExceptions).toBeGreaterThan(0);
  }, 60_000);

  it("never moves the exceptions, the register or the API as at a date when cover is ended early from the reporting date", async () => {
    const ended = applied;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: LAST_DAY - 1 }), fc.array(later, { minLength: 1, maxLength: 4 }), async (cutoffDay, facts) => {
        const cutoff = day(cutoffDay);
        // Everything, end dates and expiring cover included: an early ending is read from the day it was recorded.
        const coverAt = () => picture(cutoff);
        const before = await coverAt();
        for (const fact of facts) record(fact, cutoff);
        expect(await coverAt()).toEqual(before);
      }),
      { numRuns: 20 },
    );
    expect(appliedKinds.has("end")).toBe(true);
    expect(applied).toBeGreaterThan(ended);
  }, 60_000);

  // Found by the property above when it compared whole rows: ending cover used to be an in-place edit
  // of its end date, so the register and the API as at an earlier date showed the new end date. Now
  // the signed end date is kept beside the dated ending, read from the day it was recorded.
  it("keeps a cover's end date and state as at an earlier date when the CCG ends it from the reporting date", async () => {
    const asAt = "2016-09-30";
    // A cover the random histories above have not already ended early (they run on the same database).
    const row = listPracticeCover({ asAt, state: "covered", pageSize: 200 }).rows.find((r) => r.endOn! > addDaysIso(REPORTING_DATE, 90) && getCover({ id: r.coverId!, asAt: REPORTING_DATE })?.endedEarlyOn === null)!;
    expect(row).toBeDefined();
    const before = await picture(asAt);
    endCoverEarly({ actor: ccgActor, user: ccg, coverId: row.coverId!, input: { endedOn: REPORTING_DATE, endReason: "The CCG ends this indemnity from the reporting date" } });
    expect(await picture(asAt)).toEqual(before);
    // From the reporting date, when it was recorded, the cover ends early (its last day), its signed end kept beside it.
    expect(getCover({ id: row.coverId!, asAt: REPORTING_DATE })).toMatchObject({ status: "active", endOn: REPORTING_DATE, signedEndOn: row.endOn, endedEarlyOn: REPORTING_DATE, endedRecordedOn: REPORTING_DATE });
    expect(getCover({ id: row.coverId!, asAt: addDaysIso(REPORTING_DATE, -1) })).toMatchObject({ endOn: row.endOn, endedEarlyOn: null, endedRecordedOn: null, endReason: null });
  });
});
