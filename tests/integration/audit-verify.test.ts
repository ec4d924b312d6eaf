import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import { spawnSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { audit, SYSTEM_ACTOR } from "~/lib/audit.server";
import { closeDb, connection, getDb, transaction } from "~/lib/db.server";
import { CHECKPOINT_EVERY_ROWS, readCheckpointFile, resetCheckpointState } from "~/lib/audit-checkpoints.server";
import { restoreAuditTriggers, verifyAudit } from "~/lib/audit-verify.server";
import { reliabilitySettings } from "~/lib/env.server";
import { startAuditAndBackups } from "~/lib/reliability.server";
import { loader as adminLoader } from "~/routes/admin._index";
import { closeImportPool, confirmOptInUploadOffThread, previewOptInUploadOffThread } from "~/models/opt-in-import.server";
import { getRequest, signInAs } from "../helpers/requests";

const seeded = process.env.DATABASE_PATH!;
let dir: string;

/** A fresh copy of the seeded database, started the way the server starts (checkpoint, triggers). */
beforeEach(() => {
  closeDb();
  resetCheckpointState();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-audit-verify-"));
  process.env.DATABASE_PATH = path.join(dir, "shareboard.sqlite");
  fs.copyFileSync(seeded, process.env.DATABASE_PATH);
  const stop = startAuditAndBackups(connection(), () => {});
  stop();
});

afterEach(() => {
  closeDb();
  resetCheckpointState();
  process.env.DATABASE_PATH = seeded;
});

/** `n` changes, each audited in its own transaction as the app does. */
function writeChanges(n: number) {
  for (let i = 0; i < n; i++) {
    transaction((tx) => audit(tx, { userId: null, label: "programme@example.org" }, { action: "organisation.update", entityType: "organisation", entityId: i, before: { n: i }, after: { n: i + 1 } }));
  }
}

function sqlite() {
  return connection().sqlite;
}

function ids() {
  return (sqlite().prepare("select id from audit_log order by id").all() as { id: number }[]).map((r) => r.id);
}

/** What someone who can write the database but not read the key would do to hide an edit. */
function rehashFrom(fromId: number) {
  const rows = sqlite().prepare("select * from audit_log where id >= ? order by id").all(fromId) as Record<string, unknown>[];
  let prev = (sqlite().prepare("select hash from audit_log where id < ? order by id desc limit 1").get(fromId) as { hash: string }).hash;
  const update = sqlite().prepare("update audit_log set prev_hash = ?, hash = ? where id = ?");
  for (const r of rows) {
    const canonical = JSON.stringify([prev, r.at, r.actor_user_id, r.actor_label, r.action, r.entity_type, r.entity_id, r.before, r.after, r.ip, r.request_id]);
    const hash = crypto.createHash("sha256").update(canonical).digest("hex");
    update.run(prev, hash, r.id);
    prev = hash;
  }
}

function dropTriggers() {
  sqlite().exec("drop trigger audit_log_no_update; drop trigger audit_log_no_delete;");
}

function recreateTriggersByHand() {
  sqlite().exec(fs.readFileSync("db/migrations/0001_audit_log_append_only.sql", "utf8").replaceAll("--> statement-breakpoint", ""));
}

describe("audit verify", () => {
  it("passes a clean database, checkpointing every 100 rows after commit", () => {
    writeChanges(250);
    const verdict = verifyAudit(getDb());
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    const lines = readCheckpointFile(reliabilitySettings().auditCheckpointsFile);
    expect(lines.exists && lines.lines.length).toBeGreaterThanOrEqual(1 + Math.floor(250 / CHECKPOINT_EVERY_ROWS));
    expect(verdict.checkpointsChecked).toBeGreaterThanOrEqual(3);
  });

  it("anchors an opt-in import made on the import thread just after it answers, and the chain still verifies", async () => {
    await closeImportPool(); // a thread opened on this test's database
    const userId = (sqlite().prepare("select id from users where email = 'programme@example.org'").get() as { id: number }).id;
    const checkpoints = () => {
      const file = readCheckpointFile(reliabilitySettings().auditCheckpointsFile);
      return file.exists ? file.lines : [];
    };
    const before = checkpoints().length;
    try {
      const preview = await previewOptInUploadOffThread({ userId, fileName: "r.csv", text: "ods_code,month,registered,opted_in,declined,not_asked\nP92001,2016-10,1000,600,50,350\n" });
      if (!preview.ok || !preview.uploadId) throw new Error(JSON.stringify(preview));
      const result = await confirmOptInUploadOffThread({ actor: { userId, label: "programme@example.org" }, userId, uploadId: preview.uploadId });
      expect(result).toMatchObject({ ok: true });
      const importRow = (sqlite().prepare("select max(id) as id from audit_log where action = 'opt_in_returns.upload'").get() as { id: number }).id;
      // A fresh thread's first import is always due a checkpoint; it is written after the answer.
      await vi.waitFor(() => {
        const lines = checkpoints();
        expect(lines.length).toBeGreaterThan(before);
        expect(lines.at(-1)!.checkpoint).toMatchObject({ lastId: importRow });
      });
      expect(verifyAudit(getDb()).problems).toEqual([]);
    } finally {
      await closeImportPool();
    }
  });

  it("names an edited row", () => {
    writeChanges(30);
    const target = ids()[10];
    dropTriggers();
    sqlite().prepare("update audit_log set after = ? where id = ?").run('{"n":999}', target);
    recreateTriggersByHand();
    const verdict = verifyAudit(getDb());
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBadRowId).toBe(target);
    expect(verdict.problems[0]).toContain(`Audit row ${target} breaks the hash chain: its content does not match its hash`);
  });

  it("notices the newest rows deleted", () => {
    writeChanges(250);
    const all = ids();
    dropTriggers();
    sqlite().prepare("delete from audit_log where id > ?").run(all[all.length - 61]);
    recreateTriggersByHand();
    const verdict = verifyAudit(getDb());
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.join("\n")).toMatch(/rows were removed/);
    expect(verdict.firstBadRowId).toBe(all[all.length - 60]);
  });

  it("names the row after a deleted middle row", () => {
    writeChanges(40);
    const all = ids();
    dropTriggers();
    sqlite().prepare("delete from audit_log where id = ?").run(all[20]);
    recreateTriggersByHand();
    const verdict = verifyAudit(getDb());
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBadRowId).toBe(all[21]);
    expect(verdict.problems[0]).toContain(`Audit row ${all[21]} breaks the hash chain`);
  });

  it("fails when the append-only triggers are dropped, and start-up re-creates them and says so", () => {
    dropTriggers();
    const verdict = verifyAudit(getDb());
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([expect.stringContaining("audit_log_no_update is missing"), expect.stringContaining("audit_log_no_delete is missing")]);

    const logged: string[] = [];
    startAuditAndBackups(connection(), (line) => logged.push(line))();
    expect(logged.join("\n")).toContain("re-created them and recorded it in the audit log");
    const newest = sqlite().prepare("select action, after from audit_log order by id desc limit 1").get() as { action: string; after: string };
    expect(newest.action).toBe("audit.triggers_restored");
    expect(JSON.parse(newest.after)).toEqual({ restored: ["audit_log_no_update", "audit_log_no_delete"] });
    expect(() => sqlite().prepare("delete from audit_log").run()).toThrow(/append-only/);
    expect(verifyAudit(getDb()).ok).toBe(true);
    expect(restoreAuditTriggers(getDb())).toEqual([]); // nothing to do the second time: no second audit row
  });

  it("fails when a trigger is replaced by one that lets changes through", () => {
    sqlite().exec("drop trigger audit_log_no_update; create trigger audit_log_no_update before update on audit_log begin select 1; end;");
    expect(verifyAudit(getDb()).problems).toEqual([expect.stringContaining("audit_log_no_update is not the one the migration created")]);
  });

  it("notices a chain re-hashed without the key, though every hash links up", () => {
    writeChanges(150);
    const target = ids()[5];
    dropTriggers();
    sqlite().prepare("update audit_log set actor_label = 'someone else' where id = ?").run(target);
    rehashFrom(target);
    recreateTriggersByHand();
    const verdict = verifyAudit(getDb());
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toHaveLength(1);
    expect(verdict.problems[0]).toMatch(/do not match the checkpoint of .*re-hashed without the key/);
    expect(verdict.firstBadRowId).toBeLessThanOrEqual(target);
  });

  it("refuses a checkpoint line forged without the key", () => {
    writeChanges(5);
    const file = reliabilitySettings().auditCheckpointsFile;
    const last = fs.readFileSync(file, "utf8").trim().split("\n").pop()!;
    fs.appendFileSync(file, JSON.stringify({ ...JSON.parse(last), rows: 1, mac: "00".repeat(32) }) + "\n");
    expect(verifyAudit(getDb()).problems).toEqual([expect.stringContaining("is not signed with the audit key")]);
  });

  it("fails when the checkpoint file is removed", () => {
    fs.rmSync(reliabilitySettings().auditCheckpointsFile);
    expect(verifyAudit(getDb()).problems).toEqual([expect.stringContaining("There is no checkpoint file")]);
  });

  it("shows the same verdict on /admin as the command", async () => {
    const cookie = await signInAs("admin@example.org");
    const clean = (await adminLoader({ request: getRequest("/admin", cookie), params: {}, context: {} })) as { chain: { ok: boolean; lines: string[] } };
    expect(clean.chain.ok).toBe(true);
    dropTriggers();
    const tampered = (await adminLoader({ request: getRequest("/admin", cookie), params: {}, context: {} })) as { chain: { ok: boolean; problems: string[] } };
    expect(tampered.chain.ok).toBe(false);
    expect(tampered.chain.problems).toEqual(verifyAudit(getDb()).problems);
  });

  it("`npm run audit:verify` exits 0 on a clean database and 1 naming the first bad row", () => {
    writeChanges(3);
    const run = () =>
      spawnSync(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "db/audit-verify.ts"], { env: { ...process.env }, encoding: "utf8" });
    const ok = run();
    expect(ok.stdout).toContain("The audit log verifies");
    expect(ok.status).toBe(0);

    const target = ids()[2];
    dropTriggers();
    sqlite().prepare("update audit_log set action = 'nothing.happened' where id = ?").run(target);
    const bad = run();
    expect(bad.stdout).toContain(`The audit log does NOT verify (first bad row: ${target})`);
    expect(bad.stdout).toContain("audit_log_no_delete is missing");
    expect(bad.status).toBe(1);
  });
});
