// The bench's import figure (issue 11), shared by `npm run bench` (tests/bench/run.ts) and
// `npx tsx tests/bench/import-only.ts` (just this part, in about 30 s): a 75,600-row opt-in
// return (12 months × 6,300 practices, all replacing returns the national database holds) through
// the upload page's own functions (the thread started as the page opens, then the worker-thread
// preview and the confirm), timed from the file being sent to the import's end, with the largest
// event-loop delay this process saw meanwhile.
import fs from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";
import Database from "better-sqlite3";

export type ImportFigures = { rows: number; rowsPerSecond: number; maxEventLoopDelayMs: number };

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The national return file: 12 months (November 2015 to October 2016) for the first 6,300
 * practices by ODS code; `months` more or fewer, ending October 2016 (90 months make a 20 MB file).
 * `variant` moves that many patients from not asked to opted in, so that each variant replaces the
 * returns another one imported (and adds up as every return must).
 */
export function nationalReturnFile(file: string, monthCount = 12, variant = 0) {
  const sqlite = new Database(file, { readonly: true });
  const codes = (sqlite.prepare("select ods_code from organisations where type = 'gp_practice' order by ods_code").all() as { ods_code: string }[]).map((r) => r.ods_code);
  const user = sqlite.prepare("select id from users where email = 'programme@example.org'").get() as { id: number };
  sqlite.close();
  const last = 2016 * 12 + 9; // October 2016, the reporting month
  const months = Array.from({ length: monthCount }, (_, i) => {
    const n = last - monthCount + 1 + i;
    return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, "0")}`;
  });
  const lines = ["ods_code,month,registered,opted_in,declined,not_asked"];
  for (const code of codes.slice(0, 6300)) for (const [i, month] of months.entries()) lines.push(`${code},${month},${7000 + i},${3000 + i * 11 + variant},${200 + (i % 3)},${3800 - i * 10 - (i % 3) - variant}`);
  return { text: lines.join("\n") + "\n", rows: lines.length - 1, userId: user.id };
}

/**
 * Full garbage collections of this thread (V8's gc(), exposed for these calls), with time between
 * for V8 to hand the freed pages back: after one collection alone the process still shrank by
 * ~120 MiB during the import.
 */
async function settledMemory() {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/**
 * Imports the national return into the database at `file` (DATABASE_PATH must name it) and times it,
 * on an import thread started for it. Another `variant` replaces every return an import before it wrote.
 */
export async function measureImport(file: string, { months = 12, variant = 0 }: { months?: number; variant?: number } = {}) {
  // The compiled worker thread when built, as `npm run serve` runs it (app/cluster.ts sets the same).
  const compiledWorker = path.resolve("build/node/models/opt-in-import.worker.js");
  if (fs.existsSync(compiledWorker)) process.env.SHAREBOARD_IMPORT_WORKER_FILE ??= compiledWorker;
  const { previewOptInUploadOffThread, confirmOptInUploadOffThread, closeImportPool, warmImportThread } = await import("../../app/models/opt-in-import.server");
  const { text, rows, userId } = nationalReturnFile(file, months, variant);
  // Resident memory the import adds to this process (its worker thread included), sampled every 20 ms.
  // The garbage of building the file (its lines, ~150 MiB for 20 MB) is collected first: left for V8
  // to collect whenever, it fell just after the baseline in some runs and hid ~160 MiB of the import's
  // own growth (a 20 MB file "added" 38-43 MiB in those runs, ~200 in the others).
  await settledMemory();
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 20);
  // What the upload page does as it opens (app/routes/consent.upload.tsx): the import's thread
  // starts while the person chooses their file. The figure runs from the moment the file is sent;
  // the thread's start is printed beside it.
  const threadStarting = performance.now();
  await warmImportThread();
  const threadStartSeconds = (performance.now() - threadStarting) / 1000;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const cpuAtStart = process.cpuUsage();
  const started = performance.now();
  const preview = await previewOptInUploadOffThread({ userId, fileName: "national-returns.csv", text });
  const previewed = performance.now();
  const cpuAtPreview = process.cpuUsage();
  if (!preview.ok || !preview.uploadId) throw new Error(`the national return was not accepted: ${JSON.stringify(preview).slice(0, 400)}`);
  const result = await confirmOptInUploadOffThread({ actor: { userId, label: "programme@example.org" }, userId, uploadId: preview.uploadId });
  const finished = performance.now();
  const cpuAtEnd = process.cpuUsage();
  delay.disable();
  clearInterval(sampler);
  await closeImportPool();
  if (!result.ok) throw new Error(`the national return was not imported: ${result.error}`);
  const seconds = (finished - started) / 1000;
  // CPU time of this process (the import's worker thread does nearly all of it): steadier than the
  // elapsed time on a shared machine.
  const cpu = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage) => ((to.user - from.user + to.system - from.system) / 1e6).toFixed(2);
  const figures: ImportFigures = { rows, rowsPerSecond: Math.round(rows / seconds), maxEventLoopDelayMs: round(delay.max / 1e6) };
  const summary =
    `import: ${rows} rows (${(text.length / 1e6).toFixed(1)} MB; ${result.added} added, ${result.replaced} replaced) in ${seconds.toFixed(2)} s ` +
    `(preview ${((previewed - started) / 1000).toFixed(2)} s, confirm ${((finished - previewed) / 1000).toFixed(2)} s; CPU ${cpu(cpuAtStart, cpuAtPreview)} s + ${cpu(cpuAtPreview, cpuAtEnd)} s) = ${figures.rowsPerSecond} rows/s; ` +
    `largest event-loop delay ${figures.maxEventLoopDelayMs} ms; resident memory +${Math.round((rssPeak - rssBefore) / 2 ** 20)} MiB at most ` +
    `(the import thread started in ${threadStartSeconds.toFixed(2)} s as the upload page opened, before the file was sent)`;
  return { figures, summary };
}
