import { combineDateParts, isIsoDate, ISO_MONTH } from "./dates";

// Months typed into the NHS month input: two boxes, month and year (MonthInput in DateInput.tsx).
// No zod here: the component imports it, and zod stays out of the browser (date-field.ts has the check).

export type MonthParts = { month: string; year: string };

export const MONTH_PART_NAMES = ["month", "year"] as const;

/**
 * The value of a month input's two boxes: `YYYY-MM` when they make a real month (the month as a
 * number or a name, as in the date input), "" when both are empty, and otherwise what was typed
 * as `year-month` (trimmed), which `monthProblem` explains.
 */
export function combineMonthParts(parts: Partial<MonthParts>): string {
  const month = (parts.month ?? "").trim();
  const year = (parts.year ?? "").trim();
  if (!month && !year) return "";
  // The first of the month is a real date exactly when the month and year make a real month.
  const first = combineDateParts({ day: "1", month, year });
  return isIsoDate(first) ? first.slice(0, 7) : `${year}-${month}`;
}

/** The two boxes to show for a value: a `YYYY-MM` month without a leading zero, or the parts as typed. */
export function monthPartsOf(value: string | null | undefined): MonthParts {
  if (value && ISO_MONTH.test(value)) return { month: String(Number(value.slice(5, 7))), year: value.slice(0, 4) };
  const pieces = (value ?? "").split("-");
  if (pieces.length === 2) return { month: pieces[1], year: pieces[0] };
  return { month: "", year: "" };
}

/** What is wrong with a typed month, in the NHS design system's words, or null when it is a real month (or empty and not required). */
export function monthProblem(value: string | null | undefined, what: string, { required }: { required: boolean }): string | null {
  const text = (value ?? "").trim();
  const What = what.charAt(0).toUpperCase() + what.slice(1);
  if (!text) return required ? `Enter ${what}` : null;
  if (ISO_MONTH.test(text)) return null;
  const pieces = text.split("-");
  if (pieces.length === 2) {
    const [year, month] = pieces.map((p) => p.trim());
    if (!month) return `${What} must include a month`;
    if (!year) return `${What} must include a year`;
    if (/^\d+$/.test(year) && year.length !== 4) return "Year must include 4 numbers";
  }
  return `${What} must be a real month`;
}

/** 2016-10 → "10 2016", the form of the month input's "For example" hint. */
export function formatMonthExample(month: string) {
  const { month: mm, year } = monthPartsOf(month);
  return `${mm} ${year}`;
}
