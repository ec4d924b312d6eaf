// The CCG's indemnity register: inputs, filters and labels. Isomorphic.
import { z } from "zod";
import { INDEMNITY_STATUSES, ORGANISATION_TYPES } from "../../db/schema/enums";
import { COVER_SORTS, EFFECTIVE_COVER_STATUSES, PRACTICE_COVER_SORTS, PRACTICE_COVER_STATES, type RegisterView } from "./indemnity.labels";
import { isIsoDate } from "~/lib/dates";
import { optionalIsoDate, requiredIsoDate } from "~/lib/date-field";
import { formatDate } from "~/lib/dates";
import { parseTableQuery } from "~/lib/table-query";

export * from "./indemnity.labels";

const isoDate = (what: string) => requiredIsoDate(what);

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `Keep this under ${max} characters` })
    .optional()
    .transform((v) => (v ? v : null));

const coverFields = {
  scope: z.string({ error: "Enter what the cover indemnifies" }).trim().min(1, { error: "Enter what the cover indemnifies, for example sharing for direct care via MIG and EDT" }).max(500),
  startOn: isoDate("the date the cover starts"),
  endOn: isoDate("the date the cover ends"),
  status: z.enum(INDEMNITY_STATUSES, { error: "Choose the cover's status" }),
  documentReference: optionalText(100),
  signedBy: optionalText(200),
};

function coverRules(d: { startOn: string; endOn: string; status: string; signedBy: string | null }, ctx: z.RefinementCtx) {
  if (isIsoDate(d.startOn) && isIsoDate(d.endOn) && d.endOn <= d.startOn) ctx.addIssue({ code: "custom", path: ["endOn"], message: "Enter an end date after the start date" });
  if (d.status === "active" && !d.signedBy) ctx.addIssue({ code: "custom", path: ["signedBy"], message: "Enter who signed the indemnity for the CCG: active cover is signed" });
}

export const CoverSchema = z.object(coverFields).superRefine(coverRules);
export type CoverInput = z.output<typeof CoverSchema>;

const reasonField = (what: string) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, { error: `Enter ${what}` })
    .max(1000, { error: "Keep this under 1000 characters" });

/** Ending cover early: a dated change. The model checks the date against the cover's start and signed end. */
export const EndCoverEarlySchema = z.object({
  endedOn: isoDate("the last day of cover"),
  endReason: reasonField("why the cover ends early, for example the practice's indemnity moved to another scheme"),
});
export type EndCoverEarlyInput = z.output<typeof EndCoverEarlySchema>;

/**
 * Correcting a mistake in what was recorded: the cover's signed details, and the date it was
 * ended early if it was (left empty, the early ending is removed as recorded in error).
 */
export const CoverCorrectionSchema = z
  .object({
    ...coverFields,
    endedOn: optionalIsoDate("the date cover was ended early"),
    correctionReason: reasonField("what was recorded wrongly, for example the end date was typed as 2017 instead of 2018"),
  })
  .superRefine((d, ctx) => {
    coverRules(d, ctx);
    if (!d.endedOn || !isIsoDate(d.startOn) || !isIsoDate(d.endOn)) return;
    if (d.endedOn < d.startOn) ctx.addIssue({ code: "custom", path: ["endedOn"], message: `Enter a date on or after the start date, ${formatDate(d.startOn)}` });
    else if (d.endedOn >= d.endOn) ctx.addIssue({ code: "custom", path: ["endedOn"], message: `Enter a date before the signed end date, ${formatDate(d.endOn)}, or leave it empty if the cover was never ended early` });
  });
export type CoverCorrectionInput = z.output<typeof CoverCorrectionSchema>;

export const NewCoverSchema = z
  .object({
    organisationId: z
      .string({ error: "Choose the GP practice the CCG indemnifies" })
      .regex(/^\d+$/, { error: "Choose the GP practice the CCG indemnifies" })
      .transform(Number),
    ...coverFields,
  })
  .superRefine(coverRules);
export type NewCoverInput = z.output<typeof NewCoverSchema>;

export const CoverFiltersSchema = z.object({
  status: z.enum(EFFECTIVE_COVER_STATUSES).optional().catch(undefined),
  expiringWithin: z
    .string()
    .regex(/^\d{1,4}$/)
    .transform(Number)
    .refine((n) => n >= 1 && n <= 3650)
    .optional()
    .catch(undefined),
  type: z.enum(ORGANISATION_TYPES).optional().catch(undefined),
});
export type CoverFilters = z.output<typeof CoverFiltersSchema>;

export const PracticeCoverFiltersSchema = z.object({
  cover: z.enum(PRACTICE_COVER_STATES).optional().catch(undefined),
  locality: z
    .string()
    .trim()
    .max(100)
    .optional()
    .catch(undefined)
    .transform((v) => v || undefined),
});

/** The register's query (which table, its filters, sort, page) from the URL; the page and its CSV download share it. */
export function parseCoverQuery(searchParams: URLSearchParams) {
  const view: RegisterView = searchParams.get("view") === "covers" ? "covers" : "practices";
  const filters = CoverFiltersSchema.parse(Object.fromEntries(searchParams));
  const table = parseTableQuery(searchParams, { sortable: COVER_SORTS, defaultSort: { id: "organisation", desc: false } });
  const practiceFilters = PracticeCoverFiltersSchema.parse(Object.fromEntries(searchParams));
  const practiceTable = parseTableQuery(searchParams, { sortable: PRACTICE_COVER_SORTS, defaultSort: { id: "practice", desc: false } });
  return { view, filters, table, practiceFilters, practiceTable };
}

/** What the register page asks indemnityRegister for, but the date (the page, and the refresh after a change, ask the same). */
export function coverRegisterQuery({ view, filters, table, practiceFilters, practiceTable }: ReturnType<typeof parseCoverQuery>) {
  return view === "practices"
    ? { view, state: practiceFilters.cover, locality: practiceFilters.locality, ...practiceTable }
    : { view, status: filters.status, expiringWithinDays: filters.expiringWithin, organisationType: filters.type, ...table };
}
