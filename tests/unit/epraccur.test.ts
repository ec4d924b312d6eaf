import { describe, expect, it } from "vitest";
import { epraccurDate, parseEpraccurLine, parseOrganisationFile } from "~/models/organisation-import.server";
import { CsvFileError } from "~/lib/csv-upload.server";
import { epraccurLine } from "../helpers/epraccur";

const line = (cells: string[], n = 1) => ({ line: n, cells });
const options = { commissionerCode: "02H", includeClosed: false };

describe("epraccur lines (the real 27-column layout)", () => {
  it("reads an active GP practice: code, name, postcode, status, dates and commissioner", () => {
    const result = parseEpraccurLine(line(epraccurLine()), options);
    expect(result).toEqual({
      kind: "record",
      values: { odsCode: "P92001", name: "MESNES PARK SURGERY", type: "gp_practice", status: "active", postcode: "WN1 2AB", openedOn: "1974-04-01", closedOn: null, commissionerCode: "02H" },
    });
  });

  it("maps the status codes A, C, D and P and includes a closed practice only when asked", () => {
    expect(parseEpraccurLine(line(epraccurLine({ 13: "D" })), options)).toMatchObject({ kind: "record", values: { status: "dormant" } });
    expect(parseEpraccurLine(line(epraccurLine({ 13: "P" })), options)).toMatchObject({ kind: "record", values: { status: "proposed" } });
    const closed = epraccurLine({ 13: "C", 12: "20151231" });
    expect(parseEpraccurLine(line(closed, 7), options)).toEqual({ kind: "skipped", outcome: { line: 7, odsCode: "P92001", reason: "closed (closed practices were not included)" } });
    expect(parseEpraccurLine(line(closed), { ...options, includeClosed: true })).toMatchObject({ kind: "record", values: { status: "closed", closedOn: "2015-12-31" } });
  });

  it("skips other commissioners and prescribing settings other than 4, saying why", () => {
    expect(parseEpraccurLine(line(epraccurLine({ 15: "01G" })), options)).toMatchObject({ kind: "skipped", outcome: { reason: "commissioner is not 02H" } });
    expect(parseEpraccurLine(line(epraccurLine({ 26: "1" })), options)).toMatchObject({ kind: "skipped", outcome: { reason: "not a GP practice (prescribing setting 1, walk-in centre)" } });
    expect(parseEpraccurLine(line(epraccurLine({ 15: "01G" })), { ...options, commissionerCode: "" })).toMatchObject({ kind: "record" });
  });

  it("rejects bad lines with the reason: column count, code, status and dates", () => {
    expect(parseEpraccurLine(line(epraccurLine().slice(0, 20), 3), options)).toEqual({ kind: "rejected", outcome: { line: 3, odsCode: undefined, reason: "has 20 columns; epraccur.csv lines have 27" } });
    expect(parseEpraccurLine(line(epraccurLine({ 1: "RRF" })), options)).toMatchObject({ kind: "rejected", outcome: { reason: expect.stringContaining("not a GP practice code") } });
    expect(parseEpraccurLine(line(epraccurLine({ 13: "X" })), options)).toMatchObject({ kind: "rejected", outcome: { reason: 'status code "X" is not A, C, D or P (column 13)' } });
    expect(parseEpraccurLine(line(epraccurLine({ 11: "19741301" })), options)).toMatchObject({ kind: "rejected", outcome: { reason: 'open date "19741301" is not a date as YYYYMMDD (column 11)' } });
    expect(parseEpraccurLine(line(epraccurLine({ 2: "" })), options)).toMatchObject({ kind: "rejected", outcome: { reason: "has no name (column 2)" } });
  });

  it("converts YYYYMMDD dates and refuses impossible ones", () => {
    expect(epraccurDate("20160731")).toBe("2016-07-31");
    expect(epraccurDate("")).toBeNull();
    expect(epraccurDate("20160230")).toBeUndefined();
    expect(epraccurDate("2016-07-31")).toBeUndefined();
  });
});

describe("whole files", () => {
  const csv = (rows: string[][]) => rows.map((r) => r.map((c) => `"${c}"`).join(",")).join("\r\n") + "\r\n";

  it("reads a file of good and bad lines with their line numbers, and rejects a repeated code", () => {
    const text = csv([epraccurLine(), epraccurLine({ 1: "P92002", 26: "2" }), epraccurLine().slice(0, 5), epraccurLine({ 2: "AGAIN" })]);
    const parsed = parseOrganisationFile(text, options);
    expect(parsed.format).toBe("epraccur");
    expect(parsed.records.map((r) => [r.line, r.odsCode])).toEqual([[1, "P92001"]]);
    expect(parsed.skipped).toEqual([{ line: 2, odsCode: "P92002", reason: "not a GP practice (prescribing setting 2, out of hours)" }]);
    expect(parsed.rejected).toEqual([
      { line: 3, odsCode: undefined, reason: "has 5 columns; epraccur.csv lines have 27" },
      { line: 4, odsCode: "P92001", reason: "P92001 appears again (first on line 1)" },
    ]);
  });

  it("says a file with no 27-column line is neither epraccur nor the simple CSV", () => {
    expect(() => parseOrganisationFile("a,b,c\n1,2,3\n", options)).toThrow(CsvFileError);
    expect(() => parseOrganisationFile("a,b,c\n1,2,3\n", options)).toThrow(/epraccur.csv has 27 columns and no header \(line 1 has 3\)/);
  });

  it("reads the simple headed CSV and accepts type labels as well as codes", () => {
    const parsed = parseOrganisationFile("ods_code,name,type,locality,list_size\nP99001,New Practice,GP practice,Leigh,\"6,500\"\nRXX,Some Trust,acute_trust,,\nP99002,,gp_practice,,\n", options);
    expect(parsed.format).toBe("simple");
    expect(parsed.records).toEqual([
      { line: 2, odsCode: "P99001", name: "New Practice", type: "gp_practice", locality: "Leigh", listSize: 6500 },
      { line: 3, odsCode: "RXX", name: "Some Trust", type: "acute_trust" },
    ]);
    expect(parsed.rejected).toEqual([{ line: 4, odsCode: "P99002", reason: "has no name" }]);
  });
});
