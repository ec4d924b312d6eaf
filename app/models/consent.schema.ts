import { z } from "zod";
import { ISO_MONTH } from "~/lib/dates";
import { parseWith } from "~/lib/forms";
import { parseTableQuery } from "~/lib/table-query";
import { OPT_IN_CSV_NATIONAL_COLUMN } from "./consent.labels";

// Inputs of the consent pages: the monthly return file's rows, the confirm step and the page's
// search parameters. Isomorphic: no server imports.

export * from "./consent.labels";

/** No practice list comes near this; it stops absurd figures before they reach the sums. */
const MAX_COUNT = 10_000_000;

/**
 * What is wrong with a count cell, or null when it is fine: digits only, at most MAX_COUNT; empty
 * only when optional. A check on the text, not a transform: a transform per cell (a pipe and its
 * context each) was most of the time a 75,600-row file took to check. The model reads a valid cell
 * with Number().
 */
/** True when text is one or more of the digits 0-9 and nothing else (as /^\d+$/). */
function allDigits(text: string) {
  if (text === "") return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function countProblem(column: string, text: string, optional: boolean): string | null {
  if (text === "") return optional ? null : `${column} is empty: enter a whole number`;
  // The usual case first: a whole number, digits only (a loop over the characters: a third of a
  // regular expression's time, on 300,000 cells a national return).
  if (allDigits(text)) return Number(text) > MAX_COUNT ? `${column} is more than ${MAX_COUNT.toLocaleString("en-GB")} (${text})` : null;
  if (/^-\d+(\.\d+)?$/.test(text)) return `${column} is negative (${text}): enter 0 or more`;
  return `${column} is not a whole number (${text})`;
}

function count(column: string, optional = false) {
  return z.string().superRefine((text, ctx) => {
    const problem = countProblem(column, text, optional);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** The sum rule's problem, or null: opted in, declined and not asked add up to registered. */
function sumProblem(row: { registered: string; opted_in: string; declined: string; not_asked: string }): string | null {
  const registered = Number(row.registered);
  const sum = Number(row.opted_in) + Number(row.declined) + Number(row.not_asked);
  if (sum === registered) return null;
  return `opted_in + declined + not_asked is ${sum.toLocaleString("en-GB")}, but registered is ${registered.toLocaleString("en-GB")}: they must be equal`;
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
    const problem = sumProblem(row);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export type OptInReturnCsvRow = z.infer<typeof OptInReturnCsvRowSchema>;

/**
 * True when OptInReturnCsvRowSchema accepts the row, by the schema's own rules (the same
 * functions) without zod's machinery: zod's parse per row was two thirds of the time a national
 * return took to check. The file check asks this first and parses with the schema only a row this
 * refuses, for the schema's message (tests/unit/opt-in-return-file.test.ts holds the two to the
 * same answer on every kind of cell).
 */
export function isAcceptedReturnRow(row: OptInReturnCsvRow): boolean {
  return (
    row.ods_code !== "" &&
    ISO_MONTH.test(row.month) &&
    countProblem("", row.registered, false) === null &&
    countProblem("", row.opted_in, false) === null &&
    countProblem("", row.declined, false) === null &&
    countProblem("", row.not_asked, false) === null &&
    (row.national_opt_outs === undefined || countProblem("", row.national_opt_outs, true) === null) &&
    sumProblem(row) === null
  );
}

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

/** The /consent page's filters and table page from the URL (the page, and the refresh after a change, ask the same). */
export function parseConsentQuery(searchParams: URLSearchParams) {
  const filters = parseWith(ConsentQuerySchema, searchParams);
  const locality = (filters.ok && filters.data.locality) || null;
  const flag = (filters.ok && filters.data.flag) || null;
  const table = parseTableQuery(searchParams, { sortable: OPT_IN_SORTS, defaultSort: { id: "rate", desc: false }, pageSizeDefault: 25 });
  return { locality, flag, table };
}
