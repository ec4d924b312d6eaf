import { sqliteTable, text, integer, index, uniqueIndex, check, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { enumCheck, nowIso } from "./helpers";
import {
  AGREEMENT_PURPOSES,
  AGREEMENT_STATUSES,
  ARTICLE_6_BASES,
  ARTICLE_9_CONDITIONS,
  COMMON_LAW_BASES,
  CONSENT_MODELS,
  DPIA_STATUSES,
  PARTY_ROLES,
  REVIEW_OUTCOMES,
  RISK_LEVELS,
  SIGNATURE_STATUSES,
} from "./enums";
import { deployments, organisations, services } from "./organisations";
import { users } from "./auth";

export const agreements = sqliteTable(
  "agreements",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    reference: text("reference").notNull(),
    version: integer("version").notNull().default(1),
    title: text("title").notNull(),
    purpose: text("purpose", { enum: AGREEMENT_PURPOSES }).notNull(),
    article6Basis: text("article6_basis", { enum: ARTICLE_6_BASES }).notNull(),
    article9Condition: text("article9_condition", { enum: ARTICLE_9_CONDITIONS }),
    commonLawBasis: text("common_law_basis", { enum: COMMON_LAW_BASES }).notNull(),
    consentModel: text("consent_model", { enum: CONSENT_MODELS }).notNull(),
    dataItems: text("data_items").notNull(),
    retention: text("retention"),
    reviewIntervalMonths: integer("review_interval_months").notNull().default(24),
    effectiveOn: text("effective_on").notNull(),
    reviewOn: text("review_on").notNull(),
    status: text("status", { enum: AGREEMENT_STATUSES }).notNull().default("draft"),
    // The version's history in reporting-date terms, so the register answers as at any date:
    // drafted on, sent for signature on, in force from (activated_on, inclusive) and in force
    // to (ended_on, exclusive: superseded, expired or terminated from that date).
    draftedOn: text("drafted_on"),
    sentForSignatureOn: text("sent_for_signature_on"),
    sentForSignatureAt: text("sent_for_signature_at"),
    activatedOn: text("activated_on"),
    endedOn: text("ended_on"),
    endReason: text("end_reason"),
    previousVersionId: integer("previous_version_id").references((): AnySQLiteColumn => agreements.id),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: text("created_at").notNull().default(nowIso),
    updatedAt: text("updated_at").notNull().default(nowIso),
  },
  (t) => [
    uniqueIndex("agreements_reference_version_unique").on(t.reference, t.version),
    index("agreements_status_review_idx").on(t.status, t.reviewOn),
    enumCheck("agreements_purpose_check", t.purpose, AGREEMENT_PURPOSES),
    enumCheck("agreements_article6_check", t.article6Basis, ARTICLE_6_BASES),
    enumCheck("agreements_article9_check", t.article9Condition, ARTICLE_9_CONDITIONS, true),
    enumCheck("agreements_common_law_check", t.commonLawBasis, COMMON_LAW_BASES),
    enumCheck("agreements_consent_model_check", t.consentModel, CONSENT_MODELS),
    enumCheck("agreements_status_check", t.status, AGREEMENT_STATUSES),
    check("agreements_review_interval_check", sql`${t.reviewIntervalMonths} BETWEEN 1 AND 60`),
    check("agreements_version_check", sql`${t.version} >= 1`),
  ],
);

export const agreementParties = sqliteTable(
  "agreement_parties",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agreementId: integer("agreement_id")
      .notNull()
      .references(() => agreements.id, { onDelete: "cascade" }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "restrict" }),
    role: text("role", { enum: PARTY_ROLES }).notNull(),
  },
  (t) => [
    uniqueIndex("agreement_parties_agreement_org_unique").on(t.agreementId, t.organisationId),
    index("agreement_parties_org_idx").on(t.organisationId),
    enumCheck("agreement_parties_role_check", t.role, PARTY_ROLES),
  ],
);

export const agreementSignatures = sqliteTable(
  "agreement_signatures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agreementId: integer("agreement_id")
      .notNull()
      .references(() => agreements.id, { onDelete: "cascade" }),
    partyId: integer("party_id")
      .notNull()
      .references(() => agreementParties.id, { onDelete: "cascade" }),
    status: text("status", { enum: SIGNATURE_STATUSES }).notNull().default("requested"),
    requestedAt: text("requested_at").notNull().default(nowIso),
    signedByUserId: integer("signed_by_user_id").references(() => users.id),
    signatoryName: text("signatory_name"),
    signatoryRole: text("signatory_role"),
    signedOn: text("signed_on"),
    authorityDeclared: integer("authority_declared", { mode: "boolean" }).notNull().default(false),
    declineReason: text("decline_reason"),
  },
  (t) => [
    uniqueIndex("agreement_signatures_party_unique").on(t.partyId),
    index("agreement_signatures_agreement_idx").on(t.agreementId, t.status),
    enumCheck("agreement_signatures_status_check", t.status, SIGNATURE_STATUSES),
    check(
      "agreement_signatures_signed_check",
      sql`${t.status} <> 'signed' OR (${t.signedByUserId} IS NOT NULL AND ${t.signedOn} IS NOT NULL AND ${t.authorityDeclared} = 1)`,
    ),
  ],
);

// What an agreement covers: a whole service, or one deployment (capability) at it.
export const agreementCoverage = sqliteTable(
  "agreement_coverage",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agreementId: integer("agreement_id")
      .notNull()
      .references(() => agreements.id, { onDelete: "cascade" }),
    serviceId: integer("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    deploymentId: integer("deployment_id").references(() => deployments.id, { onDelete: "cascade" }),
  },
  (t) => [
    uniqueIndex("agreement_coverage_unique").on(t.agreementId, t.serviceId, t.deploymentId),
    index("agreement_coverage_service_idx").on(t.serviceId),
    index("agreement_coverage_deployment_idx").on(t.deploymentId),
  ],
);

export const dpias = sqliteTable(
  "dpias",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agreementId: integer("agreement_id")
      .notNull()
      .references(() => agreements.id, { onDelete: "cascade" }),
    reference: text("reference").notNull(),
    status: text("status", { enum: DPIA_STATUSES }).notNull().default("not_started"),
    notRequiredReason: text("not_required_reason"),
    completedOn: text("completed_on"),
    residualRisk: text("residual_risk", { enum: RISK_LEVELS }),
    icoConsultedOn: text("ico_consulted_on"),
    notes: text("notes"),
    updatedAt: text("updated_at").notNull().default(nowIso),
  },
  (t) => [
    uniqueIndex("dpias_agreement_unique").on(t.agreementId),
    enumCheck("dpias_status_check", t.status, DPIA_STATUSES),
    enumCheck("dpias_residual_risk_check", t.residualRisk, RISK_LEVELS, true),
    check("dpias_not_required_check", sql`${t.status} <> 'not_required' OR ${t.notRequiredReason} IS NOT NULL`),
  ],
);

// A review of the version in force, recorded by an IG lead of a party: it sets the next review
// date from the day it was recorded, so the review state as at any date stays what it was.
export const agreementReviews = sqliteTable(
  "agreement_reviews",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agreementId: integer("agreement_id")
      .notNull()
      .references(() => agreements.id, { onDelete: "cascade" }),
    reviewedOn: text("reviewed_on").notNull(),
    reviewedByUserId: integer("reviewed_by_user_id")
      .notNull()
      .references(() => users.id),
    reviewerName: text("reviewer_name").notNull(),
    outcome: text("outcome", { enum: REVIEW_OUTCOMES }).notNull(),
    note: text("note"),
    nextReviewOn: text("next_review_on").notNull(),
    createdAt: text("created_at").notNull().default(nowIso),
  },
  (t) => [
    index("agreement_reviews_agreement_idx").on(t.agreementId, t.reviewedOn),
    enumCheck("agreement_reviews_outcome_check", t.outcome, REVIEW_OUTCOMES),
    check("agreement_reviews_next_check", sql`${t.nextReviewOn} > ${t.reviewedOn}`),
  ],
);
