import { eq } from "drizzle-orm";
import type { ActionFunction, LoaderFunction } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import type { Actor } from "~/lib/audit.server";
import { organisations, services, users } from "../../db/schema";
import { getUserWithRoles, type SignedInUser } from "~/models/users.server";
import type { AgreementInput } from "~/models/agreements.schema";
import type { BusinessCaseValues } from "../../seeds/factories";
import { caseContentFor } from "./case-content";
import { getRequest, postRequest, settle, signInAs } from "./requests";

export { CALDICOTT } from "./case-content";

// The demo data's people, organisations and services by the names tests use, and the complete
// business case and agreement most tests start from (each test overrides what it is about).

/** A demo user's id by e-mail. */
export const userIdOf = (email: string) => getDb().select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id;

/** A demo user, with roles, as the session would sign them in. */
export function userOf(email: string): SignedInUser {
  return getUserWithRoles({ userId: userIdOf(email) })!;
}

/** The actor the audit log records for a user. */
export const actorOf = (u: { id: number; email: string }): Actor => ({ userId: u.id, label: u.email });

/** An organisation's id by ODS code. */
export const orgId = (ods: string) => getDb().select({ id: organisations.id }).from(organisations).where(eq(organisations.odsCode, ods)).get()!.id;

/** A service's id by name. */
export const serviceId = (name: string) => getDb().select({ id: services.id }).from(services).where(eq(services.name, name)).get()!.id;

/** A complete business case sponsored by practice P92002 with the hospital trust RY2 as partner. */
export function caseContent(overrides: Partial<BusinessCaseValues> = {}): Omit<BusinessCaseValues, "authorId"> {
  return caseContentFor({ sponsor: orgId("P92002"), partners: [orgId("P92002"), orgId("RY2")] }, overrides);
}

/** The frailty unit's agreement between the hospital trust (RRF) and practice P92001, covering the Frailty assessment unit. */
export function agreementInput(overrides: Partial<AgreementInput> = {}): AgreementInput {
  return {
    title: "Frailty unit information sharing agreement",
    purpose: "direct_care",
    article6Basis: "6_1_e",
    article9Condition: "9_2_h",
    commonLawBasis: "implied_consent",
    consentModel: "opt_in_point_of_care",
    dataItems: "Detailed care record viewed through MIG",
    retention: null,
    reviewIntervalMonths: 24,
    effectiveOn: "2016-10-01",
    parties: [
      { organisationId: orgId("RRF"), role: "joint_controller" },
      { organisationId: orgId("P92001"), role: "joint_controller" },
    ],
    coverage: [`s:${serviceId("Frailty assessment unit")}`],
    ...overrides,
  };
}

/**
 * What the new-agreement form posts to save a draft: the parties (by ODS code) as joint
 * controllers, then the form's empty party row, and the services it covers (`s:<id>`).
 */
export function agreementFormFields({ reference, title, parties, coverage = [] }: { reference: string; title: string; parties: string[]; coverage?: string[] }) {
  return {
    reference,
    title,
    purpose: "direct_care",
    article6Basis: "6_1_e",
    article9Condition: "9_2_h",
    commonLawBasis: "implied_consent",
    consentModel: "opt_in_point_of_care",
    dataItems: "Detailed care record",
    reviewIntervalMonths: "24",
    effectiveOn: "2016-10-01",
    partyOrganisationId: [...parties.map((ods) => String(orgId(ods))), ""],
    partyRole: [...parties.map(() => "joint_controller"), "joint_controller"],
    coverage,
    intent: "save",
  };
}

/** Signs each person in once (from an address of their own, so sign-in throttling never joins them) and returns their cookies by name. */
export async function signInEach<Who extends string>(emails: Record<Who, string>, ipPrefix = "10.9.0."): Promise<Record<Who, string>> {
  const cookies = {} as Record<Who, string>;
  let n = 0;
  for (const [who, email] of Object.entries(emails) as [Who, string][]) cookies[who] = await signInAs(email, undefined, `${ipPrefix}${++n}`);
  return cookies;
}

/** Calls a route's loader or action as `who` (a cookie from signInEach, or none); what it returned or threw, settled. */
export function routeCaller<Who extends string>(cookies: Record<Who, string>) {
  const run = (fn: LoaderFunction | ActionFunction, request: Request, params: Record<string, string> = {}) => settle(() => fn({ request, params, context: {} }));
  return {
    run,
    get: (fn: LoaderFunction, path: string, who: Who | null, params: Record<string, string> = {}) => run(fn, getRequest(path, who ? cookies[who] : undefined), params),
    post: (fn: ActionFunction, path: string, who: Who, fields: Record<string, string | string[]>, params: Record<string, string> = {}) => run(fn, postRequest(path, fields, cookies[who]), params),
  };
}
