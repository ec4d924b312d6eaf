import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { auditLog, capabilities, indemnityCovers, organisations, users } from "../../db/schema";
import { createDeployment, createService } from "../../seeds/factories";
import { getUserWithRoles, type SignedInUser } from "~/models/users.server";
import {
  countPracticesWithActiveCover,
  coverExpiring,
  createCover,
  lapsedCover,
  listCovers,
  organisationsSharingWithoutCover,
  renewCover,
  updateCover,
} from "~/models/indemnity.server";
import { getOrganisationGovernance } from "~/models/governance.server";
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
const sharingWithoutCover = (asAt: string) => organisationsSharingWithoutCover({ asAt }).map((o) => o.odsCode);

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
        () => updateCover({ actor: actorOf(u), user: u, coverId: cover.id, input: renewal({ startOn: cover.startOn, endOn: cover.endOn, status: "revoked" }) }),
      ]) {
        const error = refusal(fn) as GovernanceError;
        expect(error).toBeInstanceOf(GovernanceError);
        expect(error.status).toBe(403);
      }
      expect(coverOf("P92010")).toEqual(cover);
    });
  }
});

describe("sharing without cover", () => {
  it("finds the pharmacy chain sharing after its cover lapsed, on the reporting date", () => {
    expect(sharingWithoutCover(REPORTING_DATE)).toEqual(["FWG21"]);
    expect(organisationsSharingWithoutCover({ asAt: REPORTING_DATE })[0]).toMatchObject({ liveDeployments: 4, lastCoverEndedOn: "2016-09-30" });
  });

  it("counts cover as in force through its last day and gone the day after", () => {
    expect(sharingWithoutCover("2016-09-30")).toEqual([]);
    expect(sharingWithoutCover("2016-10-01")).toEqual(["FWG21"]);
  });

  it("judges a practice's deployment against the as-at date: from the day it goes live, until its cover ends", () => {
    const db = getDb();
    const practice = orgId("P92031"); // cover ends 4 November 2016
    const service = createService(db, { organisationId: practice, name: "Practice-hosted anticoagulation clinic" });
    const capability = db.select().from(capabilities).where(eq(capabilities.code, "mig_view")).get()!;
    createDeployment(db, {
      serviceId: service.id,
      capabilityId: capability.id,
      events: [
        { status: "planned", effectiveOn: "2016-09-01" },
        { status: "live", effectiveOn: "2016-11-05" },
      ],
    });
    expect(sharingWithoutCover("2016-11-04")).not.toContain("P92031"); // not yet live, and covered
    expect(sharingWithoutCover("2016-11-05")).toContain("P92031"); // live on the first day without cover
    expect(getOrganisationGovernance({ organisationId: practice, asAt: "2016-11-05" })!.indemnity!.warnings.map((w) => w.kind)).toEqual(["sharing_without_cover", "lapsed"]);
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
    expect(lapsedCover({ asAt: REPORTING_DATE }).map((o) => [o.odsCode, o.endedOn])).toEqual([["FWG21", "2016-09-30"]]);
    expect(countPracticesWithActiveCover({ asAt: REPORTING_DATE })).toEqual({ covered: 63, total: 63 });
    expect(countPracticesWithActiveCover({ asAt: "2016-11-05" }).covered).toBe(62);
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
    expect(countPracticesWithActiveCover({ asAt: "2016-11-25" }).covered).toBe(62); // P92031 has lapsed; P92020 is covered by its renewal
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

  it("refuses cover for an organisation the CCG does not indemnify", () => {
    const error = refusal(() => createCover({ actor: actorOf(ccg), user: ccg, input: { organisationId: orgId("RRF"), ...renewal() } })) as GovernanceFieldError;
    expect(error.field).toBe("organisationId");
  });

  it("renews the pharmacy's lapsed cover and it is no longer sharing without cover", () => {
    renewCover({ actor: actorOf(ccg), user: ccg, coverId: coverOf("FWG21").id, input: renewal({ startOn: "2016-10-20", endOn: "2018-10-19" }) });
    expect(sharingWithoutCover(REPORTING_DATE)).toEqual([]);
    expect(sharingWithoutCover("2016-10-19")).toEqual(["FWG21"]);
    expect(lapsedCover({ asAt: REPORTING_DATE })).toEqual([]);
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

  it("says a trust needs no indemnity cover", () => {
    const governance = getOrganisationGovernance({ organisationId: orgId("RRF"), asAt: REPORTING_DATE })!;
    expect(governance.indemnity).toMatchObject({ needsCover: false, warnings: [], history: [] });
    expect(governance.agreements.map((a) => a.reference)).toEqual(["ISA-001", "ISA-002", "ISA-003"]);
  });
});
