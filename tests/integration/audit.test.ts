import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { freshEmptyDatabase } from "../helpers/db";
import { audit, verifyAuditChain, SYSTEM_ACTOR } from "~/lib/audit.server";
import { auditLog } from "../../db/schema";

function chainOfThree() {
  const { db, sqlite } = freshEmptyDatabase();
  db.transaction((tx) => {
    audit(tx, SYSTEM_ACTOR, { action: "organisation.create", entityType: "organisation", entityId: 1, after: { name: "A" } });
    audit(tx, { userId: null, label: "programme@example.org" }, { action: "organisation.update", entityType: "organisation", entityId: 1, before: { name: "A" }, after: { name: "B" } });
    audit(tx, SYSTEM_ACTOR, { action: "organisation.update", entityType: "organisation", entityId: 1, before: { name: "B" }, after: { name: "C" } });
  });
  return { db, sqlite };
}

describe("the audit log", () => {
  it("applies every migration to an empty database", () => {
    const { sqlite } = freshEmptyDatabase();
    const tables = sqlite.prepare("select name from sqlite_master where type = 'table'").all().map((r) => (r as { name: string }).name);
    for (const t of ["organisations", "deployments", "deployment_status_events", "agreements", "agreement_signatures", "indemnity_covers", "opt_in_returns", "business_cases", "business_case_transitions", "maturity_scores", "users", "sessions", "api_tokens", "settings", "audit_log"]) {
      expect(tables).toContain(t);
    }
  });

  it("chains each row to the one before and verifies", () => {
    const { db } = chainOfThree();
    const rows = db.select().from(auditLog).all();
    expect(rows[1].prevHash).toBe(rows[0].hash);
    expect(rows[2].prevHash).toBe(rows[1].hash);
    expect(verifyAuditChain(db)).toEqual({ ok: true, rows: 3 });
  });

  it("refuses UPDATE and DELETE on audit rows", () => {
    const { sqlite } = chainOfThree();
    expect(() => sqlite.prepare("update audit_log set actor_label = 'someone else' where id = 2").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare("delete from audit_log where id = 2").run()).toThrow(/append-only/);
  });

  it("detects a row edited behind the triggers' back", () => {
    const { db, sqlite } = chainOfThree();
    sqlite.exec("drop trigger audit_log_no_update");
    db.run(sql`update audit_log set after = '{"name":"Z"}' where id = 2`);
    const verdict = verifyAuditChain(db);
    expect(verdict.ok).toBe(false);
    expect(verdict).toMatchObject({ brokenAtId: 2 });
  });

  it("detects a deleted row", () => {
    const { db, sqlite } = chainOfThree();
    sqlite.exec("drop trigger audit_log_no_delete");
    db.run(sql`delete from audit_log where id = 2`);
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, brokenAtId: 3 });
  });

  it("rolls the audit row back with the change when the transaction fails", () => {
    const { db } = chainOfThree();
    expect(() =>
      db.transaction((tx) => {
        audit(tx, SYSTEM_ACTOR, { action: "organisation.delete", entityType: "organisation", entityId: 1 });
        throw new Error("the change failed");
      }),
    ).toThrow("the change failed");
    expect(db.select().from(auditLog).all()).toHaveLength(3);
  });
});
