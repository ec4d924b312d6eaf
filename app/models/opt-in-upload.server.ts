import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import type { Statement } from "better-sqlite3";
import { eq, sql } from "drizzle-orm";
import { organisations } from "../../db/schema";
import { connection, getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";
import { failpoint } from "~/lib/failpoints.server";
import { monthOf } from "~/lib/dates";
import { getReportingDate } from "~/models/settings.server";
import { optInReturnsChanged } from "./consent.read-model.server";
import { NOT_CSV_MESSAGE } from "./consent.labels";
import { OPT_IN_UPLOAD_DIR as UPLOAD_DIR } from "./opt-in-upload-folder.server";
import { checkOptInReturnFile, checkOptInReturnStream, inspectReturnFile, type RejectedReturnRow, type ReturnFileCheck, type ValidReturnRow } from "./opt-in-return-file.server";

// Monthly opt-in return upload: check the file and preview what it would do, then import it on
// confirmation (the upload page runs both in a worker thread: opt-in-import.server.ts).
//
// The preview checks the file row by row into a temporary table of its connection (the staging
// table), marks each row new, unchanged or replacing, and keeps the file itself (private, 30
// minutes) until the same user confirms. The confirm on the same connection imports the rows
// already staged: their marks still hold when the returns' change counter has not moved since the
// preview, and are worked out again in the transaction when it has. Anywhere else (another server
// process, or the worker thread was restarted) the confirm checks the kept file again first. Either
// way no step holds the file's rows as JavaScript objects.

type Figures = Pick<ValidReturnRow, "registered" | "optedIn" | "declined" | "notAsked" | "nationalOptOuts">;
export type ReplacedReturn = { line: number; odsCode: string; month: string; before: Figures; after: Figures };

/** A preview can be confirmed for this long. */
export const UPLOAD_TTL_MS = 30 * 60 * 1000;
const PREVIEW_LIMIT = 100;

/** Whose a previewed upload is, kept beside the file itself ({id}.json and {id}.csv). */
type StoredUpload = { userId: number; createdAt: number; fileName: string; rows: number };

function storedFiles(uploadId: string) {
  return { meta: path.join(UPLOAD_DIR, `${uploadId}.json`), csv: path.join(UPLOAD_DIR, `${uploadId}.csv`) };
}

/** Removes previews nobody confirmed in time. */
function sweepExpiredUploads() {
  if (!fs.existsSync(UPLOAD_DIR)) return;
  for (const name of fs.readdirSync(UPLOAD_DIR)) {
    const file = path.join(UPLOAD_DIR, name);
    try {
      if (Date.now() - fs.statSync(file).mtimeMs > UPLOAD_TTL_MS) fs.rmSync(file, { force: true });
    } catch {
      // removed by another request meanwhile
    }
  }
}

/** A stored upload's owner and counts, or null when it is missing or unreadable. */
function readStoredUpload(uploadId: string): StoredUpload | null {
  try {
    return JSON.parse(fs.readFileSync(storedFiles(uploadId).meta, "utf8")) as StoredUpload;
  } catch {
    return null;
  }
}

/** Rows a staging insert takes at once (9 values each, under SQLite's 32,766 parameters; 1,000 took a fifth less time than 200). */
const STAGE_CHUNK = 1_000;
const STAGE_COLUMNS = 9;

/** The returns' change counter (db/change-counters.ts): it moves whenever any return is written. */
function returnsVersion(db: DbOrTx) {
  return db.get<{ version: number } | undefined>(sql`select version from table_versions where name = 'opt_in_returns'`)?.version ?? null;
}

/**
 * Which upload each connection's staging table holds, and the returns' counter its marks were
 * worked out at (undefined: not known to be of one moment, so they are worked out again).
 */
const held = new WeakMap<object, { uploadId: string | null; stagingFrom: number | null; markedAt: number | null | undefined; counted?: StagedCounts; replacing?: StagedReplacement[] }>();

type StagedCounts = { rows: number; added: number; replaced: number; unchanged: number; firstMonth: string | null; lastMonth: string | null };
type StagedReplacement = { line: number; odsCode: string | null; organisationId: number; month: string; registered: number; optedIn: number; declined: number; notAsked: number; nationalOptOuts: number | null; newRegistered: number; newOptedIn: number; newDeclined: number; newNotAsked: number; newNationalOptOuts: number | null };

/**
 * An upload's rows in a temporary table of this connection (temp.opt_in_upload_rows), written 1,000
 * at a time as they are checked, each marked against the return kept now as it is written (one
 * look-up in the same statement; a second pass to mark them cost more than writing them): kind 0
 * new, 1 unchanged, 2 replacing different figures, with the figures and the id of the return it replaces (for the audit,
 * the preview and the read models' totals). Prepared statements on the raw connection (the one getDb() and transaction() use):
 * building SQL per chunk through drizzle cost more than SQLite's work. A temporary table is private
 * to the connection and is not the database file: a preview still changes nothing.
 */
class UploadStaging {
  private readonly sqlite = connection().sqlite;
  private readonly values: unknown[] = [];
  private many: Statement | undefined;

  private constructor() {
    this.sqlite.exec(`create temp table if not exists opt_in_upload_rows (
      organisation_id integer not null, month text not null, registered integer not null, opted_in integer not null, declined integer not null,
      not_asked integer not null, national_opt_outs integer, line integer not null, ods_code text, kind integer not null default 0,
      old_registered integer, old_opted_in integer, old_declined integer, old_not_asked integer, old_national_opt_outs integer, return_id integer,
      primary key (organisation_id, month)) without rowid`);
  }

  /** The INSERT for `rows` rows, each looked up in the kept returns as it is written. */
  private insert(rows: number) {
    const row = `(${Array(STAGE_COLUMNS).fill("?").join(", ")})`;
    return this.sqlite.prepare(`insert into temp.opt_in_upload_rows
      select v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8, v.column9,
        case when r.id is null then 0 when r.registered = v.column3 and r.opted_in = v.column4 and r.declined = v.column5 and r.not_asked = v.column6
          and r.national_opt_outs is v.column7 then 1 else 2 end,
        r.registered, r.opted_in, r.declined, r.not_asked, r.national_opt_outs, r.id
      from (values ${Array(rows).fill(row).join(", ")}) v left join opt_in_returns r on r.organisation_id = v.column1 and r.month = v.column2`);
  }

  /** An empty staging table, for a new file. */
  static empty() {
    const staging = new UploadStaging();
    staging.sqlite.exec("delete from temp.opt_in_upload_rows");
    held.set(staging.sqlite, { uploadId: null, stagingFrom: returnsVersion(getDb()), markedAt: undefined });
    return staging;
  }

  /** The staging table when it holds this upload's rows (previewed on this connection), else null. */
  static holding(uploadId: string) {
    const sqlite = connection().sqlite;
    return held.get(sqlite)?.uploadId === uploadId ? new UploadStaging() : null;
  }

  add(organisationId: number, month: string, registered: number, optedIn: number, declined: number, notAsked: number, nationalOptOuts: number | null, line: number, odsCode: string | null) {
    this.values.push(organisationId, month, registered, optedIn, declined, notAsked, nationalOptOuts, line, odsCode);
    if (this.values.length === STAGE_CHUNK * STAGE_COLUMNS) {
      (this.many ??= this.insert(STAGE_CHUNK)).run(this.values);
      this.values.length = 0;
    }
  }

  /**
   * Writes the rows still buffered. The marks made while writing are of one moment when no return
   * was written meanwhile (the counter read before the first row and after the last agree).
   */
  flush() {
    if (this.values.length) this.insert(this.values.length / STAGE_COLUMNS).run(this.values);
    this.values.length = 0;
    const state = held.get(this.sqlite)!;
    const now = returnsVersion(getDb());
    if (now === state.stagingFrom) state.markedAt = now;
  }

  /** Marks every row again against the returns kept now, unless its marks are of the returns' current counter (call in a transaction). */
  mark(db: DbOrTx) {
    const state = held.get(this.sqlite)!;
    const version = returnsVersion(db);
    if (state.markedAt === version) return;
    state.counted = state.replacing = undefined;
    this.sqlite.exec(`update temp.opt_in_upload_rows set kind = 0, old_registered = null, old_opted_in = null, old_declined = null, old_not_asked = null, old_national_opt_outs = null, return_id = null`);
    this.sqlite.exec(`update temp.opt_in_upload_rows as s
      set kind = case when r.registered = s.registered and r.opted_in = s.opted_in and r.declined = s.declined and r.not_asked = s.not_asked
        and r.national_opt_outs is s.national_opt_outs then 1 else 2 end,
        old_registered = r.registered, old_opted_in = r.opted_in, old_declined = r.declined, old_not_asked = r.not_asked, old_national_opt_outs = r.national_opt_outs,
        return_id = r.id
      from opt_in_returns r where r.organisation_id = s.organisation_id and r.month = s.month`);
    state.markedAt = version;
  }

  /** Ties the staged rows to a stored upload, so its confirm on this connection can use them. */
  hold(uploadId: string) {
    held.get(this.sqlite)!.uploadId = uploadId;
  }

  /** Forgets the staged rows (they are cleared when the next file is staged). */
  release() {
    held.delete(this.sqlite);
  }

  /** The staged rows' counts and months (kept with the marks: a confirm reuses its preview's while they hold). */
  summary(db: DbOrTx) {
    const state = held.get(this.sqlite)!;
    return (state.counted ??= db.get<StagedCounts>(
      sql`select count(*) as rows, coalesce(sum(kind = 0), 0) as added, coalesce(sum(kind = 2), 0) as replaced, coalesce(sum(kind = 1), 0) as unchanged,
        min(month) as firstMonth, max(month) as lastMonth from temp.opt_in_upload_rows`,
    )!);
  }

  /** The first PREVIEW_LIMIT replacing rows in file order, with the figures they replace (kept with the marks, as the summary). */
  replacements(db: DbOrTx) {
    const state = held.get(this.sqlite)!;
    return (state.replacing ??= db.all<StagedReplacement>(
      sql`select line, ods_code as odsCode, organisation_id as organisationId, month, old_registered as registered, old_opted_in as optedIn, old_declined as declined,
          old_not_asked as notAsked, old_national_opt_outs as nationalOptOuts, registered as newRegistered, opted_in as newOptedIn, declined as newDeclined,
          not_asked as newNotAsked, national_opt_outs as newNationalOptOuts
        from temp.opt_in_upload_rows where kind = 2 order by line limit ${PREVIEW_LIMIT}`,
    ));
  }
}

export type UploadPreview =
  | { ok: false; fileError: string }
  | {
      ok: true;
      /** Set when there is something to import and nothing was rejected. */
      uploadId: string | null;
      fileName: string;
      rows: number;
      toAdd: number;
      toReplace: number;
      unchanged: number;
      rejectedCount: number;
      months: { first: string; last: string } | null;
      /** The first 100 of each, in file order. */
      replacements: ReplacedReturn[];
      rejected: RejectedReturnRow[];
      reportingMonth: string;
    };

/** Practices by ODS code, for checking a file (id and code only). */
function practiceIds(db: DbOrTx) {
  const rows = db.select({ id: organisations.id, odsCode: organisations.odsCode }).from(organisations).where(eq(organisations.type, "gp_practice")).all();
  return new Map(rows.map((r) => [r.odsCode.toUpperCase(), r.id]));
}

function stageValidRow(staging: UploadStaging) {
  return (r: ValidReturnRow) => staging.add(r.organisationId, r.month, r.registered, r.optedIn, r.declined, r.notAsked, r.nationalOptOuts, r.line, r.odsCode);
}

/** Checks a stored or uploaded file, streamed, into an empty staging table. */
async function stageFile(filePath: string) {
  const db = getDb();
  const reportingMonth = monthOf(getReportingDate(db));
  const staging = UploadStaging.empty();
  const { text, quoted } = inspectReturnFile(filePath);
  if (!text) return { staging, check: { ok: false, fileError: NOT_CSV_MESSAGE } satisfies ReturnFileCheck, reportingMonth };
  const input: Readable = fs.createReadStream(filePath, { highWaterMark: 256 * 1024 });
  const check = await checkOptInReturnStream({ input, practiceIdByOdsCode: practiceIds(db), reportingMonth, onValid: stageValidRow(staging), quoted });
  if (check.ok) staging.flush();
  return { staging, check, reportingMonth };
}

/**
 * Checks an uploaded return file and says what confirming it would do. Nothing in the database
 * changes: the file waits in a private temporary folder (named by a random id, tied to the user,
 * kept 30 minutes) until the same user confirms. A file with any rejected row cannot be imported:
 * the whole file is fixed and uploaded again.
 */
export function previewOptInUpload({ userId, fileName, text }: { userId: number; fileName: string; text: string }): UploadPreview {
  const db = getDb();
  const reportingMonth = monthOf(getReportingDate(db));
  const staging = UploadStaging.empty();
  const check = checkOptInReturnFile({ text, practiceIdByOdsCode: practiceIds(db), reportingMonth, onValid: stageValidRow(staging) });
  if (check.ok) staging.flush();
  return previewFromStaging({ userId, fileName, reportingMonth, check, staging, keep: (file) => fs.writeFileSync(file, text, { mode: 0o600 }) });
}

/** previewOptInUpload for a file on disk, streamed (what the import worker thread runs); the file is moved into the stored upload or removed. */
export async function previewOptInUploadFile({ userId, fileName, filePath }: { userId: number; fileName: string; filePath: string }): Promise<UploadPreview> {
  try {
    const { staging, check, reportingMonth } = await stageFile(filePath);
    return previewFromStaging({ userId, fileName, reportingMonth, check, staging, keep: (file) => fs.renameSync(filePath, file) });
  } finally {
    fs.rmSync(filePath, { force: true });
  }
}

function previewFromStaging({
  userId,
  fileName,
  reportingMonth,
  check,
  staging,
  keep,
}: {
  userId: number;
  fileName: string;
  reportingMonth: string;
  check: ReturnFileCheck;
  staging: UploadStaging;
  keep: (file: string) => void;
}): UploadPreview {
  if (!check.ok) return check;
  const db = getDb();
  // One read transaction: the marks, the counts and the returns' counter they were worked out at are of one moment.
  const { staged, replacements } = connection().sqlite.transaction(() => {
    staging.mark(db);
    return { staged: staging.summary(db), replacements: staging.replacements(db) };
  })();
  let uploadId: string | null = null;
  if (check.rejectedCount === 0 && staged.added + staged.replaced > 0) {
    sweepExpiredUploads();
    uploadId = crypto.randomUUID();
    fs.mkdirSync(UPLOAD_DIR, { recursive: true, mode: 0o700 });
    const files = storedFiles(uploadId);
    keep(files.csv);
    const stored: StoredUpload = { userId, createdAt: Date.now(), fileName, rows: check.rows };
    fs.writeFileSync(files.meta, JSON.stringify(stored), { mode: 0o600 });
    staging.hold(uploadId);
  }
  return {
    ok: true,
    uploadId,
    fileName,
    rows: check.rows,
    toAdd: staged.added,
    toReplace: staged.replaced,
    unchanged: staged.unchanged,
    rejectedCount: check.rejectedCount,
    months: staged.firstMonth && staged.lastMonth ? { first: staged.firstMonth, last: staged.lastMonth } : null,
    replacements: replacements.map((r) => ({
      line: r.line,
      odsCode: r.odsCode ?? "",
      month: r.month,
      before: { registered: r.registered, optedIn: r.optedIn, declined: r.declined, notAsked: r.notAsked, nationalOptOuts: r.nationalOptOuts },
      after: { registered: r.newRegistered, optedIn: r.newOptedIn, declined: r.newDeclined, notAsked: r.newNotAsked, nationalOptOuts: r.newNationalOptOuts },
    })),
    rejected: check.rejected.slice(0, PREVIEW_LIMIT),
    reportingMonth,
  };
}

export type UploadResult = { ok: true; added: number; replaced: number; unchanged: number } | { ok: false; error: string };

/** Each changed return's change to the monthly totals (for optInReturnsChanged), from the marked staging table. */
const STAGED_DELTAS = sql`select organisation_id, month, registered - coalesce(old_registered, 0) as registered, opted_in - coalesce(old_opted_in, 0) as opted_in,
    declined - coalesce(old_declined, 0) as declined, not_asked - coalesce(old_not_asked, 0) as not_asked, kind = 0 as practices,
    coalesce(national_opt_outs, 0) - coalesce(old_national_opt_outs, 0) as national_opt_outs,
    (national_opt_outs is not null) - (kind = 2 and old_national_opt_outs is not null) as national_practices
  from temp.opt_in_upload_rows where kind <> 1`;

/**
 * Imports a previewed upload: all or nothing in one transaction, one audit row for the whole
 * file. Rows are marked again inside the transaction if any return changed since the preview, so
 * a return that someone else changed meanwhile is counted correctly and an identical row is never
 * rewritten. Set-based: one UPDATE … FROM writes the replacing rows and one INSERT … SELECT the
 * new ones from the staging table, and the read models are brought up to date from the same table.
 */
export async function confirmOptInUpload({ actor, userId, uploadId }: { actor: Actor; userId: number; uploadId: string }): Promise<UploadResult> {
  const expired = { ok: false as const, error: "This preview has expired or was not found: upload the file again" };
  if (!/^[0-9a-f-]{36}$/.test(uploadId)) return expired;
  const stored = readStoredUpload(uploadId);
  if (!stored || stored.userId !== userId || Date.now() - stored.createdAt > UPLOAD_TTL_MS) return expired;
  const files = storedFiles(uploadId);
  let staging = UploadStaging.holding(uploadId);
  if (!staging) {
    // Previewed by another server process, or this thread was restarted since: check the kept file again.
    if (!fs.existsSync(files.csv)) return expired;
    const again = await stageFile(files.csv);
    if (!again.check.ok || again.check.rejectedCount > 0) {
      return { ok: false, error: "The file no longer passes its checks (practices or the reporting date changed since the preview): upload it again to see which rows" };
    }
    staging = again.staging;
    staging.hold(uploadId);
  }
  const holding = staging;
  const result = transaction((tx) => {
    const reportingMonth = monthOf(getReportingDate(tx));
    holding.mark(tx);
    const staged = holding.summary(tx);
    if (staged.lastMonth && staged.lastMonth > reportingMonth) return { ok: false as const, error: "The reporting date changed since the preview: upload the file again" };
    // The before figures of replaced returns are kept for the first 100 (in file order); the counts cover all.
    const replacedBefore = holding
      .replacements(tx)
      .map(({ organisationId, month, registered, optedIn, declined, notAsked, nationalOptOuts }) => ({ organisationId, month, registered, optedIn, declined, notAsked, nationalOptOuts }));
    // Replacing rows update the return they were marked against, by its id (a quarter less time than
    // an upsert, which looks each one up by practice and month again); new rows are inserted. On the
    // raw connection, so a broken CHECK reaches the caller as SQLite's own error.
    const uploadedAt = new Date().toISOString();
    connection()
      .sqlite.prepare(
        `update opt_in_returns as r set registered = s.registered, opted_in = s.opted_in, declined = s.declined, not_asked = s.not_asked,
          national_opt_outs = s.national_opt_outs, uploaded_by = ?, uploaded_at = ?
        from temp.opt_in_upload_rows s where s.kind = 2 and r.id = s.return_id`,
      )
      .run(actor.userId, uploadedAt);
    connection()
      .sqlite.prepare(
        `insert into opt_in_returns (organisation_id, month, registered, opted_in, declined, not_asked, national_opt_outs, uploaded_by, uploaded_at)
        select organisation_id, month, registered, opted_in, declined, not_asked, national_opt_outs, ?, ? from temp.opt_in_upload_rows where kind = 0`,
      )
      .run(actor.userId, uploadedAt);
    failpoint("import-mid-transaction"); // crash tests only: die with every row written, before commit
    optInReturnsChanged(tx, sql`select organisation_id, month from temp.opt_in_upload_rows where kind <> 1`, { totalsDeltas: STAGED_DELTAS });
    audit(tx, actor, {
      action: "opt_in_returns.upload",
      entityType: "opt_in_upload",
      entityId: uploadId,
      before: replacedBefore.length ? { replaced: replacedBefore } : null,
      after: { fileName: stored.fileName, rows: staged.rows, added: staged.added, replaced: staged.replaced, unchanged: staged.unchanged, firstMonth: staged.firstMonth ?? undefined, lastMonth: staged.lastMonth ?? undefined },
    });
    return { ok: true as const, added: staged.added, replaced: staged.replaced, unchanged: staged.unchanged };
  });
  // Used up, imported or not (a failure that threw leaves it to be tried again).
  holding.release();
  fs.rmSync(files.meta, { force: true });
  fs.rmSync(files.csv, { force: true });
  return result;
}
