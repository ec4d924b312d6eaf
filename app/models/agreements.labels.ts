// Data sharing agreements' labels, statuses and the pure review rule, without zod, so the
// browser can have them (agreements.schema.ts re-exports these beside the inputs).
import type {
  AGREEMENT_PURPOSES,
  ARTICLE_6_BASES,
  ARTICLE_9_CONDITIONS,
  COMMON_LAW_BASES,
  CONSENT_MODELS,
  DPIA_STATUSES,
  PARTY_ROLES,
  REVIEW_OUTCOMES,
  RISK_LEVELS,
} from "../../db/schema/enums";
import { addDaysIso } from "~/lib/dates";

export type AgreementPurpose = (typeof AGREEMENT_PURPOSES)[number];
export type Article6Basis = (typeof ARTICLE_6_BASES)[number];
export type Article9Condition = (typeof ARTICLE_9_CONDITIONS)[number];
export type PartyRole = (typeof PARTY_ROLES)[number];

/**
 * An agreement's status as it stands on a date (the reporting date unless asked): the stored
 * lifecycle status, except that a fully signed agreement is only "active" from the date it came
 * into force, and an ended one (superseded, expired, terminated) only from its end date.
 */
export const EFFECTIVE_AGREEMENT_STATUSES = ["draft", "awaiting_signatures", "signed", "active", "expired", "terminated", "superseded"] as const;
export type EffectiveAgreementStatus = (typeof EFFECTIVE_AGREEMENT_STATUSES)[number];

export const AGREEMENT_STATUS_LABELS: Record<EffectiveAgreementStatus, string> = {
  draft: "Draft",
  awaiting_signatures: "Awaiting signatures",
  signed: "Signed, not yet in force",
  active: "Active",
  expired: "Expired",
  terminated: "Terminated",
  superseded: "Superseded",
};

export const AGREEMENT_STATUS_COLOURS = {
  draft: "grey",
  awaiting_signatures: "yellow",
  signed: "blue",
  active: "green",
  expired: "red",
  terminated: "red",
  superseded: "white",
} as const satisfies Record<EffectiveAgreementStatus, string>;

export const PURPOSE_LABELS: Record<AgreementPurpose, string> = {
  direct_care: "Direct care",
  planning: "Planning",
  research: "Research",
};

// UK GDPR Article 6(1) and Article 9(2), worded as in reference/ig-facts.md.
export const ARTICLE_6_LABELS: Record<Article6Basis, string> = {
  "6_1_a": "6(1)(a) consent",
  "6_1_b": "6(1)(b) contract",
  "6_1_c": "6(1)(c) legal obligation",
  "6_1_d": "6(1)(d) vital interests",
  "6_1_e": "6(1)(e) public task",
  "6_1_f": "6(1)(f) legitimate interests",
};

export const ARTICLE_9_LABELS: Record<Article9Condition, string> = {
  "9_2_a": "9(2)(a) explicit consent",
  "9_2_b": "9(2)(b) employment and social protection law",
  "9_2_c": "9(2)(c) vital interests where consent cannot be given",
  "9_2_d": "9(2)(d) not-for-profit bodies",
  "9_2_e": "9(2)(e) made public by the person",
  "9_2_f": "9(2)(f) legal claims",
  "9_2_g": "9(2)(g) substantial public interest",
  "9_2_h": "9(2)(h) preventive or occupational medicine, diagnosis, provision of health or social care or treatment, management of health or social care systems",
  "9_2_i": "9(2)(i) public health",
  "9_2_j": "9(2)(j) archiving, research, statistics",
};

/** The form's value for "no special category data" (stored as no Article 9 condition). */
export const NO_ARTICLE_9 = "none";

export const COMMON_LAW_LABELS: Record<(typeof COMMON_LAW_BASES)[number], string> = {
  implied_consent: "Implied consent (direct care, within people's reasonable expectations)",
  explicit_consent: "Explicit consent",
  s251_support: "Section 251 support",
  not_confidential: "Not confidential information",
};

export const CONSENT_MODEL_LABELS: Record<(typeof CONSENT_MODELS)[number], string> = {
  opt_in_point_of_care: "Opt-in at the point of care",
  implied: "Implied",
  opt_out: "Opt-out",
};

export const PARTY_ROLE_LABELS: Record<PartyRole, string> = {
  controller: "Controller",
  joint_controller: "Joint controller",
  processor: "Processor",
};

export const DPIA_STATUS_LABELS: Record<(typeof DPIA_STATUSES)[number], string> = {
  not_started: "Not started",
  in_progress: "In progress",
  completed: "Completed",
  not_required: "Not required",
};

export const RISK_LABELS: Record<(typeof RISK_LEVELS)[number], string> = { low: "Low", medium: "Medium", high: "High" };

/** The DPIA as the signing rules read it. */
export type DpiaForSigning = {
  reference: string;
  status: (typeof DPIA_STATUSES)[number];
  residualRisk: (typeof RISK_LEVELS)[number] | null;
  icoConsultedOn: string | null;
} | null;

/**
 * What is wrong with a version's DPIA for signing, or null when nothing is: a DPIA must be
 * recorded (completed, or not required with the reason), and a completed one that found high
 * residual risk needs the ICO consultation recorded first (UK GDPR Article 36).
 */
export function dpiaShortfall(dpia: DpiaForSigning): { kind: "missing" | "incomplete" | "high_risk_without_ico"; fact: string } | null {
  if (!dpia) return { kind: "missing", fact: "No DPIA is recorded for this version." };
  if (dpia.status === "not_started" || dpia.status === "in_progress") {
    return { kind: "incomplete", fact: `The DPIA (${dpia.reference}) is ${DPIA_STATUS_LABELS[dpia.status].toLowerCase()}.` };
  }
  if (dpia.status === "completed" && dpia.residualRisk === "high" && !dpia.icoConsultedOn) {
    return { kind: "high_risk_without_ico", fact: `The DPIA (${dpia.reference}) found high residual risk and no ICO consultation is recorded.` };
  }
  return null;
}

/** Why an agreement cannot be sent for signature because of its DPIA, and what to do; null when it can. */
export function dpiaSigningProblem(dpia: DpiaForSigning): string | null {
  const shortfall = dpiaShortfall(dpia);
  if (!shortfall) return null;
  const todo = {
    missing: "Record the DPIA: complete it, or record why one is not required, then send the agreement for signature.",
    incomplete: "Complete it and record its residual risk, or record why a DPIA is not required, then send the agreement for signature.",
    high_risk_without_ico: "Consult the ICO and record the date on the DPIA, then send the agreement for signature.",
  }[shortfall.kind];
  return `${shortfall.fact} ${todo}`;
}

export const SIGNATURE_STATUS_LABELS = { requested: "Waiting to sign", signed: "Signed", declined: "Declined" } as const;

export const REVIEW_STATES = ["not_due", "due", "overdue"] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
export const REVIEW_STATE_LABELS: Record<ReviewState, string> = { not_due: "Not due", due: "Review due", overdue: "Review overdue" };

/** The default review interval (months): agreements seen in practice run for two years. */
export const DEFAULT_REVIEW_INTERVAL_MONTHS = 24;

/**
 * Where an agreement's review stands on `asAt`: "due" from `noticeDays` before the review
 * date up to and including it, "overdue" after it.
 */
export function agreementReviewState({ reviewOn, asAt, noticeDays }: { reviewOn: string; asAt: string; noticeDays: number }): ReviewState {
  if (asAt > reviewOn) return "overdue";
  if (reviewOn <= addDaysIso(asAt, noticeDays)) return "due";
  return "not_due";
}

export const REVIEW_FILTERS = ["due", "overdue", "due_or_overdue"] as const;
export type ReviewFilter = (typeof REVIEW_FILTERS)[number];
export const REVIEW_FILTER_LABELS: Record<ReviewFilter, string> = {
  due: "Review due",
  overdue: "Review overdue",
  due_or_overdue: "Review due or overdue",
};

export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];
export const REVIEW_OUTCOME_LABELS: Record<ReviewOutcome, string> = {
  no_change: "No change needed",
  new_version_needed: "A new version is needed",
};
