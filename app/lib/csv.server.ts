import { stringify } from "csv-stringify/sync";

export interface CsvColumn<Row> {
  key: keyof Row & string;
  header: string;
}

// A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;

/** Text for a cell: a leading quote makes the spreadsheet show formula-like text as text. */
function safeText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function cellValue(value: unknown): string | number {
  if (value === null || value === undefined) return "";
  // Numbers stay numbers (so -3 is still -3); only text can smuggle in a formula.
  if (typeof value === "number") return Number.isFinite(value) ? value : "";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
  return safeText(String(value));
}

/** CSV text (RFC 4180, CRLF line ends) with a header row, safe to open in a spreadsheet. */
export function toCsv<Row extends Record<string, unknown>>(
  rows: readonly Row[],
  columns: readonly CsvColumn<Row>[],
): string {
  return stringify(
    [columns.map((column) => safeText(column.header)), ...rows.map((row) => columns.map((column) => cellValue(row[column.key])))],
    { record_delimiter: "windows", quoted_string: true },
  );
}

/** A download of `csv`, with a byte order mark so Excel reads it as UTF-8. */
export function csvResponse(filename: string, csv: string): Response {
  // The name ends up in a header: keep it to characters that need no quoting or encoding.
  const safeName = filename.replace(/\.csv$/i, "").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|-+$/g, "") || "download";
  return new Response(`\uFEFF${csv}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${safeName}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
