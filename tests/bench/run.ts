// `npm run bench`: builds a national-scale database, starts the production build on loopback and
// measures the dashboard, /api/v1/summary and /rollout with autocannon. Prints figures; never fails
// on speed (a slow machine is not a bug), only on errors.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { buildNationalDatabase } from "./national-data";
import { hashToken } from "../../app/models/api-tokens.server";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function percentile(sorted: number[], p: number) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** One request on its own, before any figures are cached: what the first visitor after a change waits. */
async function coldRequest(url: string, headers: Record<string, string>) {
  const started = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  return { ms: performance.now() - started, status: res.status };
}

async function measure(name: string, url: string, headers: Record<string, string>) {
  const times: number[] = [];
  let errors = 0;
  // Without a callback autocannon returns a promise that is also its event emitter.
  const instance = autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers }) as unknown as Promise<autocannon.Result> &
    import("node:events").EventEmitter;
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 400) errors++;
    times.push(responseTime);
  });
  const result = await instance;
  times.sort((a, b) => a - b);
  return {
    name,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    errors: errors + result.errors + result.non2xx,
  };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-bench-"));
  const file = path.join(dir, "national.sqlite");
  await buildNationalDatabase(file);

  if (!fs.existsSync("build/server/index.js") || process.argv.includes("--build")) {
    console.log("building the production app...");
    if (spawnSync("npx", ["remix", "vite:build"], { stdio: "inherit" }).status !== 0) process.exit(1);
  }

  const token = "sbt_bench-token-" + Math.random().toString(36).slice(2);
  const sqlite = new Database(file);
  sqlite.prepare("insert into api_tokens (name, token_hash, prefix) values (?, ?, ?)").run("bench", hashToken(token), token.slice(0, 10));
  sqlite.close();

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "app/server.ts"], {
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), DATABASE_PATH: file, SESSION_SECRET: "bench-secret-that-is-long-enough-0123456789" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        /* not yet listening */
      }
      if (i > 240) throw new Error("the server did not start");
      await new Promise((r) => setTimeout(r, 250));
    }
    const login = await fetch(`${base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
      body: new URLSearchParams({ email: "board@example.org", password: "shareboard-demo", redirectTo: "/" }),
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
    if (!cookie) throw new Error(`sign-in failed (${login.status})`);

    const targets: { name: string; url: string; headers: Record<string, string> }[] = [
      { name: "dashboard  GET /", url: `${base}/`, headers: { cookie } },
      { name: "api        GET /api/v1/summary", url: `${base}/api/v1/summary`, headers: { authorization: `Bearer ${token}` } },
      { name: "roll-out   GET /rollout", url: `${base}/rollout`, headers: { cookie } },
    ];
    console.log(`\n${CONNECTIONS} connections, ${DURATION} s each, on loopback against the production build (${os.cpus().length} cores).`);
    console.log("cold: the first request, which computes the figures; the rest reuse them until the data changes.\n");
    console.log("endpoint                            cold ms  requests   req/s    p50 ms   p95 ms   p99 ms   errors");
    let failed = false;
    for (const t of targets) {
      const cold = await coldRequest(t.url, t.headers);
      failed ||= cold.status >= 400;
      const r = await measure(t.name, t.url, t.headers);
      failed ||= r.errors > 0;
      console.log(
        `${t.name.padEnd(36)}${cold.ms.toFixed(0).padStart(7)}${String(r.requests).padStart(10)}${r.rps.toFixed(1).padStart(8)}${r.p50.toFixed(0).padStart(10)}${r.p95.toFixed(0).padStart(9)}${r.p99.toFixed(0).padStart(9)}${String(r.errors).padStart(9)}`,
      );
    }
    if (failed) {
      console.error("\nSome requests failed (status 4xx/5xx or connection errors): the figures above are not trustworthy.");
      process.exitCode = 1;
    }
  } finally {
    server.kill("SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
