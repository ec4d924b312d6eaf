import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { auditLog, capabilities, indemnityCovers, organisations, users } from "../../db/schema";
import { createDeployment, createIndemnityCover, createOrganisation, createService } from "../../seeds/factories";
import { getUserWithRoles, type SignedInUser } from "~/models/users.server";
import {
  countPracticesWithActiveCover,
  coverExpiring,
  lapsedCover,
  listCovers,
  listPracticeCover,
  practicesViewableWithoutCover,
  recordViewers,
  viewersOfPracticeRecord,
} from "~/models/indemnity.server";
import {
  createCover,
  renewCover,
  correctCover,
  endCoverEarly,
} from "~/models/indemnity-changes.server";
import { getOrganisationGovernance } from "~/models/governance.server";
import { listExceptions } from "~/models/exceptions.server";
import { GovernanceError, GovernanceFieldError } from "~/models/governance-errors.server";
import type { CoverInput } from "~/models/indemnity.schema";
import type { Actor } from "~/lib/audit.server";

const REPORTING_DATE = "2016-10-31";

function user(email: string): SignedInUser {
  const row = getDb().select({ id: users.id }).from(users).where(eq(users.email, email)).get();
  return getUserWithRoles({ userId: row!.id })!;
}
const actorOf = (u: SignedInUser): Actor => ({ userId: u.id, label: u.email });
const orgId = (ods: string) => getDb().select({ id: organisations.id }).from(organisations).where(eq(organisations.odsCode, ods)).get()!.id;
const coverOf = (ods: string) =>
  getDb()
    .select()
    .from(indemnityCovers)
    .where(eq(indemnityCovers.organisationId, orgId(ods)))
    .all()
    .at(-1)!;
const viewableWithoutCover = (asAt: string) => practicesViewableWithoutCover({ asAt }).map((o) => o.odsCode);
/** The CCG ends a practice's cover early (a dated change, recorded on the reporting date), as the e2e journey does through the form. */
const endCoverOf = (ods: string, endedOn: string) =>
  endCoverEarly({ actor: actorOf(ccg), user: ccg, coverId: coverOf(ods).id, input: { endedOn, endReason: "The practice's indemnity moved to its own insurer" } });

const renewal = (overrides: Partial<CoverInput> = {}): CoverInput => ({
  scope: "Sharing for direct care via MIG and EDT",
  startOn: "2016-11-05",
  endOn: "2018-11-04",
  status: "active",
  documentReference: "IND-2016-TEST",
  signedBy: "Jane Whitfield, Chief Finance Officer",
  ...overrides,
});

function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a refusal");
}

let ccg: SignedInUser;
beforeAll(() => {
  ccg = user("ccg@example.org");
});

describe("only the CCG changes cover", () => {
  for (const email of ["board@example.org", "programme@example.org", "ig@example.org", "admin@example.org", "practitioner@example.org"]) {
    it(`refuses ${email} adding, renewing or changing cover`, () => {
      const u = user(email);
      const cover = coverOf("P92010");
      for (const fn of [
        () => createCover({ actor: actorOf(u), user: u, input: { organisationId: orgId("P92010"), ...renewal() } }),
        () => renewCover({ actor: actorOf(u), user: u, coverId: cover.id, input: renewal({ startOn: "2017-01-20", endOn: "2019-01-19" }) }),
        () => correctCover({ actor: actorOf(u), user: u, coverId: cover.id, input: { ...renewal({ startOn: cover.startOn, endOn: cover.endOn, status: "revoked" }), endedOn: null, correctionReason: "Never signed" } }),
        () => endCoverEarly({ actor: actorOf(u), user: u, coverId: cover.id, input: { endedOn: "2016-10-15", endReason: "Ended" } }),
      ]) {
        const error = refusal(fn) as GovernanceError;
        expect(error).toBeInstanceOf(GovernanceError);
        expect(error.status).toBe(403);
      }
      expect(coverOf("P92010")).toEqual(cover);
    });
  }
});

describe("the register of practices' cover", () => {
  it("lists every member practice with its cover as at the date, filtered and sorted in SQL", () => {
    const all = listPracticeCover({ asAt: REPORTING_DATE, pageSize: 200 });
    expect(all.total).toBe(63);
    expect(all.rows.filter((r) => r.state === "covered")).toHaveLength(60);
    const expiring = listPracticeCover({ asAt: REPORTING_DATE, state: "expiring", sort: { id: "endOn", desc: false } });
    expect(expiring.rows.map((r) => [r.odsCode, r.daysLeft])).toEqual([
      ["P92031", 4],
      ["P92020", 24],
      ["P92010", 80],
    ]);
    expect(listPracticeCover({ asAt: "2015-07-10", state: "lapsed" }).rows.map((r) => [r.odsCode, r.lastCoverEndedOn, r.coverId])).toEqual([["P92040", "2015-06-30", null]]);
    expect(listPracticeCover({ asAt: REPORTING_DATE, locality: "Leigh", pageSize: 200 }).total).toBe(9);
  });

});

describe("a practice's record viewable without cover (the case study's indemnity)", () => {
  it("finds none on the reporting date: every practice is covered, and private providers hold no cover and raise nothing", () => {
    expect(viewableWithoutCover(REPORTING_DATE)).toEqual([]);
    expect(listExceptions({ asAt: REPORTING_DATE, kind: "sharing_without_cover" })).toEqual([]);
    expect(getDb().select().from(indemnityCovers).where(eq(indemnityCovers.organisationId, orgId("FWG21"))).all()).toEqual([]);
  });

  it("counts the services that can view records on the date, private ones apart, from the deployments' stored intervals", () => {
    const viewers = recordViewers({ asAt: REPORTING_DATE });
    const privateOnes = viewers.filter((v) => v.privateProvider);
    expect(privateOnes.map((v) => [v.odsCode, v.services])).toEqual([
      ["FWG21", 4], // Makerfield Community Pharmacy Ltd: Tyldesley is still planned
      ["NWB01", 5], // Wigan Borough Extended Access Ltd: Hindley is still in progress
    ]);
    // Only capabilities that view the record: EDT alone does not.
    expect(viewers.every((v) => v.services > 0)).toBe(true);
    expect(recordViewers({ asAt: "2015-04-10" }).map((v) => [v.odsCode, v.services])).toEqual([["RY2", 1]]); // the walk-in centre, first to go live
  });

  it("finds the practice in the gap between its lapsed cover and its renewal, with the private pharmacies and hubs among the viewers", () => {
    expect(viewableWithoutCover("2015-06-30")).toEqual([]); // the last day of its first cover
    const [gap] = practicesViewableWithoutCover({ asAt: "2015-07-10" });
    expect(gap).toMatchObject({ odsCode: "P92040", lastCoverEndedOn: "2015-06-30", privateServices: 5 });
    expect(gap!.privateOrganisations.map((o) => [o.odsCode, o.services])).toEqual([
      ["FWG21", 3],
      ["NWB01", 2],
    ]);
    expect(viewableWithoutCover("2015-07-20")).toEqual([]); // its renewal starts
  });

  it("raises a High exception naming the private viewers when the CCG ends a practice's cover", () => {
    endCoverOf("P92050", "2016-10-15");
    expect(viewableWithoutCover("2016-10-15")).toEqual([]);
    // Recorded on the reporting date: as at 16 October nobody knew the cover had ended, and that figure stays.
    expect(viewableWithoutCover("2016-10-16")).toEqual([]);
    expect(viewableWithoutCover(REPORTING_DATE)).toEqual(["P92050"]);
    const name = getDb().select({ name: organisations.name }).from(organisations).where(eq(organisations.odsCode, "P92050")).get()!.name;
    const [e] = listExceptions({ asAt: REPORTING_DATE, kind: "sharing_without_cover" });
    const total = recordViewers({ asAt: REPORTING_DATE }).reduce((n, v) => n + v.services, 0);
    expect(e).toMatchObject({
      id: "sharing_without_cover:P92050",
      severity: "high",
      actionRole: "ccg",
      organisation: { odsCode: "P92050", type: "gp_practice" },
      title: `${name} has no indemnity cover while ${total} services (9 private) can view its record`,
      href: "/organisations/P92050",
      dueOn: "2016-10-15",
    });
    expect(e!.detail).toBe(
      "Private providers (NHS-funded) viewing it: Makerfield Community Pharmacy Ltd (4 services), Wigan Borough Extended Access Ltd (5 services). No CCG indemnity cover in force on 31 October 2016; the last cover ended on 15 October 2016.",
    );
    const warnings = getOrganisationGovernance({ organisationId: orgId("P92050"), asAt: REPORTING_DATE })!.indemnity!.warnings;
    expect(warnings.map((w) => w.kind)).toEqual(["viewable_without_cover", "lapsed"]);
    expect(warnings[0]!.text).toBe(
      `No indemnity cover in force on 31 October 2016 while ${total} services (9 private) can view this practice's record, among them Makerfield Community Pharmacy Ltd, Wigan Borough Extended Access Ltd`,
    );
  });

  it("is Medium when no private organisation can view the record", () => {
    // A practice that joined in January 2015 with no cover and closed in May: on 10 April 2015 only the NHS walk-in centre viewed records.
    const practice = createOrganisation(getDb(), { type: "gp_practice", name: "Short-lived Surgery", signedUpOn: "2015-01-01", status: "closed", closedOn: "2015-05-01" });
    const [e] = listExceptions({ asAt: "2015-04-10", kind: "sharing_without_cover" });
    expect(e).toMatchObject({ id: `sharing_without_cover:${practice.odsCode}`, severity: "medium", title: "Short-lived Surgery has no indemnity cover while 1 service (0 private) can view its record" });
    expect(e!.detail).toBe("No CCG indemnity cover in force on 10 April 2015.");
    expect(viewableWithoutCover(REPORTING_DATE)).not.toContain(practice.odsCode); // closed since
  });

  it("leaves out a practice that is not a member of the partnership: its record is not shared", () => {
    const outsider = createOrganisation(getDb(), { type: "gp_practice", name: "Not Yet Joined Surgery", signedUpOn: null });
    expect(viewableWithoutCover(REPORTING_DATE)).not.toContain(outsider.odsCode);
    const governance = getOrganisationGovernance({ organisationId: outsider.id, asAt: REPORTING_DATE })!;
    expect(governance.indemnity).toMatchObject({ isPractice: true, activeMember: false, needsCover: false, warnings: [], history: [] });
  });
});

describe("cover expiring and lapsed", () => {
  it("lists cover ending within 90, 30 and 7 days, soonest first, with its band", () => {
    expect(coverExpiring({ asAt: REPORTING_DATE, withinDays: 90 }).map((c) => [c.odsCode, c.daysLeft, c.band])).toEqual([
      ["P92031", 4, 7],
      ["P92020", 24, 30],
      ["P92010", 80, 90],
    ]);
    expect(coverExpiring({ asAt: REPORTING_DATE, withinDays: 4 }).map((c) => c.odsCode)).toEqual(["P92031"]);
    expect(coverExpiring({ asAt: REPORTING_DATE, withinDays: 3 })).toEqual([]);
    expect(listCovers({ asAt: REPORTING_DATE, expiringWithinDays: 30 }).rows.map((r) => r.odsCode)).toEqual(["P92020", "P92031"]);
  });

  it("lists lapsed cover and counts practices with cover in force", () => {
    // P92050's cover was ended on 15 October 2016 by the CCG above; the demo data has every practice covered.
    expect(lapsedCover({ asAt: REPORTING_DATE }).map((o) => [o.odsCode, o.endedOn])).toEqual([["P92050", "2016-10-15"]]);
    expect(lapsedCover({ asAt: "2015-07-10" }).map((o) => [o.odsCode, o.endedOn])).toEqual([["P92040", "2015-06-30"]]);
    expect(countPracticesWithActiveCover({ asAt: "2016-10-15" })).toEqual({ covered: 63, total: 63 });
    expect(countPracticesWithActiveCover({ asAt: REPORTING_DATE })).toEqual({ covered: 62, total: 63 });
    expect(countPracticesWithActiveCover({ asAt: "2016-11-05" }).covered).toBe(61);
    expect(listCovers({ asAt: REPORTING_DATE, status: "renewed" }).rows.map((r) => r.odsCode)).toEqual(["P92040"]);
  });
});

describe("renewing cover", () => {
  it("adds a new cover row after the old one, keeps the history, and clears the expiring warning", () => {
    const old = coverOf("P92020");
    const renewed = renewCover({ actor: actorOf(ccg), user: ccg, coverId: old.id, input: renewal({ startOn: "2016-11-25", endOn: "2018-11-24" }) });
    expect(renewed).toMatchObject({ organisationId: old.organisationId, renewsCoverId: old.id, startOn: "2016-11-25" });
    expect(coverExpiring({ asAt: REPORTING_DATE }).map((c) => c.odsCode)).not.toContain("P92020");
    const history = listCovers({ asAt: REPORTING_DATE, organisationId: old.organisationId }).rows;
    expect(history.map((c) => [c.startOn, c.status])).toEqual([
      ["2016-11-25", "upcoming"],
      ["2014-11-25", "active"],
    ]);
    expect(listCovers({ asAt: "2016-11-25", organisationId: old.organisationId }).rows.map((c) => c.status)).toEqual(["active", "renewed"]);
    expect(countPracticesWithActiveCover({ asAt: "2016-11-25" }).covered).toBe(61); // P92031 and P92050 have no cover; P92020 is covered by its renewal
    const audited = getDb().select().from(auditLog).where(and(eq(auditLog.action, "indemnity.renew"), eq(auditLog.entityId, String(renewed.id)))).get();
    expect(JSON.parse(audited!.before!).id).toBe(old.id);
    expect(JSON.parse(audited!.after!).renewsCoverId).toBe(old.id);
  });

  it("refuses renewing the same cover twice", () => {
    const error = refusal(() => renewCover({ actor: actorOf(ccg), user: ccg, coverId: coverOf("P92020").renewsCoverId!, input: renewal() })) as GovernanceError;
    expect(error.status).toBe(409);
  });

  it("refuses a renewal starting before the cover it renews, or ending before it starts", () => {
    const old = coverOf("P92010");
    expect((refusal(() => renewCover({ actor: actorOf(ccg), user: ccg, coverId: old.id, input: renewal({ startOn: "2015-01-01" }) })) as GovernanceFieldError).field).toBe("startOn");
    expect((refusal(() => renewCover({ actor: actorOf(ccg), user: ccg, coverId: old.id, input: renewal({ startOn: "2017-01-20", endOn: "2017-01-20" }) })) as GovernanceFieldError).field).toBe("endOn");
  });

  it("refuses cover for anything but a GP practice, private providers included, saying why at the field", () => {
    for (const ods of ["RRF", "FWG21", "NWB01"]) {
      const error = refusal(() => createCover({ actor: actorOf(ccg), user: ccg, input: { organisationId: orgId(ods), ...renewal() } })) as GovernanceFieldError;
      expect(error).toBeInstanceOf(GovernanceFieldError);
      expect(error.field).toBe("organisationId");
      expect(error.message).toMatch(/^Choose a GP practice .*the CCG indemnifies practices/);
    }
    expect(getDb().select().from(indemnityCovers).where(eq(indemnityCovers.organisationId, orgId("FWG21"))).all()).toEqual([]);
  });

  it("renews a practice's ended cover and the exception goes", () => {
    endCoverOf("P92045", "2016-10-15");
    expect(viewableWithoutCover(REPORTING_DATE)).toContain("P92045");
    renewCover({ actor: actorOf(ccg), user: ccg, coverId: coverOf("P92045").id, input: renewal({ startOn: "2016-10-20", endOn: "2018-10-19" }) });
    expect(viewableWithoutCover(REPORTING_DATE)).not.toContain("P92045");
    expect(viewableWithoutCover("2016-10-19")).not.toContain("P92045"); // the ending was recorded on the reporting date, after 19 October
    expect(lapsedCover({ asAt: REPORTING_DATE }).map((o) => o.odsCode)).not.toContain("P92045");
  });

  it("keeps cover once recorded for a private provider as history: not counted, not renewed", () => {
    const db = getDb();
    const old = createIndemnityCover(db, { organisationId: orgId("FWG21"), startOn: "2015-04-01", endOn: "2016-09-30", status: "lapsed", notCountedReason: "Held by an organisation that is not a GP practice" });
    const [row] = listCovers({ asAt: REPORTING_DATE, organisationId: orgId("FWG21") }).rows;
    expect(row).toMatchObject({ id: old.id, counted: false, notCountedReason: "Held by an organisation that is not a GP practice" });
    expect(lapsedCover({ asAt: REPORTING_DATE }).map((o) => o.odsCode)).not.toContain("FWG21");
    const error = refusal(() => renewCover({ actor: actorOf(ccg), user: ccg, coverId: old.id, input: renewal() })) as GovernanceError;
    expect(error.status).toBe(409);
    expect(error.message).toContain("the CCG indemnifies GP practices");
    expect(getOrganisationGovernance({ organisationId: orgId("FWG21"), asAt: REPORTING_DATE })!.indemnity).toMatchObject({ isPractice: false, privateProvider: true, current: null, warnings: [] });
  });
});

describe("an organisation's governance", () => {
  it("shows the practice's agreements and its expiring cover", () => {
    const governance = getOrganisationGovernance({ organisationId: orgId("P92010"), asAt: REPORTING_DATE })!;
    expect(governance.indemnity!.needsCover).toBe(true);
    expect(governance.indemnity!.current?.endOn).toBe("2017-01-19");
    expect(governance.indemnity!.warnings.map((w) => w.text)).toEqual(["Cover expires in 80 days, on 19 January 2017, and has not been renewed"]);
    expect(governance.agreements.map((a) => [a.reference, a.status, a.reviewState])).toEqual([["ISA-001", "active", "due"]]);
  });

  it("says a trust holds no cover of its own", () => {
    const governance = getOrganisationGovernance({ organisationId: orgId("RRF"), asAt: REPORTING_DATE })!;
    expect(governance.indemnity).toMatchObject({ isPractice: false, privateProvider: false, needsCover: false, warnings: [], history: [] });
    expect(governance.agreements.map((a) => a.reference)).toEqual(["ISA-001", "ISA-002", "ISA-003"]);
  });
});


describe("the register after the CCG ends a practice's cover", () => {
  it("shows the practice as lapsed, first when sorted by cover", () => {
    const rows = listPracticeCover({ asAt: REPORTING_DATE, sort: { id: "cover", desc: false } }).rows;
    expect(rows[0]).toMatchObject({ odsCode: "P92050", state: "lapsed", lastCoverEndedOn: "2016-10-15", coverId: null });
    expect(rows[1]!.state).not.toBe("lapsed");
  });
});

describe("a practice's own service", () => {
  it("is not counted as a viewer of the practice's own record", () => {
    const db = getDb();
    const practice = orgId("P92001");
    const capability = db.select().from(capabilities).where(eq(capabilities.code, "mig_view")).get()!;
    const service = createService(db, { organisationId: practice, name: "Practice-hosted anticoagulation clinic" });
    createDeployment(db, { serviceId: service.id, capabilityId: capability.id, events: [{ status: "live", effectiveOn: "2016-10-01" }] });
    const viewers = recordViewers({ asAt: REPORTING_DATE });
    expect(viewersOfPracticeRecord(viewers, orgId("P92002")).services - viewersOfPracticeRecord(viewers, practice).services).toBe(1);
  });
});
