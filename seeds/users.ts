// Demo users: one per role (documented in the README), plus an information governance lead for
// every partner and practice, so each party to an agreement is signed for by its own IG lead.
// Every demo user has the same password, DEMO_PASSWORD.

import type { DbOrTx } from "../app/lib/db.server";
import type { Role } from "../db/schema/enums";
import { createUsers, type UserValues } from "./factories";
import type { PartnerKey, SeededOrganisations } from "./organisations";
import { rngFor } from "./prng";

export const DEMO_PASSWORD = "shareboard-demo";

type DemoUser = { email: string; name: string; jobTitle: string; roles: Role[]; org: PartnerKey | { practice: number } };

/** The sign-ins a demo is run with: one per role. */
export const DEMO_USERS: DemoUser[] = [
  { email: "admin@example.org", name: "Alex Admin", jobTitle: "System administrator", roles: ["admin"], org: "ccg" },
  { email: "board@example.org", name: "Bina Board", jobTitle: "Chair, IM&T partnership board", roles: ["board"], org: "ccg" },
  { email: "programme@example.org", name: "Priya Programme", jobTitle: "SharetoCare programme manager", roles: ["programme"], org: "ccg" },
  { email: "ig@example.org", name: "Ian Governance", jobTitle: "Head of information governance", roles: ["ig_lead"], org: "acute" },
  { email: "ig.gp@example.org", name: "Grace GP-IG", jobTitle: "Practice manager and IG lead", roles: ["ig_lead"], org: { practice: 1 } },
  { email: "ccg@example.org", name: "Colin CCG", jobTitle: "Indemnity and contracts manager", roles: ["ccg"], org: "ccg" },
  { email: "practitioner@example.org", name: "Dr Pat Practitioner", jobTitle: "GP partner", roles: ["practitioner"], org: { practice: 2 } },
  { email: "practitioner2@example.org", name: "Sam Practitioner", jobTitle: "Community nursing team lead", roles: ["practitioner"], org: "community" },
];

/** IG leads of the partners other than the acute trust (whose IG lead is ig@example.org). */
const PARTNER_IG_LEADS: DemoUser[] = [
  { email: "ig.ccg@example.org", name: "Carys Whittle", jobTitle: "Information governance manager", roles: ["ig_lead"], org: "ccg" },
  { email: "ig.community@example.org", name: "Owen Fairclough", jobTitle: "Information governance lead", roles: ["ig_lead"], org: "community" },
  { email: "ig.mentalhealth@example.org", name: "Ruth Ashcroft", jobTitle: "Information governance lead", roles: ["ig_lead"], org: "mentalHealth" },
  { email: "ig.council@example.org", name: "Daniel Heyes", jobTitle: "Information governance officer", roles: ["ig_lead"], org: "council" },
  { email: "ig.hospice@example.org", name: "Hannah Melling", jobTitle: "Governance and quality lead", roles: ["ig_lead"], org: "hospice" },
  { email: "ig.federation@example.org", name: "Tariq Bolton", jobTitle: "Operations director and IG lead", roles: ["ig_lead"], org: "federation" },
  { email: "ig.pharmacy@example.org", name: "Leanne Gaskell", jobTitle: "Superintendent pharmacist and IG lead", roles: ["ig_lead"], org: "pharmacy" },
];

const FIRST_NAMES = ["Amanda", "Barry", "Claire", "David", "Elaine", "Frank", "Gillian", "Harriet", "Imran", "Janet", "Kevin", "Lorraine", "Michael", "Nadia", "Paul", "Rachel", "Stephen", "Tracey", "Usha", "Wendy"];
const SURNAMES = ["Aspinall", "Barton", "Calderbank", "Dootson", "Eccleston", "Fisher", "Grundy", "Holden", "Ince", "Jolley", "Kay", "Leyland", "Molyneux", "Naylor", "Ormerod", "Pendlebury", "Rigby", "Sharples", "Topping", "Winstanley"];

export type SeededUsers = {
  byEmail: Map<string, { id: number; organisationId: number }>;
  /** The user id of an organisation's IG lead (its first, if several). */
  igLeadOf: Map<number, number>;
  id(email: string): number;
  nameOf(userId: number): string;
};

export function seedUsers(tx: DbOrTx, orgs: SeededOrganisations, passwordHash: string): SeededUsers {
  const orgOf = (org: DemoUser["org"]) => (typeof org === "string" ? orgs.partners[org] : orgs.practices[org.practice - 1]!);
  const toValues = (u: DemoUser): UserValues => ({ email: u.email, name: u.name, jobTitle: u.jobTitle, roles: u.roles, organisationId: orgOf(u.org).id, passwordHash });

  // Practice IG leads: P92001 has ig.gp@example.org; the others get ig.p92xxx@example.org.
  const rng = rngFor("practice-ig-leads");
  const practiceLeads: UserValues[] = orgs.practices.slice(1).map((p) => ({
    email: `ig.${p.odsCode.toLowerCase()}@example.org`,
    name: `${rng.pick(FIRST_NAMES)} ${rng.pick(SURNAMES)}`,
    jobTitle: "Practice manager and IG lead",
    roles: ["ig_lead"],
    organisationId: p.id,
    passwordHash,
  }));

  const created = createUsers(tx, [...DEMO_USERS.map(toValues), ...PARTNER_IG_LEADS.map(toValues), ...practiceLeads]);
  const byEmail = new Map(created.map((u) => [u.email, { id: u.id, organisationId: u.organisationId }]));
  const names = new Map(created.map((u) => [u.id, u.name]));
  const igLeadOf = new Map<number, number>();
  for (const u of created) if (u.roles.includes("ig_lead") && !igLeadOf.has(u.organisationId)) igLeadOf.set(u.organisationId, u.id);
  return {
    byEmail,
    igLeadOf,
    id(email) {
      const user = byEmail.get(email);
      if (!user) throw new Error(`No demo user ${email}`);
      return user.id;
    },
    nameOf(userId) {
      return names.get(userId) ?? "";
    },
  };
}
