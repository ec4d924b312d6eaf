import { sql, type SQL, type SQLWrapper } from "drizzle-orm";

/*
 * How validity works, for every fact a figure counts (membership of the partnership, an
 * organisation's status, a deployment's status interval, an agreement version in force, a
 * signature, an indemnity cover period):
 *
 * - a fact is valid from `validFrom` (inclusive) until `validTo` (exclusive); a null `validTo`
 *   means it is still valid. Dates are ISO text (YYYY-MM-DD) and compare as text.
 * - "as at D" counts exactly the facts valid on D: validFrom <= D < validTo.
 * - a correction does not delete: the fact is voided (recorded in error, with a reason) and is
 *   then valid on no date at all; callers exclude voided rows before asking validity.
 *
 * Every page, CSV, the board pack and the API ask validity through this module.
 */

/** The earliest as-at date any page or the API answers for. */
export const EARLIEST_AS_AT = "2000-01-01";

export type Period = { validFrom: string; validTo: string | null };

/** True when the period holds on `date`. */
export function isValidOn(period: Period, date: string): boolean {
  return period.validFrom <= date && (period.validTo === null || period.validTo > date);
}

/** SQL for "valid on `date`" over a pair of columns (validTo null = open-ended). */
export function validOnSql(validFrom: SQLWrapper, validTo: SQLWrapper, date: string | SQLWrapper): SQL {
  return sql`(${validFrom} <= ${date} AND (${validTo} IS NULL OR ${validTo} > ${date}))`;
}

/** True when two periods share at least one day. */
export function overlaps(a: Period, b: Period): boolean {
  const aEndsAfterBStarts = a.validTo === null || a.validTo > b.validFrom;
  const bEndsAfterAStarts = b.validTo === null || b.validTo > a.validFrom;
  return aEndsAfterBStarts && bEndsAfterAStarts;
}

/**
 * Turns dated events (each "from this date the value is X") into back-to-back periods: each
 * event is valid until the next event's date. Events on the same date: the later one in the
 * list wins. Events must already exclude voided ones.
 */
export function periodsFromEvents<V>(events: readonly { value: V; effectiveOn: string }[]): (Period & { value: V })[] {
  const sorted = events.map((e, i) => ({ ...e, i })).sort((a, b) => (a.effectiveOn === b.effectiveOn ? a.i - b.i : a.effectiveOn < b.effectiveOn ? -1 : 1));
  const periods: (Period & { value: V })[] = [];
  for (const e of sorted) {
    const last = periods[periods.length - 1];
    if (last && last.validFrom === e.effectiveOn) {
      last.value = e.value;
      continue;
    }
    if (last) last.validTo = e.effectiveOn;
    periods.push({ value: e.value, validFrom: e.effectiveOn, validTo: null });
  }
  return periods;
}

/** The value valid on `date` among periods, or null when none holds. */
export function valueOn<V>(periods: readonly (Period & { value: V })[], date: string): V | null {
  return periods.find((p) => isValidOn(p, date))?.value ?? null;
}

/**
 * Whether an as-at date may be asked: not before EARLIEST_AS_AT, not after the reporting date.
 * Returns the message to show at the date field, or null when the date is in range.
 */
export function asAtOutOfRange(date: string, reportingDate: string): string | null {
  if (date < EARLIEST_AS_AT) return `The date must be on or after 1 January 2000`;
  if (date > reportingDate) return `The date must be on or before the reporting date`;
  return null;
}
