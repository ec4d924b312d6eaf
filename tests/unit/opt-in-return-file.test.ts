import { describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkOptInReturnFile, checkOptInReturnStream, inspectReturnFile } from "~/models/opt-in-return-file.server";
import { formatPoints, formatRate } from "~/components/consent/format";
import { isAcceptedReturnRow, OptInReturnCsvRowSchema } from "~/models/consent.schema";
import { seededRandom } from "../helpers/seeded-random";

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

  it("reads a file the same with csv-parse's trimming or without it when the file has no quotes, spaces and blank lines of spaces included", async () => {
    // The unquoted fast path (no csv-parse trim) must see exactly what the trimming parse sees.
    const lines = [` ${HEADER} `, " P92001 , 2016-09 ,1000, 600 ,50,350 ", "   ", "\t", "P92002,2016-10,10,5,5,0", "P92001, 2016-10 ,x,1,1,1", "P92009,2016-10,1,1,0,0"];
    const text = lines.join("\r\n");
    const stream = (quoted: boolean) => checkOptInReturnStream({ input: Readable.from([text]), practiceIdByOdsCode: practices, reportingMonth: "2016-10", quoted });
    const trimmed = await stream(true);
    expect(trimmed).toMatchObject({ ok: true, rows: 4, rejectedCount: 2 });
    expect(await stream(false)).toEqual(trimmed);
    expect(checkOptInReturnFile({ text, practiceIdByOdsCode: practices, reportingMonth: "2016-10" })).toEqual(trimmed);
    // Spaces around quoted values are read as before: the quotes send the file through csv-parse's trim.
    const quoted = check([HEADER, ' "P92001" , "2016-09" ,1000,600,50,350']);
    expect(quoted).toMatchObject({ ok: true, rows: 1, rejectedCount: 0 });
  });

  it("reads random files without quotes alike through Papa Parse and csv-parse, whole or streamed in pieces that split characters", async () => {
    // Files without a double quote go through Papa Parse; csv-parse (the quoted path) is the reference.
    const next = seededRandom(20261207);
    const pick = <T,>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
    const cells = ["P92001", "p92002", " P92001 ", "P92009", "2016-09", "2016-10", " 2016-10", "2016-11", "1000", "600", "50", "350", "", " ", "\t", "x", "é", "１２", "-5"];
    const goodRows = ["P92001,2016-09,1000,600,50,350", "P92002,2016-10,10,5,5,0", "P92001,2016-10,0,0,0,0"];
    let files = 0;
    for (let t = 0; t < 300; t++) {
      const lineEnd = pick(["\n", "\r\n", "\r"]);
      const lines = [next() < 0.8 ? HEADER : pick([` ${HEADER} `, `${HEADER},national_opt_outs`, "ods,month"])];
      for (let i = Math.floor(next() * 12); i > 0; i--) {
        const kind = next();
        lines.push(kind < 0.4 ? pick(goodRows) : kind < 0.5 ? pick(["", "   ", "\t"]) : Array.from({ length: 5 + Math.floor(next() * 3) }, () => pick(cells)).join(","));
      }
      const text = (next() < 0.2 ? "\uFEFF" : "") + lines.join(lineEnd) + (next() < 0.5 ? lineEnd : "");
      const bytes = Buffer.from(text);
      // Pieces of 1 to 9 bytes: line ends, records and two-byte characters fall across them.
      const pieces: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(next() * 9);
        pieces.push(bytes.subarray(at, at + size));
        at += size;
      }
      const args = { practiceIdByOdsCode: practices, reportingMonth: "2016-10" };
      const reference = await checkOptInReturnStream({ ...args, input: Readable.from([text]), quoted: true });
      const label = JSON.stringify(text);
      expect(await checkOptInReturnStream({ ...args, input: Readable.from(pieces), quoted: false }), label).toEqual(reference);
      expect(checkOptInReturnFile({ ...args, text }), label).toEqual(reference);
      if (reference.ok && reference.valid.length + reference.rejectedCount > 1) files++;
    }
    // Most files had rows to compare, not only a refused header.
    expect(files).toBeGreaterThan(150);
    // And the files with nothing in them, or a header and nothing after it, are refused alike, with a message.
    for (const text of ["", "\uFEFF", "\n\n", "\r\n", HEADER, `${HEADER}\r\n\r\n`, `\uFEFF${HEADER}\r`]) {
      const args = { practiceIdByOdsCode: practices, reportingMonth: "2016-10" };
      const reference = await checkOptInReturnStream({ ...args, input: Readable.from([text]), quoted: true });
      expect(reference, JSON.stringify(text)).toEqual({ ok: false, fileError: expect.stringMatching(/this file is empty|no returns/) });
      expect(await checkOptInReturnStream({ ...args, input: Readable.from([Buffer.from(text)]), quoted: false }), JSON.stringify(text)).toEqual(reference);
      expect(checkOptInReturnFile({ ...args, text }), JSON.stringify(text)).toEqual(reference);
    }
  });

  it("finds a double quote anywhere in a file on disk, past its first megabyte too, and tells text from what is not", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quote-"));
    try {
      const file = path.join(dir, "r.csv");
      const body = "P92001,2016-09,1000,600,50,350\n".repeat(40_000); // 1.2 MB
      fs.writeFileSync(file, body);
      expect(inspectReturnFile(file)).toEqual({ text: true, quoted: false });
      fs.writeFileSync(file, body + '"P92002",2016-09,1,1,0,0\n');
      expect(inspectReturnFile(file)).toEqual({ text: true, quoted: true });
      fs.writeFileSync(file, "");
      expect(inspectReturnFile(file)).toEqual({ text: true, quoted: false });
      // UTF-8 throughout, a two-byte character across the first megabyte's end included.
      const across = Buffer.concat([Buffer.from("a".repeat(1024 * 1024 - 1)), Buffer.from("é\n")]);
      fs.writeFileSync(file, across);
      expect(inspectReturnFile(file)).toEqual({ text: true, quoted: false });
      // Not text: a NUL past the first megabyte, bytes that are not UTF-8 (Latin-1 "é", a spreadsheet's zip), a character cut off at the end.
      for (const bytes of [Buffer.concat([Buffer.from(body), Buffer.from([0])]), Buffer.from([0x50, 0xe9, 0x0a]), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe]), Buffer.from([0x41, 0xc3])]) {
        fs.writeFileSync(file, bytes);
        expect(inspectReturnFile(file).text, bytes.subarray(-6).toString("hex")).toBe(false);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
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

describe("the return row's quick check (isAcceptedReturnRow) against its schema", () => {
  const counts = ["0", "1", "007", "600", "9999999", "10000000", "10000001", "", "-1", "-1.5", "1.5", "1e3", "0x10", "abc", "١٢", "99999999999999999999", "+5"];
  const months = ["2016-10", "2016-01", "2016-12", "2016-13", "2016-00", "2016-1", "16-10", "", "２０１６-10", "2016-10x"];
  const codes = ["P92001", "", "x"];

  it("accepts exactly the rows the schema accepts, and so never lets through a row zod would refuse", () => {
    const next = seededRandom(20161207);
    const pick = <T,>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
    // Mostly good cells, so that whole rows pass often enough to matter.
    const often = <T,>(good: readonly T[], all: readonly T[]) => (next() < 0.8 ? pick(good) : pick(all));
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const cell = () => often(counts.slice(0, 6), counts);
      const [optedIn, declined, notAsked] = [cell(), cell(), cell()];
      // Half the rows add up (when their cells are numbers), so the sum rule is tried both ways.
      const sum = Number(optedIn) + Number(declined) + Number(notAsked);
      const registered = next() < 0.5 && Number.isFinite(sum) ? String(sum) : cell();
      const row = { ods_code: often(codes.slice(0, 1), codes), month: often(months.slice(0, 3), months), registered, opted_in: optedIn, declined, not_asked: notAsked, national_opt_outs: next() < 0.5 ? undefined : cell() };
      const schema = OptInReturnCsvRowSchema.safeParse(row).success;
      if (isAcceptedReturnRow(row) !== schema) throw new Error(`the quick check says ${!schema} but the schema ${schema} for ${JSON.stringify(row)}`);
      if (schema) accepted++;
    }
    // Both answers were tried many times.
    expect(accepted).toBeGreaterThan(500);
    expect(accepted).toBeLessThan(19_500);
  });

  it("takes a count cell as a whole number exactly when it is ASCII digits only, up to 10,000,000", () => {
    const cells = [...counts, "٣", "１２", " 1", "1 ", "1\n", "0000", "10000000", "00010000000", "9".repeat(400)];
    for (const cell of cells) {
      // The cell as registered and as not asked, so the sum holds whenever it is a number.
      const row = { ods_code: "P92001", month: "2016-10", registered: cell, opted_in: "0", declined: "0", not_asked: cell };
      const whole = /^\d+$/.test(cell) && Number(cell) <= 10_000_000;
      expect(isAcceptedReturnRow(row), JSON.stringify(cell)).toBe(whole);
      expect(OptInReturnCsvRowSchema.safeParse(row).success, JSON.stringify(cell)).toBe(whole);
    }
  });

  it("still gives the schema's own message for a refused row", () => {
    expect(rejection("P92002,2016-10,1000,600,50,351")).toBe("opted_in + declined + not_asked is 1,001, but registered is 1,000: they must be equal");
    expect(rejection("P92002,2016-10,1000,-600,50,350")).toBe("opted_in is negative (-600): enter 0 or more");
    expect(rejection("P92002,2016-10,10000001,600,50,350")).toBe("registered is more than 10,000,000 (10000001)");
  });
});
