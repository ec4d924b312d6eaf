import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { DEMO_PASSWORD } from "./support";

// Issue 11: under 20 connections /consent answered 500s whose HTML stopped mid-table. Every page
// must answer whole, whatever the load: status 200, the document closed and Remix's streamed data closed after it.
async function signInCookie(base: string, email: string) {
  const res = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
    body: new URLSearchParams({ email, password: DEMO_PASSWORD, redirectTo: "/" }),
  });
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  expect(cookie, `signing in as ${email} failed with ${res.status}`).toMatch(/=/);
  return cookie;
}

describe("pages under load", () => {
  it("answers 20 simultaneous requests for the consent page and the dashboard in full, never cut off", async () => {
    const base = inject("baseURL");
    const cookie = await signInCookie(base, "board@example.org");
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fetch(`${base}${i % 2 ? "/" : "/consent"}`, { headers: { cookie } }).then(async (r) => ({ status: r.status, body: await r.text() }))),
    );
    for (const r of responses) {
      expect(r.status).toBe(200);
      // A whole page: the document closes, then Remix's streamed data closes after it.
      expect(r.body).toContain("</html>");
      expect(r.body.trimEnd().slice(-300)).toMatch(/streamController\.close\(\);<\/script>(<!--\/\$-->)*$/);
    }
    expect(responses.filter((r) => r.body.includes("Opt-in")).length).toBeGreaterThanOrEqual(10);
  }, 120_000);
});

describe("the production server's settings", () => {
  it("refuses to start on a memory setting it cannot read, saying which and what to set, before forking any worker", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-bad-setting-"));
    try {
      const child = spawn(process.execPath, ["build/node/cluster.js"], {
        env: { ...process.env, NODE_ENV: "production", PORT: "0", DATABASE_PATH: path.join(dir, "db.sqlite"), SESSION_SECRET: "x".repeat(40), SHAREBOARD_WORKER_HEAP_MIB: "256MB" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      expect(code).toBe(1);
      expect(output).toContain("SHAREBOARD_WORKER_HEAP_MIB must be a whole number of MiB, at least 96 (default 256); unset it for the default.");
      expect(output).toContain("could not be set up");
      expect(output).not.toMatch(/started \d+ workers?/);
      // The database was not created: nothing was prepared on a setting that stops the start.
      expect(fs.existsSync(path.join(dir, "db.sqlite"))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
