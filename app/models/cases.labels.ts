// Business cases without zod, so the browser can have them: the workflow as data, the labels
// people read and the pure rules (completeness, differences between snapshots). The form's zod
// schemas are in cases.schema.ts, which re-exports all of this.

import type {
  AGREEMENT_PURPOSES,
  ARTICLE_6_BASES,
  ARTICLE_9_CONDITIONS,
  CASE_DIRECTIONS,
  CASE_SYSTEMS,
  COMMON_LAW_BASES,
  CONSENT_MODELS,
  DPIA_STATUSES,
  Role,
} from "../../db/schema/enums";
import { CASE_STATE_LABELS, type CaseState } from "./case-states.labels";

// The states' words and colours are in case-states.labels.ts, so pages that list cases by state
// (the case list, the dashboard, the board pack) do not load the whole form's labels.
export { CASE_STATES, CASE_STATE_COLOURS, CASE_STATE_LABELS, queueStatesFor, type CaseState } from "./case-states.labels";

// ---------------------------------------------------------------------------------------------
// Labels

export const PURPOSE_LABELS: Record<(typeof AGREEMENT_PURPOSES)[number], string> = {
  direct_care: "Direct (individual) care",
  planning: "Planning and commissioning",
  research: "Research",
};

export const DIRECTION_LABELS: Record<(typeof CASE_DIRECTIONS)[number], string> = {
  one_way: "One way: one organisation's records are seen or sent by the others",
  two_way: "Two way: records flow in both directions",
};

export const SYSTEM_LABELS: Record<(typeof CASE_SYSTEMS)[number], string> = {
  mig: "MIG (Medical Interoperability Gateway): view the GP record",
  edt: "EDT (Electronic Document Transfer): send documents to the GP record",
  other: "Another system",
};

export const ARTICLE_6_LABELS: Record<(typeof ARTICLE_6_BASES)[number], string> = {
  "6_1_a": "Article 6(1)(a): consent",
  "6_1_b": "Article 6(1)(b): contract",
  "6_1_c": "Article 6(1)(c): legal obligation",
  "6_1_d": "Article 6(1)(d): vital interests",
  "6_1_e": "Article 6(1)(e): public task",
  "6_1_f": "Article 6(1)(f): legitimate interests (public authorities cannot rely on this for their tasks)",
};

export const ARTICLE_9_LABELS: Record<(typeof ARTICLE_9_CONDITIONS)[number], string> = {
  "9_2_a": "Article 9(2)(a): explicit consent",
  "9_2_b": "Article 9(2)(b): employment and social protection law",
  "9_2_c": "Article 9(2)(c): vital interests where consent cannot be given",
  "9_2_d": "Article 9(2)(d): not-for-profit bodies",
  "9_2_e": "Article 9(2)(e): made public by the person",
  "9_2_f": "Article 9(2)(f): legal claims",
  "9_2_g": "Article 9(2)(g): substantial public interest",
  "9_2_h": "Article 9(2)(h): preventive or occupational medicine, diagnosis, health or social care or treatment, management of health or social care systems",
  "9_2_i": "Article 9(2)(i): public health",
  "9_2_j": "Article 9(2)(j): archiving, research, statistics",
};

export const COMMON_LAW_LABELS: Record<(typeof COMMON_LAW_BASES)[number], string> = {
  implied_consent: "Implied consent: direct care within patients' reasonable expectations",
  explicit_consent: "Explicit consent",
  s251_support: "Section 251 support",
  not_confidential: "Not confidential information",
};

export const CONSENT_MODEL_LABELS: Record<(typeof CONSENT_MODELS)[number], string> = {
  opt_in_point_of_care: "Opt-in: patients are asked at the point of care",
  implied: "Implied consent",
  opt_out: "Opt-out",
};

export const DPIA_STATUS_LABELS: Record<(typeof DPIA_STATUSES)[number], string> = {
  not_started: "Not started",
  in_progress: "In progress",
  completed: "Completed",
  not_required: "Not required",
};

/** The 8 Caldicott Principles (ig-facts.md), keyed "1".."8". */
export const CALDICOTT_PRINCIPLES: Record<string, string> = {
  "1": "Justify the purpose(s) for using confidential information.",
  "2": "Use confidential information only when it is necessary.",
  "3": "Use the minimum necessary confidential information.",
  "4": "Access to confidential information should be on a strict need-to-know basis.",
  "5": "Everyone with access to confidential information should be aware of their responsibilities.",
  "6": "Comply with the law.",
  "7": "The duty to share information for individual care is as important as the duty to protect patient confidentiality.",
  "8": "Inform patients and service users about how their confidential information is used.",
};
export const CALDICOTT_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8"] as const;

// ---------------------------------------------------------------------------------------------
// The workflow, as data

export type CaseAction =
  | "submit"
  | "withdraw"
  | "start_review"
  | "request_changes"
  | "pass_to_board"
  | "approve"
  | "reject"
  | "defer"
  | "return_to_board"
  | "mark_implemented";

export const CASE_ACTIONS = [
  "submit",
  "withdraw",
  "start_review",
  "request_changes",
  "pass_to_board",
  "approve",
  "reject",
  "defer",
  "return_to_board",
  "mark_implemented",
] as const satisfies readonly CaseAction[];

/** The text fields a step may carry; `meeting` means a meeting date or a minute reference (one is enough). */
export type TransitionField = "note" | "igRecommendation" | "rationale" | "meeting";

export type CaseTransitionRule = {
  action: CaseAction;
  /** What the button says. */
  label: string;
  /** What the timeline says happened. */
  done: string;
  from: readonly CaseState[];
  to: CaseState;
  /** "authors": the case's author or co-authors, whatever their role; otherwise these roles. */
  who: "authors" | readonly Role[];
  /** Review and decision steps: nobody may take them on a case they wrote. */
  review: boolean;
  requires: readonly TransitionField[];
  /** A board decision: a board member from the sponsoring organisation declares an interest. */
  decision?: boolean;
};

/** Every step the workflow allows. Anything not in this table is refused. */
export const CASE_TRANSITIONS: readonly CaseTransitionRule[] = [
  { action: "submit", label: "Submit for IG review", done: "Submitted for IG review", from: ["draft", "changes_requested"], to: "submitted", who: "authors", review: false, requires: [] },
  {
    action: "withdraw",
    label: "Withdraw this case",
    done: "Withdrawn by its author",
    // Before a final decision: a deferred case can still be withdrawn.
    from: ["draft", "submitted", "ig_review", "changes_requested", "board_review", "deferred"],
    to: "withdrawn",
    who: "authors",
    review: false,
    requires: ["note"],
  },
  { action: "start_review", label: "Start IG review", done: "IG review started", from: ["submitted"], to: "ig_review", who: ["ig_lead"], review: true, requires: [] },
  { action: "request_changes", label: "Request changes", done: "Changes requested by IG", from: ["ig_review"], to: "changes_requested", who: ["ig_lead"], review: true, requires: ["note"] },
  { action: "pass_to_board", label: "Pass to the board", done: "Passed to the board with an IG recommendation", from: ["ig_review"], to: "board_review", who: ["ig_lead"], review: true, requires: ["igRecommendation"] },
  { action: "approve", label: "Approve", done: "Approved by the board", from: ["board_review"], to: "approved", who: ["board"], review: true, requires: ["rationale", "meeting"], decision: true },
  { action: "reject", label: "Reject", done: "Rejected by the board", from: ["board_review"], to: "rejected", who: ["board"], review: true, requires: ["rationale", "meeting"], decision: true },
  { action: "defer", label: "Defer", done: "Deferred by the board", from: ["board_review"], to: "deferred", who: ["board"], review: true, requires: ["rationale", "meeting"], decision: true },
  { action: "return_to_board", label: "Return to board review", done: "Returned to board review", from: ["deferred"], to: "board_review", who: ["board"], review: true, requires: [] },
  { action: "mark_implemented", label: "Mark as implemented", done: "Implemented: its deployments are live", from: ["approved"], to: "implemented", who: ["programme"], review: false, requires: [] },
];

export function transitionRule(action: CaseAction): CaseTransitionRule {
  return CASE_TRANSITIONS.find((t) => t.action === action)!;
}

export const DECISION_STATES: readonly CaseState[] = ["approved", "rejected", "deferred"];
/** States in which a case waits on a reviewer, so the service level applies. */
export const WAITING_STATES: readonly CaseState[] = ["submitted", "ig_review", "board_review"];
/** States in which the authors may change the case. */
export const EDITABLE_STATES: readonly CaseState[] = ["draft", "changes_requested"];
/** A reviewer's step after which later edits are shown as differences. */
export const REVIEW_STATES: readonly CaseState[] = ["changes_requested", "board_review", "approved", "rejected", "deferred"];

// ---------------------------------------------------------------------------------------------
// Case content: the fields a proposer fills in (and what a snapshot records)

export type CaseRisk = { description: string; likelihood: number | null; impact: number | null; mitigation: string };

export type CaseContent = {
  title: string;
  summary: string | null;
  sponsorOrganisationId: number | null;
  purpose: (typeof AGREEMENT_PURPOSES)[number] | null;
  direction: (typeof CASE_DIRECTIONS)[number] | null;
  systems: string[] | null;
  dataItems: string | null;
  benefit: string | null;
  clinicianInvolvement: string | null;
  publicInvolvement: string | null;
  article6Basis: (typeof ARTICLE_6_BASES)[number] | null;
  article9Condition: (typeof ARTICLE_9_CONDITIONS)[number] | null;
  commonLawBasis: (typeof COMMON_LAW_BASES)[number] | null;
  consentModel: (typeof CONSENT_MODELS)[number] | null;
  dpiaNeeded: boolean | null;
  dpiaStatus: (typeof DPIA_STATUSES)[number] | null;
  risks: CaseRisk[] | null;
  caldicott: Record<string, string> | null;
  targetGoLive: string | null;
};

export const CONTENT_KEYS = [
  "title",
  "summary",
  "sponsorOrganisationId",
  "purpose",
  "direction",
  "systems",
  "dataItems",
  "benefit",
  "clinicianInvolvement",
  "publicInvolvement",
  "article6Basis",
  "article9Condition",
  "commonLawBasis",
  "consentModel",
  "dpiaNeeded",
  "dpiaStatus",
  "risks",
  "caldicott",
  "targetGoLive",
] as const satisfies readonly (keyof CaseContent)[];

/** Everything a draft saves: the content plus who it is shared with and what it would deploy. */
export type CaseDraft = CaseContent & {
  partnerOrganisationIds: number[];
  proposedDeployments: { serviceId: number; capabilityId: number }[];
  /** Only the author may change the co-authors; undefined leaves them as they are. */
  coAuthorEmails?: string[];
};

export const FIELD_LABELS: Record<string, string> = {
  title: "Title",
  summary: "Summary",
  sponsorOrganisationId: "Sponsoring organisation",
  partnerOrganisationIds: "Partner organisations",
  purpose: "Purpose",
  direction: "Direction of sharing",
  systems: "Systems",
  proposedDeployments: "Services and capabilities proposed",
  dataItems: "Data items",
  benefit: "Benefit to local people",
  clinicianInvolvement: "Clinician involvement",
  publicInvolvement: "Patient and public involvement",
  article6Basis: "UK GDPR Article 6 basis",
  article9Condition: "UK GDPR Article 9 condition",
  commonLawBasis: "Common law basis",
  consentModel: "Consent model",
  dpiaNeeded: "DPIA needed",
  dpiaStatus: "DPIA state",
  risks: "Risks",
  caldicott: "Caldicott principles",
  targetGoLive: "Target go-live",
  state: "State",
  reference: "Reference",
};

// ---------------------------------------------------------------------------------------------
// The case form: what the page needs to draw it

export type CaseFormValues = Record<string, string | string[] | undefined>;

/** One answer a radio or checkbox question offers, in words. */
export type CaseChoice = { value: string; label: string; hint?: string };

const choices = (labels: Record<string, string>, hints: Record<string, string> = {}): CaseChoice[] =>
  Object.entries(labels).map(([value, label]) => (hints[value] ? { value, label, hint: hints[value] } : { value, label }));

const CHOICES_BY_SECTION: Record<string, () => Record<string, CaseChoice[]>> = {
  about: () => ({ purpose: choices(PURPOSE_LABELS) }),
  systems: () => ({ direction: choices(DIRECTION_LABELS), systems: choices(SYSTEM_LABELS) }),
  "lawful-basis": () => ({
    article6Basis: choices(ARTICLE_6_LABELS, { "6_1_e": "Usual for direct care" }),
    article9Condition: choices(ARTICLE_9_LABELS, { "9_2_h": "Usual for direct care" }),
    commonLawBasis: choices(COMMON_LAW_LABELS),
  }),
  "consent-dpia": () => ({ consentModel: choices(CONSENT_MODEL_LABELS), dpiaStatus: choices(DPIA_STATUS_LABELS) }),
};

/**
 * The words one section of the case form offers: its questions' answers by field name, and for the
 * Caldicott section the eight principles. Loaders send them with the section, so the browser loads
 * only the words of the section it shows, not every section's (issue 11).
 */
export function caseFormChoices(slug: string): { choices: Record<string, CaseChoice[]>; principles: { key: string; text: string }[] } {
  return {
    choices: CHOICES_BY_SECTION[slug]?.() ?? {},
    principles: slug === "caldicott" ? CALDICOTT_KEYS.map((key) => ({ key, text: CALDICOTT_PRINCIPLES[key]! })) : [],
  };
}

export const MAX_ROWS = 50;

/** How many rows of a repeating group the form shows: those in use plus `spare` empty ones. */
export function rowCount(values: CaseFormValues, prefix: string, spare = 3) {
  let highest = 0;
  for (const [key, raw] of Object.entries(values)) {
    const m = new RegExp(`^${prefix}-(\\d{1,3})-`).exec(key);
    if (m && typeof raw === "string" && raw.trim() !== "") highest = Math.max(highest, Number(m[1]));
  }
  return Math.min(highest + spare, MAX_ROWS);
}

// ---------------------------------------------------------------------------------------------
// Completeness: what must be filled in before a case can be submitted

export type MissingItem = { field: string; text: string };

/** A text answer that is more than blank. */
export const filled = (v: string | null | undefined) => typeof v === "string" && v.trim() !== "";

/** What is still missing before the case can be submitted, in form order; `field` is the id to link to. */
export function missingForSubmission(draft: Partial<CaseDraft>): MissingItem[] {
  const missing: MissingItem[] = [];
  const need = (ok: boolean, field: string, textIfMissing: string) => {
    if (!ok) missing.push({ field, text: textIfMissing });
  };
  need(filled(draft.title), "title", "Give the proposal a title");
  need(filled(draft.summary), "summary", "Say what is proposed and why");
  need(!!draft.purpose, "purpose", "Choose the purpose of the sharing");
  need(!!draft.sponsorOrganisationId, "sponsorOrganisationId", "Choose the sponsoring organisation");
  need((draft.partnerOrganisationIds ?? []).length > 0, "partnerOrganisationIds", "Choose the organisations that would share");
  need(!!draft.direction, "direction", "Say which way the records would flow");
  need((draft.systems ?? []).length > 0, "systems", "Choose the systems the sharing would use");
  need(filled(draft.dataItems), "dataItems", "List the data items to be shared");
  need(filled(draft.benefit), "benefit", "Describe the benefit to local people");
  need(filled(draft.clinicianInvolvement), "clinicianInvolvement", "Describe how clinicians have been involved");
  need(filled(draft.publicInvolvement), "publicInvolvement", "Describe how patients and the public have been involved");
  need(!!draft.article6Basis, "article6Basis", "Choose the UK GDPR Article 6 basis");
  need(!!draft.article9Condition, "article9Condition", "Choose the UK GDPR Article 9 condition");
  need(!!draft.commonLawBasis, "commonLawBasis", "Choose the common law basis");
  need(!!draft.consentModel, "consentModel", "Choose the consent model");
  need(draft.dpiaNeeded === true || draft.dpiaNeeded === false, "dpiaNeeded", "Say whether a DPIA is needed");
  need(!!draft.dpiaStatus, "dpiaStatus", "Give the state of the DPIA");
  const risks = draft.risks ?? [];
  need(risks.length > 0, "risk-1-description", "List at least one risk, with its likelihood, impact and mitigation");
  risks.forEach((r, i) => {
    const complete = filled(r.description) && !!r.likelihood && !!r.impact && filled(r.mitigation);
    need(complete, `risk-${i + 1}-description`, `Complete risk ${i + 1}: its description, likelihood, impact and mitigation`);
  });
  for (const key of CALDICOTT_KEYS) need(filled(draft.caldicott?.[key]), `caldicott-${key}`, `Confirm Caldicott principle ${key} in a sentence`);
  need(filled(draft.targetGoLive), "targetGoLive", "Give a target go-live date");
  return missing;
}

// ---------------------------------------------------------------------------------------------
// Differences between two snapshots

export type SnapshotDifference = { field: string; label: string; before: string; after: string };

export type SnapshotLookups = {
  organisations: Map<number, string>;
  services: Map<number, string>;
  capabilities: Map<number, string>;
};

const DIFF_KEYS = [...CONTENT_KEYS, "partnerOrganisationIds", "proposedDeployments"] as const;

/** How a snapshot value reads on the page: labels, names and sentences, never codes. */
export function describeValue(field: string, value: unknown, lookups: SnapshotLookups): string {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) return "Not given";
  switch (field) {
    case "sponsorOrganisationId":
      return lookups.organisations.get(Number(value)) ?? `Organisation ${value}`;
    case "partnerOrganisationIds":
      return (value as number[]).map((id) => lookups.organisations.get(id) ?? `Organisation ${id}`).sort().join("; ");
    case "proposedDeployments":
      return (value as { serviceId: number; capabilityId: number }[])
        .map((d) => `${lookups.services.get(d.serviceId) ?? `Service ${d.serviceId}`}: ${lookups.capabilities.get(d.capabilityId) ?? `Capability ${d.capabilityId}`}`)
        .sort()
        .join("; ");
    case "purpose":
      return PURPOSE_LABELS[value as keyof typeof PURPOSE_LABELS] ?? String(value);
    case "direction":
      return DIRECTION_LABELS[value as keyof typeof DIRECTION_LABELS] ?? String(value);
    case "systems":
      return (value as string[]).map((s) => SYSTEM_LABELS[s as keyof typeof SYSTEM_LABELS]?.split(":")[0] ?? s).join("; ");
    case "article6Basis":
      return ARTICLE_6_LABELS[value as keyof typeof ARTICLE_6_LABELS] ?? String(value);
    case "article9Condition":
      return ARTICLE_9_LABELS[value as keyof typeof ARTICLE_9_LABELS] ?? String(value);
    case "commonLawBasis":
      return COMMON_LAW_LABELS[value as keyof typeof COMMON_LAW_LABELS] ?? String(value);
    case "consentModel":
      return CONSENT_MODEL_LABELS[value as keyof typeof CONSENT_MODEL_LABELS] ?? String(value);
    case "dpiaStatus":
      return DPIA_STATUS_LABELS[value as keyof typeof DPIA_STATUS_LABELS] ?? String(value);
    case "dpiaNeeded":
      return value ? "Yes" : "No";
    case "risks":
      return (value as CaseRisk[])
        .map((r, i) => `${i + 1}. ${r.description} (likelihood ${r.likelihood ?? "?"} × impact ${r.impact ?? "?"}${r.likelihood && r.impact ? ` = ${r.likelihood * r.impact}` : ""}); mitigation: ${r.mitigation || "none given"}`)
        .join("\n");
    case "caldicott":
      return CALDICOTT_KEYS.filter((k) => (value as Record<string, string>)[k])
        .map((k) => `${k}. ${(value as Record<string, string>)[k]}`)
        .join("\n");
    default:
      return String(value);
  }
}

function canonical(field: string, value: unknown): string {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) return "";
  if (field === "partnerOrganisationIds") return JSON.stringify([...(value as number[])].sort((a, b) => a - b));
  if (field === "proposedDeployments")
    return JSON.stringify((value as { serviceId: number; capabilityId: number }[]).map((d) => `${d.serviceId}:${d.capabilityId}`).sort());
  if (field === "systems") return JSON.stringify([...(value as string[])].sort());
  if (field === "caldicott") return JSON.stringify(CALDICOTT_KEYS.map((k) => (value as Record<string, string>)[k] ?? ""));
  return JSON.stringify(value);
}

/** Field-by-field differences between two snapshots of a case (content, partners, proposed deployments). */
export function diffSnapshots(before: Record<string, unknown>, after: Record<string, unknown>, lookups: SnapshotLookups): SnapshotDifference[] {
  const out: SnapshotDifference[] = [];
  for (const field of DIFF_KEYS) {
    if (canonical(field, before[field]) === canonical(field, after[field])) continue;
    out.push({ field, label: FIELD_LABELS[field] ?? field, before: describeValue(field, before[field], lookups), after: describeValue(field, after[field], lookups) });
  }
  return out;
}

export function riskScore(r: Pick<CaseRisk, "likelihood" | "impact">) {
  return r.likelihood && r.impact ? r.likelihood * r.impact : null;
}

/** What a step in a case's history is called on its timeline. */
export function stepLabel(from: CaseState | null, to: CaseState): string {
  if (from === null) return "Case started";
  switch (to) {
    case "submitted":
      return from === "changes_requested" ? "Resubmitted for IG review after changes" : "Submitted for IG review";
    case "ig_review":
      return "IG review started";
    case "changes_requested":
      return "Changes requested by IG";
    case "board_review":
      return from === "deferred" ? "Returned to board review" : "Passed to the board with an IG recommendation";
    case "approved":
      return "Approved by the board";
    case "rejected":
      return "Rejected by the board";
    case "deferred":
      return "Deferred by the board";
    case "withdrawn":
      return "Withdrawn by its author";
    case "implemented":
      return "Implemented: its deployments are live";
    default:
      return CASE_STATE_LABELS[to];
  }
}
