// One verdict on the audit log, shared by `npm run audit:verify`, the server's start-up, `/admin`,
// `npm run backup` and `npm run restore`: the hash chain, the append-only triggers and the signed
// checkpoints kept outside the database.
import { sql } from "drizzle-orm";
import type { AppDatabase } from "../../db/client";
import { audit, SYSTEM_ACTOR, walkAuditChain, type Actor } from "./audit.server";
import { checkpointSignatureOk, readAuditKey, readCheckpointFile, type SignedCheckpoint } from "./audit-checkpoints.server";
import { reliabilitySettings, type ReliabilitySettings } from "./env.server";

/** The append-only triggers exactly as db/migrations/0001_audit_log_append_only.sql creates them. */
export const AUDIT_TRIGGERS = [
  {
    name: "audit_log_no_update",
    sql: "CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log`\nBEGIN\n  SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed');\nEND",
  },
  {
    name: "audit_log_no_delete",
    sql: "CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log`\nBEGIN\n  SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted');\nEND",
  },
] as const;

/** "1 row", "2,000 rows". */
export function plural(n: number, word: string) {
  return `${n.toLocaleString("en-GB")} ${word}${n === 1 ? "" : "s"}`;
}

const normalise = (text: string) => text.replace(/\s+/g, " ").replace(/;\s*$/, "").trim();

/** The append-only triggers that are missing or no longer what the migration created. */
export type TriggerProblem = { name: string; problem: "missing" | "altered" };

export function auditTriggerProblems(db: AppDatabase): TriggerProblem[] {
  const present = db.all<{ name: string; sql: string }>(sql`select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'audit_log'`);
  return AUDIT_TRIGGERS.flatMap((t): TriggerProblem[] => {
    const found = present.find((p) => p.name === t.name);
    if (!found) return [{ name: t.name, problem: "missing" }];
    if (normalise(found.sql) !== normalise(t.sql)) return [{ name: t.name, problem: "altered" }];
    return [];
  });
}

/**
 * Re-creates missing or altered append-only triggers and records that it did, in one transaction.
 * Safe when several processes start at once: the first to take the write lock restores them, the
 * others find them in place. Returns the names restored.
 */
export function restoreAuditTriggers(db: AppDatabase, actor: Actor = SYSTEM_ACTOR): string[] {
  return db.transaction(
    (tx) => {
      const problems = auditTriggerProblems(db);
      if (problems.length === 0) return [];
      for (const p of problems) {
        const trigger = AUDIT_TRIGGERS.find((t) => t.name === p.name)!;
        tx.run(sql.raw(`DROP TRIGGER IF EXISTS \`${trigger.name}\``));
        tx.run(sql.raw(trigger.sql));
      }
      audit(tx, actor, {
        action: "audit.triggers_restored",
        entityType: "database",
        entityId: "audit_log",
        before: { triggers: problems },
        after: { restored: problems.map((p) => p.name) },
      });
      return problems.map((p) => p.name);
    },
    { behavior: "immediate" },
  );
}

export type AuditVerdict = {
  ok: boolean;
  rows: number;
  lastId: number;
  head: string;
  /** The first row that is changed, out of place or missing, when one can be named. */
  firstBadRowId: number | null;
  /** What is wrong, each saying what to do; empty when the log verifies. */
  problems: string[];
  /** What was checked, for the report. */
  notes: string[];
  checkpointsChecked: number;
  latestCheckpoint: { rows: number; at: string } | null;
};

type Mode = "live" | "backup";

/**
 * Checks the audit log of `db`:
 * - `live` (the database in use): every row hashes to the next, both triggers are in place, and
 *   every checkpoint since the latest restore matches (the row count never fell below a checkpoint's,
 *   and the hash at each checkpointed row count is the one signed).
 * - `backup` (a copy): the same chain and trigger checks, and the copy must agree with the
 *   checkpoints of one recorded history up to its own length (a backup is older than later ones).
 */
export function verifyAudit(db: AppDatabase, options: { mode?: Mode; settings?: ReliabilitySettings } = {}): AuditVerdict {
  const mode = options.mode ?? "live";
  const settings = options.settings ?? reliabilitySettings();
  const problems: string[] = [];
  const notes: string[] = [];
  let firstBadRowId: number | null = null;

  for (const t of auditTriggerProblems(db)) {
    problems.push(
      t.problem === "missing"
        ? `The append-only trigger ${t.name} is missing, so audit rows can be ${t.name.endsWith("update") ? "changed" : "deleted"}: restart the server (it re-creates it and records that it did) and find out who removed it.`
        : `The append-only trigger ${t.name} is not the one the migration created: restart the server (it restores it and records that it did) and find out who changed it.`,
    );
  }

  // Signed checkpoints from outside the database.
  const file = readCheckpointFile(settings.auditCheckpointsFile);
  const key = readAuditKey(settings.auditKeyFile);
  const checkpoints: SignedCheckpoint[] = [];
  if (file.exists) {
    if (!key && file.lines.length > 0) {
      problems.push(`The audit key ${settings.auditKeyFile} is missing, so the checkpoints in ${settings.auditCheckpointsFile} cannot be checked: restore the key from your backup of it (set AUDIT_KEY_FILE if it lives elsewhere).`);
    } else if (key) {
      for (const line of file.lines) {
        if (!line.checkpoint) problems.push(`Line ${line.lineNo} of ${settings.auditCheckpointsFile} is not a checkpoint: the file was edited.`);
        else if (!checkpointSignatureOk(key, line.checkpoint)) problems.push(`Line ${line.lineNo} of ${settings.auditCheckpointsFile} is not signed with the audit key in ${settings.auditKeyFile}: it was forged or edited, or the key was replaced.`);
        else checkpoints.push(line.checkpoint);
      }
    }
  }

  // One pass over the chain, keeping the stored hash at every checkpointed row count.
  const wanted = new Set(checkpoints.map((c) => c.rows));
  const atPosition = new Map<number, { id: number; hash: string }>();
  const walk = walkAuditChain(db, (position, id, hash) => {
    if (wanted.has(position)) atPosition.set(position, { id, hash });
  });
  if (walk.firstBreak) {
    firstBadRowId = walk.firstBreak.id;
    problems.push(`Audit row ${walk.firstBreak.id} breaks the hash chain: ${walk.firstBreak.reason}.`);
  }
  const idAt = (position: number) => atPosition.get(position)?.id ?? null;
  const matches = (c: SignedCheckpoint) => {
    const found = atPosition.get(c.rows);
    return c.rows === 0 || (!!found && found.hash === c.head && found.id === c.lastId);
  };

  // Epochs: a restore starts a new history; its line anchors the restored log.
  const epochs: SignedCheckpoint[][] = [[]];
  for (const c of checkpoints) {
    if (c.kind === "restore") epochs.push([]);
    epochs[epochs.length - 1].push(c);
  }
  const nonEmpty = epochs.filter((e) => e.length > 0);
  let checked = 0;

  if (mode === "live") {
    const epoch = nonEmpty[nonEmpty.length - 1] ?? [];
    if (epoch.length === 0) {
      if (walk.rows > 0 && problems.length === 0) {
        problems.push(
          file.exists
            ? `No checkpoint in ${settings.auditCheckpointsFile} anchors the audit log: start the server once to write one; if the file held checkpoints before, someone emptied it.`
            : `There is no checkpoint file at ${settings.auditCheckpointsFile}, so nothing outside the database anchors the audit log: start the server once to write one (set AUDIT_CHECKPOINTS_FILE if it lives elsewhere); if it existed before, someone removed it.`,
        );
      }
    } else {
      checked = epoch.length;
      const longest = epoch.reduce((a, b) => (b.rows > a.rows ? b : a));
      if (longest.rows > walk.rows) {
        firstBadRowId ??= walk.lastId + 1;
        problems.push(
          `The audit log has ${plural(walk.rows, "row")} (newest id ${walk.lastId}) but the checkpoint of ${longest.at} recorded ${longest.rows.toLocaleString("en-GB")} (newest id ${longest.lastId}): ${plural(longest.rows - walk.rows, "row")} were removed, or an older copy was put in place without \`npm run restore\`.`,
        );
      }
      const sorted = [...epoch].filter((c) => c.rows <= walk.rows).sort((a, b) => a.rows - b.rows);
      let lastGood = 0;
      for (const c of sorted) {
        if (matches(c)) {
          lastGood = Math.max(lastGood, c.rows);
          continue;
        }
        const from = idAt(lastGood + 1) ?? lastGood + 1;
        firstBadRowId ??= from;
        problems.push(
          `Audit rows ${from} to ${idAt(c.rows) ?? c.lastId} do not match the checkpoint of ${c.at} (row count ${c.rows.toLocaleString("en-GB")}): the chain was rewritten after it was checkpointed (re-hashed without the key), or rows were removed from the middle.`,
        );
        break;
      }
      notes.push(`matches ${plural(checked, "signed checkpoint")}${epoch[0].kind === "restore" ? " since the last restore" : ""}`);
    }
  } else {
    // A backup must be a prefix of one recorded history.
    const candidates = nonEmpty
      .map((e) => e.filter((c) => c.rows <= walk.rows))
      .filter((e) => e.length > 0);
    if (!file.exists || candidates.length === 0) {
      notes.push(`no checkpoint in ${settings.auditCheckpointsFile} covers this copy's ${plural(walk.rows, "row")}: only the chain and triggers were checked`);
    } else {
      const agreeing = candidates.find((e) => e.every(matches));
      if (agreeing) {
        checked = agreeing.length;
        notes.push(`matches ${plural(checked, "signed checkpoint")} up to this copy's length`);
      } else {
        const firstMismatch = candidates[candidates.length - 1].sort((a, b) => a.rows - b.rows).find((c) => !matches(c))!;
        firstBadRowId ??= idAt(firstMismatch.rows) ?? firstMismatch.lastId;
        problems.push(
          `This copy does not match the checkpoints in ${settings.auditCheckpointsFile} (at row count ${firstMismatch.rows.toLocaleString("en-GB")}, checkpoint of ${firstMismatch.at}): it was changed, or it comes from another installation. To move a database to a new installation, move the new installation's checkpoints file aside first (or point AUDIT_CHECKPOINTS_FILE at the old one).`,
        );
      }
    }
  }

  const latest = checkpoints.length ? checkpoints[checkpoints.length - 1] : null;
  return {
    ok: problems.length === 0,
    rows: walk.rows,
    lastId: walk.lastId,
    head: walk.head,
    firstBadRowId,
    problems,
    notes,
    checkpointsChecked: checked,
    latestCheckpoint: latest ? { rows: latest.rows, at: latest.at } : null,
  };
}

/** The verdict as the lines `npm run audit:verify` prints and `/admin` shows. */
export function describeVerdict(v: AuditVerdict, what = "The audit log"): string[] {
  if (v.ok) {
    return [
      `${what} verifies: ${plural(v.rows, "row")}, hash chain intact, append-only triggers in place${v.notes.length ? `, ${v.notes.join("; ")}` : ""}.`,
    ];
  }
  return [
    `${what} does NOT verify${v.firstBadRowId !== null ? ` (first bad row: ${v.firstBadRowId})` : ""}:`,
    ...v.problems.map((p) => `- ${p}`),
  ];
}
