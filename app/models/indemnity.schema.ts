// The CCG's indemnity register: inputs, filters and labels. Isomorphic.
import { z } from "zod";
import { INDEMNITY_STATUSES, ORGANISATION_TYPES } from "../../db/schema/enums";
import { COVER_SORTS, EFFECTIVE_COVER_STATUSES, PRACTICE_COVER_SORTS, PRACTICE_COVER_STATES, type RegisterView } from "./indemnity.labels";
import { isIsoDate } from "~/lib/dates";
import { requiredIsoDate } from "~/lib/date-field";
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
