import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

// A production server of a test's own (the build `npm test` makes, its own seeded database), for
// tests that must not share the e2e server's throttling counters or data.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export type TestServer = { baseURL: string; port: number; databasePath: string; output: () => string; stop: () => Promise<void> };

export async function startProductionServer(env: Record<string, string> = {}): Promise<TestServer> {
  if (!fs.existsSync("build/server/index.js")) throw new Error("No build: run `npm run build` first (npm test does it for you).");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-own-server-"));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const databasePath = path.join(dir, "server.sqlite");
  let output = "";
  const child = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "app/server.ts"], {
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), DATABASE_PATH: databasePath, SESSION_SECRET: "own-server-secret-that-is-long-enough-0123456789", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited (${child.exitCode}) before it was ready:\n${output}`);
    if (Date.now() > deadline) throw new Error(`The server did not answer /healthz within 90 s:\n${output}`);
    try {
      if ((await fetch(`${baseURL}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseURL,
    port,
    databasePath,
    output: () => output,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 300));
      if (child.exitCode === null) child.kill("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in over HTTP and returns the session cookie ("name=value"). */
export async function signInOverHttp(baseURL: string, email: string, password = "shareboard-demo") {
  const res = await fetch(`${baseURL}/login`, {
    method: "POST",
    body: new URLSearchParams({ email, password, redirectTo: "/" }),
    redirect: "manual",
  });
  const cookie = res.headers.get("set-cookie");
  if (res.status !== 302 || !cookie) throw new Error(`Sign-in as ${email} failed with ${res.status}`);
  return cookie.split(";")[0]!;
}
