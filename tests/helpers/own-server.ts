import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { startServer } from "./server";

// A production server of a test's own (the build `npm test` makes, its own seeded database), for
// tests that must not share the e2e server's throttling counters or data.

export { signIn as signInOverHttp } from "./server";

export type TestServer = { baseURL: string; port: number; databasePath: string; output: () => string; stop: () => Promise<void> };

export async function startProductionServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-own-server-"));
  const databasePath = path.join(dir, "server.sqlite");
  const server = await startServer({ DATABASE_PATH: databasePath, SESSION_SECRET: "own-server-secret-that-is-long-enough-0123456789", ...env });
  return {
    baseURL: server.baseURL,
    port: server.port,
    databasePath,
    output: server.output,
    stop: async () => {
      // A clean stop if it comes quickly; these tests do not need to see the server exit.
      await Promise.race([server.stop(), new Promise((r) => setTimeout(r, 300))]);
      if (server.child.exitCode === null && server.child.signalCode === null) await server.kill9();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A GET's status, headers and raw body bytes: unlike fetch, nothing is decompressed. */
export function rawGet(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}
