// `npm run restore -- FILE`: checks a backup, then puts it in place of DATABASE_PATH (the old file
// is kept beside it), refusing while a running server holds the database. The restore is recorded
// in the audit log and as a signed checkpoint. Exits 1 when it refuses or fails.
import { restoreDatabase } from "../app/lib/backup.server";
import { describeVerdict, plural } from "../app/lib/audit-verify.server";
import { reliabilitySettings } from "../app/lib/env.server";

async function main() {
  const from = process.argv[2];
  if (!from) {
    console.error("Say which backup to restore: npm run restore -- /path/to/shareboard-backup.sqlite");
    return 2;
  }
  const result = await restoreDatabase({ from, settings: reliabilitySettings(), log: (line) => console.log(line) });
  console.log(`Restored ${result.from}`);
  console.log(`into ${result.databasePath} (${plural(result.rows, "audit row")}, the restore itself included).`);
  if (result.movedAsideTo) console.log(`The database it replaced is kept as ${result.movedAsideTo}${result.replaced ? ` (${plural(result.replaced.rows, "audit row")})` : ""}.`);
  for (const line of describeVerdict(result.verdict)) console.log(line);
  return result.verdict.ok ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  },
);
