import { addDays, addMonths, differenceInCalendarDays, format, parseISO, isValid } from "date-fns";

// Dates are ISO text (YYYY-MM-DD) and months YYYY-MM, compared against the reporting date.

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const ISO_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isIsoDate(value: string) {
  if (!ISO_DATE.test(value)) return false;
  const d = parseISO(value);
  return isValid(d) && format(d, "yyyy-MM-dd") === value;
}

export function todayIso() {
  return format(new Date(), "yyyy-MM-dd");
}

export function addDaysIso(date: string, days: number) {
  return format(addDays(parseISO(date), days), "yyyy-MM-dd");
}

export function addMonthsIso(date: string, months: number) {
  return format(addMonths(parseISO(date), months), "yyyy-MM-dd");
}

export function daysBetween(from: string, to: string) {
  return differenceInCalendarDays(parseISO(to), parseISO(from));
}

export function monthOf(date: string) {
  return date.slice(0, 7);
}

export function addMonthsToMonth(month: string, months: number) {
  return format(addMonths(parseISO(`${month}-01`), months), "yyyy-MM");
}

/** Last day of a YYYY-MM month. */
export function endOfMonthIso(month: string) {
  return format(addDays(addMonths(parseISO(`${month}-01`), 1), -1), "yyyy-MM-dd");
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
    const day = parseISO(d).getDay();
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
