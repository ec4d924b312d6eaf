// Data sharing agreements: the inputs (one zod schema each) and the register's filters. The labels
// and the pure review rule are in agreements.labels.ts (re-exported here), which the browser uses.
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
import { checkDate, requiredIsoDate } from "~/lib/date-field";
import { EFFECTIVE_AGREEMENT_STATUSES, NO_ARTICLE_9, REVIEW_FILTERS } from "./agreements.labels";
import { parseTableQuery } from "~/lib/table-query";

export * from "./agreements.labels";

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

/** What the register page asks agreementsRegister for, but the date (the page, and the refresh after a change, ask the same). */
export function agreementsRegisterQuery({ filters, table }: ReturnType<typeof parseAgreementQuery>) {
  return { status: filters.status, purpose: filters.purpose, partyOdsCode: filters.party, reviewDue: filters.review, sort: table.sort, page: table.page, pageSize: table.pageSize };
}
