// Business cases: the form's zod schemas, the steps' and comments' inputs and the list's filters.
// The workflow as data, the labels and the pure rules are in cases.labels.ts (re-exported here),
// which the browser uses. Isomorphic: no database here.

import { z } from "zod";
import {
  AGREEMENT_PURPOSES,
  ARTICLE_6_BASES,
  ARTICLE_9_CONDITIONS,
  CASE_DIRECTIONS,
  CASE_STATES,
  CASE_SYSTEMS,
  COMMON_LAW_BASES,
  CONSENT_MODELS,
  DPIA_STATUSES,
  type Role,
} from "../../db/schema/enums";
import { checkDate } from "~/lib/date-field";
import { parseWith } from "~/lib/forms";
import { parseTableQuery } from "~/lib/table-query";
import {
  CALDICOTT_KEYS,
  CASE_ACTIONS,
  MAX_ROWS,
  filled,
  queueStatesFor,
  transitionRule,
  type CaseAction,
  type CaseDraft,
  type CaseFormValues,
  type CaseRisk,
  type CaseTransitionRule,
  type TransitionField,
} from "./cases.labels";

export * from "./cases.labels";

// ---------------------------------------------------------------------------------------------
// The case form: flat field names (risk-1-description, caldicott-3, deployment-2-serviceId ...)

const text = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, { error: `${label} must be ${max.toLocaleString("en-GB")} characters or fewer` })
    .optional()
    .transform((v) => (v ? v : null));

const optionalEnum = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z
    .union([z.literal(""), z.enum(values, { error: message })])
    .optional()
    .transform((v) => (v ? (v as T[number]) : null));

const optionalId = (message: string) =>
  z
    .string()
    .optional()
    .refine((v) => !v || /^\d{1,9}$/.test(v), { error: message })
    .transform((v) => (v ? Number(v) : null));

const score = (what: string) =>
  z
    .string()
    .optional()
    .refine((v) => !v || /^[1-5]$/.test(v), { error: `Choose the ${what} from 1 to 5` })
    .transform((v) => (v ? Number(v) : null));

const list = (v: unknown) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]);

/** Rows of a repeating group, from flat names `${prefix}-${n}-${part}` (n from 1), blank rows dropped. */
export function rowsFromForm(values: CaseFormValues, prefix: string, parts: readonly string[]) {
  const rows: { index: number; values: Record<string, string> }[] = [];
  const pattern = new RegExp(`^${prefix}-(\\d{1,3})-(${parts.join("|")})$`);
  const byIndex = new Map<number, Record<string, string>>();
  for (const [key, raw] of Object.entries(values)) {
    const m = pattern.exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    const row = byIndex.get(index) ?? {};
    row[m[2]!] = typeof raw === "string" ? raw : Array.isArray(raw) ? (raw[0] ?? "") : "";
    byIndex.set(index, row);
  }
  for (const [index, row] of [...byIndex.entries()].sort((a, b) => a[0] - b[0])) {
    if (parts.some((p) => (row[p] ?? "").trim() !== "")) rows.push({ index, values: row });
  }
  return rows;
}

const RiskRowSchema = z.object({
  description: text(1000, "The risk"),
  likelihood: score("likelihood"),
  impact: score("impact"),
  mitigation: text(2000, "The mitigation"),
});

const DeploymentRowSchema = z
  .object({ serviceId: optionalId("Choose a service"), capabilityId: optionalId("Choose a capability") })
  .superRefine((row, ctx) => {
    if (row.serviceId === null) ctx.addIssue({ code: "custom", path: ["serviceId"], message: "Choose the service, or clear this row" });
    if (row.capabilityId === null) ctx.addIssue({ code: "custom", path: ["capabilityId"], message: "Choose what the service would use, or clear this row" });
  });

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What the draft form accepts: everything optional but the title; formats checked. */
export const CaseDraftFields = z.object({
  title: z
    .string({ error: "Enter a short title for the proposal" })
    .trim()
    .min(1, { error: "Enter a short title for the proposal, so you can find the draft again" })
    .max(200, { error: "The title must be 200 characters or fewer" }),
  summary: text(4000, "The summary"),
  sponsorOrganisationId: optionalId("Choose the sponsoring organisation"),
  partnerOrganisationIds: z.preprocess(list, z.array(z.string().regex(/^\d{1,9}$/, { error: "Choose partner organisations from the list" })).max(500)).transform((ids) => [...new Set(ids.map(Number))]),
  purpose: optionalEnum(AGREEMENT_PURPOSES, "Choose a purpose from the list"),
  direction: optionalEnum(CASE_DIRECTIONS, "Choose one way or two way"),
  systems: z.preprocess(list, z.array(z.enum(CASE_SYSTEMS, { error: "Choose systems from the list" }))).transform((s) => (s.length ? [...new Set(s)] : null)),
  dataItems: text(4000, "The data items"),
  benefit: text(4000, "The benefit"),
  clinicianInvolvement: text(4000, "Clinician involvement"),
  publicInvolvement: text(4000, "Patient and public involvement"),
  article6Basis: optionalEnum(ARTICLE_6_BASES, "Choose an Article 6 basis from the list"),
  article9Condition: optionalEnum(ARTICLE_9_CONDITIONS, "Choose an Article 9 condition from the list"),
  commonLawBasis: optionalEnum(COMMON_LAW_BASES, "Choose a common law basis from the list"),
  consentModel: optionalEnum(CONSENT_MODELS, "Choose a consent model from the list"),
  dpiaNeeded: z
    .union([z.literal(""), z.literal("yes"), z.literal("no")], { error: "Choose yes or no" })
    .optional()
    .transform((v) => (v === "yes" ? true : v === "no" ? false : null)),
  dpiaStatus: optionalEnum(DPIA_STATUSES, "Choose the DPIA's state from the list"),
  targetGoLive: z
    .string()
    .trim()
    .optional()
    .superRefine(checkDate("the target go-live date", { required: false }))
    .transform((v) => (v ? v : null)),
  coAuthorEmails: z
    .string()
    .optional()
    .transform((v) => (v === undefined ? undefined : [...new Set(v.split(/[\s,;]+/).map((e) => e.trim().toLowerCase()).filter(Boolean))]))
    .refine((emails) => !emails || emails.every((e) => EMAIL.test(e)), { error: "Enter co-authors' email addresses separated by commas, for example sam@example.org" }),
});

export type ParsedCaseForm =
  | { ok: true; draft: CaseDraft; errors: Record<string, string> }
  | { ok: false; draft: undefined; errors: Record<string, string> };

/**
 * Parses the case form. Errors are keyed by the id of the field to link to (risk-2-likelihood,
 * deployment-1-serviceId ...). A DPIA said to be not needed is recorded as "not required".
 */
export function parseCaseForm(values: CaseFormValues): ParsedCaseForm {
  const errors: Record<string, string> = {};
  const base = CaseDraftFields.safeParse(values);
  if (!base.success) for (const issue of base.error.issues) errors[String(issue.path[0] ?? "title")] ??= issue.message;

  const risks: CaseRisk[] = [];
  const riskRows = rowsFromForm(values, "risk", ["description", "likelihood", "impact", "mitigation"]);
  if (riskRows.length > MAX_ROWS) errors["risk-1-description"] = `List ${MAX_ROWS} risks or fewer`;
  for (const row of riskRows.slice(0, MAX_ROWS)) {
    const r = RiskRowSchema.safeParse(row.values);
    if (!r.success) for (const issue of r.error.issues) errors[`risk-${row.index}-${String(issue.path[0])}`] ??= issue.message;
    else risks.push({ description: r.data.description ?? "", likelihood: r.data.likelihood, impact: r.data.impact, mitigation: r.data.mitigation ?? "" });
  }

  const proposed: { serviceId: number; capabilityId: number }[] = [];
  for (const row of rowsFromForm(values, "deployment", ["serviceId", "capabilityId"]).slice(0, MAX_ROWS)) {
    const d = DeploymentRowSchema.safeParse(row.values);
    if (!d.success) for (const issue of d.error.issues) errors[`deployment-${row.index}-${String(issue.path[0])}`] ??= issue.message;
    else if (!proposed.some((p) => p.serviceId === d.data.serviceId && p.capabilityId === d.data.capabilityId)) proposed.push({ serviceId: d.data.serviceId!, capabilityId: d.data.capabilityId! });
  }

  const caldicott: Record<string, string> = {};
  for (const key of CALDICOTT_KEYS) {
    const raw = values[`caldicott-${key}`];
    const sentence = typeof raw === "string" ? raw.trim() : "";
    if (sentence.length > 2000) errors[`caldicott-${key}`] = "Keep each confirmation to 2,000 characters or fewer";
    else if (sentence) caldicott[key] = sentence;
  }

  if (base.success && base.data.dpiaNeeded === true && base.data.dpiaStatus === "not_required") {
    errors.dpiaStatus = "You said a DPIA is needed: choose whether it is not started, in progress or completed";
  }

  if (!base.success || Object.keys(errors).length) return { ok: false, draft: undefined, errors };
  const { dpiaNeeded, dpiaStatus, ...rest } = base.data;
  return {
    ok: true,
    errors,
    draft: {
      ...rest,
      dpiaNeeded,
      dpiaStatus: dpiaNeeded === false ? "not_required" : dpiaStatus,
      risks: risks.length ? risks : null,
      caldicott: Object.keys(caldicott).length ? caldicott : null,
      proposedDeployments: proposed,
    },
  };
}

/** The form's flat values for a stored case (the inverse of parseCaseForm). */
export function caseFormValues(draft: Partial<CaseDraft> & { coAuthorEmails?: string[] }): CaseFormValues {
  const v: CaseFormValues = {
    title: draft.title ?? "",
    summary: draft.summary ?? "",
    sponsorOrganisationId: draft.sponsorOrganisationId ? String(draft.sponsorOrganisationId) : "",
    partnerOrganisationIds: (draft.partnerOrganisationIds ?? []).map(String),
    purpose: draft.purpose ?? "",
    direction: draft.direction ?? "",
    systems: draft.systems ?? [],
    dataItems: draft.dataItems ?? "",
    benefit: draft.benefit ?? "",
    clinicianInvolvement: draft.clinicianInvolvement ?? "",
    publicInvolvement: draft.publicInvolvement ?? "",
    article6Basis: draft.article6Basis ?? "",
    article9Condition: draft.article9Condition ?? "",
    commonLawBasis: draft.commonLawBasis ?? "",
    consentModel: draft.consentModel ?? "",
    dpiaNeeded: draft.dpiaNeeded === true ? "yes" : draft.dpiaNeeded === false ? "no" : "",
    dpiaStatus: draft.dpiaStatus ?? "",
    targetGoLive: draft.targetGoLive ?? "",
    coAuthorEmails: (draft.coAuthorEmails ?? []).join(", "),
  };
  (draft.risks ?? []).forEach((r, i) => {
    v[`risk-${i + 1}-description`] = r.description ?? "";
    v[`risk-${i + 1}-likelihood`] = r.likelihood ? String(r.likelihood) : "";
    v[`risk-${i + 1}-impact`] = r.impact ? String(r.impact) : "";
    v[`risk-${i + 1}-mitigation`] = r.mitigation ?? "";
  });
  (draft.proposedDeployments ?? []).forEach((d, i) => {
    v[`deployment-${i + 1}-serviceId`] = String(d.serviceId);
    v[`deployment-${i + 1}-capabilityId`] = String(d.capabilityId);
  });
  for (const key of CALDICOTT_KEYS) v[`caldicott-${key}`] = draft.caldicott?.[key] ?? "";
  return v;
}

// ---------------------------------------------------------------------------------------------
// Steps: the fields each carries

export const TransitionFormSchema = z.object({
  action: z.enum(CASE_ACTIONS, { error: "Choose what to do" }),
  version: z.string({ error: "The form is missing the case's version: reload the page" }).regex(/^\d{1,9}$/, { error: "The form is missing the case's version: reload the page" }).transform(Number),
  note: text(4000, "The note"),
  igRecommendation: text(4000, "The recommendation"),
  rationale: text(4000, "The rationale"),
  meetingDate: z
    .string()
    .trim()
    .optional()
    .superRefine(checkDate("the board meeting date", { required: false }))
    .transform((v) => (v ? v : null)),
  meetingReference: text(200, "The minute reference"),
  interestDeclared: text(2000, "The declaration"),
});
export type TransitionInput = z.infer<typeof TransitionFormSchema>;

const FIELD_MESSAGES: Record<TransitionField, { field: string; message: (rule: CaseTransitionRule) => string }> = {
  note: { field: "note", message: (r) => (r.action === "withdraw" ? "Say why the case is being withdrawn" : "Say what needs to change") },
  igRecommendation: { field: "igRecommendation", message: () => "Give the IG recommendation for the board" },
  rationale: { field: "rationale", message: () => "Give the board's rationale for the decision" },
  meeting: { field: "meetingDate", message: () => "Give the board meeting date or the minute reference" },
};

/** Field errors for the text a step needs but lacks (the model enforces these too). */
export function missingTransitionFields(action: CaseAction, input: Partial<TransitionInput>): Record<string, string> {
  const rule = transitionRule(action);
  const errors: Record<string, string> = {};
  for (const need of rule.requires) {
    const present = need === "meeting" ? filled(input.meetingDate) || filled(input.meetingReference) : filled(input[need]);
    if (!present) errors[FIELD_MESSAGES[need].field] = FIELD_MESSAGES[need].message(rule);
  }
  return errors;
}

export const CommentFormSchema = z.object({
  body: z
    .string({ error: "Write your comment" })
    .trim()
    .min(1, { error: "Write your comment" })
    .max(4000, { error: "A comment must be 4,000 characters or fewer" }),
});

/** Comments may be changed or deleted by their author for this long after posting. */
export const COMMENT_EDIT_WINDOW_MS = 10 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Lists

export const CASE_SCOPES = ["mine", "queue", "all"] as const;
export type CaseScope = (typeof CASE_SCOPES)[number];

export const CaseListFiltersSchema = z.object({
  scope: z.enum(CASE_SCOPES).optional().catch(undefined),
  state: z.enum(CASE_STATES).optional().catch(undefined),
  sponsor: z
    .string()
    .regex(/^\d{1,9}$/)
    .transform(Number)
    .optional()
    .catch(undefined),
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .catch(undefined)
    .transform((v) => v || undefined),
});

export const CASE_SORTS = ["reference", "title", "sponsor", "state", "since"] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

/** The scope a user sees first: their review queue, else everything (programme), else their own cases. */
export function defaultScopeFor(roles: readonly Role[]): CaseScope {
  if (queueStatesFor(roles).length) return "queue";
  if (roles.includes("programme") || roles.includes("board")) return "all";
  return "mine";
}

/** A case list's scope, filters, sort and page from the URL (the page and its CSV read the same). */
export function parseCaseListQuery(searchParams: URLSearchParams, roles: readonly Role[]) {
  const filters = parseWith(CaseListFiltersSchema, searchParams);
  const f = filters.ok ? filters.data : { scope: undefined, state: undefined, sponsor: undefined, q: undefined };
  const queueable = queueStatesFor(roles).length > 0;
  const scope: CaseScope = f.scope === "queue" && !queueable ? "mine" : (f.scope ?? defaultScopeFor(roles));
  const table = parseTableQuery(searchParams, { sortable: CASE_SORTS, defaultSort: scope === "queue" ? { id: "since", desc: false } : { id: "reference", desc: true } });
  return { scope, state: f.state, sponsor: f.sponsor, q: f.q, table, queueable };
}
