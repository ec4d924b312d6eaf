import { z } from "zod";
import { ORGANISATION_TYPES } from "../../db/schema/enums";

// Isomorphic: the dashboard's filters from the URL. An unknown value is dropped (the filter
// shows "All"), never guessed at; the as-at date is resolved by resolveAsAt.
export const DashboardFilterSchema = z.object({
  locality: z
    .string()
    .trim()
    .max(100)
    .optional()
    .catch(undefined)
    .transform((v) => (v ? v : null)),
  organisationType: z
    .enum(ORGANISATION_TYPES)
    .optional()
    .catch(undefined)
    .transform((v) => v ?? null),
});
export type DashboardFilter = z.infer<typeof DashboardFilterSchema>;
