import { z } from "zod";
import { combineDateParts, dateProblem, isIsoDate, ISO_MONTH } from "./dates";

// Zod checks for dates typed into the NHS date input (combined by formToObject in forms.ts).

/** A superRefine check giving the NHS message for `what` ("the date of the change"). */
export function checkDate(what: string, { required = true }: { required?: boolean } = {}) {
  return (value: string | null | undefined, ctx: z.RefinementCtx) => {
    const message = dateProblem(value, what, { required });
    if (message) ctx.addIssue({ code: "custom", message });
  };
}

/** A date that must be given: an ISO `YYYY-MM-DD` string. */
export function requiredIsoDate(what: string) {
  return z.string({ error: `Enter ${what}` }).trim().superRefine(checkDate(what));
}

/** A date that may be left empty: ISO `YYYY-MM-DD`, or null when empty. */
export function optionalIsoDate(what: string) {
  return z
    .string()
    .trim()
    .optional()
    .superRefine(checkDate(what, { required: false }))
    .transform((v) => (v ? v : null));
}

// ---------------------------------------------------------------------------------------------
// Months typed into the NHS month input: two boxes, month and year (MonthInput.tsx).

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

/** A month that must be given, typed into the month input: a `YYYY-MM` string. */
export function requiredIsoMonth(what: string) {
  return z
    .string({ error: `Enter ${what}` })
    .trim()
    .superRefine((value, ctx) => {
      const message = monthProblem(value, what, { required: true });
      if (message) ctx.addIssue({ code: "custom", message });
    });
}

/** 2016-10 → "10 2016", the form of the month input's "For example" hint. */
export function formatMonthExample(month: string) {
  const { month: mm, year } = monthPartsOf(month);
  return `${mm} ${year}`;
}
