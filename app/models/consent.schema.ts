import { z } from "zod";
import { ISO_MONTH } from "~/lib/dates";
import { OPT_IN_CSV_NATIONAL_COLUMN } from "./consent.labels";

// Inputs of the consent pages: the monthly return file's rows, the confirm step and the page's
// search parameters. Isomorphic: no server imports.

export * from "./consent.labels";

/** No practice list comes near this; it stops absurd figures before they reach the sums. */
const MAX_COUNT = 10_000_000;

/**
 * A count cell: digits only, at most MAX_COUNT; empty only when optional. A check on the text, not
 * a transform: a transform per cell (a pipe and its context each) was most of the time a 75,600-row
 * file took to check. The model reads a valid cell with Number().
 */
function count(column: string, optional = false) {
  return z.string().superRefine((text, ctx) => {
    if (text === "") {
      if (!optional) ctx.addIssue({ code: "custom", message: `${column} is empty: enter a whole number` });
      return;
    }
    // The usual case first: a whole number (one regex test per figure).
    if (/^\d+$/.test(text)) {
      if (Number(text) > MAX_COUNT) ctx.addIssue({ code: "custom", message: `${column} is more than ${MAX_COUNT.toLocaleString("en-GB")} (${text})` });
      return;
    }
    if (/^-\d+(\.\d+)?$/.test(text)) ctx.addIssue({ code: "custom", message: `${column} is negative (${text}): enter 0 or more` });
    else ctx.addIssue({ code: "custom", message: `${column} is not a whole number (${text})` });
  });
}

/**
 * One data row of a return file: its text cells, trimmed, as read from the CSV. The schema checks
 * the text and builds nothing per row; the model reads the figures with Number() and upper-cases
 * the code. Cross-row and database checks live in the model.
 */
export const OptInReturnCsvRowSchema = z
  .object({
    ods_code: z.string().min(1, { error: "ods_code is empty: enter the practice's ODS code" }),
    month: z.string().regex(ISO_MONTH, { error: "month is not a month: enter it as YYYY-MM, for example 2016-10" }),
    registered: count("registered"),
    opted_in: count("opted_in"),
    declined: count("declined"),
    not_asked: count("not_asked"),
    national_opt_outs: count(OPT_IN_CSV_NATIONAL_COLUMN, true).optional(),
  })
  .superRefine((row, ctx) => {
    const registered = Number(row.registered);
    const sum = Number(row.opted_in) + Number(row.declined) + Number(row.not_asked);
    if (sum !== registered) {
      ctx.addIssue({
        code: "custom",
        message: `opted_in + declined + not_asked is ${sum.toLocaleString("en-GB")}, but registered is ${registered.toLocaleString("en-GB")}: they must be equal`,
      });
    }
  });

export type OptInReturnCsvRow = z.infer<typeof OptInReturnCsvRowSchema>;

export const ConfirmUploadSchema = z.object({
  uploadId: z.uuid({ error: "This upload has expired or was not found: upload the file again" }),
});

export const OPT_IN_FLAGS = ["below_target", "falling", "attention"] as const;
export type OptInFlag = (typeof OPT_IN_FLAGS)[number];

/** The consent page's filters (sort and paging are read by parseTableQuery). */
export const ConsentQuerySchema = z.object({
  locality: z.string().trim().max(100).optional().catch(undefined),
  flag: z.enum(OPT_IN_FLAGS).optional().catch(undefined),
});

export const OPT_IN_SORTS = ["name", "locality", "registered", "rate", "change3", "change12"] as const;
export type OptInSort = (typeof OPT_IN_SORTS)[number];
