// What the server does at start-up and every hour for the audit log and backups. Safe with
// several server processes: triggers are restored inside a write transaction, checkpoint lines are
// single appends, and the daily backup is taken by whichever process creates that day's lock file.
import fs from "node:fs";
import { Cron } from "croner";
import type { Connection } from "../../db/client";
import { ensureAuditKey, writeCheckpoint } from "./audit-checkpoints.server";
import { describeVerdict, plural, restoreAuditTriggers, verifyAudit } from "./audit-verify.server";
import { dailyBackupIfDue } from "./backup.server";
import { reliabilitySettings } from "./env.server";

type Log = (line: string) => void;

export function startAuditAndBackups(conn: Connection, log: Log) {
  const settings = reliabilitySettings();
  ensureAuditKey(settings.auditKeyFile, log);

  const restored = restoreAuditTriggers(conn.db);
  if (restored.length) log(`The audit log's append-only trigger(s) ${restored.join(", ")} were missing or altered: re-created them and recorded it in the audit log. Find out who removed them.`);

  if (!fs.existsSync(settings.auditCheckpointsFile)) {
    log(`No audit checkpoint file at ${settings.auditCheckpointsFile}: starting one. If there was one before, it has been removed: restore it from your backups.`);
    writeCheckpoint(conn.sqlite, "startup", { settings });
  }
  const verdict = verifyAudit(conn.db, { settings });
  for (const line of describeVerdict(verdict)) log(verdict.ok ? line : `WARNING ${line}`);
  const head = writeCheckpoint(conn.sqlite, "startup", { settings });
  log(`Audit checkpoint written to ${settings.auditCheckpointsFile} (${plural(head.rows, "row")}).`);

  let dailyCheckpointOn = new Date().toISOString().slice(0, 10);
  const hourly = async () => {
    const today = new Date().toISOString().slice(0, 10);
    if (today !== dailyCheckpointOn) {
      dailyCheckpointOn = today;
      try {
        writeCheckpoint(conn.sqlite, "daily", { settings: reliabilitySettings() });
      } catch (error) {
        log(`Could not write the daily audit checkpoint: ${(error as Error).message}`);
      }
    }
    await dailyBackupIfDue({ settings: reliabilitySettings(), log });
  };
  if (settings.backupDir) log(`Daily backups go to ${settings.backupDir} (keeping the newest ${settings.backupKeep}).`);
  const first = setTimeout(() => void hourly(), 1000);
  first.unref();
  const job = new Cron("17 * * * *", { timezone: "UTC", unref: true, protect: true }, hourly);
  return () => {
    clearTimeout(first);
    job.stop();
  };
}
