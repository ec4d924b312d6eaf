import { parse } from "csv-parse/sync";
import { parse as parseStream } from "csv-parse";
import Papa from "papaparse";
import fs from "node:fs";
import { Transform, type Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { formatMonth } from "~/lib/dates";
import { isAcceptedReturnRow, OPT_IN_CSV_HEADER, OPT_IN_CSV_NATIONAL_COLUMN, OptInReturnCsvRowSchema, type OptInReturnCsvRow } from "~/models/consent.schema";

// Checking a monthly opt-in return file, row by row as it is parsed: pure (no database; the caller
// passes the practices by ODS code). opt-in-upload.server.ts stages what it accepts.

export type ValidReturnRow = {
  line: number;
  organisationId: number;
  odsCode: string;
  month: string;
  registered: number;
  optedIn: number;
  declined: number;
  notAsked: number;
  nationalOptOuts: number | null;
};
export type RejectedReturnRow = { line: number; odsCode: string; month: string; reason: string };
export type ReturnFileCheck =
  | { ok: false; fileError: string }
  | { ok: true; valid: ValidReturnRow[]; /** The first 1,000 rejected rows, in file order. */ rejected: RejectedReturnRow[]; rejectedCount: number; rows: number };

/** Rejected rows kept with their reasons (the preview shows 100): a 20 MB file of bad rows is not held whole. */
const REJECTED_KEPT = 1_000;

const CSV_READ_ERROR = (line?: number) =>
  `The file could not be read as CSV${line ? ` (near line ${line})` : ""}: save it from your spreadsheet as "CSV (comma delimited)" and upload it again`;

/**
 * Checks return rows one at a time, as they are parsed (from a string or a stream): the header,
 * then every row (numbers, month, the sum, a known practice, not after the reporting month, no
 * duplicate practice and month). Pure: the caller passes the practices by ODS code.
 */
class ReturnRowChecker {
  private header: string[] | null = null;
  private withNational = false;
  private fileError: string | null = null;
  private rows = 0;
  /**
   * Each practice's months in the file, with the line each was first on: small whole numbers as
   * keys (one number per practice and month took 37 MiB for a 20 MB file's 567,000 rows, this 22).
   */
  private readonly seen = new Map<number, Map<number, number>>();
  readonly valid: ValidReturnRow[] = [];
  readonly rejected: RejectedReturnRow[] = [];
  private rejectedCount = 0;
  private readonly latestAllowed: string;
  private line = 0;

  constructor(
    private readonly practiceIdByOdsCode: ReadonlyMap<string, number>,
    private readonly reportingMonth: string,
    /** Given, valid rows go here as they are checked (and `valid` stays empty): a large file is never held as objects. */
    private readonly onValid?: (row: ValidReturnRow) => void,
    /** False when the file has no double quote: then no value can hold a line break. */
    private readonly quoted = true,
  ) {
    this.latestAllowed = formatMonth(reportingMonth);
  }

  /**
   * Takes the next parsed record (blank lines included, as both readers give them; csv-parse's without its
   * per-record info objects, which cost half its time) and works out its line number: one line
   * per record plus any line breaks inside its quoted values. False once the file is refused as a
   * whole (stop reading).
   */
  addRecord(cells: string[]): boolean {
    this.line++;
    if (this.quoted) for (const cell of cells) if (cell.includes("\n") || cell.includes("\r")) this.line += (cell.match(/\r\n|\r|\n/g) ?? []).length;
    if (cells.length === 1 && cells[0]!.trim() === "") return true; // a blank line
    return this.add(cells, this.line);
  }

  private add(cells: string[], line: number): boolean {
    if (this.fileError) return false;
    if (!this.header) return this.readHeader(cells);
    this.rows++;
    this.checkRow(cells, line);
    return true;
  }

  private readHeader(cells: string[]) {
    const expected = OPT_IN_CSV_HEADER.join(",");
    const header = cells.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, "") : h).trim().toLowerCase());
    this.withNational = header.length === OPT_IN_CSV_HEADER.length + 1 && header[OPT_IN_CSV_HEADER.length] === OPT_IN_CSV_NATIONAL_COLUMN;
    if (!OPT_IN_CSV_HEADER.every((name, i) => header[i] === name) || (header.length !== OPT_IN_CSV_HEADER.length && !this.withNational)) {
      this.fileError = `Line 1 must be the header ${expected} (optionally followed by ,${OPT_IN_CSV_NATIONAL_COLUMN}); this file starts with "${cells.join(",").slice(0, 120)}"`;
      return false;
    }
    this.header = header;
    return true;
  }

  private reject(line: number, cells: string[], reason: string) {
    if (++this.rejectedCount <= REJECTED_KEPT) this.rejected.push({ line, odsCode: (cells[0] ?? "").trim().toUpperCase(), month: (cells[1] ?? "").trim(), reason });
  }

  private checkRow(cells: string[], line: number) {
    const header = this.header!;
    if (cells.length !== header.length) return this.reject(line, cells, `has ${cells.length} values; every line needs ${header.length} (${header.join(",")})`);
    // csv-parse trims around delimiters; a quoted value keeps its spaces, which a return's cells never need.
    const row: OptInReturnCsvRow = {
      ods_code: cells[0]!.trim(),
      month: cells[1]!.trim(),
      registered: cells[2]!.trim(),
      opted_in: cells[3]!.trim(),
      declined: cells[4]!.trim(),
      not_asked: cells[5]!.trim(),
      national_opt_outs: this.withNational ? cells[6]!.trim() : undefined,
    };
    // The schema's rules without zod for the usual, valid row; zod for a refused row's message.
    if (!isAcceptedReturnRow(row)) {
      const parsed = OptInReturnCsvRowSchema.safeParse(row);
      if (!parsed.success) return this.reject(line, cells, parsed.error.issues[0]!.message);
    }
    const odsCode = row.ods_code.toUpperCase();
    const organisationId = this.practiceIdByOdsCode.get(odsCode);
    if (organisationId === undefined) return this.reject(line, cells, `no GP practice in the partnership has the ODS code ${odsCode}`);
    if (row.month > this.reportingMonth) return this.reject(line, cells, `month ${row.month} is after the reporting date's month (${this.latestAllowed}): returns can only be for months that have started`);
    let months = this.seen.get(organisationId);
    if (!months) this.seen.set(organisationId, (months = new Map()));
    const month = monthNumber(row.month);
    const firstLine = months.get(month);
    if (firstLine !== undefined) return this.reject(line, cells, `duplicates line ${firstLine}: ${odsCode} has more than one return for ${row.month} in this file`);
    months.set(month, line);
    const valid: ValidReturnRow = {
      line,
      organisationId,
      odsCode,
      month: row.month,
      registered: Number(row.registered),
      optedIn: Number(row.opted_in),
      declined: Number(row.declined),
      notAsked: Number(row.not_asked),
      nationalOptOuts: row.national_opt_outs ? Number(row.national_opt_outs) : null,
    };
    if (this.onValid) this.onValid(valid);
    else this.valid.push(valid);
  }


  result(): ReturnFileCheck {
    if (this.fileError) return { ok: false, fileError: this.fileError };
    if (!this.header) return { ok: false, fileError: `Line 1 must be the header ${OPT_IN_CSV_HEADER.join(",")} (optionally followed by ,${OPT_IN_CSV_NATIONAL_COLUMN}); this file is empty` };
    if (this.rows === 0) return { ok: false, fileError: "The file has a header but no returns: add one row per practice and month" };
    return { ok: true, valid: this.valid, rejected: this.rejected, rejectedCount: this.rejectedCount, rows: this.rows };
  }
}

// Blank lines are kept (ReturnRowChecker.addRecord skips them and counts every line).
const CSV_OPTIONS = { relax_column_count: true, skip_empty_lines: false, trim: true, bom: true } as const;
/**
 * A file with no double quote (what spreadsheets save for a return: codes, months and numbers) is
 * read by Papa Parse, whose reader for quote-free text splits at line ends and commas: a national
 * return (75,600 rows) in 30-45 ms against csv-parse's 140 ms, the largest single step of the
 * preview. Without quotes CSV has nothing else to read (no value can hold a comma or a line
 * break), and csv-parse's trim matters only around quoted values, as the checker trims every value
 * itself; tests/unit/opt-in-return-file.test.ts checks the two read random quote-free files alike.
 * A file with any double quote still goes through csv-parse, which also reports a broken quote.
 * The delimiter is fixed (Papa Parse would otherwise guess one); the line end is the file's own
 * (\r\n, \n or \r, from its first line).
 */
const UNQUOTED_CSV_OPTIONS = { delimiter: ",", fastMode: true, skipEmptyLines: false } as const;

/** What a return file is checked against, and who is given each valid row as it is checked. */
type ReturnFileCheckArgs = {
  practiceIdByOdsCode: ReadonlyMap<string, number>;
  reportingMonth: string;
  onValid?: (row: ValidReturnRow) => void;
};

/**
 * What reading a file on disk needs to know first, a megabyte at a time (about 1 ms for a national
 * return, 20-30 ms for a 20 MB file, in the import thread): whether it is text (UTF-8 throughout, no
 * NUL character; anything else is a spreadsheet's own format or not a file of returns at all) and
 * whether it has a double quote anywhere (else no value can hold a comma or a line break).
 */
export function inspectReturnFile(filePath: string): { text: boolean; quoted: boolean } {
  const fd = fs.openSync(filePath, "r");
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    const decoder = new TextDecoder("utf-8", { fatal: true });
    let quoted = false;
    for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; ) {
      const chunk = buffer.subarray(0, read);
      if (chunk.includes(0)) return { text: false, quoted };
      quoted ||= chunk.includes(0x22);
      decoder.decode(chunk, { stream: true });
    }
    decoder.decode();
    return { text: true, quoted };
  } catch (error) {
    if (error instanceof TypeError) return { text: false, quoted: false }; // not UTF-8
    throw error;
  } finally {
    fs.closeSync(fd);
  }
}

/** Checks a return file's text (see ReturnRowChecker). */
export function checkOptInReturnFile({ text, practiceIdByOdsCode, reportingMonth, onValid }: ReturnFileCheckArgs & { text: string }): ReturnFileCheck {
  let records: string[][];
  const quoted = text.includes('"');
  try {
    records = quoted ? (parse(text, CSV_OPTIONS) as string[][]) : Papa.parse<string[]>(text, UNQUOTED_CSV_OPTIONS).data;
  } catch (error) {
    return { ok: false, fileError: CSV_READ_ERROR((error as { lines?: number }).lines) };
  }
  const checker = new ReturnRowChecker(practiceIdByOdsCode, reportingMonth, onValid, quoted);
  for (const record of records) if (!checker.addRecord(record)) break;
  return checker.result();
}

/**
 * The same check over a stream (csv-parse's stream API, or Papa Parse's for a file with no double
 * quote): the file is never held whole in memory. Records are taken as 'data' events, each checked
 * as it is parsed (an async iterator's promise per record cost more than checking it).
 */
export async function checkOptInReturnStream({
  input,
  practiceIdByOdsCode,
  reportingMonth,
  onValid,
  quoted = true,
}: ReturnFileCheckArgs & { input: Readable; /** False only when the caller knows the file has no double quote (inspectReturnFile). */ quoted?: boolean }): Promise<ReturnFileCheck> {
  const checker = new ReturnRowChecker(practiceIdByOdsCode, reportingMonth, onValid, quoted);
  // Papa Parse turns each chunk into text by itself, which would split a character whose bytes fall
  // across two chunks: it is given text, decoded across chunk boundaries.
  const text = quoted ? null : utf8Text();
  const parser = quoted ? parseStream(CSV_OPTIONS) : Papa.parse(Papa.NODE_STREAM_INPUT, UNQUOTED_CSV_OPTIONS);
  try {
    await new Promise<void>((resolve, reject) => {
      let stopped = false;
      parser.on("data", (record: string[]) => {
        if (stopped || checker.addRecord(record)) return;
        stopped = true;
        input.unpipe(text ?? parser);
        text?.unpipe(parser);
        parser.destroy();
        resolve();
      });
      parser.on("end", resolve);
      parser.on("error", reject);
      input.on("error", reject);
      if (text) input.pipe(text).pipe(parser);
      else input.pipe(parser);
    });
  } catch (error) {
    return { ok: false, fileError: CSV_READ_ERROR((error as { lines?: number }).lines) };
  } finally {
    input.destroy();
    text?.destroy();
  }
  return checker.result();
}

/**
 * A stream of bytes as UTF-8 text for Papa Parse: a character is never split between two chunks,
 * and the first chunk reaches past the first line end (Papa Parse takes the file's line end, \r\n,
 * \n or \r, from the first chunk it is given). A byte order mark is left out, as csv-parse does.
 */
function utf8Text() {
  const decoder = new StringDecoder("utf8");
  let head: string | null = "";
  return new Transform({
    decodeStrings: false,
    encoding: "utf8",
    transform(chunk: Buffer | string, _encoding, done) {
      const text = typeof chunk === "string" ? chunk : decoder.write(chunk);
      if (head === null) return done(null, text);
      head += text;
      // A line end with a character after it (\r then \n is one line end), or a first line of over a megabyte.
      if (!/[\r\n][^]/.test(head) && head.length < 1 << 20) return done();
      const first = head;
      head = null;
      done(null, withoutByteOrderMark(first));
    },
    flush(done) {
      done(null, head === null ? decoder.end() : withoutByteOrderMark(head + decoder.end()));
    },
  });
}

function withoutByteOrderMark(text: string) {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A YYYY-MM month as one small whole number (a Map key without building strings). */
function monthNumber(month: string) {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));
}
