// Backup while the server writes, restore, verify, and serve the restored file; an older copy put
// in place by hand (a silent truncation) does not verify.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { runScript, signIn, startServer, type RunningServer } from "../helpers/server";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-backup-test-"));
const env = { DATABASE_PATH: path.join(dir, "live.sqlite"), BACKUP_DIR: path.join(dir, "daily"), BACKUP_KEEP: "2" };
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function auditRows(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("select id, action, after from audit_log order by id").all() as { id: number; action: string; after: string | null }[];
  } finally {
    db.close();
  }
}

describe("backup and restore", () => {
  it("backs up while the server writes, refuses to restore under it, restores, verifies and serves the restored file", async () => {
    server = await startServer(env);
    // The daily backup runs at start-up when BACKUP_DIR is set.
    await expect.poll(() => fs.existsSync(env.BACKUP_DIR) && fs.readdirSync(env.BACKUP_DIR).filter((f) => f.endsWith(".sqlite")).length, { timeout: 20_000 }).toBe(1);
    // The log line is written asynchronously (pino), so it may follow the file by a moment.
    await expect.poll(() => server!.output(), { timeout: 10_000 }).toMatch(/Daily backup written to .*live-\d{4}-\d{2}-\d{2}\.sqlite/);

    // Sign-ins are audited writes: keep them going while the backup runs.
    let writing = true;
    let writes = 0;
    const baseURL = server.baseURL;
    const writer = (async () => {
      while (writing) {
        await signIn(baseURL, "programme@example.org");
        writes++;
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const backupFile = path.join(dir, "manual", "backup.sqlite");
    const backup = await runScript("db/backup.ts", [backupFile], env);
    const writesDuringBackup = writes;
    await new Promise((r) => setTimeout(r, 300));
    writing = false;
    await writer;
    expect(backup.out).toContain(`to ${backupFile}`);
    expect(backup.out).toContain("Checked: integrity_check ok; the audit log verifies");
    expect(backup.status).toBe(0);
    expect(writesDuringBackup).toBeGreaterThan(0);
    expect(writes).toBeGreaterThan(writesDuringBackup); // the server kept writing after the copy
    expect((fs.statSync(backupFile).mode & 0o777).toString(8)).toBe("600");

    const refused = await runScript("db/restore.ts", [backupFile], env);
    expect(refused.out).toContain("has " + env.DATABASE_PATH + " open: stop every server process using it");
    expect(refused.status).toBe(1);

    await server.stop();
    server = undefined;
    const before = auditRows(env.DATABASE_PATH).length;
    const backedUp = auditRows(backupFile).length;
    expect(backedUp).toBeLessThan(before);

    const restored = await runScript("db/restore.ts", [backupFile], env);
    expect(restored.out).toContain(`Restored ${backupFile}`);
    expect(restored.out).toMatch(/The database it replaced is kept as .*live\.sqlite\.before-restore-/);
    expect(restored.status).toBe(0);
    const rows = auditRows(env.DATABASE_PATH);
    expect(rows).toHaveLength(backedUp + 1);
    expect(rows.at(-1)).toMatchObject({ action: "database.restored" });
    expect(JSON.parse(rows.at(-1)!.after!)).toMatchObject({ from: backupFile, rows: backedUp });

    const verified = await runScript("db/audit-verify.ts", [], env);
    expect(verified.out).toContain("The audit log verifies");
    expect(verified.status).toBe(0);

    server = await startServer(env);
    const health = await fetch(`${server.baseURL}/healthz`);
    expect(health.status).toBe(200);
    await signIn(server.baseURL, "admin@example.org");
    await server.stop();
    server = undefined;
    expect((await runScript("db/audit-verify.ts", [], env)).status).toBe(0);
  }, 240_000); // five script runs and two server starts: about 30 s on an idle machine

  it("does not verify when an older copy is put in place without npm run restore", async () => {
    const copy = path.join(dir, "manual", "backup.sqlite");
    for (const suffix of ["-wal", "-shm"]) fs.rmSync(env.DATABASE_PATH + suffix, { force: true });
    fs.copyFileSync(copy, env.DATABASE_PATH);
    const verdict = await runScript("db/audit-verify.ts", [], env);
    expect(verdict.out).toMatch(/rows were removed, or an older copy was put in place without `npm run restore`/);
    expect(verdict.status).toBe(1);
  });
});
