// Dates are ISO text (YYYY-MM-DD) and months YYYY-MM, compared against the reporting date.
// This module is the one to import: it shows dates in words, reads the NHS date input, and
// re-exports the ISO text helpers (iso-date.ts) and the date arithmetic (date-arithmetic.ts).

import { isIsoDate } from "./iso-date";

export { ISO_DATE, ISO_MONTH, isIsoDate, todayIso } from "./iso-date";
export { addDaysIso, addMonthsIso, addMonthsToMonth, daysBetween, endOfMonthIso, monthRange, workingDaysBetween } from "./date-arithmetic";

export function monthOf(date: string) {
  return date.slice(0, 7);
}

const LONG = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const MONTH = new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });

/** 31 July 2016 */
export function formatDate(date: string | null | undefined) {
  if (!date) return "";
  return LONG.format(new Date(`${date.slice(0, 10)}T00:00:00Z`));
}

/** Jul 2016 */
export function formatMonth(month: string | null | undefined) {
  if (!month) return "";
  return MONTH.format(new Date(`${month}-01T00:00:00Z`));
}

// ---------------------------------------------------------------------------------------------
// Dates typed into the NHS date input: three boxes, day, month and year.

export type DateParts = { day: string; month: string; year: string };

export const DATE_PART_NAMES = ["day", "month", "year"] as const;

const MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/** "7", "07", "July" or "jul" → "07"; anything else → null. */
function monthNumber(month: string): string | null {
  if (/^\d{1,2}$/.test(month)) return month.padStart(2, "0");
  const named = month.toLowerCase();
  const index = named.length >= 3 ? MONTH_NAMES.findIndex((name) => name === named || name.slice(0, 3) === named) : -1;
  return index >= 0 ? String(index + 1).padStart(2, "0") : null;
}

/**
 * The value of an NHS date input's three boxes: the ISO date when they make a real date,
 * "" when all three are empty, and otherwise what was typed as `year-month-day` (trimmed),
 * which no date field accepts and which `dateProblem` explains ("must include a month").
 */
export function combineDateParts(parts: Partial<DateParts>): string {
  const day = (parts.day ?? "").trim();
  const month = (parts.month ?? "").trim();
  const year = (parts.year ?? "").trim();
  if (!day && !month && !year) return "";
  const mm = monthNumber(month);
  if (/^\d{1,2}$/.test(day) && mm && /^\d{4}$/.test(year)) {
    const iso = `${year}-${mm}-${day.padStart(2, "0")}`;
    if (isIsoDate(iso)) return iso;
  }
  return `${year}-${month}-${day}`;
}

/** The three boxes to show for a value: an ISO date without leading zeros, or the parts as typed. */
export function datePartsOf(value: unknown): DateParts {
  // A refused form echoes back what was sent, which may be anything (a repeated field is an array).
  if (!value || typeof value !== "string") return { day: "", month: "", year: "" };
  if (isIsoDate(value)) return { day: String(Number(value.slice(8, 10))), month: String(Number(value.slice(5, 7))), year: value.slice(0, 4) };
  const pieces = value.split("-");
  if (pieces.length === 3) return { day: pieces[2], month: pieces[1], year: pieces[0] };
  return { day: "", month: "", year: "" };
}

function sentenceCase(text: string) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function listOf(words: string[]) {
  return words.length > 1 ? `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}` : words[0];
}

/**
 * What is wrong with a typed date, in the NHS design system's words, or null when it is a real
 * date (or empty and not required). `what` names the date as in "Enter the date of the change".
 */
export function dateProblem(value: string | null | undefined, what: string, { required }: { required: boolean }): string | null {
  const text = (value ?? "").trim();
  if (!text) return required ? `Enter ${what}` : null;
  if (isIsoDate(text)) return null;
  const pieces = text.split("-");
  if (pieces.length === 3) {
    const parts: DateParts = { day: pieces[2].trim(), month: pieces[1].trim(), year: pieces[0].trim() };
    const missing = DATE_PART_NAMES.filter((name) => !parts[name]);
    if (missing.length) return `${sentenceCase(what)} must include a ${listOf([...missing])}`;
    if (/^\d+$/.test(parts.year) && parts.year.length !== 4) return "Year must include 4 numbers";
  }
  return `${sentenceCase(what)} must be a real date`;
}

/** 2016-10-31 → "31 10 2016", the form of the NHS date input's "For example" hint. */
export function formatDateExample(date: string) {
  const { day, month, year } = datePartsOf(date);
  return `${day} ${month} ${year}`;
}
