import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureSessionSecret, SESSION_SECRET_FILE } from "../../db/setup";

const saved = { secret: process.env.SESSION_SECRET, database: process.env.DATABASE_PATH };
afterEach(() => {
  process.env.SESSION_SECRET = saved.secret;
  process.env.DATABASE_PATH = saved.database;
  if (saved.secret === undefined) delete process.env.SESSION_SECRET;
  if (saved.database === undefined) delete process.env.DATABASE_PATH;
});

describe("the generated session secret", () => {
  it("is kept in db/data/session-secret, where the README says, whatever DATABASE_PATH is", () => {
    process.env.DATABASE_PATH = "shareboard.sqlite";
    expect(SESSION_SECRET_FILE).toBe(path.resolve("db/data/session-secret"));
  });

  it("is ignored by git, so it can never be committed", () => {
    const out = execFileSync("git", ["check-ignore", "-v", "db/data/session-secret", "session-secret"], { encoding: "utf8" });
    expect(out).toContain("db/data/session-secret");
    expect(out).toMatch(/\tsession-secret\n/);
  });

  it("is generated once, readable by its owner only, and reused after a restart", () => {
    delete process.env.SESSION_SECRET;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "secret-")), "data", "session-secret");
    const lines: string[] = [];
    ensureSessionSecret((l) => lines.push(l), file);
    const first = process.env.SESSION_SECRET;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    delete process.env.SESSION_SECRET;
    ensureSessionSecret((l) => lines.push(l), file);
    expect(process.env.SESSION_SECRET).toBe(first);
    expect(lines[1]).toContain(`using the one kept in ${file}`);
  });
});
