// The production entry (`npm run serve`): one server process per core, all serving the same port
// and sharing the SQLite database in WAL mode (readers never wait for the writer; writes take
// turns through SQLite's lock with a 5 s busy timeout). The primary has the database and the
// session secret prepared once (by a short-lived worker), then forks the workers, each running app/server.ts unchanged, and replaces
// any worker that dies. WEB_CONCURRENCY sets the number of workers (default: one per core).
//
// What must not live in one process, and where it lives instead: upload previews are files in the
// OS temp folder (any worker can confirm them); sessions, sign-in throttling and the tables'
// change counters that caches compare against are in SQLite; caches are per worker and bounded in
// bytes, and what one worker computes it also leaves in a shared store (app/lib/shared-cache.server.ts:
// a SQLite file of its own in a private temp folder, made empty on each start, removed on stop). Scheduled work must run once: only the worker given SHAREBOARD_RUN_SCHEDULED_WORK=1
// (the first, and whichever replaces it) may run it.
import cluster, { type Worker } from "node:cluster";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MemorySettings } from "./lib/env.server";

function log(line: string) {
  console.log(`[shareboard] ${line}`);
}

// Compiled (`npm run build` bundles this file and the import worker into build/node, so production
// runs plain JavaScript: no TypeScript loader thread in every process), the workers' import thread
// runs the compiled worker too.
const here = fileURLToPath(import.meta.url);
if (here.endsWith(".js")) process.env.SHAREBOARD_IMPORT_WORKER_FILE ??= path.join(path.dirname(here), "models", "opt-in-import.worker.js");

async function primary() {
  // The number of workers decides whether they need a shared store, which the setup creates; a
  // value the setup then refuses stops the start before any worker is forked.
  const requested = Number(process.env.WEB_CONCURRENCY);
  const count = Number.isInteger(requested) && requested >= 1 ? requested : os.availableParallelism();
  // The workers' shared store, in a folder only this user can read (it holds drawn pages).
  if (count > 1 && process.env.SHAREBOARD_CACHE !== "off") {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-shared-"));
    process.env.SHAREBOARD_SHARED_CACHE_FILE = path.join(folder, "shared-cache.sqlite");
    process.on("exit", () => fs.rmSync(folder, { recursive: true, force: true }));
  }
  // Once, before forking the servers, in a process of its own that then exits: every worker shares
  // the same secret and finds the migrations applied, and the primary, which lives as long as the
  // server, never holds the database, the migrations, the demo data or the settings' checks (zod,
  // 14 MiB) in its memory. The setup checks the memory settings and sends them back.
  const settings = await runSetup();
  if (!settings) {
    log("ShareBoard could not be set up (see above): not starting");
    process.exit(1);
  }
  // Each worker's JavaScript heap is capped (SHAREBOARD_WORKER_HEAP_MIB, default 256 MiB): V8
  // otherwise grows a busy process's heap far past what it holds live, and with one worker per
  // core that is most of the server's memory. The caches are bounded well inside it.
  const heapMiB = settings.SHAREBOARD_WORKER_HEAP_MIB;
  // The young generation's semi-spaces at 4 MiB (SHAREBOARD_SEMI_SPACE_MIB), and glibc's malloc
  // kept to two arenas (MALLOC_ARENA_MAX, read when a process starts): together about 15 MiB less
  // resident memory per worker at national scale, with no loss of requests a second measured.
  const semiSpaceMiB = settings.SHAREBOARD_SEMI_SPACE_MIB;
  process.env.MALLOC_ARENA_MAX ??= "2";
  cluster.setupPrimary({ execArgv: [...process.execArgv, `--max-old-space-size=${heapMiB}`, `--max-semi-space-size=${semiSpaceMiB}`] });
  let stopping = false;
  const schedulerWorker = new Set<number>();
  const fork = (runsScheduledWork: boolean) => {
    const worker: Worker = cluster.fork({ SHAREBOARD_RUN_SCHEDULED_WORK: runsScheduledWork ? "1" : "0", SHAREBOARD_CLUSTER_WORKER: "1" });
    if (runsScheduledWork) schedulerWorker.add(worker.id);
    return worker;
  };
  for (let i = 0; i < count; i++) fork(i === 0);
  log(`started ${count} worker${count === 1 ? "" : "s"} (one per core; WEB_CONCURRENCY changes it)`);
  cluster.on("exit", (worker, code, signal) => {
    const hadScheduler = schedulerWorker.delete(worker.id);
    if (stopping) return;
    log(`worker ${worker.process.pid} stopped (${signal ?? code}); starting another`);
    fork(hadScheduler);
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));
    let left = workers.length;
    if (!left) process.exit(0);
    for (const w of workers) {
      w.once("exit", () => --left === 0 && process.exit(0));
      w.process.kill("SIGTERM");
    }
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/**
 * Checks the settings and prepares the session secret and the database in a short-lived worker;
 * the memory settings it checked, or null when it failed (it has said why).
 */
function runSetup(): Promise<MemorySettings | null> {
  const setup = cluster.fork({ SHAREBOARD_SETUP_ONLY: "1" });
  let settings: MemorySettings | null = null;
  setup.on("message", (message: { settings?: MemorySettings }) => (settings = message.settings ?? settings));
  // Decided once the worker has exited and its channel has closed: its last message is read before
  // the channel closes, while "exit" alone may come first.
  const exited = new Promise<number | null>((resolve) => setup.once("exit", (code) => resolve(code)));
  const disconnected = new Promise<void>((resolve) => setup.once("disconnect", () => resolve()));
  return Promise.all([exited, disconnected]).then(([code]) => (code === 0 ? settings : null));
}

async function setupOnly() {
  const { memorySettings } = await import("./lib/env.server");
  let settings: MemorySettings;
  try {
    settings = memorySettings();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const { ensureSessionSecret, prepareDatabase } = await import("../db/setup");
  ensureSessionSecret(log);
  await prepareDatabase(log);
  if (process.env.SHAREBOARD_SHARED_CACHE_FILE) {
    const { createSharedCacheFile } = await import("./lib/shared-cache.server");
    createSharedCacheFile(process.env.SHAREBOARD_SHARED_CACHE_FILE);
  }
  await new Promise<void>((resolve, reject) => process.send!({ settings }, (error: Error | null) => (error ? reject(error) : resolve())));
}

if (cluster.isPrimary) {
  primary().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else if (process.env.SHAREBOARD_SETUP_ONLY === "1") {
  setupOnly().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  await import("./server");
}
