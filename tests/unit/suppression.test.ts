import { describe, expect, it } from "vitest";
import { suppressSmallNumber, suppressedRate } from "~/lib/suppression";

describe("small-number suppression", () => {
  it("shows fewer than 10 for any count from 0 to 9, never the number", () => {
    for (let n = 0; n < 10; n++) expect(suppressSmallNumber(n)).toBe("fewer than 10");
  });

  it("shows 10 and above as the number, with thousands separators", () => {
    expect(suppressSmallNumber(10)).toBe("10");
    expect(suppressSmallNumber(323015)).toBe("323,015");
  });

  it("suppresses what is not a count", () => {
    expect(suppressSmallNumber(null)).toBe("fewer than 10");
    expect(suppressSmallNumber(Number.NaN)).toBe("fewer than 10");
  });

  it("withholds a rate when the group, the part or the rest is under 10", () => {
    expect(suppressedRate(5, 8)).toBeNull();
    expect(suppressedRate(3, 1000)).toBeNull();
    expect(suppressedRate(995, 1000)).toBeNull();
    expect(suppressedRate(605, 1000)).toBe(60.5);
  });
});
