// Data sharing agreements: the inputs (one zod schema each), the labels the forms and the
// register use, and the pure review rule. Isomorphic: no database, safe in client code.
import { z } from "zod";
import {
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
import { checkDate, requiredIsoDate } from "~/lib/date-field";
import { parseTableQuery } from "~/lib/table-query";

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

// ---------------------------------------------------------------------------------------------
// Inputs

const isoDate = (what: string) => requiredIsoDate(what);

const requiredText = (message: string, max = 4000) =>
  z.string({ error: message }).trim().min(1, { error: message }).max(max, { error: `Keep this under ${max} characters` });

const optionalText = (max = 4000) =>
  z
    .string()
    .trim()
    .max(max, { error: `Keep this under ${max} characters` })
    .optional()
    .transform((v) => (v ? v : null));

/** Repeated form fields arrive as a string or an array of strings; always an array here. */
const list = z.preprocess((v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]), z.array(z.string()));

export const PartySchema = z.object({
  organisationId: z.coerce.number().int().positive(),
  role: z.enum(PARTY_ROLES, { error: "Choose the party's role" }),
});
export type PartyInput = z.infer<typeof PartySchema>;

/** A coverage choice from the form: `s:<serviceId>` (a whole service) or `d:<deploymentId>` (one capability at it). */
export const COVERAGE_VALUE = /^(s|d):(\d+)$/;

/** Party rows are pairs of (organisation, role) fields; a row with no organisation is unused. */
function partyRows(organisationIds: readonly string[], roles: readonly string[]) {
  const parties: PartyInput[] = [];
  const problems: string[] = [];
  organisationIds.forEach((org, i) => {
    if (!org) return;
    const parsed = PartySchema.safeParse({ organisationId: org, role: roles[i] || "" });
    if (parsed.success) parties.push(parsed.data);
    else problems.push(`Choose the organisation and role of party ${i + 1} from the lists`);
  });
  if (new Set(parties.map((p) => p.organisationId)).size !== parties.length) problems.push("Name each organisation as a party only once");
  if (parties.length < 2) problems.push("Name at least two parties: an agreement shares information between organisations");
  return { parties, problems };
}

export const AgreementSchema = z
  .object({
    title: requiredText("Enter the agreement's title", 200),
    purpose: z.enum(AGREEMENT_PURPOSES, { error: "Choose the purpose of the sharing" }),
    article6Basis: z.enum(ARTICLE_6_BASES, { error: "Choose the Article 6 lawful basis" }),
    article9Condition: z
      .enum([...ARTICLE_9_CONDITIONS, NO_ARTICLE_9], { error: "Choose the Article 9 condition, or say there is no special category data" })
      .transform((v) => (v === NO_ARTICLE_9 ? null : v)),
    commonLawBasis: z.enum(COMMON_LAW_BASES, { error: "Choose how the common law duty of confidentiality is met" }),
    consentModel: z.enum(CONSENT_MODELS, { error: "Choose the consent model" }),
    dataItems: requiredText("Enter the data items shared"),
    retention: optionalText(),
    reviewIntervalMonths: z
      .string({ error: "Enter the review interval in months" })
      .trim()
      .min(1, { error: "Enter the review interval in months" })
      .regex(/^\d+$/, { error: "Enter the review interval as a whole number of months, from 1 to 60" })
      .transform(Number)
      .refine((n) => n >= 1 && n <= 60, { error: "Enter a review interval from 1 to 60 months" }),
    effectiveOn: isoDate("the date the agreement takes effect"),
    partyOrganisationId: list,
    partyRole: list,
    coverage: list.refine((values) => values.every((v) => COVERAGE_VALUE.test(v)), { error: "Choose services from the list" }),
  })
  // Runs even when other fields are wrong, so every problem is reported in one go.
  .superRefine(
    (d, ctx) => {
      for (const message of partyRows(d.partyOrganisationId ?? [], d.partyRole ?? []).problems) ctx.addIssue({ code: "custom", path: ["parties"], message });
    },
    { when: () => true },
  )
  .transform(({ partyOrganisationId, partyRole, ...rest }) => ({ ...rest, parties: partyRows(partyOrganisationId, partyRole).parties }));
export type AgreementInput = z.output<typeof AgreementSchema>;

export const NewAgreementSchema = z
  .object({
    reference: z
      .string({ error: "Enter a reference" })
      .trim()
      .min(1, { error: "Enter a reference, for example ISA-006" })
      .regex(/^[A-Za-z0-9][A-Za-z0-9-]{1,29}$/, { error: "Enter a reference of letters, numbers and hyphens, for example ISA-006" })
      .transform((v) => v.toUpperCase()),
  })
  .and(AgreementSchema);
export type NewAgreementInput = z.output<typeof NewAgreementSchema>;

export const SignSchema = z.object({
  signatoryName: requiredText("Enter your full name", 200),
  signatoryRole: requiredText("Enter your role, for example Head of information governance", 200),
  signedOn: isoDate("the date you sign"),
  authorityDeclared: z.literal("yes", { error: "Confirm that you have authority to sign for your organisation" }).transform(() => true as const),
});
export type SignInput = z.output<typeof SignSchema>;

export const DeclineSchema = z.object({
  declineReason: requiredText("Enter why your organisation declines to sign", 2000),
});

export const END_STATUSES = ["expired", "terminated"] as const;
export const EndAgreementSchema = z.object({
  status: z.enum(END_STATUSES, { error: "Choose whether the agreement expired or was terminated" }),
  endedOn: isoDate("the date the agreement ended"),
  endReason: requiredText("Enter why the agreement ended", 2000),
});
export type EndAgreementInput = z.output<typeof EndAgreementSchema>;

export const DpiaSchema = z
  .object({
    reference: requiredText("Enter the DPIA reference, for example DPIA-2016-010", 60),
    status: z.enum(DPIA_STATUSES, { error: "Choose the DPIA's status" }),
    notRequiredReason: optionalText(2000),
    completedOn: z
      .string()
      .trim()
      .optional()
      .superRefine(checkDate("the date the DPIA was completed", { required: false }))
      .transform((v) => (v ? v : null)),
    residualRisk: z
      .union([z.enum(RISK_LEVELS), z.literal("")], { error: "Choose the residual risk" })
      .optional()
      .transform((v) => (v ? v : null)),
    icoConsultedOn: z
      .string()
      .trim()
      .optional()
      .superRefine(checkDate("the date the ICO was consulted", { required: false }))
      .transform((v) => (v ? v : null)),
    notes: optionalText(4000),
  })
  .superRefine((d, ctx) => {
    if (d.status === "not_required" && !d.notRequiredReason) ctx.addIssue({ code: "custom", path: ["notRequiredReason"], message: "Enter why a DPIA is not required" });
    if (d.status === "completed" && !d.completedOn) ctx.addIssue({ code: "custom", path: ["completedOn"], message: "Enter the date the DPIA was completed" });
    if (d.status === "completed" && !d.residualRisk) ctx.addIssue({ code: "custom", path: ["residualRisk"], message: "Choose the residual risk the completed DPIA found" });
    if (d.status !== "completed" && d.completedOn) ctx.addIssue({ code: "custom", path: ["completedOn"], message: "Only a completed DPIA has a completion date: remove it or mark the DPIA completed" });
  });
export type DpiaInput = z.output<typeof DpiaSchema>;

export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];
export const REVIEW_OUTCOME_LABELS: Record<ReviewOutcome, string> = {
  no_change: "No change needed",
  new_version_needed: "A new version is needed",
};

export const ReviewSchema = z
  .object({
    reviewedOn: isoDate("the date of the review"),
    outcome: z.enum(REVIEW_OUTCOMES, { error: "Choose the outcome of the review" }),
    note: optionalText(2000),
  })
  .superRefine((d, ctx) => {
    if (d.outcome === "new_version_needed" && !d.note) ctx.addIssue({ code: "custom", path: ["note"], message: "Enter what needs to change in the new version" });
  });
export type ReviewInput = z.output<typeof ReviewSchema>;

export const REVIEW_FILTERS = ["due", "overdue", "due_or_overdue"] as const;
export type ReviewFilter = (typeof REVIEW_FILTERS)[number];
export const REVIEW_FILTER_LABELS: Record<ReviewFilter, string> = {
  due: "Review due",
  overdue: "Review overdue",
  due_or_overdue: "Review due or overdue",
};

/** The register's filters (search params); anything unrecognised is ignored rather than refused. */
export const AgreementFiltersSchema = z.object({
  status: z.enum(EFFECTIVE_AGREEMENT_STATUSES).optional().catch(undefined),
  purpose: z.enum(AGREEMENT_PURPOSES).optional().catch(undefined),
  party: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{3,10}$/)
    .optional()
    .catch(undefined)
    .transform((v) => v?.toUpperCase()),
  review: z.enum(REVIEW_FILTERS).optional().catch(undefined),
});
export type AgreementFilters = z.output<typeof AgreementFiltersSchema>;

export const AGREEMENT_SORTS = ["reference", "title", "status", "purpose", "effectiveOn", "reviewOn"] as const;
export type AgreementSort = (typeof AGREEMENT_SORTS)[number];

/** The register's query (filters, sort, page) from the URL; the page and its CSV download share it. */
export function parseAgreementQuery(searchParams: URLSearchParams) {
  const filters = AgreementFiltersSchema.parse(Object.fromEntries(searchParams));
  const table = parseTableQuery(searchParams, { sortable: AGREEMENT_SORTS, defaultSort: { id: "reference", desc: false } });
  return { filters, table };
}
