// `npm run backup -- FILE`: a consistent copy of DATABASE_PATH while the server runs, checked
// (integrity_check and audit verify) before it is given its name. Exits 1 when it fails.
import { backupDatabase } from "../app/lib/backup.server";
import { plural } from "../app/lib/audit-verify.server";
import { reliabilitySettings } from "../app/lib/env.server";

async function main() {
  const target = process.argv[2];
  if (!target) {
    console.error("Say where to put the backup: npm run backup -- /path/to/shareboard-backup.sqlite");
    return 2;
  }
  const settings = reliabilitySettings();
  const result = await backupDatabase({ target, settings });
  console.log(`Backed up ${settings.databasePath}`);
  console.log(`to ${result.file} (${(result.bytes / 1024 / 1024).toFixed(1)} MB).`);
  console.log(`Checked: integrity_check ok; the audit log verifies (${plural(result.rows, "row")}${result.check.verdict.notes.length ? `; ${result.check.verdict.notes.join("; ")}` : ""}).`);
  console.log(`Keep the audit key (${settings.auditKeyFile}) and checkpoints (${settings.auditCheckpointsFile}) backed up too, somewhere else.`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  },
);
