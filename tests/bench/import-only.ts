// `npx tsx tests/bench/import-only.ts NATIONAL.sqlite [--runs N] [--months M]`: just the bench's
// import (tests/bench/import.ts), each run on a fresh copy of the national database (never
// changed), so an import change can be measured in about 30 s rather than the whole bench's
// minutes. `--months 90` makes the file 20 MB (567,000 rows), for the memory the import adds.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { measureImport } from "./import";

async function main() {
  const source = process.argv[2];
  if (!source || !fs.existsSync(source)) throw new Error("Usage: npx tsx tests/bench/import-only.ts NATIONAL.sqlite [--runs N] [--months M] (build one with npm run bench:build-db -- FILE)");
  const runsAt = process.argv.indexOf("--runs");
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 1;
  const monthsAt = process.argv.indexOf("--months");
  const months = monthsAt > 0 ? Number(process.argv[monthsAt + 1]) : 12;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-import-bench-"));
  try {
    for (let run = 1; run <= runs; run++) {
      const file = path.join(dir, `national-${run}.sqlite`);
      fs.copyFileSync(source, file);
      // Opened and migrated once first (as the server would be), so the timing is the import's alone.
      process.env.DATABASE_PATH = file;
      const { getDb, closeDb } = await import("../../app/lib/db.server");
      getDb();
      closeDb();
      const { summary } = await measureImport(file, { months });
      console.log(`run ${run}: ${summary}`);
      fs.rmSync(file, { force: true });
      fs.rmSync(file + "-wal", { force: true });
      fs.rmSync(file + "-shm", { force: true });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
