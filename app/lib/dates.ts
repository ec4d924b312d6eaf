import { addDays, addMonths, differenceInCalendarDays } from "date-fns";

// Dates are ISO text (YYYY-MM-DD) and months YYYY-MM, compared against the reporting date.
// date-fns does the arithmetic (month ends, leap years); reading and writing the ISO text is
// done here, by the same rules as its parseISO and lightFormat for dates, because every page
// with a date input loads this module and those two (general ISO and format parsers) were
// 70% of its code in the browser. tests/unit/dates.test.ts pins the text against date-fns'.

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const ISO_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A YYYY-MM-DD date (anything after the day is ignored) at local midnight; Invalid Date when there is no such day. */
function dateOf(iso: string): Date {
  const parts = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!parts) return new Date(NaN);
  const [year, month, day] = [Number(parts[1]), Number(parts[2]) - 1, Number(parts[3])];
  const date = new Date(0);
  date.setFullYear(year, month, day); // not new Date(y, m, d), which reads years 0-99 as 1900-1999
  date.setHours(0, 0, 0, 0);
  // The Date rolls 30 February over to March; date-fns' parseISO refuses it, and so does this.
  return date.getFullYear() === year && date.getMonth() === month && date.getDate() === day ? date : new Date(NaN);
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** YYYY-MM-DD of a date's local day; throws RangeError for an invalid date, as date-fns' formatters do. */
function isoOf(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError("Invalid time value");
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1, 2)}-${pad(date.getDate(), 2)}`;
}

export function isIsoDate(value: string) {
  return ISO_DATE.test(value) && !Number.isNaN(dateOf(value).getTime());
}

export function todayIso() {
  return isoOf(new Date());
}

export function addDaysIso(date: string, days: number) {
  return isoOf(addDays(dateOf(date), days));
}

export function addMonthsIso(date: string, months: number) {
  return isoOf(addMonths(dateOf(date), months));
}

export function daysBetween(from: string, to: string) {
  return differenceInCalendarDays(dateOf(to), dateOf(from));
}

export function monthOf(date: string) {
  return date.slice(0, 7);
}

export function addMonthsToMonth(month: string, months: number) {
  return isoOf(addMonths(dateOf(`${month}-01`), months)).slice(0, 7);
}

/** Last day of a YYYY-MM month. */
export function endOfMonthIso(month: string) {
  return isoOf(addDays(addMonths(dateOf(`${month}-01`), 1), -1));
}

/** Months from first to last inclusive, as YYYY-MM. */
export function monthRange(first: string, last: string) {
  const out: string[] = [];
  for (let m = first; m <= last; m = addMonthsToMonth(m, 1)) out.push(m);
  return out;
}

/** Working days (Mon–Fri) after `from` up to and including `to`. Bank holidays are not modelled. */
export function workingDaysBetween(from: string, to: string) {
  let count = 0;
  for (let d = addDaysIso(from, 1); d <= to; d = addDaysIso(d, 1)) {
    const day = dateOf(d).getDay();
    if (day !== 0 && day !== 6) count++;
  }
  return count;
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
