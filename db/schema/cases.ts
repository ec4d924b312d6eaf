import { sqliteTable, text, integer, index, uniqueIndex, primaryKey } from "drizzle-orm/sqlite-core";
import { enumCheck, nowIso } from "./helpers";
import {
  AGREEMENT_PURPOSES,
  ARTICLE_6_BASES,
  ARTICLE_9_CONDITIONS,
  CASE_AUTHOR_ROLES,
  CASE_DIRECTIONS,
  CASE_STATES,
  COMMON_LAW_BASES,
  CONSENT_MODELS,
  DPIA_STATUSES,
} from "./enums";
import { capabilities, deployments, organisations, services } from "./organisations";
import { users } from "./auth";

export const businessCases = sqliteTable(
  "business_cases",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    reference: text("reference").notNull(),
    title: text("title").notNull(),
    summary: text("summary"),
    state: text("state", { enum: CASE_STATES }).notNull().default("draft"),
    // Optimistic concurrency: every change bumps it, every form carries it.
    version: integer("version").notNull().default(1),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id),
    sponsorOrganisationId: integer("sponsor_organisation_id").references(() => organisations.id),
    purpose: text("purpose", { enum: AGREEMENT_PURPOSES }),
    direction: text("direction", { enum: CASE_DIRECTIONS }),
    // JSON array of CASE_SYSTEMS
    systems: text("systems", { mode: "json" }).$type<string[]>(),
    dataItems: text("data_items"),
    benefit: text("benefit"),
    clinicianInvolvement: text("clinician_involvement"),
    publicInvolvement: text("public_involvement"),
    article6Basis: text("article6_basis", { enum: ARTICLE_6_BASES }),
    article9Condition: text("article9_condition", { enum: ARTICLE_9_CONDITIONS }),
    commonLawBasis: text("common_law_basis", { enum: COMMON_LAW_BASES }),
    consentModel: text("consent_model", { enum: CONSENT_MODELS }),
    dpiaNeeded: integer("dpia_needed", { mode: "boolean" }),
    dpiaStatus: text("dpia_status", { enum: DPIA_STATUSES }),
    // JSON: [{ description, likelihood 1-5, impact 1-5, mitigation }]
    risks: text("risks", { mode: "json" }).$type<{ description: string; likelihood: number; impact: number; mitigation: string }[]>(),
    // JSON: { "1": "sentence", ..., "8": "sentence" }
    caldicott: text("caldicott", { mode: "json" }).$type<Record<string, string>>(),
    targetGoLive: text("target_go_live"),
    stateChangedAt: text("state_changed_at").notNull().default(nowIso),
    submittedAt: text("submitted_at"),
    decidedAt: text("decided_at"),
    createdAt: text("created_at").notNull().default(nowIso),
    updatedAt: text("updated_at").notNull().default(nowIso),
  },
  (t) => [
    uniqueIndex("business_cases_reference_unique").on(t.reference),
    index("business_cases_state_idx").on(t.state, t.stateChangedAt),
    index("business_cases_author_idx").on(t.authorId),
    enumCheck("business_cases_state_check", t.state, CASE_STATES),
    enumCheck("business_cases_purpose_check", t.purpose, AGREEMENT_PURPOSES, true),
    enumCheck("business_cases_direction_check", t.direction, CASE_DIRECTIONS, true),
    enumCheck("business_cases_article6_check", t.article6Basis, ARTICLE_6_BASES, true),
    enumCheck("business_cases_article9_check", t.article9Condition, ARTICLE_9_CONDITIONS, true),
    enumCheck("business_cases_common_law_check", t.commonLawBasis, COMMON_LAW_BASES, true),
    enumCheck("business_cases_consent_model_check", t.consentModel, CONSENT_MODELS, true),
    enumCheck("business_cases_dpia_status_check", t.dpiaStatus, DPIA_STATUSES, true),
  ],
);

export const businessCaseAuthors = sqliteTable(
  "business_case_authors",
  {
    caseId: integer("case_id")
      .notNull()
      .references(() => businessCases.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    role: text("role", { enum: CASE_AUTHOR_ROLES }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.userId] }),
    index("business_case_authors_user_idx").on(t.userId),
    enumCheck("business_case_authors_role_check", t.role, CASE_AUTHOR_ROLES),
  ],
);

export const businessCasePartners = sqliteTable(
  "business_case_partners",
  {
    caseId: integer("case_id")
      .notNull()
      .references(() => businessCases.id, { onDelete: "cascade" }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.organisationId] }), index("business_case_partners_org_idx").on(t.organisationId)],
);

// The services and capabilities a case proposes; approval can turn each into a planned deployment.
export const businessCaseDeployments = sqliteTable(
  "business_case_deployments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    caseId: integer("case_id")
      .notNull()
      .references(() => businessCases.id, { onDelete: "cascade" }),
    serviceId: integer("service_id")
      .notNull()
      .references(() => services.id),
    capabilityId: integer("capability_id")
      .notNull()
      .references(() => capabilities.id),
    deploymentId: integer("deployment_id").references(() => deployments.id),
  },
  (t) => [
    uniqueIndex("business_case_deployments_unique").on(t.caseId, t.serviceId, t.capabilityId),
    index("business_case_deployments_deployment_idx").on(t.deploymentId),
  ],
);

export const businessCaseTransitions = sqliteTable(
  "business_case_transitions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    caseId: integer("case_id")
      .notNull()
      .references(() => businessCases.id, { onDelete: "cascade" }),
    fromState: text("from_state", { enum: CASE_STATES }),
    toState: text("to_state", { enum: CASE_STATES }).notNull(),
    actorId: integer("actor_id")
      .notNull()
      .references(() => users.id),
    at: text("at").notNull(),
    note: text("note"),
    igRecommendation: text("ig_recommendation"),
    rationale: text("rationale"),
    meetingReference: text("meeting_reference"),
    meetingDate: text("meeting_date"),
    interestDeclared: text("interest_declared"),
    caseVersion: integer("case_version").notNull(),
    // The case exactly as it stood when this step was taken.
    snapshot: text("snapshot", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index("business_case_transitions_case_idx").on(t.caseId, t.at),
    index("business_case_transitions_to_state_idx").on(t.toState, t.at),
    enumCheck("business_case_transitions_from_check", t.fromState, CASE_STATES, true),
    enumCheck("business_case_transitions_to_check", t.toState, CASE_STATES),
  ],
);

export const businessCaseComments = sqliteTable(
  "business_case_comments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    caseId: integer("case_id")
      .notNull()
      .references(() => businessCases.id, { onDelete: "cascade" }),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    createdAt: text("created_at").notNull().default(nowIso),
    editedAt: text("edited_at"),
    deletedAt: text("deleted_at"),
  },
  (t) => [index("business_case_comments_case_idx").on(t.caseId, t.createdAt)],
);
