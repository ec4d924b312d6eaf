// Backups and restores of the SQLite file: a consistent online copy (SQLite's backup API) that is
// checked (integrity_check and the audit verdict) before anyone relies on it; a restore that
// refuses a database a running server holds and records itself in the audit log and the
// checkpoints; and the server's daily backup with a retention count.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { openDatabase, openDatabaseReadOnly } from "../../db/client";
import { audit } from "./audit.server";
import { auditHead, writeCheckpoint } from "./audit-checkpoints.server";
import { plural, restoreAuditTriggers, verifyAudit, type AuditVerdict } from "./audit-verify.server";
import { reliabilitySettings, type ReliabilitySettings } from "./env.server";

type Log = (line: string) => void;

export type FileCheck = { ok: boolean; integrity: string[]; verdict: AuditVerdict; problems: string[] };

/** integrity_check and the audit verdict of a database file, opened read-only. */
export function checkDatabaseFile(file: string, options: { mode: "live" | "backup"; settings?: ReliabilitySettings }): FileCheck {
  const conn = openDatabaseReadOnly(file);
  try {
    const integrity = (conn.sqlite.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check);
    const verdict = verifyAudit(conn.db, { mode: options.mode, settings: options.settings });
    const problems = [
      ...(integrity.length === 1 && integrity[0] === "ok" ? [] : [`SQLite's integrity_check found damage: ${integrity.slice(0, 5).join("; ")}`]),
      ...verdict.problems,
    ];
    return { ok: problems.length === 0, integrity, verdict, problems };
  } finally {
    conn.sqlite.close();
  }
}

export class BackupError extends Error {}

export type BackupResult = { file: string; bytes: number; rows: number; head: string; check: FileCheck };

/**
 * Copies the database while the server keeps running. The copy is taken in one step of SQLite's
 * online backup (a consistent snapshot: a write by another process between small steps would
 * restart it), turned into a single self-contained file, checked, and only then given its name.
 */
export async function backupDatabase({ target, settings = reliabilitySettings() }: { target: string; settings?: ReliabilitySettings }): Promise<BackupResult> {
  const file = path.resolve(target);
  if (!fs.existsSync(settings.databasePath)) throw new BackupError(`There is no database at ${settings.databasePath} to back up: set DATABASE_PATH.`);
  if (fs.existsSync(file)) throw new BackupError(`${file} already exists: choose a new file name (a backup never overwrites one).`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial-${process.pid}`;
  const source = new Database(settings.databasePath, { readonly: true, fileMustExist: true });
  try {
    source.pragma("busy_timeout = 5000");
    await source.backup(partial, { progress: ({ totalPages }) => Math.max(totalPages, 100) });
  } finally {
    source.close();
  }
  try {
    const copy = new Database(partial);
    copy.pragma("journal_mode = DELETE");
    const head = auditHead(copy);
    copy.close();
    const check = checkDatabaseFile(partial, { mode: "backup", settings });
    if (!check.ok) throw new BackupError(`The copy failed its checks and was not kept:\n${check.problems.map((p) => `- ${p}`).join("\n")}`);
    fs.chmodSync(partial, 0o600); // it holds everything the database holds, password hashes included
    fs.renameSync(partial, file);
    // The live database had exactly these rows when the copy was taken: anchor them too.
    const live = new Database(settings.databasePath, { readonly: true, fileMustExist: true });
    try {
      writeCheckpoint(live, "backup", { settings, head, note: file });
    } finally {
      live.close();
    }
    return { file, bytes: fs.statSync(file).size, rows: head.rows, head: head.head, check };
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

/**
 * True when another process has the database open (a running server holds it from start to exit).
 * SQLite refuses an exclusive lock while any other connection is open on a WAL database.
 */
export function databaseInUse(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const probe = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    probe.pragma("locking_mode = EXCLUSIVE");
    probe.exec("BEGIN EXCLUSIVE");
    probe.exec("COMMIT");
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === "SQLITE_BUSY" || (error as { code?: string }).code === "SQLITE_LOCKED") return true;
    throw error;
  } finally {
    probe.close();
  }
}

export type RestoreResult = {
  databasePath: string;
  from: string;
  movedAsideTo: string | null;
  rows: number;
  replaced: { rows: number; head: string } | null;
  verdict: AuditVerdict;
};

/**
 * Puts a checked backup in place of DATABASE_PATH. The database it replaces is kept beside it
 * (`<file>.before-restore-<time>`); the restore is written to the restored audit log and as a
 * signed "restore" checkpoint that starts a new history, so the restored database verifies while
 * an older copy put in place by hand does not.
 */
export async function restoreDatabase({ from, settings = reliabilitySettings(), log = () => {} }: { from: string; settings?: ReliabilitySettings; log?: Log }): Promise<RestoreResult> {
  const backupFile = path.resolve(from);
  if (!fs.existsSync(backupFile)) throw new BackupError(`There is no backup at ${backupFile}: check the file name.`);
  const check = checkDatabaseFile(backupFile, { mode: "backup", settings });
  if (!check.ok) throw new BackupError(`${backupFile} failed its checks, so nothing was restored:\n${check.problems.map((p) => `- ${p}`).join("\n")}`);
  log(`Checked ${backupFile}: integrity_check ok, audit log verifies (${plural(check.verdict.rows, "row")}).`);

  const target = settings.databasePath;
  if (databaseInUse(target)) {
    throw new BackupError(`A running process (the ShareBoard server?) has ${target} open: stop every server process using it, then run the restore again. Nothing was changed.`);
  }

  let replaced: RestoreResult["replaced"] = null;
  let movedAsideTo: string | null = null;
  if (fs.existsSync(target)) {
    const old = new Database(target, { readonly: true, fileMustExist: true });
    try {
      const head = auditHead(old);
      replaced = { rows: head.rows, head: head.head };
    } catch {
      replaced = null; // not a ShareBoard database, or damaged: it is still kept aside
    } finally {
      old.close();
    }
  }

  fs.mkdirSync(path.dirname(target), { recursive: true });
  const incoming = `${target}.restoring-${process.pid}`;
  fs.copyFileSync(backupFile, incoming);
  if (fs.existsSync(target)) {
    movedAsideTo = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    for (const suffix of ["", "-wal", "-shm"]) {
      if (fs.existsSync(target + suffix)) fs.renameSync(target + suffix, movedAsideTo + suffix);
    }
  }
  fs.renameSync(incoming, target);

  const conn = openDatabase(target); // applies any migration newer than the backup
  try {
    const actor = { userId: null, label: `restore (${os.userInfo().username})` };
    restoreAuditTriggers(conn.db, actor);
    conn.db.transaction(
      (tx) =>
        audit(tx, actor, {
          action: "database.restored",
          entityType: "database",
          entityId: path.basename(target),
          before: replaced ? { ...replaced, keptAs: movedAsideTo } : null,
          after: { from: backupFile, rows: check.verdict.rows, head: check.verdict.head },
        }),
      { behavior: "immediate" },
    );
    writeCheckpoint(conn.sqlite, "restore", { kind: "restore", settings, note: backupFile });
    const verdict = verifyAudit(conn.db, { mode: "live", settings });
    return { databasePath: target, from: backupFile, movedAsideTo, rows: verdict.rows, replaced, verdict };
  } finally {
    conn.sqlite.pragma("wal_checkpoint(TRUNCATE)");
    conn.sqlite.close();
  }
}

const DAILY_NAME = /^(.+)-(\d{4}-\d{2}-\d{2})\.sqlite$/;

/**
 * Once per day across every server process: the first to create that day's lock file (exclusive
 * create) takes the backup into BACKUP_DIR, then the oldest beyond BACKUP_KEEP are removed.
 */
export async function dailyBackupIfDue({ settings = reliabilitySettings(), log, now = new Date() }: { settings?: ReliabilitySettings; log: Log; now?: Date }) {
  if (!settings.backupDir) return null;
  const dir = settings.backupDir;
  fs.mkdirSync(dir, { recursive: true });
  const base = path.basename(settings.databasePath).replace(/\.[^.]+$/, "");
  const name = `${base}-${now.toISOString().slice(0, 10)}.sqlite`;
  const lock = path.join(dir, `.${name}.lock`);
  try {
    fs.writeFileSync(lock, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return null; // another process has it, or it is done
    throw error;
  }
  const target = path.join(dir, name);
  try {
    if (fs.existsSync(target)) return null;
    const result = await backupDatabase({ target, settings });
    log(`Daily backup written to ${result.file} (${plural(result.rows, "audit row")}; integrity_check ok; audit log verifies).`);
    pruneBackups(dir, base, settings.backupKeep, log);
    return result;
  } catch (error) {
    fs.rmSync(lock, { force: true }); // try again at the next hourly check
    log(`Daily backup to ${target} FAILED: ${(error as Error).message}`);
    return null;
  }
}

function pruneBackups(dir: string, base: string, keep: number, log: Log) {
  const daily = fs
    .readdirSync(dir)
    .filter((f) => DAILY_NAME.exec(f)?.[1] === base)
    .sort()
    .reverse();
  for (const old of daily.slice(keep)) {
    fs.rmSync(path.join(dir, old), { force: true });
    fs.rmSync(path.join(dir, `.${old}.lock`), { force: true });
    log(`Removed the old backup ${path.join(dir, old)} (keeping the newest ${keep}).`);
  }
}
