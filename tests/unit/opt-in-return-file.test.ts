import { describe, expect, it } from "vitest";
import { checkOptInReturnFile } from "~/models/consent.server";
import { formatPoints, formatRate } from "~/components/consent/format";

const practices = new Map([
  ["P92001", 1],
  ["P92002", 2],
]);
const HEADER = "ods_code,month,registered,opted_in,declined,not_asked";

function check(lines: string[]) {
  return checkOptInReturnFile({ text: lines.join("\n"), practiceIdByOdsCode: practices, reportingMonth: "2016-10" });
}

function rejection(line: string) {
  const result = check([HEADER, "P92001,2016-09,1000,600,50,350", line]);
  if (!result.ok) throw new Error(result.fileError);
  expect(result.valid).toHaveLength(1);
  expect(result.rejected).toHaveLength(1);
  expect(result.rejected[0]!.line).toBe(3);
  return result.rejected[0]!.reason;
}

describe("checking a monthly opt-in return file", () => {
  it("accepts good rows, upper-casing the ODS code and keeping line numbers", () => {
    const result = check([HEADER, "p92001,2016-10,1000,600,50,350", "", "P92002,2016-10,0,0,0,0"]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.rows).toBe(2);
    expect(result.rejected).toEqual([]);
    expect(result.valid.map((r) => [r.line, r.odsCode, r.organisationId, r.optedIn])).toEqual([
      [2, "P92001", 1, 600],
      [4, "P92002", 2, 0],
    ]);
  });

  it("refuses a file whose first line is not the header, saying what it must be", () => {
    const result = check(["ods,month,registered,opted_in,declined,not_asked", "P92001,2016-10,1000,600,50,350"]);
    expect(result).toEqual({ ok: false, fileError: expect.stringContaining("Line 1 must be the header ods_code,month,registered,opted_in,declined,not_asked") });
    const reordered = check(["month,ods_code,registered,opted_in,declined,not_asked"]);
    expect(reordered.ok).toBe(false);
  });

  it("refuses a file with only a header", () => {
    expect(check([HEADER])).toEqual({ ok: false, fileError: expect.stringContaining("no returns") });
  });

  it("accepts the optional national_opt_outs column and keeps it apart", () => {
    const result = check([`${HEADER},national_opt_outs`, "P92001,2016-10,1000,600,50,350,42", "P92002,2016-10,10,5,5,0,"]);
    expect(result.ok && result.valid.map((r) => r.nationalOptOuts)).toEqual([42, null]);
  });

  it("rejects an unknown practice", () => {
    expect(rejection("Y99999,2016-10,1000,600,50,350")).toBe("no GP practice in the partnership has the ODS code Y99999");
  });

  it("rejects a bad month", () => {
    expect(rejection("P92002,2016-13,1000,600,50,350")).toMatch(/^month is not a month: enter it as YYYY-MM/);
    expect(rejection("P92002,Oct 2016,1000,600,50,350")).toMatch(/^month is not a month/);
  });

  it("rejects a month after the reporting date's month", () => {
    expect(rejection("P92002,2016-11,1000,600,50,350")).toMatch(/^month 2016-11 is after the reporting date's month \(Oct 2016\)/);
  });

  it("rejects negative numbers", () => {
    expect(rejection("P92002,2016-10,1000,-5,655,350")).toBe("opted_in is negative (-5): enter 0 or more");
  });

  it("rejects numbers that are not whole", () => {
    expect(rejection("P92002,2016-10,1000.5,600,50,350")).toBe("registered is not a whole number (1000.5)");
    expect(rejection("P92002,2016-10,1000,six hundred,50,350")).toBe("opted_in is not a whole number (six hundred)");
    expect(rejection("P92002,2016-10,1000,600,,350")).toBe("declined is empty: enter a whole number");
  });

  it("rejects figures that do not add up to the list size", () => {
    expect(rejection("P92002,2016-10,1000,600,50,349")).toBe("opted_in + declined + not_asked is 999, but registered is 1,000: they must be equal");
  });

  it("rejects a second return for the same practice and month in the file", () => {
    expect(rejection("p92001,2016-09,1000,600,60,340")).toBe("duplicates line 2: P92001 has more than one return for 2016-09 in this file");
  });

  it("rejects a row with the wrong number of values", () => {
    expect(rejection("P92002,2016-10,1000,600,50")).toMatch(/^has 5 values; every line needs 6/);
  });

  it("reports a file that is not CSV at all", () => {
    const result = check([HEADER, 'P92001,"2016-10,1000,600,50,350']);
    expect(result.ok).toBe(false);
  });
});

describe("opt-in figures as people read them", () => {
  it("shows a rate to one decimal place, and no rate for a zero list", () => {
    expect(formatRate(60.5024)).toBe("60.5%");
    expect(formatRate(null)).toBe("No rate");
  });

  it("shows changes in percentage points with a sign", () => {
    expect(formatPoints(0.59)).toBe("+0.6 points");
    expect(formatPoints(-4.38)).toBe("\u22124.4 points");
    expect(formatPoints(0.01)).toBe("0.0 points");
    expect(formatPoints(null)).toBe("No figure");
  });
});
