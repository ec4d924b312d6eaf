// One date-fns module each: its index loads all ~250 functions (about 100 ms in a fresh thread, as
// the import worker is).
import { addDays } from "date-fns/addDays";
import { addMonths } from "date-fns/addMonths";
import { differenceInCalendarDays } from "date-fns/differenceInCalendarDays";
import { dateOf, isoOf } from "./iso-date";

// Date arithmetic on ISO text, done by date-fns (month ends, leap years). Its own module, so the
// pages that only show dates or take them in a date input do not load date-fns (vite.config.ts).

export function addDaysIso(date: string, days: number) {
  return isoOf(addDays(dateOf(date), days));
}

export function addMonthsIso(date: string, months: number) {
  return isoOf(addMonths(dateOf(date), months));
}

export function daysBetween(from: string, to: string) {
  return differenceInCalendarDays(dateOf(to), dateOf(from));
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

