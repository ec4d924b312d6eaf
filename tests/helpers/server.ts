// Starts the real production server (tsx app/server.ts, the build in build/) as a child process
// that a test can stop, kill -9 and start again on the same database.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export const DEMO_PASSWORD = "shareboard-demo";
const TSX = path.resolve("node_modules/tsx/dist/cli.mjs");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/**
 * Waits until a server started as `child` answers `<baseURL>/healthz`. Fails with what the server
 * wrote (`output`) if it exits first or has not answered within `timeoutMs`.
 */
export async function waitForHealthz(baseURL: string, child: ChildProcess, output: () => string, { timeoutMs = 90_000, pollMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited (${child.exitCode}) before it was ready:\n${output()}`);
    try {
      if ((await fetch(`${baseURL}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`The server did not answer /healthz within ${Math.round(timeoutMs / 1000)} s:\n${output()}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export type RunningServer = {
  baseURL: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for the exit. */
  stop: () => Promise<void>;
  /** kill -9: no clean-up of any kind. */
  kill9: () => Promise<void>;
};

function exited(child: ChildProcess) {
  return new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
}

export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  if (!fs.existsSync("build/server/index.js")) throw new Error("No build: run `npm run build` first (npm test does).");
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  let log = "";
  // The server runs in this child itself (tsx as a loader), not under tsx's CLI: a SIGKILL to the
  // CLI left the real server running, orphaned, so a "kill" stopped nothing and the process outlived the test.
  const child = spawn(process.execPath, ["--import", "tsx", "app/server.ts"], {
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), SESSION_SECRET: "crash-test-secret-that-is-long-enough-0123456789", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  try {
    await waitForHealthz(baseURL, child, () => log, { pollMs: 100 });
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    baseURL,
    port,
    child,
    output: () => log,
    stop: async () => {
      child.kill("SIGTERM");
      await exited(child);
    },
    kill9: async () => {
      child.kill("SIGKILL");
      await exited(child);
    },
  };
}

/** Signs in over HTTP and returns the session cookie ("name=value"). */
export async function signIn(baseURL: string, email: string, password = DEMO_PASSWORD) {
  const res = await fetch(`${baseURL}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseURL },
    body: new URLSearchParams({ email, password, redirectTo: "/" }),
  });
  const cookie = res.headers.get("set-cookie");
  if (res.status !== 302 || !cookie) throw new Error(`Signing in as ${email} answered ${res.status}`);
  return cookie.split(";")[0];
}

export function postForm(baseURL: string, pathname: string, cookie: string, body: URLSearchParams | FormData, signal?: AbortSignal) {
  return fetch(`${baseURL}${pathname}`, { method: "POST", redirect: "manual", headers: { Cookie: cookie, Origin: baseURL }, body, signal });
}

/** Runs one of the npm scripts' entry files (db/*.ts) with tsx, as `npm run <script>` does. */
export function runScript(file: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, file, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (status) => resolve({ status, out }));
  });
}
