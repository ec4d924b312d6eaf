import { describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { checkOptInReturnFile, checkOptInReturnStream } from "~/models/opt-in-return-file.server";
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

  it("numbers lines as an editor does, across blank lines, Windows line ends and quoted values with line breaks, read whole or streamed", async () => {
    const text = ["", HEADER, "P92001,2016-08,1000,600,50,350", "   ", "", '"P92001\nX",2016-09,1,1,0,0', "P92002,2016-10,1000,600,50,351", "P92002,2016-09,1000,600,50,350", ""].join("\r\n");
    const expected = {
      ok: true,
      rows: 4,
      valid: [expect.objectContaining({ line: 3, odsCode: "P92001" }), expect.objectContaining({ line: 9, odsCode: "P92002", month: "2016-09" })],
      rejected: [
        { line: 7, odsCode: "P92001\nX", month: "2016-09", reason: expect.stringContaining("no GP practice") },
        { line: 8, odsCode: "P92002", month: "2016-10", reason: expect.stringContaining("must be equal") },
      ],
      rejectedCount: 2,
    };
    expect(checkOptInReturnFile({ text, practiceIdByOdsCode: practices, reportingMonth: "2016-10" })).toEqual(expected);
    // The stream is read in small pieces, so records and line ends fall across chunk boundaries.
    const input = Readable.from(text.match(/[\s\S]{1,7}/g)!.map((piece) => Buffer.from(piece)));
    expect(await checkOptInReturnStream({ input, practiceIdByOdsCode: practices, reportingMonth: "2016-10" })).toEqual(expected);
  });

  it("counts every rejected row but keeps the reasons of the first 1,000 only", () => {
    const result = check([HEADER, ...Array.from({ length: 1_500 }, (_, i) => `X${i},2016-10,1,1,0,0`)]);
    if (!result.ok) throw new Error(result.fileError);
    expect({ rows: result.rows, count: result.rejectedCount, kept: result.rejected.length, last: result.rejected.at(-1)!.line }).toEqual({ rows: 1_500, count: 1_500, kept: 1_000, last: 1_001 });
  });

  it("stops reading a stream at a wrong header, and reports a stream that is not CSV", async () => {
    const stream = (text: string) => checkOptInReturnStream({ input: Readable.from([Buffer.from(text)]), practiceIdByOdsCode: practices, reportingMonth: "2016-10" });
    expect(await stream(["ods,month", ...Array.from({ length: 1000 }, () => "P92001,2016-10,1,1,0,0")].join("\n"))).toEqual({ ok: false, fileError: expect.stringContaining("Line 1 must be the header") });
    expect(await stream([HEADER, 'P92001,"2016-10,1,1,0,0'].join("\n"))).toEqual({ ok: false, fileError: expect.stringContaining("could not be read as CSV") });
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
