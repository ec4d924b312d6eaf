import { addDays, addMonths, differenceInCalendarDays, format, isValid, parseISO } from "date-fns";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDaysIso, addMonthsIso, addMonthsToMonth, daysBetween, endOfMonthIso, formatDate, formatMonth, isIsoDate, monthRange, workingDaysBetween } from "~/lib/dates";

// app/lib/dates.ts reads and writes ISO text itself (date-fns' parseISO and format are large for
// the browser) and leaves the arithmetic to date-fns; these pin that the answers are date-fns'
// own, day by day, across leap years and month ends, and that the dates people read are unchanged.

const isoDay = fc.date({ min: new Date("1990-01-01T12:00:00Z"), max: new Date("2040-12-31T12:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

describe("ISO date arithmetic", () => {
  it("gives the same text as date-fns format() for any day, added days and added months", () => {
    fc.assert(
      fc.property(isoDay, fc.integer({ min: -800, max: 800 }), fc.integer({ min: -60, max: 60 }), (date, days, months) => {
        expect(addDaysIso(date, days)).toBe(format(addDays(parseISO(date), days), "yyyy-MM-dd"));
        expect(addMonthsIso(date, months)).toBe(format(addMonths(parseISO(date), months), "yyyy-MM-dd"));
        expect(addMonthsToMonth(date.slice(0, 7), months)).toBe(format(addMonths(parseISO(`${date.slice(0, 7)}-01`), months), "yyyy-MM"));
      }),
      { numRuns: 500 },
    );
  });

  it("counts days between dates and tells real dates from impossible ones as date-fns' parseISO does", () => {
    const digits = (n: number) => fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => String(v).padStart(n, "0"));
    fc.assert(
      fc.property(isoDay, isoDay, fc.tuple(digits(4), digits(2), digits(2)), (from, to, [y, m, d]) => {
        expect(daysBetween(from, to)).toBe(differenceInCalendarDays(parseISO(to), parseISO(from)));
        const typed = `${y}-${m}-${d}`;
        expect(isIsoDate(typed)).toBe(isValid(parseISO(typed)) && format(parseISO(typed), "yyyy-MM-dd") === typed);
      }),
      { numRuns: 500 },
    );
    expect(workingDaysBetween("2016-10-28", "2016-10-31")).toBe(1);
    expect(isIsoDate("0050-02-28")).toBe(true);
    expect(isIsoDate("0000-01-01")).toBe(false); // the case the property found once: year 0 is 1 BC
  });

  it("knows month ends, leap days and impossible dates", () => {
    expect(endOfMonthIso("2016-02")).toBe("2016-02-29");
    expect(endOfMonthIso("2017-02")).toBe("2017-02-28");
    expect(endOfMonthIso("2016-10")).toBe("2016-10-31");
    expect(addMonthsIso("2016-01-31", 1)).toBe("2016-02-29");
    expect(isIsoDate("2016-02-29")).toBe(true);
    expect(isIsoDate("2017-02-29")).toBe(false);
    expect(isIsoDate("2016-13-01")).toBe(false);
    expect(isIsoDate("31/07/2016")).toBe(false);
    expect(monthRange("2016-11", "2017-02")).toEqual(["2016-11", "2016-12", "2017-01", "2017-02"]);
  });

  it("shows dates and months in words", () => {
    expect(formatDate("2016-10-31")).toBe("31 October 2016");
    expect(formatDate("2016-07-31T09:30:00Z")).toBe("31 July 2016");
    expect(formatMonth("2016-07")).toBe("Jul 2016");
    expect(formatDate(null)).toBe("");
  });

  it("refuses to add to a date that is not one, as before", () => {
    expect(() => addDaysIso("not a date", 1)).toThrow(RangeError);
  });
});
