import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { freePort, waitForHealthz } from "../helpers/server";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
  }
}

/**
 * Starts the production build (the same server `npm start` runs) on a free port with its own
 * fresh database, seeded with the demo data, for the browser tests.
 */
export default async function setup(project: TestProject) {
  if (!fs.existsSync("build/server/index.js") || !fs.existsSync("build/node/cluster.js")) throw new Error("No build: run `npm test` (it builds first) or `npm run build`.");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-e2e-"));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  let output = "";
  // The server as users run it (`npm run serve`: the compiled app/cluster.ts) with two workers, so every test also proves that
  // nothing (upload previews, sessions, caches) depends on which worker answers.
  const child = spawn(process.execPath, ["build/node/cluster.js"], {
    detached: true,
    env: {
      ...process.env,
      WEB_CONCURRENCY: "2",
      NODE_ENV: "production",
      PORT: String(port),
      DATABASE_PATH: path.join(dir, "e2e.sqlite"),
      SESSION_SECRET: "e2e-secret-that-is-long-enough-0123456789abcdef",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  await waitForHealthz(baseURL, child, () => output);
  project.provide("baseURL", baseURL);
  process.env.SHAREBOARD_E2E_DATABASE = path.join(dir, "e2e.sqlite");
  return async () => {
    // The whole process group: the tsx wrapper, the cluster's primary and its workers.
    const group = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    group("SIGTERM");
    for (let i = 0; i < 20 && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    group("SIGKILL");
    if (process.env.SHAREBOARD_E2E_LOG) console.log(output);
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
