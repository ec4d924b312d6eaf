import { z } from "zod";
import { DEPLOYMENT_STATUSES, ORGANISATION_TYPES, DSPT_STATUSES } from "../../db/schema/enums";
import { optionalIsoDate, requiredIsoDate, requiredIsoMonth } from "~/lib/date-field";
import { parseTableQuery } from "~/lib/table-query";

// Isomorphic: the forms' rules, parsed again by every action (the browser's checks are a courtesy).

export * from "./rollout.labels";

const trimmed = (message: string) => z.string({ error: message }).trim().min(1, { error: message });
const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, { error: message })
    .optional()
    .transform((v) => (v ? v : null));
/** `what` names the date as in "Enter the date the status changed" (NHS date input messages). */
const requiredDate = (what: string) => requiredIsoDate(what);
const optionalDate = optionalIsoDate("the date");
/** A whole number typed into a text box; "" means none. */
const optionalCount = (message: string) =>
  z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || /^\d{1,9}$/.test(v.replace(/,/g, "")), { error: message })
    .transform((v) => (v ? Number(v.replace(/,/g, "")) : null));

export const ServiceSchema = z.object({
  name: trimmed("Enter the service's name").pipe(z.string().max(200, { error: "Enter a name of 200 characters or fewer" })),
  category: optionalText(100, "Enter a category of 100 characters or fewer"),
  description: optionalText(2000, "Enter a description of 2,000 characters or fewer"),
});
export type ServiceInput = z.infer<typeof ServiceSchema>;

export const DeploymentSchema = z.object({
  serviceId: trimmed("Choose the service").pipe(z.string().regex(/^\d+$/, { error: "Choose the service" })).transform(Number),
  capabilityCode: trimmed("Choose what is being rolled out"),
  plannedGoLive: optionalIsoDate("the planned go-live date"),
  owner: optionalText(200, "Enter an owner of 200 characters or fewer"),
  notes: optionalText(2000, "Enter notes of 2,000 characters or fewer"),
});
export type DeploymentInput = z.infer<typeof DeploymentSchema>;

export const NewDeploymentSchema = DeploymentSchema.extend({
  status: z.enum(DEPLOYMENT_STATUSES, { error: "Choose the deployment's status" }),
  effectiveOn: requiredDate("the date the deployment's first status starts"),
});
export type NewDeploymentInput = z.infer<typeof NewDeploymentSchema>;

export const DeploymentEditSchema = DeploymentSchema.omit({ serviceId: true, capabilityCode: true });
export type DeploymentEditInput = z.infer<typeof DeploymentEditSchema>;

export const StatusChangeSchema = z.object({
  status: z.enum(DEPLOYMENT_STATUSES, { error: "Choose the new status" }),
  effectiveOn: requiredDate("the date the status changed"),
  note: optionalText(2000, "Enter a note of 2,000 characters or fewer"),
});
export type StatusChangeInput = z.infer<typeof StatusChangeSchema>;

/** A correction: why a status event was recorded in error. */
export const VoidStatusEventSchema = z.object({
  reason: trimmed("Enter why this status was recorded in error").pipe(z.string().max(2000, { error: "Enter a reason of 2,000 characters or fewer" })),
});
export type VoidStatusEventInput = z.infer<typeof VoidStatusEventSchema>;

export const UsageSchema = z.object({
  // Typed into the NHS month input (Month, Year boxes), joined by formToObject into YYYY-MM.
  month: requiredIsoMonth("the month"),
  views: trimmed("Enter the number of record views")
    .transform((v) => v.replace(/,/g, ""))
    .pipe(z.string().regex(/^\d{1,9}$/, { error: "Enter the number of record views as a whole number, 0 or more" }))
    .transform(Number),
});
export type UsageInput = z.infer<typeof UsageSchema>;

export const EndorsementSchema = z.object({
  endorsedOn: requiredDate("the date the board endorsed the priority"),
  minuteReference: trimmed("Enter the board minute reference").pipe(z.string().max(200, { error: "Enter a reference of 200 characters or fewer" })),
  note: optionalText(2000, "Enter a note of 2,000 characters or fewer"),
});
export type EndorsementInput = z.infer<typeof EndorsementSchema>;

export { optionalCount, optionalDate, optionalText, trimmed };

// Table filters from the URL: an unknown value is ignored rather than refused (a stale bookmark still opens).
const filterText = z
  .string()
  .trim()
  .max(100)
  .optional()
  .catch(undefined)
  .transform((v) => (v ? v : null));

export const DeploymentFilterSchema = z.object({
  capability: filterText,
  status: z
    .enum(DEPLOYMENT_STATUSES)
    .optional()
    .catch(undefined)
    .transform((v) => v ?? null),
  locality: filterText,
  organisationType: z
    .enum(ORGANISATION_TYPES)
    .optional()
    .catch(undefined)
    .transform((v) => v ?? null),
  late: z
    .enum(["yes"])
    .optional()
    .catch(undefined)
    .transform((v) => (v === "yes" ? true : null)),
});
export type DeploymentFilterInput = z.infer<typeof DeploymentFilterSchema>;

export const OrganisationFilterSchema = z.object({
  type: z
    .enum(ORGANISATION_TYPES)
    .optional()
    .catch(undefined)
    .transform((v) => v ?? null),
  locality: filterText,
  q: filterText,
});

export const DEPLOYMENT_SORTS = ["organisation", "service", "capability", "status", "plannedGoLive", "actualGoLive", "owner", "late"] as const;
export type DeploymentSort = (typeof DEPLOYMENT_SORTS)[number];

/** Filters, sort and page of the deployments table, from the URL (shared by the page and its CSV). */
export function deploymentListQuery(searchParams: URLSearchParams) {
  const filters = DeploymentFilterSchema.parse(Object.fromEntries(searchParams));
  const table = parseTableQuery(searchParams, { sortable: DEPLOYMENT_SORTS, defaultSort: { id: "organisation", desc: false } });
  return { filters, ...table };
}
