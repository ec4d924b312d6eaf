// The production server under benchmark (tests/bench/run.ts, past-dates.ts, form-import.ts): the compiled cluster
// as `npm run serve` starts it, on a database file of the bench's own, with its resident memory
// (the cluster's primary and its workers together) sampled every 250 ms.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, waitForHealthz } from "../helpers/server";

/**
 * The compiled cluster on a copy of the national database named on the command line (argv[2]),
 * which is never changed; `stop` also removes the copy. `usage` is the command, for the message when
 * the database or the build is missing.
 */
export async function startBenchServerOnCopy(usage: string, label: string) {
  const source = process.argv[2];
  if (!source || !fs.existsSync(source)) throw new Error(`Usage: ${usage} (build one with npm run bench:build-db -- FILE)`);
  if (!fs.existsSync("build/node/cluster.js")) throw new Error("Run npm run build first: this measures the production server.");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `shareboard-${label}-`));
  const file = path.join(dir, "national.sqlite");
  fs.copyFileSync(source, file);
  const server = await startBenchServer(file);
  return {
    ...server,
    file,
    stop: async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts the compiled cluster on `file` (run `npm run build` first) and waits until it answers. */
export async function startBenchServer(file: string) {
  const port = await freePort();
  // BENCH_CPU_PROFILE_DIR=DIR: every server process (the primary and each worker) writes a V8 CPU profile there as it exits.
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [...(process.env.BENCH_CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : []), "build/node/cluster.js"], {
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), DATABASE_PATH: file, SESSION_SECRET: "bench-secret-that-is-long-enough-0123456789" },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  let rssPeakKiB = 0;
  const sampler = setInterval(() => (rssPeakKiB = Math.max(rssPeakKiB, treeRssKiB(server.pid!))), 250);
  const stop = async () => {
    clearInterval(sampler);
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      server.kill("SIGTERM");
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  };
  try {
    await waitForHealthz(base, server, () => "(its output went to this terminal)", { timeoutMs: 120_000 });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    base,
    /** The server's resident memory now, MiB. */
    rssMiB: () => Math.round(treeRssKiB(server.pid!) / 1024),
    /** The highest resident memory sampled since the start, MiB. */
    rssPeakMiB: () => Math.round(rssPeakKiB / 1024),
    stop,
  };
}

/**
 * Resident memory of a process and all its descendants, KiB. Read from /proc (each thread's
 * children and each process's VmRSS): spawning `ps` every 250 ms, as this did before, took the
 * bench's own thread for several milliseconds each time and a share of the two cores, in the
 * middle of what it was timing (the import runs on this thread). `ps` where there is no /proc.
 */
export function treeRssKiB(rootPid: number) {
  if (!fs.existsSync(`/proc/${rootPid}/task`)) return treeRssKiBFromPs(rootPid);
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      total += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
        const children = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
        if (children) stack.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // the process (or thread) ended between two reads
    }
  }
  return total;
}

function treeRssKiBFromPs(rootPid: number) {
  const out = spawnSync("ps", ["-e", "-o", "pid=,ppid=,rss="], { encoding: "utf8" }).stdout;
  const rows = out.trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of rows) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const rss = new Map(rows.map(([pid, , kib]) => [pid, kib]));
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}
