// `npm run audit:verify [-- FILE]`: checks the audit log of DATABASE_PATH (or of a backup FILE)
// against its hash chain, its append-only triggers and the signed checkpoints kept outside the
// database. Exits 0 when it verifies, 1 naming the first bad row when it does not, 2 when it
// cannot check at all. Reads the same settings as the server (AUDIT_KEY_FILE, AUDIT_CHECKPOINTS_FILE).
import fs from "node:fs";
import path from "node:path";
import { openDatabaseReadOnly } from "./client";
import { describeVerdict, verifyAudit } from "../app/lib/audit-verify.server";
import { reliabilitySettings } from "../app/lib/env.server";

function main() {
  const settings = reliabilitySettings();
  const copy = process.argv[2];
  const file = copy ? path.resolve(copy) : settings.databasePath;
  if (!fs.existsSync(file)) {
    console.error(`There is no database at ${file}: ${copy ? "check the file name" : "set DATABASE_PATH to the database to check"}.`);
    return 2;
  }
  const conn = openDatabaseReadOnly(file);
  try {
    const verdict = verifyAudit(conn.db, { mode: copy ? "backup" : "live", settings });
    console.log(`Database:    ${file}`);
    console.log(`Checkpoints: ${settings.auditCheckpointsFile}`);
    console.log(`Audit key:   ${settings.auditKeyFile}`);
    for (const line of describeVerdict(verdict, copy ? "The backup's audit log" : "The audit log")) console.log(line);
    return verdict.ok ? 0 : 1;
  } finally {
    conn.sqlite.close();
  }
}

try {
  process.exitCode = main();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 2;
}
