// `npm run bench:build-db -- FILE [PRACTICES]`: builds the benchmark's national database into FILE
// (which must not exist), anchors its audit log in FILE.checkpoints (key: audit-key beside it,
// or AUDIT_KEY_FILE), prints its self-check and exits 1 when the check finds a problem.
// `BENCH_DATABASE=FILE npm run bench` then measures a copy of it without building again.
import fs from "node:fs";
import { buildNationalDatabase, NATIONAL_PRACTICES } from "./national-data";

const file = process.argv[2];
if (!file) {
  console.error("Say where to build the database: npm run bench:build-db -- /path/to/national.sqlite");
  process.exit(2);
}
for (const existing of [file, `${file}.checkpoints`]) {
  if (fs.existsSync(existing)) {
    console.error(`${existing} already exists: remove it (and ${file}.checkpoints) or choose another file name.`);
    process.exit(2);
  }
}
const practices = process.argv[3] ? Number(process.argv[3]) : NATIONAL_PRACTICES;
const built = await buildNationalDatabase(file, { practices });
process.exitCode = built.problems.length ? 1 : 0;
