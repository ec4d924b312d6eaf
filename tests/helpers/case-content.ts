import type { BusinessCaseValues } from "../../seeds/factories";

// A complete business case's content without the database (the browser tests look organisations
// up in their own server's database); tests/helpers/fixtures.ts caseContent fills in the demo's.

/** All eight Caldicott principles answered. */
export const CALDICOTT = Object.fromEntries(["1", "2", "3", "4", "5", "6", "7", "8"].map((k) => [k, `Principle ${k} is met because the test says so.`]));

/** A complete business case (a one-way MIG view for direct care) sponsored by `sponsor` with `partners`; `overrides` for what a test is about. */
export function caseContentFor({ sponsor, partners }: { sponsor: number; partners: number[] }, overrides: Partial<BusinessCaseValues> = {}): Omit<BusinessCaseValues, "authorId"> {
  return {
    title: "Test sharing proposal",
    summary: "Share the GP record with a test service.",
    sponsorOrganisationId: sponsor,
    purpose: "direct_care",
    direction: "one_way",
    systems: ["mig"],
    dataItems: "Problems, medications, allergies.",
    benefit: "Safer care.",
    clinicianInvolvement: "GPs designed it.",
    publicInvolvement: "The patient forum agreed.",
    article6Basis: "6_1_e",
    article9Condition: "9_2_h",
    commonLawBasis: "implied_consent",
    consentModel: "opt_in_point_of_care",
    dpiaNeeded: true,
    dpiaStatus: "completed",
    risks: [{ description: "Wrong patient viewed", likelihood: 2, impact: 4, mitigation: "Audit" }],
    caldicott: CALDICOTT,
    targetGoLive: "2017-01-09",
    partnerOrganisationIds: partners,
    ...overrides,
  };
}
