// Typed insert helpers: the demo seed builds its data with them, and tests reuse them to build
// small fixtures. Each takes the database or an open transaction first, then the values, and
// uses drizzle's synchronous better-sqlite3 API, so it can run inside `db.transaction(tx => ...)`.
//
// They write rows exactly as given (they are fixtures, not the app's models): no permission
// checks, no workflow rules and no audit rows. What they do derive is what must always agree
// with other rows: a deployment's status from its events, an agreement's review date from its
// interval, an assessment's overall score from its scores, a case's state from its transitions.

import { eq, inArray } from "drizzle-orm";
import type { InferInsertModel, InferSelectModel } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { DbOrTx } from "../app/lib/db.server";
import { addMonthsIso } from "../app/lib/dates";
import { refreshDeploymentStatusIntervals } from "../app/models/rollout.read-model.server";
import { optInReturnsChanged } from "../app/models/consent.read-model.server";
import { CONTENT_KEYS } from "../app/models/cases.labels";
import { recordInitialOrganisationFacts } from "../app/models/organisation-history.server";
import {
  agreementCoverage,
  agreementParties,
  agreementSignatures,
  agreements,
  businessCaseAuthors,
  businessCaseComments,
  businessCaseDeployments,
  businessCasePartners,
  businessCaseTransitions,
  businessCases,
  capabilities,
  deploymentStatusEvents,
  deploymentUsage,
  deployments,
  dpias,
  indemnityCovers,
  maturityAssessments,
  maturityDimensions,
  maturityFrameworks,
  maturityScores,
  milestones,
  optInReturns,
  organisations,
  priorities,
  priorityEndorsements,
  services,
  settings,
  userRoles,
  users,
} from "../db/schema";
import type { CaseState, DeploymentStatus, Role } from "../db/schema/enums";

// ---------------------------------------------------------------------------------------------
// Bulk inserts

/** Rows per INSERT statement: well under SQLite's bound-parameter limit for every table here. */
export const CHUNK_SIZE = 500;

type Insert<T extends SQLiteTable> = InferInsertModel<T>;
type Row<T extends SQLiteTable> = InferSelectModel<T>;

/** Inserts many rows with one statement per chunk of CHUNK_SIZE rows. */
export function insertMany<T extends SQLiteTable>(db: DbOrTx, table: T, rows: Insert<T>[]): void {
  for (let i = 0; i < rows.length; i += CHUNK_SIZE) {
    db.insert(table)
      .values(rows.slice(i, i + CHUNK_SIZE) as never)
      .run();
  }
}

/** As insertMany, returning the inserted rows in insertion order. */
export function insertManyReturning<T extends SQLiteTable>(db: DbOrTx, table: T, rows: Insert<T>[]): Row<T>[] {
  const out: Row<T>[] = [];
  for (let i = 0; i < rows.length; i += CHUNK_SIZE) {
    const inserted = db
      .insert(table)
      .values(rows.slice(i, i + CHUNK_SIZE) as never)
      .returning()
      .all() as Row<T>[];
    out.push(...inserted);
  }
  return out;
}

// Fixture defaults that must be unique (ODS codes, references) come from a per-process counter,
// in ranges the demo data never uses.
let counter = 0;
function nextNumber() {
  counter += 1;
  return counter;
}

// ---------------------------------------------------------------------------------------------
// Settings

/** Upserts settings rows (text key/value). */
export function setSettings(db: DbOrTx, values: Record<string, string>) {
  for (const [key, value] of Object.entries(values)) {
    db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
  }
}

// ---------------------------------------------------------------------------------------------
// Organisations, services, capabilities

export type OrganisationValues = Partial<Insert<typeof organisations>>;

/**
 * An organisation; odsCode, name and type default to a unique test practice ("Y9xxxx"). Its dated
 * facts are derived as the migration derives them: a member from its sign-up date, active from
 * its open date (or since before any as-at date), closed from its close date.
 */
export function createOrganisation(db: DbOrTx, values: OrganisationValues = {}) {
  const n = nextNumber();
  const org = db
    .insert(organisations)
    .values({
      ...values,
      odsCode: values.odsCode ?? `Y${90000 + n}`,
      name: values.name ?? `Test organisation ${n}`,
      type: values.type ?? "gp_practice",
    })
    .returning()
    .get();
  recordInitialOrganisationFacts(db, org, { source: "seed" });
  return org;
}

export type ServiceValues = { organisationId: number } & Partial<Insert<typeof services>>;

export function createService(db: DbOrTx, values: ServiceValues) {
  return db
    .insert(services)
    .values({ ...values, name: values.name ?? `Test service ${nextNumber()}` })
    .returning()
    .get();
}

export function createCapability(db: DbOrTx, values: Insert<typeof capabilities>) {
  return db.insert(capabilities).values(values).returning().get();
}

/** The capabilities the product is seeded with; the list is data and can grow. */
export const STANDARD_CAPABILITIES = [
  { code: "mig_view", name: "Detailed care record view (MIG)", description: "The GP detailed care record viewed read-only through the Medical Interoperability Gateway." },
  { code: "edt", name: "Electronic document transfer (EDT)", description: "Documents such as discharge summaries and clinic letters sent electronically to the GP record." },
  { code: "two_way", name: "Two-way record flow", description: "Records flow both ways, for example hospice records viewed by GPs as well as GP records viewed by hospice staff." },
] as const;

export type StandardCapabilityCode = (typeof STANDARD_CAPABILITIES)[number]["code"];

/** Returns mig_view, edt and two_way by code, inserting any that are missing. */
export function ensureCapabilities(db: DbOrTx): Record<StandardCapabilityCode, Row<typeof capabilities>> {
  const codes = STANDARD_CAPABILITIES.map((c) => c.code);
  const existing = db.select().from(capabilities).where(inArray(capabilities.code, codes)).all();
  const byCode = new Map(existing.map((c) => [c.code, c]));
  for (const c of STANDARD_CAPABILITIES) {
    if (!byCode.has(c.code)) byCode.set(c.code, createCapability(db, { ...c }));
  }
  return Object.fromEntries(codes.map((code) => [code, byCode.get(code)!])) as Record<StandardCapabilityCode, Row<typeof capabilities>>;
}

// ---------------------------------------------------------------------------------------------
// Deployments

export type StatusEventValues = { status: DeploymentStatus; effectiveOn: string; note?: string | null; recordedBy?: number | null; recordedAt?: string };

export type DeploymentValues = {
  serviceId: number;
  capabilityId: number;
  plannedGoLive?: string | null;
  owner?: string | null;
  notes?: string | null;
  businessCaseId?: number | null;
  /** The status history; the deployment's current status and actual go-live are derived from it. */
  events?: StatusEventValues[];
};

/** Events in date order; events on the same date keep the order they were given in. */
function sortEvents(events: StatusEventValues[]) {
  return events.map((e, i) => ({ e, i })).sort((a, b) => a.e.effectiveOn.localeCompare(b.e.effectiveOn) || a.i - b.i).map((x) => x.e);
}

/** What the deployment row must say given its events: the last event's status; the first live date. */
export function deploymentStateFromEvents(events: StatusEventValues[]): { status: DeploymentStatus; actualGoLive: string | null } {
  const sorted = sortEvents(events);
  return {
    status: sorted.at(-1)?.status ?? "planned",
    actualGoLive: sorted.find((e) => e.status === "live")?.effectiveOn ?? null,
  };
}

/**
 * A deployment plus one deployment_status_events row per event. With no events the deployment is
 * 'planned' with no history.
 */
export function createDeployment(db: DbOrTx, values: DeploymentValues) {
  const { events = [], ...rest } = values;
  const sorted = sortEvents(events);
  const deployment = db
    .insert(deployments)
    .values({ ...rest, ...deploymentStateFromEvents(sorted) })
    .returning()
    .get();
  const eventRows =
    sorted.length === 0
      ? []
      : insertManyReturning(
          db,
          deploymentStatusEvents,
          sorted.map((e) => ({ deploymentId: deployment.id, ...e })),
        );
  refreshDeploymentStatusIntervals(db, deployment.id);
  return { ...deployment, events: eventRows };
}

export function createDeploymentUsage(db: DbOrTx, values: Insert<typeof deploymentUsage>) {
  return db.insert(deploymentUsage).values(values).returning().get();
}

// ---------------------------------------------------------------------------------------------
// Milestones and priorities

export function createMilestone(db: DbOrTx, values: Insert<typeof milestones>) {
  return db.insert(milestones).values(values).returning().get();
}

export type PriorityValues = Insert<typeof priorities> & {
  endorsements?: Omit<Insert<typeof priorityEndorsements>, "priorityId">[];
};

export function createPriority(db: DbOrTx, values: PriorityValues) {
  const { endorsements = [], ...rest } = values;
  const priority = db.insert(priorities).values(rest).returning().get();
  const rows = endorsements.length ? insertManyReturning(db, priorityEndorsements, endorsements.map((e) => ({ ...e, priorityId: priority.id }))) : [];
  return { ...priority, endorsements: rows };
}

// ---------------------------------------------------------------------------------------------
// Users

export type UserValues = {
  email: string;
  name: string;
  organisationId: number;
  roles: Role[];
  passwordHash: string;
  jobTitle?: string | null;
  disabledAt?: string | null;
};

/** A user and one user_roles row per role. */
export function createUser(db: DbOrTx, values: UserValues) {
  const { roles, ...rest } = values;
  const user = db.insert(users).values(rest).returning().get();
  if (roles.length) insertMany(db, userRoles, roles.map((role) => ({ userId: user.id, role })));
  return { ...user, roles };
}

/** Many users at once (two statements per chunk instead of two per user). */
export function createUsers(db: DbOrTx, values: UserValues[]) {
  const inserted = insertManyReturning(
    db,
    users,
    values.map(({ roles: _roles, ...rest }) => rest),
  );
  insertMany(
    db,
    userRoles,
    inserted.flatMap((u, i) => values[i]!.roles.map((role) => ({ userId: u.id, role }))),
  );
  return inserted.map((u, i) => ({ ...u, roles: values[i]!.roles }));
}

// ---------------------------------------------------------------------------------------------
// Agreements

export type SignatureValues = Omit<Insert<typeof agreementSignatures>, "agreementId" | "partyId">;

export type AgreementValues = Omit<Insert<typeof agreements>, "reviewOn" | "purpose" | "article6Basis" | "commonLawBasis" | "consentModel" | "dataItems"> &
  Partial<Pick<Insert<typeof agreements>, "reviewOn" | "purpose" | "article6Basis" | "commonLawBasis" | "consentModel" | "dataItems">> & {
    parties?: {
      organisationId: number;
      role?: Insert<typeof agreementParties>["role"];
      /** Omit for no signature row (e.g. a draft not yet sent). */
      signature?: SignatureValues;
    }[];
    /** A whole service (deploymentId omitted) or one deployment at it. */
    coverage?: { serviceId: number; deploymentId?: number | null }[];
    dpia?: Omit<Insert<typeof dpias>, "agreementId">;
  };

/**
 * An agreement with its parties, signatures, coverage and DPIA. Defaults are the direct-care
 * position (6(1)(e), 9(2)(h), implied consent, opt-in at the point of care); reviewOn defaults to
 * effectiveOn + reviewIntervalMonths. A signed signature is marked authorityDeclared unless said.
 */
export function createAgreement(db: DbOrTx, values: AgreementValues) {
  const { parties = [], coverage = [], dpia, ...rest } = values;
  const interval = rest.reviewIntervalMonths ?? 24;
  const agreement = db
    .insert(agreements)
    .values({
      purpose: "direct_care",
      article6Basis: "6_1_e",
      article9Condition: "9_2_h",
      commonLawBasis: "implied_consent",
      consentModel: "opt_in_point_of_care",
      dataItems: "Detailed care record: demographics, problems, medications, allergies, investigations, encounters.",
      ...rest,
      // The version's dates in reporting-date terms, from its timestamps unless given.
      sentForSignatureOn: rest.sentForSignatureOn ?? rest.sentForSignatureAt?.slice(0, 10) ?? null,
      draftedOn: rest.draftedOn ?? rest.createdAt?.slice(0, 10) ?? rest.sentForSignatureAt?.slice(0, 10) ?? rest.effectiveOn,
      reviewIntervalMonths: interval,
      reviewOn: rest.reviewOn ?? addMonthsIso(rest.effectiveOn, interval),
    })
    .returning()
    .get();

  const partyRows = parties.length
    ? insertManyReturning(
        db,
        agreementParties,
        parties.map((p) => ({ agreementId: agreement.id, organisationId: p.organisationId, role: p.role ?? "joint_controller" })),
      )
    : [];
  // (agreement, organisation) is unique, so map the returned rows back by organisation.
  const partyIdByOrg = new Map(partyRows.map((p) => [p.organisationId, p.id]));
  const signatureRows = insertManyReturningIfAny(
    db,
    agreementSignatures,
    parties
      .filter((p) => p.signature)
      .map((p) => ({
        authorityDeclared: p.signature!.status === "signed",
        ...p.signature!,
        agreementId: agreement.id,
        partyId: partyIdByOrg.get(p.organisationId)!,
      })),
  );
  const coverageRows = insertManyReturningIfAny(
    db,
    agreementCoverage,
    coverage.map((c) => ({ agreementId: agreement.id, serviceId: c.serviceId, deploymentId: c.deploymentId ?? null })),
  );
  const dpiaRow = dpia ? db.insert(dpias).values({ ...dpia, agreementId: agreement.id }).returning().get() : null;
  return { ...agreement, parties: partyRows, signatures: signatureRows, coverage: coverageRows, dpia: dpiaRow };
}

function insertManyReturningIfAny<T extends SQLiteTable>(db: DbOrTx, table: T, rows: Insert<T>[]) {
  return rows.length ? insertManyReturning(db, table, rows) : [];
}

// ---------------------------------------------------------------------------------------------
// Indemnity, consent, maturity

export type IndemnityCoverValues = Omit<Insert<typeof indemnityCovers>, "scope" | "status"> &
  Partial<Pick<Insert<typeof indemnityCovers>, "scope" | "status">>;

export const DEFAULT_INDEMNITY_SCOPE = "Sharing for direct care via MIG and EDT";

export function createIndemnityCover(db: DbOrTx, values: IndemnityCoverValues) {
  return db
    .insert(indemnityCovers)
    .values({ scope: DEFAULT_INDEMNITY_SCOPE, status: "active", ...values })
    .returning()
    .get();
}

export type OptInReturnValues = Omit<Insert<typeof optInReturns>, "notAsked"> & { notAsked?: number };

/** A monthly opt-in return; notAsked defaults to registered − optedIn − declined (the CHECK's sum). */
export function optInReturnRow(values: OptInReturnValues): Insert<typeof optInReturns> {
  return { ...values, notAsked: values.notAsked ?? values.registered - values.optedIn - values.declined };
}

/** A return, with the consent read models brought up to date as the app's import does. */
export function createOptInReturn(db: DbOrTx, values: OptInReturnValues) {
  const row = db.insert(optInReturns).values(optInReturnRow(values)).returning().get();
  optInReturnsChanged(db, [row]);
  return row;
}

export type MaturityFrameworkValues = Insert<typeof maturityFrameworks> & {
  dimensions: { code: string; name: string }[];
};

/** A framework and its dimensions, positioned in the order given (1-based). */
export function createMaturityFramework(db: DbOrTx, values: MaturityFrameworkValues) {
  const { dimensions, ...rest } = values;
  const framework = db.insert(maturityFrameworks).values(rest).returning().get();
  const dims = insertManyReturning(
    db,
    maturityDimensions,
    dimensions.map((d, i) => ({ ...d, frameworkId: framework.id, position: i + 1 })),
  );
  return { ...framework, dimensions: dims };
}

export type MaturityAssessmentValues = Omit<Insert<typeof maturityAssessments>, "overallScore" | "assessor"> & {
  assessor?: string;
  scores: { dimensionId: number; score: number; evidence?: string | null }[];
};

export function meanScore(scores: { score: number }[]) {
  return scores.length ? scores.reduce((sum, s) => sum + s.score, 0) / scores.length : 0;
}

/** An assessment and its scores; overallScore is the mean of the scores. */
export function createMaturityAssessment(db: DbOrTx, values: MaturityAssessmentValues) {
  const { scores, ...rest } = values;
  const assessment = db
    .insert(maturityAssessments)
    .values({ assessor: "Self-assessment", ...rest, overallScore: meanScore(scores) })
    .returning()
    .get();
  insertMany(
    db,
    maturityScores,
    scores.map((s) => ({ ...s, assessmentId: assessment.id })),
  );
  return { ...assessment, scores };
}

// ---------------------------------------------------------------------------------------------
// Business cases

type CaseRow = Insert<typeof businessCases>;

/** The fields a proposer fills in; what a transition snapshot records. */
export type CaseContent = Partial<
  Pick<
    CaseRow,
    | "title"
    | "summary"
    | "sponsorOrganisationId"
    | "purpose"
    | "direction"
    | "systems"
    | "dataItems"
    | "benefit"
    | "clinicianInvolvement"
    | "publicInvolvement"
    | "article6Basis"
    | "article9Condition"
    | "commonLawBasis"
    | "consentModel"
    | "dpiaNeeded"
    | "dpiaStatus"
    | "risks"
    | "caldicott"
    | "targetGoLive"
  >
>;


export type CaseTransitionValues = {
  toState: CaseState;
  actorId: number;
  at: string;
  note?: string | null;
  igRecommendation?: string | null;
  rationale?: string | null;
  meetingReference?: string | null;
  meetingDate?: string | null;
  interestDeclared?: string | null;
  /** Content changed by the author just before this step (e.g. a resubmission after changes). */
  edits?: CaseContent;
};

export type BusinessCaseValues = CaseContent & {
  reference?: string;
  title: string;
  authorId: number;
  coAuthorIds?: number[];
  partnerOrganisationIds?: number[];
  /** Proposed service × capability pairs; deploymentId links one to an existing deployment. */
  deployments?: { serviceId: number; capabilityId: number; deploymentId?: number | null }[];
  /**
   * The history, oldest first; the first may have no earlier state (creation). When given, the
   * case's state, version and dates are derived from it; otherwise state defaults to draft.
   */
  transitions?: CaseTransitionValues[];
  state?: CaseState;
  createdAt?: string;
  comments?: { authorId: number; body: string; createdAt?: string }[];
};

const DECISIONS: CaseState[] = ["approved", "rejected", "deferred"];

function snapshotOf(content: CaseContent, extra: Record<string, unknown>): Record<string, unknown> {
  const snap: Record<string, unknown> = { ...extra };
  for (const key of CONTENT_KEYS) snap[key] = content[key] ?? null;
  return snap;
}

/**
 * A business case with its authors, partners, proposed deployments, transitions and comments.
 * Every transition bumps the case version (as the app's optimistic concurrency does) and records
 * caseVersion = the version the step produced and a snapshot of the content at that moment.
 * Proposed deployments that name a deploymentId also set that deployment's businessCaseId.
 */
export function createBusinessCase(db: DbOrTx, values: BusinessCaseValues) {
  const {
    reference = `BC-TEST-${String(nextNumber()).padStart(4, "0")}`,
    authorId,
    coAuthorIds = [],
    partnerOrganisationIds = [],
    deployments: proposed = [],
    transitions = [],
    comments = [],
    state: givenState,
    createdAt,
    ...initialContent
  } = values;

  // Walk the history: apply edits, bump the version, remember each snapshot.
  let content: CaseContent = { ...initialContent };
  let state: CaseState | null = null;
  let version = transitions.length ? 0 : 1;
  const extra = { reference, partnerOrganisationIds, proposedDeployments: proposed.map(({ serviceId, capabilityId }) => ({ serviceId, capabilityId })) };
  const transitionRows: Omit<Insert<typeof businessCaseTransitions>, "caseId">[] = [];
  for (const { edits, ...step } of transitions) {
    if (edits) content = { ...content, ...edits };
    version += 1;
    transitionRows.push({ ...step, fromState: state, caseVersion: version, snapshot: snapshotOf(content, { ...extra, state: step.toState }) });
    state = step.toState;
  }

  const created = createdAt ?? transitions[0]?.at;
  const lastAt = transitions.at(-1)?.at;
  const decided = transitions.filter((t) => DECISIONS.includes(t.toState)).at(-1);
  const submitted = transitions.find((t) => t.toState === "submitted");
  const kase = db
    .insert(businessCases)
    .values({
      ...content,
      title: content.title ?? values.title,
      reference,
      authorId,
      state: state ?? givenState ?? "draft",
      version,
      ...(lastAt ? { stateChangedAt: lastAt, updatedAt: lastAt } : {}),
      ...(created ? { createdAt: created } : {}),
      submittedAt: submitted?.at ?? null,
      decidedAt: decided?.at ?? null,
    })
    .returning()
    .get();

  insertMany(db, businessCaseAuthors, [
    { caseId: kase.id, userId: authorId, role: "author" },
    ...coAuthorIds.map((userId) => ({ caseId: kase.id, userId, role: "co_author" as const })),
  ]);
  if (partnerOrganisationIds.length) insertMany(db, businessCasePartners, partnerOrganisationIds.map((organisationId) => ({ caseId: kase.id, organisationId })));
  const proposedRows = insertManyReturningIfAny(
    db,
    businessCaseDeployments,
    proposed.map((p) => ({ caseId: kase.id, serviceId: p.serviceId, capabilityId: p.capabilityId, deploymentId: p.deploymentId ?? null })),
  );
  for (const p of proposed) {
    if (p.deploymentId) db.update(deployments).set({ businessCaseId: kase.id }).where(eq(deployments.id, p.deploymentId)).run();
  }
  const transitionsInserted = insertManyReturningIfAny(
    db,
    businessCaseTransitions,
    transitionRows.map((t) => ({ ...t, caseId: kase.id })),
  );
  const commentRows = insertManyReturningIfAny(
    db,
    businessCaseComments,
    comments.map((c) => ({ ...c, caseId: kase.id })),
  );
  return { ...kase, transitions: transitionsInserted, deployments: proposedRows, comments: commentRows };
}
