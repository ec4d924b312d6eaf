// The CCG's indemnity register: inputs, filters and labels. Isomorphic.
import { z } from "zod";
import { INDEMNITY_STATUSES, ORGANISATION_TYPES } from "../../db/schema/enums";
import { isIsoDate } from "~/lib/dates";
import { requiredIsoDate } from "~/lib/date-field";
import { parseTableQuery } from "~/lib/table-query";

/**
 * A cover's status as it stands on a date: "active" only between its start and end dates,
 * "upcoming" before its start, and after its end "renewed" (a later cover follows it) or
 * "lapsed" (none does). Pending and revoked covers never cover anything.
 */
export const EFFECTIVE_COVER_STATUSES = ["active", "upcoming", "pending", "lapsed", "renewed", "revoked"] as const;
export type EffectiveCoverStatus = (typeof EFFECTIVE_COVER_STATUSES)[number];

export const COVER_STATUS_LABELS: Record<EffectiveCoverStatus, string> = {
  active: "Active",
  upcoming: "Starts later",
  pending: "Pending",
  lapsed: "Lapsed",
  renewed: "Ended, renewed",
  revoked: "Revoked",
};

export const COVER_STATUS_COLOURS = {
  active: "green",
  upcoming: "blue",
  pending: "yellow",
  lapsed: "red",
  renewed: "grey",
  revoked: "red",
} as const satisfies Record<EffectiveCoverStatus, string>;

export const STORED_COVER_STATUS_LABELS: Record<(typeof INDEMNITY_STATUSES)[number], string> = {
  pending: "Pending (not yet signed)",
  active: "Active (signed)",
  lapsed: "Lapsed",
  revoked: "Revoked",
};

/**
 * A member practice's cover as it stands on a date: in force, in force but ending within 90 days
 * with no renewal, lapsed (it had cover; none is in force), or none recorded by then.
 */
export const PRACTICE_COVER_STATES = ["covered", "expiring", "lapsed", "none"] as const;
export type PracticeCoverState = (typeof PRACTICE_COVER_STATES)[number];

export const PRACTICE_COVER_STATE_LABELS: Record<PracticeCoverState, string> = {
  covered: "Covered",
  expiring: "Covered, ending within 90 days",
  lapsed: "No cover: lapsed",
  none: "No cover recorded",
};

export const PRACTICE_COVER_STATE_COLOURS = { covered: "green", expiring: "yellow", lapsed: "red", none: "red" } as const satisfies Record<PracticeCoverState, string>;

/** The warning bands for cover coming to an end. */
export const EXPIRY_BANDS = [7, 30, 90] as const;

export const DEFAULT_COVER_SCOPE = "Sharing for direct care via MIG and EDT";

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

export const COVER_SORTS = ["organisation", "type", "startOn", "endOn", "status"] as const;
export type CoverSort = (typeof COVER_SORTS)[number];

export const PRACTICE_COVER_SORTS = ["practice", "locality", "cover", "endOn"] as const;
export type PracticeCoverSort = (typeof PRACTICE_COVER_SORTS)[number];

/** The register's two tables: every member practice's cover (the default), or every cover row. */
export const REGISTER_VIEWS = ["practices", "covers"] as const;
export type RegisterView = (typeof REGISTER_VIEWS)[number];

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

export { ORGANISATION_TYPE_LABELS } from "./rollout.schema";

/** The register's query (which table, its filters, sort, page) from the URL; the page and its CSV download share it. */
export function parseCoverQuery(searchParams: URLSearchParams) {
  const view: RegisterView = searchParams.get("view") === "covers" ? "covers" : "practices";
  const filters = CoverFiltersSchema.parse(Object.fromEntries(searchParams));
  const table = parseTableQuery(searchParams, { sortable: COVER_SORTS, defaultSort: { id: "organisation", desc: false } });
  const practiceFilters = PracticeCoverFiltersSchema.parse(Object.fromEntries(searchParams));
  const practiceTable = parseTableQuery(searchParams, { sortable: PRACTICE_COVER_SORTS, defaultSort: { id: "practice", desc: false } });
  return { view, filters, table, practiceFilters, practiceTable };
}
