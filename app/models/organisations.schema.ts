import { z } from "zod";
import { DSPT_STATUSES, ORGANISATION_STATUSES, ORGANISATION_TYPES } from "../../db/schema/enums";
import { OrganisationFilterSchema, optionalCount, optionalDate, optionalText, trimmed } from "./rollout.schema";
import { parseTableQuery } from "~/lib/table-query";
import { checkDate, optionalIsoDate } from "~/lib/date-field";

/** ODS codes: a letter and 5 digits for GP practices, 3 characters for trusts and CCGs; other ranges exist. */
export const ODS_CODE = /^[A-Z0-9]{3,8}$/;
export const GP_PRACTICE_CODE = /^[A-Z]\d{5}$/;

export const OrganisationSchema = z
  .object({
    odsCode: trimmed("Enter the ODS code")
      .transform((v) => v.toUpperCase())
      .pipe(z.string().regex(ODS_CODE, { error: "Enter an ODS code of 3 to 8 letters and numbers, like P92001 or RRF" })),
    name: trimmed("Enter the organisation's name").pipe(z.string().max(200, { error: "Enter a name of 200 characters or fewer" })),
    type: z.enum(ORGANISATION_TYPES, { error: "Choose the type of organisation" }),
    locality: optionalText(100, "Enter a locality of 100 characters or fewer"),
    nhsBadgedPrivate: z
      .string()
      .optional()
      .transform((v) => v === "yes"),
    listSize: optionalCount("Enter the list size as a whole number, like 6500"),
    signedUpOn: optionalIsoDate("the date it signed up"),
    dsptStatus: z
      .union([z.enum(DSPT_STATUSES), z.literal("")], { error: "Choose a DSPT status" })
      .optional()
      .transform((v) => (v ? v : null)),
    dsptYear: optionalText(20, "Enter the DSPT year like 2016/17")
      .refine((v) => v === null || /^\d{4}\/\d{2}$/.test(v), { error: "Enter the DSPT year like 2016/17" }),
    status: z.enum(ORGANISATION_STATUSES, { error: "Choose the organisation's status" }).default("active"),
    postcode: optionalText(10, "Enter a postcode like WN1 1NJ").transform((v) => (v ? v.toUpperCase() : null)),
    // Editing only: the date a new name or private-provider answer takes effect (empty: the reporting
    // date). The model checks it lies from 1 January 2000 to the reporting date, which only it knows.
    effectiveOn: optionalIsoDate("the date the new name or answer takes effect"),
  })
  .superRefine((o, ctx) => {
    if (o.type === "gp_practice" && !GP_PRACTICE_CODE.test(o.odsCode)) {
      ctx.addIssue({ code: "custom", path: ["odsCode"], message: "A GP practice's ODS code is a letter and 5 digits, like P92001" });
    }
    if (o.type === "gp_practice" && o.nhsBadgedPrivate) {
      ctx.addIssue({
        code: "custom",
        path: ["nhsBadgedPrivate"],
        message: "Choose No for a GP practice: the mark is for private organisations working under the NHS badge that view practices' records (the CCG indemnifies the practices)",
      });
    }
  });
export type OrganisationInput = z.infer<typeof OrganisationSchema>;

export const ImportOptionsSchema = z.object({
  commissionerCode: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v.toUpperCase() : ""))
    .pipe(z.string().regex(/^([A-Z0-9]{3,5})?$/, { error: "Enter a commissioner code of 3 to 5 letters and numbers, like 02H" })),
  includeClosed: z
    .string()
    .optional()
    .transform((v) => v === "yes"),
  // The date the file's facts take effect (new members join, statuses change); empty: the reporting date.
  effectiveOn: z
    .string()
    .trim()
    .optional()
    .superRefine(checkDate("the date the file's facts take effect", { required: false }))
    .transform((v) => (v ? v : null)),
});
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;

export const ORGANISATION_SORTS = ["odsCode", "name", "type", "locality", "signedUpOn", "listSize", "dsptStatus", "liveDeployments"] as const;
export type OrganisationSort = (typeof ORGANISATION_SORTS)[number];

/** Filters, sort and page of the organisations table, from the URL (shared by the page and its CSV). */
export function organisationListQuery(searchParams: URLSearchParams) {
  const filters = OrganisationFilterSchema.parse(Object.fromEntries(searchParams));
  const table = parseTableQuery(searchParams, { sortable: ORGANISATION_SORTS, defaultSort: { id: "name", desc: false } });
  return { filters, ...table };
}
