import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { addDaysIso, workingDaysBetween } from "~/lib/dates";
import { organisations, users } from "../../db/schema";
import {
  createBusinessCase,
  createDeployment,
  createIndemnityCover,
  createOrganisation,
  createPriority,
  createService,
  ensureCapabilities,
} from "../../seeds/factories";
import { countExceptionsBySeverity, listExceptions } from "~/models/exceptions.server";
import { SEVERITY_RANK, type ExceptionKind } from "~/models/exceptions.schema";

const REPORTING_DATE = "2016-10-31";

const orgId = (ods: string) => getDb().select({ id: organisations.id }).from(organisations).where(eq(organisations.odsCode, ods)).get()!.id;
const userId = (email: string) => getDb().select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id;
const kinds = (list: { kind: ExceptionKind }[]) => list.map((e) => e.kind);
const ofKind = (kind: ExceptionKind, asAt = REPORTING_DATE) => listExceptions({ asAt, kind });
const odsOf = (list: { organisation: { odsCode: string } | null }[]) => list.map((e) => e.organisation?.odsCode ?? null);

describe("the demo data's exceptions at the reporting date", () => {
  it("lists the frailty unit sharing with no agreement, for the IG lead, high severity", () => {
    const [e, ...rest] = ofKind("sharing_without_agreement");
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ severity: "high", actionRole: "ig_lead", organisation: { odsCode: "RRF" }, dueOn: "2016-07-11" });
    expect(e!.title).toContain("Frailty assessment unit");
    expect(e!.href).toMatch(/^\/rollout\/deployments\/\d+$/);
  });

  it("is absent before the frailty unit went live and present on the day it did", () => {
    expect(ofKind("sharing_without_agreement", "2016-07-10")).toEqual([]);
    expect(odsOf(ofKind("sharing_without_agreement", "2016-07-11"))).toEqual(["RRF"]);
  });

  it("lists no practice whose record can be viewed without cover: every practice is covered, and private providers hold no cover", () => {
    expect(ofKind("sharing_without_cover")).toEqual([]);
    // As at a day in the gap between P92040's lapsed cover and its renewal, its record could be viewed by private pharmacies and hubs.
    const [gap, ...rest] = ofKind("sharing_without_cover", "2015-07-10");
    expect(rest).toEqual([]);
    expect(gap).toMatchObject({ severity: "high", actionRole: "ccg", organisation: { odsCode: "P92040" }, href: "/organisations/P92040", dueOn: "2015-06-30" });
    expect(gap!.actionHref).toBe("/indemnity?asAt=2015-07-10#viewable-without-cover");
    expect(gap!.detail).toMatch(/^Private providers \(NHS-funded\) viewing it: Makerfield Community Pharmacy Ltd \(3 services\), Wigan Borough Extended Access Ltd \(2 services\)\./);
  });

  it("lists cover expiring in 4, 24 and 80 days as high, medium and low", () => {
    const list = ofKind("cover_expiring");
    expect(list.map((e) => [e.organisation?.odsCode, e.severity])).toEqual([
      ["P92031", "high"],
      ["P92020", "medium"],
      ["P92010", "low"],
    ]);
    expect(list[0]!.title).toContain("4 days");
    expect(list[1]!.title).toContain("24 days");
    expect(list[2]!.title).toContain("80 days");
    expect(list.every((e) => e.actionRole === "ccg" && e.actionHref?.endsWith("/renew") && e.href.startsWith("/indemnity?"))).toBe(true);
  });

  it("lists ISA-001's review as due (low), not overdue", () => {
    const due = ofKind("agreement_review_due");
    expect(due.map((e) => e.record)).toEqual(["ISA-001 v1"]);
    expect(due[0]).toMatchObject({ severity: "low", actionRole: "ig_lead", dueOn: "2017-01-01", href: "/agreements/ISA-001", organisation: null });
    expect(ofKind("agreement_review_overdue")).toEqual([]);
  });

  it("lists the late deployments for the programme team", () => {
    const late = ofKind("deployment_late");
    expect(late.length).toBe(3);
    expect(late.map((e) => e.organisation?.odsCode).sort()).toEqual(["RRF", "RY2", "WLHSP"]);
    expect(late.every((e) => e.severity === "medium" && e.actionRole === "programme")).toBe(true);
  });

  it("lists P92017, P92034 and P92048 as falling, and never also as below target", () => {
    expect(odsOf(ofKind("opt_in_falling")).sort()).toEqual(["P92017", "P92034", "P92048"]);
    const below = odsOf(ofKind("opt_in_below_target"));
    expect(below).not.toContain("P92017");
    expect(below).not.toContain("P92034");
    expect(below).not.toContain("P92048");
    expect(below.length).toBeGreaterThan(0);
    expect(ofKind("opt_in_below_target").every((e) => e.severity === "low")).toBe(true);
  });

  it("lists the hospice's low maturity with roll-out planned, and not the acute trust's", () => {
    const list = ofKind("low_maturity_rollout_planned");
    expect(new Set(odsOf(list))).toEqual(new Set(["WLHSP"]));
    expect(list[0]!.href).toBe("/maturity/WLHSP");
  });

  it("lists BC-2016-007 (IG lead to act) and BC-2016-008 (board to act) past the service level", () => {
    const list = ofKind("case_waiting_past_sla");
    expect(list.map((e) => [e.record, e.actionRole])).toEqual([
      ["BC-2016-007", "ig_lead"],
      ["BC-2016-008", "board"],
    ]);
    expect(list[0]!.href).toBe("/cases/BC-2016-007");
  });

  it("lists the priorities due for re-endorsement, for the board", () => {
    const list = ofKind("priority_endorsement_due");
    expect(list.map((e) => [e.severity, e.dueOn])).toEqual([
      ["medium", "2016-10-13"],
      ["low", "2017-01-12"],
    ]);
    expect(list.every((e) => e.actionRole === "board" && /^\/rollout\/priorities\/\d+\/endorse$/.test(e.href))).toBe(true);
  });
});

describe("filters and order", () => {
  const all = () => listExceptions({ asAt: REPORTING_DATE });

  it("puts the most severe first, then the earliest due date", () => {
    const list = all();
    for (let i = 1; i < list.length; i++) {
      const [a, b] = [list[i - 1]!, list[i]!];
      expect(SEVERITY_RANK[a.severity]).toBeLessThanOrEqual(SEVERITY_RANK[b.severity]);
      if (a.severity === b.severity) expect((a.dueOn ?? "9999") <= (b.dueOn ?? "9999")).toBe(true);
    }
    expect(list[0]!.severity).toBe("high");
    expect(list.at(-1)!.severity).toBe("low");
  });

  it("filters by severity and counts by severity", () => {
    const high = listExceptions({ asAt: REPORTING_DATE, severity: "high" });
    // ISA-002's DPIA found high residual risk and the ICO has not been consulted.
    expect(kinds(high).sort()).toEqual(["cover_expiring", "dpia_high_risk_without_ico", "sharing_without_agreement"]);
    const counts = countExceptionsBySeverity({ asAt: REPORTING_DATE });
    expect(counts.high).toBe(3);
    expect(counts.high + counts.medium + counts.low).toBe(all().length);
  });

  it("filters by the role that should act", () => {
    const ccg = listExceptions({ asAt: REPORTING_DATE, role: "ccg" });
    expect(new Set(kinds(ccg))).toEqual(new Set(["cover_expiring"]));
    const board = listExceptions({ asAt: REPORTING_DATE, role: "board" });
    expect(new Set(kinds(board))).toEqual(new Set(["case_waiting_past_sla", "priority_endorsement_due"]));
    expect(listExceptions({ asAt: REPORTING_DATE, role: "admin" })).toEqual([]);
  });

  it("filters by kind", () => {
    expect(new Set(kinds(listExceptions({ asAt: REPORTING_DATE, kind: "deployment_late" })))).toEqual(new Set(["deployment_late"]));
  });

  it("filters by organisation type, keeping partnership-wide exceptions and agreements with a party of that type", () => {
    const hospice = listExceptions({ asAt: REPORTING_DATE, organisationType: "hospice" });
    const withOrg = hospice.filter((e) => e.organisation);
    expect(new Set(odsOf(withOrg))).toEqual(new Set(["WLHSP"]));
    expect(kinds(hospice)).toContain("case_waiting_past_sla");
    expect(kinds(hospice)).toContain("priority_endorsement_due");
    // The hospice is not a party to ISA-001.
    expect(kinds(hospice)).not.toContain("agreement_review_due");
    expect(kinds(listExceptions({ asAt: REPORTING_DATE, organisationType: "private_provider" }))).toContain("agreement_review_due");
  });

  it("filters by locality", () => {
    const hindley = listExceptions({ asAt: REPORTING_DATE, locality: "Hindley" });
    expect(hindley.filter((e) => e.organisation).every((e) => e.organisation!.locality === "Hindley")).toBe(true);
    expect(odsOf(hindley)).toContain("P92031");
    expect(odsOf(hindley)).toContain("WLHSP");
    expect(odsOf(hindley)).not.toContain("RRF");
  });

  it("filters to one organisation: its own exceptions and its agreements', not partnership-wide ones", () => {
    const rrf = listExceptions({ asAt: REPORTING_DATE, organisationId: orgId("RRF") });
    expect(new Set(kinds(rrf))).toEqual(new Set(["sharing_without_agreement", "deployment_late", "agreement_review_due", "dpia_high_risk_without_ico"]));
    const pharmacy = listExceptions({ asAt: REPORTING_DATE, organisationId: orgId("FWG21") });
    expect(kinds(pharmacy)).toContain("agreement_review_due");
    expect(kinds(pharmacy)).not.toContain("sharing_without_cover"); // a private provider holds no cover: the practices it views do
    expect(kinds(pharmacy)).not.toContain("case_waiting_past_sla");
  });
});

// The fixtures below add exceptions of their own, so they run after the demo-data assertions above.
describe("boundary dates", () => {
  it("agreement review: due from exactly 90 days before the review date, overdue the day after it", () => {
    const isa001 = (asAt: string) => listExceptions({ asAt }).filter((e) => e.record === "ISA-001 v1").map((e) => [e.kind, e.severity]);
    expect(isa001(addDaysIso("2017-01-01", -91))).toEqual([]);
    expect(isa001(addDaysIso("2017-01-01", -90))).toEqual([["agreement_review_due", "low"]]);
    expect(isa001("2017-01-01")).toEqual([["agreement_review_due", "low"]]);
    expect(isa001("2017-01-02")).toEqual([["agreement_review_overdue", "medium"]]);
    expect(listExceptions({ asAt: "2017-01-02", kind: "agreement_review_overdue" })[0]!.title).toContain("1 day overdue");
  });

  describe("with a fixture practice", () => {
    let practiceId: number;
    let deploymentId: number;
    const endOn = "2017-06-30";
    beforeAll(() => {
      const db = getDb();
      const caps = ensureCapabilities(db);
      // A member from the day its cover starts: its record is shared from then.
      const practice = createOrganisation(db, { name: "Boundary Test Practice", type: "gp_practice", locality: "Wigan", status: "active", signedUpOn: "2016-01-01" });
      practiceId = practice.id;
      const service = createService(db, { organisationId: practice.id, name: "Boundary Test Practice" });
      // Planned to go live on 2016-09-01; goes live on 2016-09-05.
      deploymentId = createDeployment(db, {
        serviceId: service.id,
        capabilityId: caps.edt.id,
        plannedGoLive: "2016-09-01",
        events: [
          { status: "planned", effectiveOn: "2016-06-01" },
          { status: "live", effectiveOn: "2016-09-05" },
        ],
      }).id;
      createIndemnityCover(db, { organisationId: practice.id, startOn: "2016-01-01", endOn, documentReference: "IND-BOUNDARY" });
    });
    const mine = (asAt: string, kind?: ExceptionKind) => listExceptions({ asAt, organisationId: practiceId, kind });

    it("cover expiring: ending exactly 90 days after the as-at date counts, 91 does not", () => {
      expect(mine(addDaysIso(endOn, -91), "cover_expiring")).toEqual([]);
      expect(mine(addDaysIso(endOn, -90), "cover_expiring").map((e) => e.severity)).toEqual(["low"]);
    });

    it("cover expiring: high within 7 days, medium within 30, low beyond", () => {
      const severity = (daysLeft: number) => mine(addDaysIso(endOn, -daysLeft), "cover_expiring")[0]?.severity;
      expect(severity(0)).toBe("high");
      expect(severity(7)).toBe("high");
      expect(severity(8)).toBe("medium");
      expect(severity(30)).toBe("medium");
      expect(severity(31)).toBe("low");
    });

    it("cover expiring: a renewal removes it", () => {
      const asAt = addDaysIso(endOn, -10);
      expect(mine(asAt, "cover_expiring")).toHaveLength(1);
      createIndemnityCover(getDb(), { organisationId: practiceId, startOn: addDaysIso(endOn, 1), endOn: "2019-06-30", documentReference: "IND-BOUNDARY-2" });
      expect(mine(asAt, "cover_expiring")).toEqual([]);
    });

    it("record viewable without cover: once the practice's cover has ended, while services can view its record", () => {
      expect(mine("2016-12-31", "sharing_without_cover")).toEqual([]);
      // Before it joined, its record was not shared.
      expect(mine("2015-12-31", "sharing_without_cover")).toEqual([]);
      expect(mine("2019-06-30", "sharing_without_cover")).toEqual([]); // the renewal's last day
      expect(mine("2019-07-01", "sharing_without_cover").map((e) => [e.kind, e.severity])).toEqual([["sharing_without_cover", "high"]]);
    });

    it("deployment late: not on its planned go-live date, late the day after, not once live", () => {
      const late = (asAt: string) => mine(asAt, "deployment_late").map((e) => e.href);
      expect(late("2016-09-01")).toEqual([]);
      expect(late("2016-09-02")).toEqual([`/rollout/deployments/${deploymentId}`]);
      expect(late("2016-09-04")).toEqual([`/rollout/deployments/${deploymentId}`]);
      expect(late("2016-09-05")).toEqual([]);
    });
  });

  it("a case at exactly the service level is not listed; one working day over is", () => {
    const db = getDb();
    const since = "2016-08-01"; // a Monday
    createBusinessCase(db, {
      reference: "BC-TEST-SLA",
      title: "Service level boundary case",
      authorId: userId("practitioner@example.org"),
      transitions: [
        { toState: "draft", actorId: userId("practitioner@example.org"), at: "2016-07-20T10:00:00.000Z" },
        { toState: "submitted", actorId: userId("practitioner@example.org"), at: `${since}T10:00:00.000Z` },
      ],
    });
    let atSla = since;
    while (workingDaysBetween(since, atSla) < 20) atSla = addDaysIso(atSla, 1);
    let overSla = addDaysIso(atSla, 1);
    while (workingDaysBetween(since, overSla) < 21) overSla = addDaysIso(overSla, 1);
    const listed = (asAt: string) => listExceptions({ asAt, kind: "case_waiting_past_sla" }).filter((e) => e.record === "BC-TEST-SLA");
    expect(listed(atSla)).toEqual([]);
    const [e] = listed(overSla);
    expect(e).toMatchObject({ actionRole: "ig_lead", severity: "medium", href: "/cases/BC-TEST-SLA" });
    expect(e!.title).toContain("21 working days");
  });

  it("priority re-endorsement: due soon from 90 days before, overdue the day after; never endorsed is due", () => {
    const db = getDb();
    const p = createPriority(db, {
      title: "Boundary priority",
      endorsementIntervalMonths: 12,
      endorsements: [{ endorsedOn: "2016-03-01", endorsedBy: userId("board@example.org"), minuteReference: "IMT-TEST" }],
    });
    const never = createPriority(db, { title: "Never endorsed priority", endorsementIntervalMonths: 12 });
    const state = (asAt: string, id = p.id) =>
      listExceptions({ asAt, kind: "priority_endorsement_due" })
        .filter((e) => e.href === `/rollout/priorities/${id}/endorse`)
        .map((e) => e.severity);
    expect(state(addDaysIso("2017-03-01", -91))).toEqual([]);
    expect(state(addDaysIso("2017-03-01", -90))).toEqual(["low"]);
    expect(state("2017-03-01")).toEqual(["low"]);
    expect(state("2017-03-02")).toEqual(["medium"]);
    expect(state(REPORTING_DATE, never.id)).toEqual(["medium"]);
  });
});
