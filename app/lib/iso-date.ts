// Reading and writing ISO date text (YYYY-MM-DD), by the same rules as date-fns' parseISO and
// lightFormat for dates: those two are general ISO and format parsers, 70% of the date code the
// browser got. tests/unit/dates.test.ts pins the answers against date-fns' own.

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const ISO_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A YYYY-MM-DD date (anything after the day is ignored) at local midnight; Invalid Date when there is no such day. */
export function dateOf(iso: string): Date {
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
export function isoOf(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError("Invalid time value");
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1, 2)}-${pad(date.getDate(), 2)}`;
}

export function isIsoDate(value: string) {
  // Year 0000 is 1 BC, which date-fns writes back as 0001: not a date anyone means.
  return ISO_DATE.test(value) && !value.startsWith("0000") && !Number.isNaN(dateOf(value).getTime());
}

export function todayIso() {
  return isoOf(new Date());
}

