import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { auditLog } from "../../db/schema";
import { type SignedInUser } from "~/models/users.server";
import { countActiveAgreements, countAgreementReviewsDue, getAgreement, listAgreements, liveDeploymentsWithoutActiveAgreement } from "~/models/agreements.server";
import { createAgreement, endAgreement, saveDpia, updateAgreement } from "~/models/agreement-changes.server";
import { declineAgreement, sendForSignature, signAgreement } from "~/models/agreement-signing.server";
import { GovernanceError, GovernanceFieldError } from "~/models/governance-errors.server";
import type { AgreementInput, NewAgreementInput, SignInput } from "~/models/agreements.schema";
import { updateSettings } from "~/models/settings.server";
import { recordCompletedDpia } from "../helpers/agreements";
import { actorOf, agreementInput, orgId, userOf } from "../helpers/fixtures";

const REPORTING_DATE = "2016-10-31";


let programme: SignedInUser, igAcute: SignedInUser, igGp: SignedInUser, igCommunity: SignedInUser, board: SignedInUser, igCouncil: SignedInUser;
beforeAll(() => {
  programme = userOf("programme@example.org");
  igAcute = userOf("ig@example.org");
  igGp = userOf("ig.gp@example.org");
  igCommunity = userOf("ig.community@example.org");
  igCouncil = userOf("ig.council@example.org");
  board = userOf("board@example.org");
});

const create = (reference: string, overrides: Partial<AgreementInput> = {}): NewAgreementInput => ({ reference, ...agreementInput(overrides) });
const signature = (u: SignedInUser, signedOn = REPORTING_DATE): SignInput => ({ signatoryName: u.name, signatoryRole: "IG lead", signedOn, authorityDeclared: true });

function expectRefusal(fn: () => unknown, status: number) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GovernanceError);
    expect((error as GovernanceError).status).toBe(status);
    return error as GovernanceError;
  }
  throw new Error(`expected a ${status} refusal`);
}

function expectFieldError(fn: () => unknown, field: string) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GovernanceFieldError);
    expect((error as GovernanceFieldError).field).toBe(field);
    return (error as GovernanceFieldError).message;
  }
  throw new Error(`expected an error on ${field}`);
}

/** Moves the reporting date, as the settings page does: facts are recorded on the day they happen. */
const setReportingDate = (date: string) => updateSettings({ userId: programme.id, label: programme.email }, { reporting_date: date });

const statusOf = (reference: string, asAt = REPORTING_DATE, version?: number) => getAgreement({ reference, asAt, version })!.agreement.status;

describe("the agreement lifecycle", () => {
  it("goes draft → awaiting signatures → active → review due → expired, and covers the service only while active", () => {
    const frailtyUncovered = () => liveDeploymentsWithoutActiveAgreement({ asAt: REPORTING_DATE }).some((d) => d.serviceName === "Frailty assessment unit");
    expect(frailtyUncovered()).toBe(true);
    const activeBefore = countActiveAgreements();

    createAgreement({ actor: actorOf(programme), user: programme, input: create("TEST-LIFE", { reviewIntervalMonths: 2 }) });
    recordCompletedDpia({ user: programme, reference: "TEST-LIFE" });
    expect(statusOf("TEST-LIFE")).toBe("draft");

    expect(sendForSignature({ actor: actorOf(programme), user: programme, reference: "TEST-LIFE" }).requested).toBe(2);
    expect(statusOf("TEST-LIFE")).toBe("awaiting_signatures");

    const first = signAgreement({ actor: actorOf(igAcute), user: igAcute, reference: "TEST-LIFE", input: signature(igAcute) });
    expect(first.activated).toBe(false);
    // Cannot be active with a missing signature.
    expect(statusOf("TEST-LIFE")).toBe("awaiting_signatures");
    expect(countActiveAgreements()).toBe(activeBefore);
    expect(frailtyUncovered()).toBe(true);

    const second = signAgreement({ actor: actorOf(igGp), user: igGp, reference: "TEST-LIFE", input: signature(igGp) });
    expect(second).toMatchObject({ activated: true, activatedOn: REPORTING_DATE });
    expect(statusOf("TEST-LIFE")).toBe("active");
    expect(countActiveAgreements()).toBe(activeBefore + 1);
    expect(frailtyUncovered()).toBe(false);

    // Effective 1 October + 2 months = review on 1 December: due within 90 days on the reporting date.
    const detail = getAgreement({ reference: "TEST-LIFE", asAt: REPORTING_DATE })!;
    expect(detail.agreement.reviewOn).toBe("2016-12-01");
    expect(detail.agreement.reviewState).toBe("due");
    expect(listAgreements({ asAt: REPORTING_DATE, reviewDue: "due" }).rows.map((r) => r.reference)).toContain("TEST-LIFE");
    expect(getAgreement({ reference: "TEST-LIFE", asAt: "2016-12-02" })!.agreement.reviewState).toBe("overdue");
    expect(countAgreementReviewsDue({ asAt: "2016-12-02" }).overdue).toBeGreaterThanOrEqual(1);

    endAgreement({ actor: actorOf(programme), user: programme, reference: "TEST-LIFE", input: { status: "expired", endedOn: "2016-12-31", endReason: "Not renewed" } });
    expect(statusOf("TEST-LIFE")).toBe("active"); // still in force until its end date
    expect(statusOf("TEST-LIFE", "2016-12-31")).toBe("expired");
    expect(liveDeploymentsWithoutActiveAgreement({ asAt: "2016-12-31" }).some((d) => d.serviceName === "Frailty assessment unit")).toBe(true);
    expect(countActiveAgreements({ asAt: "2016-12-31" })).toBe(countActiveAgreements({ asAt: "2016-12-30" }) - 1);
  });

  it("audits every step with before and after, under the agreement's reference", () => {
    const rows = getDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, "agreement"), eq(auditLog.entityId, "TEST-LIFE")))
      .all();
    expect(rows.map((r) => r.action)).toEqual([
      "agreement.create",
      "agreement.dpia.save",
      "agreement.send_for_signature",
      "agreement.sign",
      "agreement.sign",
      "agreement.activate",
      "agreement.end",
    ]);
    // Every step after creating it changes something that was there (the first DPIA has no before).
    for (const r of rows.slice(2)) {
      expect(r.before).toBeTruthy();
      expect(r.after).toBeTruthy();
    }
    expect(JSON.parse(rows[4]!.after!).parties.find((p: { odsCode: string }) => p.odsCode === "P92001").signature).toBe("signed");
  });

  it("becomes active only from its effective date when every party signs earlier", () => {
    createAgreement({ actor: actorOf(programme), user: programme, input: create("TEST-LATER", { effectiveOn: "2016-12-01" }) });
    recordCompletedDpia({ user: programme, reference: "TEST-LATER" });
    sendForSignature({ actor: actorOf(programme), user: programme, reference: "TEST-LATER" });
    signAgreement({ actor: actorOf(igAcute), user: igAcute, reference: "TEST-LATER", input: signature(igAcute) });
    const done = signAgreement({ actor: actorOf(igGp), user: igGp, reference: "TEST-LATER", input: signature(igGp) });
    expect(done).toMatchObject({ activated: true, activatedOn: "2016-12-01" });
    expect(statusOf("TEST-LATER")).toBe("signed");
    expect(statusOf("TEST-LATER", "2016-11-30")).toBe("signed");
    expect(statusOf("TEST-LATER", "2016-12-01")).toBe("active");
    expect(listAgreements({ asAt: REPORTING_DATE, status: "active" }).rows.map((r) => r.reference)).not.toContain("TEST-LATER");
  });
});

describe("declining", () => {
  it("keeps the agreement from becoming active until the declining party is asked again and signs", () => {
    createAgreement({ actor: actorOf(programme), user: programme, input: create("TEST-DECLINE") });
    recordCompletedDpia({ user: programme, reference: "TEST-DECLINE" });
    sendForSignature({ actor: actorOf(programme), user: programme, reference: "TEST-DECLINE" });
    declineAgreement({ actor: actorOf(igAcute), user: igAcute, reference: "TEST-DECLINE", reason: "The data items go beyond what the frailty unit needs" });
    signAgreement({ actor: actorOf(igGp), user: igGp, reference: "TEST-DECLINE", input: signature(igGp) });
    const detail = getAgreement({ reference: "TEST-DECLINE", asAt: REPORTING_DATE })!;
    expect(detail.agreement.status).toBe("awaiting_signatures");
    const acute = detail.parties.find((p) => p.odsCode === "RRF")!;
    expect(acute).toMatchObject({ signatureStatus: "declined", declineReason: "The data items go beyond what the frailty unit needs", signatoryName: igAcute.name });

    // A declined signature cannot simply be signed over; it must be asked for again.
    expectRefusal(() => signAgreement({ actor: actorOf(igAcute), user: igAcute, reference: "TEST-DECLINE", input: signature(igAcute) }), 409);
    expect(sendForSignature({ actor: actorOf(programme), user: programme, reference: "TEST-DECLINE" }).requested).toBe(1);
    expect(signAgreement({ actor: actorOf(igAcute), user: igAcute, reference: "TEST-DECLINE", input: signature(igAcute) }).activated).toBe(true);
  });
});

describe("who signs", () => {
  beforeAll(() => {
    createAgreement({ actor: actorOf(programme), user: programme, input: create("TEST-WHO") });
    recordCompletedDpia({ user: programme, reference: "TEST-WHO" });
    sendForSignature({ actor: actorOf(programme), user: programme, reference: "TEST-WHO" });
  });

  it("refuses an IG lead whose organisation is not a party", () => {
    const refusal = expectRefusal(() => signAgreement({ actor: actorOf(igCommunity), user: igCommunity, reference: "TEST-WHO", input: signature(igCommunity) }), 403);
    expect(refusal.message).toMatch(/not a party/);
    expectRefusal(() => declineAgreement({ actor: actorOf(igCommunity), user: igCommunity, reference: "TEST-WHO", reason: "No" }), 403);
  });

  it("refuses anyone who is not an IG lead, even from a party organisation", () => {
    // The programme team sits in the CCG; make it look like a party member to prove the role is checked too.
    const programmeAtAcute = { ...programme, organisationId: orgId("RRF") };
    expectRefusal(() => signAgreement({ actor: actorOf(programme), user: programmeAtAcute, reference: "TEST-WHO", input: signature(programme) }), 403);
    expectRefusal(() => signAgreement({ actor: actorOf(board), user: board, reference: "TEST-WHO", input: signature(board) }), 403);
  });

  it("refuses a signature dated after the reporting date", () => {
    expect(expectFieldError(() => signAgreement({ actor: actorOf(igAcute), user: igAcute, reference: "TEST-WHO", input: signature(igAcute, "2016-11-01") }), "signedOn")).toMatch(
      /and the reporting date, 31 October 2016/,
    );
  });

  it("lets each party sign once only", () => {
    signAgreement({ actor: actorOf(igAcute), user: igAcute, reference: "TEST-WHO", input: signature(igAcute) });
    expectRefusal(() => signAgreement({ actor: actorOf(igAcute), user: igAcute, reference: "TEST-WHO", input: signature(igAcute) }), 409);
    expect(statusOf("TEST-WHO")).toBe("awaiting_signatures");
  });

  it("refuses signing a draft that was never sent", () => {
    createAgreement({ actor: actorOf(programme), user: programme, input: create("TEST-DRAFT") });
    expectRefusal(() => signAgreement({ actor: actorOf(igAcute), user: igAcute, reference: "TEST-DRAFT", input: signature(igAcute) }), 409);
  });
});

describe("changes and versions", () => {
  beforeAll(() => {
    setReportingDate("2016-10-10");
    createAgreement({ actor: actorOf(programme), user: programme, input: create("TEST-VER") });
    recordCompletedDpia({ user: programme, reference: "TEST-VER" });
    sendForSignature({ actor: actorOf(programme), user: programme, reference: "TEST-VER" });
    signAgreement({ actor: actorOf(igAcute), user: igAcute, reference: "TEST-VER", input: signature(igAcute, "2016-10-10") });
    setReportingDate("2016-10-12");
    signAgreement({ actor: actorOf(igGp), user: igGp, reference: "TEST-VER", input: signature(igGp, "2016-10-12") });
    setReportingDate(REPORTING_DATE);
  });

  it("changes the title of an active agreement in place", () => {
    const result = updateAgreement({ actor: actorOf(programme), user: programme, reference: "TEST-VER", input: agreementInput({ title: "Renamed agreement" }) });
    expect(result).toEqual({ reference: "TEST-VER", version: 1, outcome: "updated" });
    const detail = getAgreement({ reference: "TEST-VER", asAt: REPORTING_DATE })!;
    expect(detail.agreement.title).toBe("Renamed agreement");
    expect(detail.agreement.status).toBe("active");
    expect(detail.coverage.map((c) => c.serviceName)).toEqual(["Frailty assessment unit"]);
  });

  it("refuses moving a signed agreement's effective date without a new version", () => {
    expectFieldError(() => updateAgreement({ actor: actorOf(programme), user: programme, reference: "TEST-VER", input: agreementInput({ effectiveOn: "2016-09-01" }) }), "effectiveOn");
  });

  it("makes a material change after activation a new version that must be signed again; the new one supersedes the old when active", () => {
    setReportingDate("2016-10-20");
    const changed = updateAgreement({
      actor: actorOf(igAcute),
      user: igAcute,
      reference: "TEST-VER",
      input: agreementInput({ dataItems: "Detailed care record and care plans", effectiveOn: "2016-10-20" }),
    });
    expect(changed).toEqual({ reference: "TEST-VER", version: 2, outcome: "new_version" });
    expect(statusOf("TEST-VER", REPORTING_DATE, 1)).toBe("active");
    expect(statusOf("TEST-VER", REPORTING_DATE, 2)).toBe("draft");
    expect(getAgreement({ reference: "TEST-VER", asAt: REPORTING_DATE })!.agreement.version).toBe(2);

    sendForSignature({ actor: actorOf(programme), user: programme, reference: "TEST-VER" });
    setReportingDate("2016-10-28");
    signAgreement({ actor: actorOf(igGp), user: igGp, reference: "TEST-VER", input: signature(igGp, "2016-10-28") });
    expect(statusOf("TEST-VER", REPORTING_DATE, 1)).toBe("active");
    setReportingDate("2016-10-30");
    signAgreement({ actor: actorOf(igAcute), user: igAcute, reference: "TEST-VER", input: signature(igAcute, "2016-10-30") });
    setReportingDate(REPORTING_DATE);

    const v2 = getAgreement({ reference: "TEST-VER", asAt: REPORTING_DATE })!;
    expect(v2.agreement).toMatchObject({ version: 2, status: "active", activatedOn: "2016-10-30", previousVersionId: expect.any(Number) });
    const v1 = getAgreement({ reference: "TEST-VER", version: 1, asAt: REPORTING_DATE })!;
    expect(v1.agreement).toMatchObject({ status: "superseded", endedOn: "2016-10-30", dataItems: "Detailed care record viewed through MIG" });
    // The old version stays readable, and was in force until the new one took over.
    expect(statusOf("TEST-VER", "2016-10-29", 1)).toBe("active");
    expect(v2.versions.map((v) => [v.version, v.status])).toEqual([
      [2, "active"],
      [1, "superseded"],
    ]);
    expect(listAgreements({ asAt: REPORTING_DATE }).rows.filter((r) => r.reference === "TEST-VER").map((r) => r.version)).toEqual([2]);
  });

  it("changes a version awaiting signatures in place, asking everyone again, while no party has answered", () => {
    createAgreement({ actor: actorOf(programme), user: programme, input: create("TEST-RESET") });
    recordCompletedDpia({ user: programme, reference: "TEST-RESET" });
    sendForSignature({ actor: actorOf(programme), user: programme, reference: "TEST-RESET" });
    const result = updateAgreement({ actor: actorOf(programme), user: programme, reference: "TEST-RESET", input: agreementInput({ purpose: "planning" }) });
    expect(result).toEqual({ reference: "TEST-RESET", version: 1, outcome: "signatures_reset" });
    const detail = getAgreement({ reference: "TEST-RESET", asAt: REPORTING_DATE })!;
    expect(detail.agreement.purpose).toBe("planning");
    expect(detail.parties.map((p) => p.signatureStatus)).toEqual(["requested", "requested"]);
    // Once a party has signed, the same kind of change needs confirming and makes a new version (agreement-loose-ends.test.ts).
    signAgreement({ actor: actorOf(igAcute), user: igAcute, reference: "TEST-RESET", input: signature(igAcute) });
    expectFieldError(() => updateAgreement({ actor: actorOf(programme), user: programme, reference: "TEST-RESET", input: agreementInput({ purpose: "direct_care" }) }), "confirmResign");
  });

  it("lets an IG lead change only agreements their organisation is party to (or that they created)", () => {
    expectRefusal(() => updateAgreement({ actor: actorOf(igCouncil), user: igCouncil, reference: "TEST-RESET", input: agreementInput() }), 403);
    expectRefusal(() => sendForSignature({ actor: actorOf(board), user: board, reference: "TEST-RESET" }), 403);
    expectRefusal(() => createAgreement({ actor: actorOf(board), user: board, input: create("TEST-BOARD") }), 403);
  });

  it("refuses changes to an ended version, and a reference that already exists", () => {
    expectRefusal(() => updateAgreement({ actor: actorOf(programme), user: programme, reference: "ISA-005", input: agreementInput() }), 409);
    expect(expectFieldError(() => createAgreement({ actor: actorOf(programme), user: programme, input: create("ISA-001") }), "reference")).toMatch(/already an agreement ISA-001/);
  });

  it("refuses an end date before the agreement took effect", () => {
    expectFieldError(
      () => endAgreement({ actor: actorOf(programme), user: programme, reference: "ISA-002", input: { status: "terminated", endedOn: "2016-01-01", endReason: "x" } }),
      "endedOn",
    );
  });
});

describe("DPIAs", () => {
  it("records a DPIA with high residual risk, and refuses a completion date after the reporting date", () => {
    createAgreement({ actor: actorOf(igAcute), user: igAcute, input: create("TEST-DPIA") });
    const dpia = { reference: "DPIA-T-1", status: "completed" as const, notRequiredReason: null, completedOn: "2016-10-14", residualRisk: "high" as const, icoConsultedOn: null, notes: null };
    saveDpia({ actor: actorOf(igAcute), user: igAcute, reference: "TEST-DPIA", input: dpia });
    expect(getAgreement({ reference: "TEST-DPIA", asAt: REPORTING_DATE })!.dpia).toMatchObject({ reference: "DPIA-T-1", residualRisk: "high", completedOn: "2016-10-14" });
    expectFieldError(() => saveDpia({ actor: actorOf(igAcute), user: igAcute, reference: "TEST-DPIA", input: { ...dpia, completedOn: "2016-11-14" } }), "completedOn");
    expectRefusal(() => saveDpia({ actor: actorOf(igCouncil), user: igCouncil, reference: "TEST-DPIA", input: dpia }), 403);
  });
});

describe("the register", () => {
  it("filters by party, purpose and status, and hides superseded versions unless asked", () => {
    const byParty = listAgreements({ asAt: REPORTING_DATE, partyOdsCode: "WLHSP" }).rows.map((r) => `${r.reference} v${r.version}`);
    expect(byParty).toEqual(["ISA-002 v2", "ISA-003 v1"]);
    expect(listAgreements({ asAt: REPORTING_DATE, status: "superseded", partyOdsCode: "WLHSP" }).rows.map((r) => `${r.reference} v${r.version}`)).toEqual(["ISA-002 v1"]);
    expect(listAgreements({ asAt: REPORTING_DATE, purpose: "research" }).total).toBe(0);
  });

  it("pages and sorts in SQL", () => {
    const all = listAgreements({ asAt: REPORTING_DATE, sort: { id: "effectiveOn", desc: true }, pageSize: 100 });
    const page2 = listAgreements({ asAt: REPORTING_DATE, sort: { id: "effectiveOn", desc: true }, page: 2, pageSize: 2 });
    expect(page2.total).toBe(all.total);
    expect(page2.rows.map((r) => r.id)).toEqual(all.rows.slice(2, 4).map((r) => r.id));
    const dates = all.rows.map((r) => r.effectiveOn);
    expect([...dates].sort().reverse()).toEqual(dates);
  });
});
