// Anchors the audit chain outside the database. A checkpoint is one JSON line (row count, id and
// hash of the newest row) signed with HMAC-SHA256 under a key kept outside the database, appended
// to an append-only file. Someone who can edit the database but not read the key cannot re-hash
// the chain or remove its newest rows without the checkpoints giving it away.
import fs from "node:fs";
import path from "node:path";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type Database from "better-sqlite3";
import { reliabilitySettings } from "./env.server";

/** A checkpoint after every this many audit rows (checked after each committed transaction). */
export const CHECKPOINT_EVERY_ROWS = 100;
/** ...or after this long since this process's last checkpoint, when rows were added since. */
export const CHECKPOINT_EVERY_MS = 5 * 60 * 1000;

export type CheckpointKind = "checkpoint" | "restore";
export type CheckpointReason = "startup" | "rows" | "daily" | "backup" | "restore" | "manual";

export type Checkpoint = {
  v: 1;
  kind: CheckpointKind;
  reason: CheckpointReason;
  rows: number;
  lastId: number;
  head: string;
  at: string;
  pid: number;
  note: string | null;
};

export type SignedCheckpoint = Checkpoint & { mac: string };

/** The signed text: the fields in a fixed order, so a line verifies whatever order JSON keeps. */
function canonical(c: Checkpoint) {
  return JSON.stringify([c.v, c.kind, c.reason, c.rows, c.lastId, c.head, c.at, c.pid, c.note]);
}

function mac(key: Buffer, c: Checkpoint) {
  return createHmac("sha256", key).update(canonical(c)).digest("hex");
}

/** Reads the audit key; undefined when the file does not exist. */
export function readAuditKey(file = reliabilitySettings().auditKeyFile): Buffer | undefined {
  try {
    const text = fs.readFileSync(file, "utf8").trim();
    if (!/^[0-9a-f]{64,}$/i.test(text)) throw new Error(`The audit key in ${file} is not a hex key of 32 bytes or more: restore the file from your key backup.`);
    return Buffer.from(text, "hex");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * The audit key, generated once (32 random bytes, mode 600) when the file is missing. Several
 * processes may start at once: the key is written to a private temporary file and linked into
 * place, which fails for all but the first, so everyone ends up reading the same complete key.
 */
export function ensureAuditKey(file = reliabilitySettings().auditKeyFile, log?: (line: string) => void): Buffer {
  const existing = readAuditKey(file);
  if (existing) return existing;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(temporary, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  try {
    fs.linkSync(temporary, file);
    log?.(`Generated the audit key in ${file} (readable by its owner only). Back it up apart from the database: it signs the audit checkpoints.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return readAuditKey(file)!;
}

export function signCheckpoint(key: Buffer, checkpoint: Checkpoint): SignedCheckpoint {
  return { ...checkpoint, mac: mac(key, checkpoint) };
}

export function checkpointSignatureOk(key: Buffer, line: SignedCheckpoint) {
  const expected = Buffer.from(mac(key, line), "hex");
  const given = Buffer.from(typeof line.mac === "string" ? line.mac : "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Appends one signed line with a single write to a file opened O_APPEND, so lines written by
 * several server processes never interleave.
 */
export function appendCheckpoint(file: string, key: Buffer, checkpoint: Checkpoint) {
  const line = JSON.stringify(signCheckpoint(key, checkpoint)) + "\n";
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, "a", 0o600);
  try {
    fs.writeSync(fd, line);
  } finally {
    fs.closeSync(fd);
  }
}

export type CheckpointFile =
  | { exists: false }
  | { exists: true; lines: { lineNo: number; checkpoint: SignedCheckpoint | null; text: string }[] };

/** Every line of the checkpoint file, parsed (null where a line is not a checkpoint); an unterminated last line is ignored. */
export function readCheckpointFile(file: string): CheckpointFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { exists: false };
    throw error;
  }
  const parts = text.split("\n");
  parts.pop(); // the part after the last newline: empty, or a line cut short by a crash mid-write
  return {
    exists: true,
    lines: parts.map((t, i) => {
      let checkpoint: SignedCheckpoint | null = null;
      try {
        const parsed = JSON.parse(t) as SignedCheckpoint;
        if (parsed && typeof parsed === "object" && Number.isInteger(parsed.rows) && typeof parsed.head === "string") checkpoint = parsed;
      } catch {
        checkpoint = null;
      }
      return { lineNo: i + 1, checkpoint, text: t };
    }),
  };
}

/** The previous hash of the first audit row (as in audit.server.ts); kept here so this file imports no database code. */
const GENESIS_HASH = "0".repeat(64);

type Head = { rows: number; lastId: number; head: string };

/** Row count, id and hash of the newest audit row, as committed. */
export function auditHead(sqlite: Database.Database): Head {
  const last = sqlite.prepare("select id, hash from audit_log order by id desc limit 1").get() as { id: number; hash: string } | undefined;
  if (!last) return { rows: 0, lastId: 0, head: GENESIS_HASH };
  const { n } = sqlite.prepare("select count(*) as n from audit_log where id <= ?").get(last.id) as { n: number };
  return { rows: n, lastId: last.id, head: last.hash };
}

/** Writes a checkpoint of the database's audit log as it is now; returns what it anchored. */
export function writeCheckpoint(
  sqlite: Database.Database,
  reason: CheckpointReason,
  options: { kind?: CheckpointKind; note?: string | null; settings?: ReturnType<typeof reliabilitySettings>; head?: Head } = {},
) {
  const settings = options.settings ?? reliabilitySettings();
  const key = ensureAuditKey(settings.auditKeyFile);
  const head = options.head ?? auditHead(sqlite);
  syncWriteAheadLog(sqlite);
  appendCheckpoint(settings.auditCheckpointsFile, key, {
    v: 1,
    kind: options.kind ?? "checkpoint",
    reason,
    rows: head.rows,
    lastId: head.lastId,
    head: head.head,
    at: new Date().toISOString(),
    pid: process.pid,
    note: options.note ?? null,
  });
  lastWritten.set(settings.auditCheckpointsFile, { lastId: head.lastId, atMs: Date.now() });
  return head;
}

/**
 * With synchronous = NORMAL a commit reaches the write-ahead log but not necessarily the disk. Before
 * a checkpoint anchors rows, force the log to disk, so a power cut can never leave a checkpoint
 * that names rows the database lost (and bounds what a power cut can lose to the rows since).
 */
function syncWriteAheadLog(sqlite: Database.Database) {
  if (sqlite.memory || !sqlite.name) return;
  for (const file of [`${sqlite.name}-wal`, sqlite.name]) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, "r");
      fs.fsyncSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
}

const lastWritten = new Map<string, { lastId: number; atMs: number }>();
const headStatements = new WeakMap<Database.Database, Database.Statement>();

/**
 * Called after every committed transaction: one indexed read of the newest audit row, and a
 * checkpoint when CHECKPOINT_EVERY_ROWS rows or CHECKPOINT_EVERY_MS have passed since this
 * process's last one. Never throws: the transaction has already committed.
 */
export function checkpointIfDue(sqlite: Database.Database) {
  try {
    if (!sqlite.open || sqlite.inTransaction) return;
    let statement = headStatements.get(sqlite);
    if (!statement) {
      statement = sqlite.prepare("select id from audit_log order by id desc limit 1");
      headStatements.set(sqlite, statement);
    }
    const newest = statement.get() as { id: number } | undefined;
    if (!newest) return;
    const settings = reliabilitySettings();
    const last = lastWritten.get(settings.auditCheckpointsFile);
    const due = !last || newest.id - last.lastId >= CHECKPOINT_EVERY_ROWS || (newest.id > last.lastId && Date.now() - last.atMs >= CHECKPOINT_EVERY_MS);
    if (due) writeCheckpoint(sqlite, "rows", { settings });
  } catch (error) {
    console.error(`[shareboard] Could not write an audit checkpoint: ${(error as Error).message}`);
  }
}

/** Forgets this process's checkpoint bookkeeping (tests that switch databases). */
export function resetCheckpointState() {
  lastWritten.clear();
}
