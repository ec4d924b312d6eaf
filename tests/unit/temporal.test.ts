import { describe, expect, it } from "vitest";
import { asAtOutOfRange, isValidOn, overlaps, periodsFromEvents, valueOn } from "~/models/temporal";

describe("validity periods", () => {
  it("holds from its first day up to, not including, its end", () => {
    const p = { validFrom: "2016-01-01", validTo: "2016-02-01" };
    expect(isValidOn(p, "2015-12-31")).toBe(false);
    expect(isValidOn(p, "2016-01-01")).toBe(true);
    expect(isValidOn(p, "2016-01-31")).toBe(true);
    expect(isValidOn(p, "2016-02-01")).toBe(false);
    expect(isValidOn({ validFrom: "2016-01-01", validTo: null }, "2099-01-01")).toBe(true);
  });

  it("tells overlapping periods from back-to-back ones", () => {
    expect(overlaps({ validFrom: "2016-01-01", validTo: "2016-02-01" }, { validFrom: "2016-02-01", validTo: null })).toBe(false);
    expect(overlaps({ validFrom: "2016-01-01", validTo: "2016-02-02" }, { validFrom: "2016-02-01", validTo: null })).toBe(true);
  });

  it("turns dated events into back-to-back periods, the later event winning on the same date", () => {
    const periods = periodsFromEvents([
      { value: "live", effectiveOn: "2016-03-01" },
      { value: "planned", effectiveOn: "2016-01-01" },
      { value: "in_progress", effectiveOn: "2016-02-01" },
      { value: "paused", effectiveOn: "2016-03-01" },
    ]);
    expect(periods).toEqual([
      { value: "planned", validFrom: "2016-01-01", validTo: "2016-02-01" },
      { value: "in_progress", validFrom: "2016-02-01", validTo: "2016-03-01" },
      { value: "paused", validFrom: "2016-03-01", validTo: null },
    ]);
    expect(valueOn(periods, "2015-12-31")).toBeNull();
    expect(valueOn(periods, "2016-02-15")).toBe("in_progress");
  });

  it("bounds as-at dates between 1 January 2000 and the reporting date", () => {
    expect(asAtOutOfRange("1999-12-31", "2016-10-31")).toMatch(/on or after 1 January 2000/);
    expect(asAtOutOfRange("3000-01-01", "2016-10-31")).toMatch(/on or before the reporting date/);
    expect(asAtOutOfRange("2016-10-31", "2016-10-31")).toBeNull();
  });
});
