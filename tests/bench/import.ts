// The bench's import figure (issue 11), shared by `npm run bench` (tests/bench/run.ts) and
// `npx tsx tests/bench/import-only.ts` (just this part, in about 30 s): a 75,600-row opt-in
// return (12 months × 6,300 practices, all replacing returns the national database holds) through
// the upload page's own functions (the worker-thread preview, then the confirm), timed end to end,
// with the largest event-loop delay this process saw meanwhile.
import fs from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import Database from "better-sqlite3";

export type ImportFigures = { rows: number; rowsPerSecond: number; maxEventLoopDelayMs: number };

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The national return file: 12 months (November 2015 to October 2016) for the first 6,300 practices by ODS code. */
export function nationalReturnFile(file: string) {
  const sqlite = new Database(file, { readonly: true });
  const codes = (sqlite.prepare("select ods_code from organisations where type = 'gp_practice' order by ods_code").all() as { ods_code: string }[]).map((r) => r.ods_code);
  const user = sqlite.prepare("select id from users where email = 'programme@example.org'").get() as { id: number };
  sqlite.close();
  const months = Array.from({ length: 12 }, (_, i) => `${i < 2 ? 2015 : 2016}-${String(((10 + i) % 12) + 1).padStart(2, "0")}`);
  const lines = ["ods_code,month,registered,opted_in,declined,not_asked"];
  for (const code of codes.slice(0, 6300)) for (const [i, month] of months.entries()) lines.push(`${code},${month},${7000 + i},${3000 + i * 11},${200 + (i % 3)},${3800 - i * 10 - (i % 3)}`);
  return { text: lines.join("\n") + "\n", rows: lines.length - 1, userId: user.id };
}

/** Imports the national return into the database at `file` (DATABASE_PATH must name it) and times it. */
export async function measureImport(file: string) {
  // The compiled worker thread when built, as `npm run serve` runs it (app/cluster.ts sets the same).
  const compiledWorker = path.resolve("build/node/models/opt-in-import.worker.js");
  if (fs.existsSync(compiledWorker)) process.env.SHAREBOARD_IMPORT_WORKER_FILE ??= compiledWorker;
  const { previewOptInUploadOffThread, confirmOptInUploadOffThread, closeImportPool } = await import("../../app/models/opt-in-import.server");
  const { text, rows, userId } = nationalReturnFile(file);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  const preview = await previewOptInUploadOffThread({ userId, fileName: "national-returns.csv", text });
  const previewed = performance.now();
  if (!preview.ok || !preview.uploadId) throw new Error(`the national return was not accepted: ${JSON.stringify(preview).slice(0, 400)}`);
  const result = await confirmOptInUploadOffThread({ actor: { userId, label: "programme@example.org" }, userId, uploadId: preview.uploadId });
  const finished = performance.now();
  delay.disable();
  await closeImportPool();
  if (!result.ok) throw new Error(`the national return was not imported: ${result.error}`);
  const seconds = (finished - started) / 1000;
  const figures: ImportFigures = { rows, rowsPerSecond: Math.round(rows / seconds), maxEventLoopDelayMs: round(delay.max / 1e6) };
  const summary =
    `import: ${rows} rows (${(text.length / 1e6).toFixed(1)} MB; ${result.added} added, ${result.replaced} replaced) in ${seconds.toFixed(2)} s ` +
    `(preview ${((previewed - started) / 1000).toFixed(2)} s, confirm ${((finished - previewed) / 1000).toFixed(2)} s) = ${figures.rowsPerSecond} rows/s; ` +
    `largest event-loop delay ${figures.maxEventLoopDelayMs} ms`;
  return { figures, summary };
}
