// The monthly opt-in return file's columns and size limit, without zod, so the upload page can
// show them in the browser (consent.schema.ts re-exports these beside the row rules).

/** The columns a monthly opt-in return file must start with, in this order. */
export const OPT_IN_CSV_HEADER = ["ods_code", "month", "registered", "opted_in", "declined", "not_asked"] as const;
/** An optional seventh column: the National Data Opt-out count, kept apart from the local figures. */
export const OPT_IN_CSV_NATIONAL_COLUMN = "national_opt_outs";
/** Largest file the upload accepts. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const MAX_UPLOAD_LABEL = "20 MB";
/** What a person is told when the file is not CSV text (a spreadsheet's own format, binary, not UTF-8). */
export const NOT_CSV_MESSAGE = "The file is not a CSV file: in your spreadsheet choose Save As, then CSV (comma delimited), and upload that file";
