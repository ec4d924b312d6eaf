import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvResponse, toCsv } from "~/lib/csv.server";

const columns = [
  { key: "name", header: "Organisation" },
  { key: "value", header: "Value" },
] as const;

/** Reads the CSV back as a spreadsheet would see its cells. */
const cells = (csv: string) => parse(csv, { relax_column_count: true }) as string[][];

describe("toCsv", () => {
  it("writes a header row and one row per record, with CRLF line ends", () => {
    const csv = toCsv([{ name: "Bath Practice", value: 3 }], [...columns]);
    expect(csv).toBe('"Organisation","Value"\r\n"Bath Practice",3\r\n');
  });

  it("neutralises text that a spreadsheet would run as a formula", () => {
    const rows = ["=SUM(A1)", "+1", "-cmd", "@x", "\tTAB", "\rCR", '=HYPERLINK("http://evil.example")'].map((name) => ({
      name,
      value: 1,
    }));
    const read = cells(toCsv(rows, [...columns])).slice(1).map(([name]) => name);
    expect(read).toEqual(["'=SUM(A1)", "'+1", "'-cmd", "'@x", "'\tTAB", "'\rCR", `'=HYPERLINK("http://evil.example")`]);
  });

  it("leaves ordinary text alone, including formula characters after the first", () => {
    const read = cells(toCsv([{ name: "A=B+C", value: 1 }, { name: "O'Neill", value: 2 }], [...columns]));
    expect(read.slice(1).map(([name]) => name)).toEqual(["A=B+C", "O'Neill"]);
  });

  it("keeps numbers as numbers, negative ones included", () => {
    const csv = toCsv(
      [{ name: "x", value: -3 }, { name: "y", value: 0 }, { name: "z", value: 12.5 }],
      [...columns],
    );
    expect(csv).toContain('"x",-3\r\n');
    expect(csv).toContain('"y",0\r\n');
    expect(csv).toContain('"z",12.5\r\n');
    expect(csv).not.toContain("'-3");
  });

  it("escapes quotes, commas and line breaks so each value stays in its cell", () => {
    const name = 'Smith, "Jones"\nand Partners';
    const csv = toCsv([{ name, value: 1 }], [...columns]);
    expect(csv).toContain('"Smith, ""Jones""\nand Partners"');
    expect(cells(csv)[1]).toEqual([name, "1"]);
  });

  it("writes empty cells for missing values and words for booleans", () => {
    const csv = toCsv(
      [{ name: null, value: undefined, live: true }, { name: "", value: Number.NaN, live: false }],
      [...columns, { key: "live", header: "Live" }],
    );
    expect(cells(csv).slice(1)).toEqual([
      ["", "", "Yes"],
      ["", "", "No"],
    ]);
  });

  it("only writes the columns asked for, in their order", () => {
    const csv = toCsv([{ name: "A", value: 1, secret: "do not export" }], [
      { key: "value", header: "Value" },
      { key: "name", header: "Organisation" },
    ]);
    expect(cells(csv)).toEqual([
      ["Value", "Organisation"],
      ["1", "A"],
    ]);
    expect(csv).not.toContain("do not export");
  });
});

describe("csvResponse", () => {
  it("sends a UTF-8 CSV attachment that starts with a byte order mark", async () => {
    const response = csvResponse("organisations-2025-03-31.csv", toCsv([{ name: "Ysbyty Gwynedd – Bangor", value: 1 }], [...columns]));
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="organisations-2025-03-31.csv"');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toContain("Ysbyty Gwynedd – Bangor");
  });

  it("keeps the file name out of header trouble", () => {
    const response = csvResponse('a"b\r\nSet-Cookie: x=1', "");
    const disposition = response.headers.get("Content-Disposition") ?? "";
    expect(disposition).toBe('attachment; filename="a-b-Set-Cookie-x-1.csv"');
  });
});
