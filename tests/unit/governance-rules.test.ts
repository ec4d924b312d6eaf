import { describe, expect, it } from "vitest";
import { parseWith } from "~/lib/forms";
import { agreementReviewState, AgreementSchema, DpiaSchema, dpiaSigningProblem, NewAgreementSchema, SignSchema } from "~/models/agreements.schema";
import { CoverSchema } from "~/models/indemnity.schema";

const validAgreement = {
  title: "Test agreement",
  purpose: "direct_care",
  article6Basis: "6_1_e",
  article9Condition: "9_2_h",
  commonLawBasis: "implied_consent",
  consentModel: "opt_in_point_of_care",
  dataItems: "Detailed care record",
  retention: "",
  reviewIntervalMonths: "24",
  effectiveOn: "2016-11-01",
  partyOrganisationId: ["2", "9", ""],
  partyRole: ["controller", "joint_controller", "joint_controller"],
};

describe("agreement review state", () => {
  const reviewOn = "2017-01-01";
  it("is not due before the notice period starts", () => {
    expect(agreementReviewState({ reviewOn, asAt: "2016-10-02", noticeDays: 90 })).toBe("not_due");
  });
  it("is due from exactly 90 days before the review date", () => {
    expect(agreementReviewState({ reviewOn, asAt: "2016-10-03", noticeDays: 90 })).toBe("due");
  });
  it("is still due on the review date itself", () => {
    expect(agreementReviewState({ reviewOn, asAt: "2017-01-01", noticeDays: 90 })).toBe("due");
  });
  it("is overdue the day after the review date", () => {
    expect(agreementReviewState({ reviewOn, asAt: "2017-01-02", noticeDays: 90 })).toBe("overdue");
  });
});

describe("agreement form rules", () => {
  it("accepts a complete agreement, pairs parties with roles and skips blank rows", () => {
    const result = parseWith(AgreementSchema, validAgreement);
    expect(result.ok).toBe(true);
    expect(result.data!.parties).toEqual([
      { organisationId: 2, role: "controller" },
      { organisationId: 9, role: "joint_controller" },
    ]);
    expect(result.data!.reviewIntervalMonths).toBe(24);
    expect(result.data!.retention).toBeNull();
  });

  it("stores 'no special category data' as no Article 9 condition", () => {
    expect(parseWith(AgreementSchema, { ...validAgreement, article9Condition: "none" }).data!.article9Condition).toBeNull();
  });

  it.each([
    ["0", "Enter a review interval from 1 to 60 months"],
    ["61", "Enter a review interval from 1 to 60 months"],
    ["", "Enter the review interval in months"],
    ["two", "Enter the review interval as a whole number of months, from 1 to 60"],
  ])("refuses a review interval of %j", (value, message) => {
    const result = parseWith(AgreementSchema, { ...validAgreement, reviewIntervalMonths: value });
    expect(result.errors.reviewIntervalMonths).toBe(message);
  });

  it("accepts review intervals of 1 and 60 months", () => {
    expect(parseWith(AgreementSchema, { ...validAgreement, reviewIntervalMonths: "1" }).ok).toBe(true);
    expect(parseWith(AgreementSchema, { ...validAgreement, reviewIntervalMonths: "60" }).ok).toBe(true);
  });

  it("refuses an impossible effective date", () => {
    expect(parseWith(AgreementSchema, { ...validAgreement, effectiveOn: "2016-02-30" }).errors.effectiveOn).toMatch(/real date/);
  });

  it("needs at least two parties, each named once", () => {
    expect(parseWith(AgreementSchema, { ...validAgreement, partyOrganisationId: ["2", ""] }).errors.parties).toMatch(/at least two parties/);
    expect(parseWith(AgreementSchema, { ...validAgreement, partyOrganisationId: ["2", "2"] }).errors.parties).toBe("Name each organisation as a party only once");
  });

  it("needs a reference of letters, numbers and hyphens for a new agreement, upper-cased", () => {
    expect(parseWith(NewAgreementSchema, { ...validAgreement, reference: "isa-099" }).data!.reference).toBe("ISA-099");
    expect(parseWith(NewAgreementSchema, { ...validAgreement, reference: "ISA 099" }).errors.reference).toMatch(/letters, numbers and hyphens/);
  });
});

describe("signing rules", () => {
  const signature = { signatoryName: "Ian Governance", signatoryRole: "Head of IG", signedOn: "2016-10-31", authorityDeclared: "yes" };
  it("needs the declaration of authority", () => {
    expect(parseWith(SignSchema, { ...signature, authorityDeclared: undefined }).errors.authorityDeclared).toBe(
      "Confirm that you have authority to sign for your organisation",
    );
    expect(parseWith(SignSchema, signature).ok).toBe(true);
  });
});

describe("DPIA rules", () => {
  it("needs a reason when not required, and a date and residual risk when completed", () => {
    expect(parseWith(DpiaSchema, { reference: "D-1", status: "not_required" }).errors.notRequiredReason).toBe("Enter why a DPIA is not required");
    const completed = parseWith(DpiaSchema, { reference: "D-1", status: "completed" });
    expect(completed.errors.completedOn).toBe("Enter the date the DPIA was completed");
    expect(completed.errors.residualRisk).toBe("Choose the residual risk the completed DPIA found");
  });
  it("gives a completion date only to a completed DPIA", () => {
    expect(parseWith(DpiaSchema, { reference: "D-1", status: "in_progress", completedOn: "2016-10-01" }).errors.completedOn).toMatch(/Only a completed DPIA/);
  });
});

describe("the DPIA before signing", () => {
  const dpia = { reference: "DPIA-1", status: "completed" as const, residualRisk: "low" as const, icoConsultedOn: null };
  it("lets a completed DPIA, or one not required, through, and high risk only once the ICO was consulted", () => {
    expect(dpiaSigningProblem(dpia)).toBeNull();
    expect(dpiaSigningProblem({ ...dpia, status: "not_required", residualRisk: null })).toBeNull();
    expect(dpiaSigningProblem({ ...dpia, residualRisk: "high", icoConsultedOn: "2016-10-01" })).toBeNull();
  });
  it("stops a missing, unfinished or high-risk DPIA without ICO consultation, saying what to do", () => {
    expect(dpiaSigningProblem(null)).toMatch(/^No DPIA is recorded for this version\. Record the DPIA/);
    expect(dpiaSigningProblem({ ...dpia, status: "not_started", residualRisk: null })).toMatch(/^The DPIA \(DPIA-1\) is not started\. Complete it/);
    expect(dpiaSigningProblem({ ...dpia, status: "in_progress", residualRisk: null })).toMatch(/is in progress/);
    expect(dpiaSigningProblem({ ...dpia, residualRisk: "high" })).toMatch(/found high residual risk and no ICO consultation is recorded\. Consult the ICO/);
  });
});

describe("indemnity cover rules", () => {
  const cover = { scope: "Direct care via MIG", startOn: "2016-11-05", endOn: "2018-11-04", status: "active", signedBy: "Jane Whitfield" };
  it("needs the end after the start", () => {
    expect(parseWith(CoverSchema, { ...cover, endOn: "2016-11-05" }).errors.endOn).toBe("Enter an end date after the start date");
    expect(parseWith(CoverSchema, cover).ok).toBe(true);
  });
  it("needs who signed for active cover", () => {
    expect(parseWith(CoverSchema, { ...cover, signedBy: "" }).errors.signedBy).toMatch(/Enter who signed/);
    expect(parseWith(CoverSchema, { ...cover, signedBy: "", status: "pending" }).ok).toBe(true);
  });
});
