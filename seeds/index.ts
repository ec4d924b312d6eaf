// The deterministic demo data: a partnership modelled on Wigan's SharetoCare programme as it
// stood at the end of October 2016 (the reporting date the settings fix, so the demo and the
// tests show the same whatever day they run). Illustrative, not real: see PRODUCT.md.
//
// Everything but the password hash comes from fixed tables and seeded random streams, never from
// the clock, so two runs produce the same rows (wall-clock columns such as created_at aside).

import { count } from "drizzle-orm";
import type { AppDatabase } from "../db/client";
import type { DbOrTx } from "../app/lib/db.server";
import type { SettingKey } from "../app/models/settings.server";
import { audit, SYSTEM_ACTOR } from "../app/lib/audit.server";
import { hashPassword } from "../app/lib/password.server";
import * as schema from "../db/schema";
import { ensureCapabilities, setSettings } from "./factories";
import { seedOrganisations } from "./organisations";
import { DEMO_PASSWORD, seedUsers } from "./users";
import { REPORTING_DATE, seedMilestones, seedPriorities, seedRollout } from "./rollout";
import { seedMaturity } from "./maturity";
import { seedOptInReturns } from "./consent";
import { seedAgreements, seedIndemnity } from "./governance";
import { seedBusinessCases } from "./business-cases";
import { notifyRecentCaseSteps } from "../app/models/notifications.server";
import { addDaysIso } from "../app/lib/dates";

export { DEMO_PASSWORD, DEMO_USERS } from "./users";
export { REPORTING_DATE } from "./rollout";

/** Every setting, with the values the demo runs on. Keys must match SettingsSchema. */
export const DEMO_SETTINGS = {
  partnership_name: "Wigan SharetoCare partnership (demo)",
  reporting_date: REPORTING_DATE,
  opt_in_target_percent: "60",
  maturity_low_threshold_percent: "50",
  case_sla_working_days: "20",
  indemnity_warning_days: "90",
  agreement_review_notice_days: "90",
} satisfies Record<SettingKey, string>;

/** True when the database already holds data (any organisation). */
export function hasDemoData(db: DbOrTx): boolean {
  return db.select({ id: schema.organisations.id }).from(schema.organisations).limit(1).get() !== undefined;
}

/** Row counts of the tables the seed writes, for the audit row and the start-up log. */
function tableCounts(tx: DbOrTx) {
  const tables = {
    organisations: schema.organisations,
    organisation_memberships: schema.organisationMemberships,
    organisation_status_periods: schema.organisationStatusPeriods,
    services: schema.services,
    capabilities: schema.capabilities,
    deployments: schema.deployments,
    deployment_status_events: schema.deploymentStatusEvents,
    deployment_usage: schema.deploymentUsage,
    milestones: schema.milestones,
    priorities: schema.priorities,
    priority_endorsements: schema.priorityEndorsements,
    users: schema.users,
    user_roles: schema.userRoles,
    maturity_frameworks: schema.maturityFrameworks,
    maturity_dimensions: schema.maturityDimensions,
    maturity_assessments: schema.maturityAssessments,
    maturity_scores: schema.maturityScores,
    opt_in_returns: schema.optInReturns,
    indemnity_covers: schema.indemnityCovers,
    agreements: schema.agreements,
    agreement_parties: schema.agreementParties,
    agreement_signatures: schema.agreementSignatures,
    agreement_coverage: schema.agreementCoverage,
    dpias: schema.dpias,
    business_cases: schema.businessCases,
    business_case_authors: schema.businessCaseAuthors,
    business_case_partners: schema.businessCasePartners,
    business_case_deployments: schema.businessCaseDeployments,
    business_case_transitions: schema.businessCaseTransitions,
    business_case_comments: schema.businessCaseComments,
    settings: schema.settings,
  };
  return Object.fromEntries(Object.entries(tables).map(([name, table]) => [name, tx.select({ n: count() }).from(table).get()!.n]));
}

/**
 * Loads the demo data into an empty, migrated database, in one transaction (all or nothing),
 * ending with one audit row. Refuses a database that already has organisations.
 */
export async function seedDemoData(db: AppDatabase): Promise<void> {
  if (hasDemoData(db)) throw new Error("The database already has data: the demo data loads only into an empty database.");
  // Hashed once (argon2id is deliberately slow) and shared by every demo user.
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  db.transaction((tx) => {
    setSettings(tx, DEMO_SETTINGS);
    const caps = ensureCapabilities(tx);
    const orgs = seedOrganisations(tx);
    const users = seedUsers(tx, orgs, passwordHash);
    const rollout = seedRollout(tx, orgs, users, caps);
    seedMilestones(tx, caps);
    seedPriorities(tx, users);
    seedMaturity(tx, orgs, users);
    seedOptInReturns(tx, orgs, users);
    seedIndemnity(tx, orgs, users);
    seedAgreements(tx, orgs, users, rollout);
    seedBusinessCases(tx, orgs, users, rollout, caps);

    audit(tx, SYSTEM_ACTOR, { action: "seed.demo_data", entityType: "database", entityId: "demo", after: { counts: tableCounts(tx) } });
  });
  // The month's case steps as notices, so the demo's authors and reviewers see their page working
  // at once; the reminders (cover ending, reviews due, cases waiting...) come from the first scan
  // (prepareDatabase, and the server's start-up catch-up).
  db.transaction((tx) => notifyRecentCaseSteps({ from: addDaysIso(REPORTING_DATE, -30), to: REPORTING_DATE, db: tx }));
}
