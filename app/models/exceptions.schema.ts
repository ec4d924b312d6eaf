import { z } from "zod";
import { ORGANISATION_TYPES, ROLES } from "../../db/schema/enums";
import { EXCEPTION_KINDS, SEVERITIES } from "./exceptions.labels";
import { parseTableQuery } from "~/lib/table-query";

// Isomorphic: the /exceptions filters from the URL. What an exception is, how bad, and who should
// act is in exceptions.labels.ts; exceptions are computed by exceptions.server.ts, never typed in.

export * from "./exceptions.labels";

// An unknown value in the URL means "any" rather than an error: filters are links people share.
export const ExceptionQuerySchema = z.object({
  kind: z.enum(EXCEPTION_KINDS).optional().catch(undefined),
  severity: z.enum(SEVERITIES).optional().catch(undefined),
  role: z.enum(ROLES).optional().catch(undefined),
  locality: z
    .string()
    .trim()
    .max(100)
    .optional()
    .catch(undefined)
    .transform((v) => v || undefined),
  organisationType: z.enum(ORGANISATION_TYPES).optional().catch(undefined),
  // "yes" keeps only the exceptions acknowledged at the as-at date, "no" only the others.
  acknowledged: z
    .enum(["yes", "no"])
    .optional()
    .catch(undefined)
    .transform((v) => (v === undefined ? undefined : v === "yes")),
});
export type ExceptionQuery = z.output<typeof ExceptionQuerySchema>;

/** The /exceptions filters and page from the URL; the page and its CSV download share it. */
export function parseExceptionQuery(searchParams: URLSearchParams) {
  const filters = ExceptionQuerySchema.parse(Object.fromEntries(searchParams));
  const table = parseTableQuery(searchParams, { sortable: ["severity"] as const, defaultSort: { id: "severity", desc: false }, pageSizeDefault: 25 });
  return { filters, table };
}
