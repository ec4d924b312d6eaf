import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Piscina } from "piscina";
import type { Actor } from "~/lib/audit.server";
import type { UploadPreview, UploadResult } from "./opt-in-upload.server";
import type { OptInImportTask } from "./opt-in-import.worker";
import { OPT_IN_UPLOAD_DIR } from "./opt-in-upload-folder.server";

// Opt-in return uploads off the main thread: a pool of one worker thread per server process (an
// upload is rare; two at once wait their turn) streams and checks the file, then runs the import's
// transaction. The import stays all or nothing (one transaction); while it runs, other writers
// wait for SQLite's write lock (about 1 s per 100,000 rows) but no request waits for this
// process's event loop.

let pool: Piscina | undefined;

/** The process's flags without tsx's loader: a compiled worker needs none, and loading it cost ~0.2 s a start. */
function withoutTypeScriptLoader(args: readonly string[]) {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if ((arg === "--require" || arg === "--import") && /^tsx$|[\\/]tsx[\\/]/.test(args[i + 1] ?? "")) i++;
    else if (!/^--(require|import)=(tsx$|.*[\\/]tsx[\\/])/.test(arg)) kept.push(arg);
  }
  return kept;
}

function importPool() {
  if (!pool) {
    // The compiled worker when the server runs compiled (app/cluster.ts sets the file), else the
    // TypeScript source through tsx (development and tests).
    const compiled = process.env.SHAREBOARD_IMPORT_WORKER_FILE;
    const loader = compiled || process.execArgv.some((a) => a.includes("tsx")) ? [] : ["--import", "tsx"];
    const inherited = process.execArgv.filter((a) => !/^--max-(old|semi)-space-size/.test(a));
    pool = new Piscina({
      filename: compiled || path.resolve(process.cwd(), "app/models/opt-in-import.worker.ts"),
      minThreads: 0,
      maxThreads: 1,
      // Kept 5 minutes after its last task: its connection holds a preview's checked rows, which the
      // confirm then imports without checking the file again (a later confirm checks it again).
      idleTimeout: 5 * 60_000,
      // A worker thread refuses the process's heap flags (app/cluster.ts caps each worker's heap).
      execArgv: [...(compiled ? withoutTypeScriptLoader(inherited) : inherited), ...loader],
      env: process.env,
      // The thread's heap is bounded: nothing in it grows with the file but the duplicate check's keys
      // (950,000 of them, a 20 MB file of the shortest rows, take 42 MiB); uncapped, V8 let it grow far
      // past what it held live. The young generation V8 picks for such a heap is large: capped at 16
      // MiB, a 20 MB file added ~15 MiB less to the process (190-193 against 205-213) and ran faster.
      resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 },
      // Between tasks the thread waits on its event loop, not in Atomics.wait (piscina's default,
      // which stops the thread's loop), so the work it leaves until after a task's answer (the
      // checkpoints, opt-in-import.worker.ts) runs straight away.
      atomics: "disabled",
    });
  }
  return pool;
}

/**
 * Writes text to a new private file a megabyte at a time: writing the whole string makes one Buffer
 * of the file's size (20 MiB for a 20 MB upload). A chunk never ends inside a surrogate pair.
 */
export async function writeTextInChunks(filePath: string, text: string, chunk = 1 << 20) {
  const file = await fs.promises.open(filePath, "w", 0o600);
  try {
    for (let from = 0; from < text.length; ) {
      let to = Math.min(from + chunk, text.length);
      if (to < text.length && /[\uD800-\uDBFF]/.test(text[to - 1]!)) to++;
      await file.write(text.slice(from, to));
      from = to;
    }
  } finally {
    await file.close();
  }
}

/**
 * Starts the import's worker thread, if it is not running, and resolves once it is ready: the
 * upload page calls this as it opens, so the thread (about 0.15 s to start: its code, its
 * connection) is waiting by the time a file is sent. It then stays for 5 minutes after its last
 * task. Never fails: a thread that cannot start says so when the upload itself runs.
 */
export async function warmImportThread() {
  try {
    await importPool().run({ kind: "warm" } satisfies OptInImportTask);
  } catch {
    // reported by the upload's own task
  }
}

/** Whether the import's worker thread is running (started, not yet stopped or idle too long). */
export function importThreadRunning() {
  return (pool?.threads.length ?? 0) > 0;
}

/**
 * A new path for an incoming upload in the private upload folder (created, owner only), where the
 * upload page streams the file as it arrives and the import thread reads it from.
 */
export function incomingUploadPath() {
  fs.mkdirSync(OPT_IN_UPLOAD_DIR, { recursive: true, mode: 0o700 });
  return path.join(OPT_IN_UPLOAD_DIR, `incoming-${crypto.randomUUID()}.csv`);
}

/** Checks an uploaded return file in the worker thread (streamed from a private temporary file). */
export async function previewOptInUploadOffThread({ userId, fileName, text }: { userId: number; fileName: string; text: string }): Promise<UploadPreview> {
  const filePath = incomingUploadPath();
  await writeTextInChunks(filePath, text);
  return previewOptInUploadFileOffThread({ userId, fileName, filePath });
}

/**
 * Checks a return file already on disk (from incomingUploadPath) in the worker thread, which then
 * keeps it for the confirm or removes it: the upload page's way, as the file never has to be held
 * in this thread's memory.
 */
export async function previewOptInUploadFileOffThread({ userId, fileName, filePath }: { userId: number; fileName: string; filePath: string }): Promise<UploadPreview> {
  const task: OptInImportTask = { kind: "preview", userId, fileName, filePath };
  try {
    return (await importPool().run(task)) as UploadPreview;
  } finally {
    // The thread moved it into the stored upload or removed it; a thread that failed to start did neither.
    fs.rmSync(filePath, { force: true });
  }
}

/** Imports a previewed upload in the worker thread: one transaction, all or nothing. */
export async function confirmOptInUploadOffThread({ actor, userId, uploadId }: { actor: Actor; userId: number; uploadId: string }): Promise<UploadResult> {
  const task: OptInImportTask = { kind: "confirm", actor, userId, uploadId };
  return (await importPool().run(task)) as UploadResult;
}

/** Stops the worker thread (tests and benchmarks that exit). */
export async function closeImportPool() {
  await pool?.destroy();
  pool = undefined;
}
