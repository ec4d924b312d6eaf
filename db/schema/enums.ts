// Enumerations shared by the database CHECK constraints, the zod schemas and the UI.
// Pure constants: safe to import from client code.

export const ROLES = ["admin", "board", "programme", "ig_lead", "ccg", "practitioner"] as const;
export type Role = (typeof ROLES)[number];

export const ORGANISATION_TYPES = [
  "gp_practice",
  "acute_trust",
  "mental_health_trust",
  "community_provider",
  "hospice",
  "local_authority",
  "ccg",
  "private_provider",
  "other",
] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

export const DSPT_STATUSES = [
  "standards_exceeded",
  "standards_met",
  "approaching_standards",
  "not_met",
  "not_published",
] as const;

export const ORGANISATION_STATUSES = ["active", "closed", "dormant", "proposed"] as const;

export const DEPLOYMENT_STATUSES = ["planned", "in_progress", "live", "paused", "withdrawn"] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export const MILESTONE_METRICS = ["services_live", "practices_signed_up", "opt_in_rate", "other"] as const;

export const AGREEMENT_PURPOSES = ["direct_care", "planning", "research"] as const;
export const ARTICLE_6_BASES = ["6_1_a", "6_1_b", "6_1_c", "6_1_d", "6_1_e", "6_1_f"] as const;
export const ARTICLE_9_CONDITIONS = [
  "9_2_a",
  "9_2_b",
  "9_2_c",
  "9_2_d",
  "9_2_e",
  "9_2_f",
  "9_2_g",
  "9_2_h",
  "9_2_i",
  "9_2_j",
] as const;
export const COMMON_LAW_BASES = ["implied_consent", "explicit_consent", "s251_support", "not_confidential"] as const;
export const CONSENT_MODELS = ["opt_in_point_of_care", "implied", "opt_out"] as const;
export const AGREEMENT_STATUSES = ["draft", "awaiting_signatures", "active", "expired", "terminated", "superseded"] as const;
export const PARTY_ROLES = ["controller", "joint_controller", "processor"] as const;
export const SIGNATURE_STATUSES = ["requested", "signed", "declined"] as const;
export const REVIEW_OUTCOMES = ["no_change", "new_version_needed"] as const;
export const DPIA_STATUSES = ["not_started", "in_progress", "completed", "not_required"] as const;
export const RISK_LEVELS = ["low", "medium", "high"] as const;

export const INDEMNITY_STATUSES = ["pending", "active", "lapsed", "revoked"] as const;

export const CASE_STATES = [
  "draft",
  "submitted",
  "ig_review",
  "changes_requested",
  "board_review",
  "approved",
  "rejected",
  "deferred",
  "withdrawn",
  "implemented",
] as const;
export type CaseState = (typeof CASE_STATES)[number];
export const CASE_DIRECTIONS = ["one_way", "two_way"] as const;
export const CASE_SYSTEMS = ["mig", "edt", "other"] as const;
export const CASE_AUTHOR_ROLES = ["author", "co_author"] as const;

export const NOTIFICATION_KINDS = [
  "case_submitted",
  "case_changes_requested",
  "case_approved",
  "case_rejected",
  "case_deferred",
  "case_implemented",
  "case_board_review",
  "case_waiting",
  "signature_requested",
  "agreement_signed",
  "cover_ending",
  "cover_lapsed",
  "review_due",
  "review_overdue",
  "priority_endorsement_due",
  "opt_in_return_missing",
  "weekly_digest",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const EMAIL_CHOICES = ["immediate", "digest", "off"] as const;
export type EmailChoice = (typeof EMAIL_CHOICES)[number];
// kept: no SMTP_URL, nothing is sent; pending: waiting to be sent (or retried); sending: claimed
// by a sender; sent; failed: gave up after the last retry.
export const OUTBOX_STATUSES = ["kept", "pending", "sending", "sent", "failed"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
