/*
 * The data-moving SQL appended to db/migrations/0010_indemnity_cover_dated_endings.sql (if the
 * migration is regenerated or renumbered, append it again after the generated ALTER statements):
 * cover whose end date an 'indemnity.update' edit brought forward gets its signed end back from the
 * audit log's earliest `before.endOn`, and the current end becomes the early ending, recorded on the
 * day of the last edit that moved it (no later than the reporting date).
 */
import { describe, expect, it } from "vitest";
import { drizzle } from "drizzle-orm/better-sqlite3";
import * as schema from "../../db/schema";
import type { DbOrTx } from "~/lib/db.server";
import { countPracticesWithActiveCover, listPracticeCover } from "~/models/indemnity.server";
import { databaseAtMigration, migrationTags } from "../helpers/migrations";

const BEFORE = "0009_table_change_counters";

describe("migrating cover ended by editing its end date to dated endings", () => {
  it("recovers the signed end from the audit log, keeps the ending dated, and leaves unedited cover alone", () => {
    expect(migrationTags()).toContain(BEFORE);
    const old = databaseAtMigration(BEFORE);
    const sqlite = old.sqlite;
    sqlite.prepare("INSERT INTO settings (key, value) VALUES ('reporting_date', '2016-10-31')").run();
    const org = sqlite.prepare("INSERT INTO organisations (ods_code, name, type, signed_up_on) VALUES (?, ?, 'gp_practice', '2015-01-01') RETURNING id");
    const practice = (ods: string) => {
      const id = (org.get(ods, `Surgery ${ods}`) as { id: number }).id;
      sqlite.prepare("INSERT INTO organisation_memberships (organisation_id, valid_from, source) VALUES (?, '2015-01-01', 'migration')").run(id);
      sqlite.prepare("INSERT INTO organisation_status_periods (organisation_id, status, valid_from, source) VALUES (?, 'active', '2000-01-01', 'migration')").run(id);
      return id;
    };
    const cover = sqlite.prepare("INSERT INTO indemnity_covers (organisation_id, scope, start_on, end_on, status, document_reference) VALUES (?, 'MIG and EDT', '2016-04-01', ?, ?, ?) RETURNING *");
    let hash = "0".repeat(64);
    const auditInsert = sqlite.prepare(
      "INSERT INTO audit_log (at, actor_label, action, entity_type, entity_id, before, after, prev_hash, hash) VALUES (?, 'ccg@example.org', ?, 'indemnity_cover', ?, ?, ?, ?, ?)",
    );
    const audit = (at: string, action: string, row: { id: number }, before: object | null, after: object) => {
      const next = `${hash.slice(1)}${action.length % 10}`;
      auditInsert.run(at, action, String(row.id), before ? JSON.stringify(before) : null, JSON.stringify(after), hash, next);
      hash = next;
    };
    // Shape of a cover row as the previous version audited it (camelCase, as drizzle returns it).
    const snapshot = (row: Record<string, unknown>, endOn: string, status: string) => ({ id: row.id, organisationId: row.organisation_id, startOn: row.start_on, endOn, status });

    // Ended early in two edits: signed to 2018, ended 31 December 2016 on 1 October, then 30 September 2016 on 5 October.
    const ended = cover.get(practice("P10001"), "2016-09-30", "lapsed", "IND-ENDED") as Record<string, unknown> & { id: number };
    audit("2016-04-01T09:00:00.000Z", "indemnity.create", ended, null, snapshot(ended, "2018-03-31", "active"));
    audit("2016-10-01T10:00:00.000Z", "indemnity.update", ended, snapshot(ended, "2018-03-31", "active"), snapshot(ended, "2016-12-31", "active"));
    audit("2016-10-05T11:00:00.000Z", "indemnity.update", ended, snapshot(ended, "2016-12-31", "active"), snapshot(ended, "2016-09-30", "lapsed"));
    // Edited after the reporting date (the audit's clock is later than the reporting date): recorded on the reporting date.
    const late = cover.get(practice("P10002"), "2016-10-15", "lapsed", "IND-LATE") as Record<string, unknown> & { id: number };
    audit("2026-12-01T10:00:00.000Z", "indemnity.update", late, snapshot(late, "2017-03-31", "active"), snapshot(late, "2016-10-15", "lapsed"));
    // Edited, but not its end date (a document reference): unchanged.
    const documentOnly = cover.get(practice("P10003"), "2018-03-31", "active", "IND-DOC") as Record<string, unknown> & { id: number };
    audit("2016-06-01T10:00:00.000Z", "indemnity.update", documentOnly, snapshot(documentOnly, "2018-03-31", "active"), { ...snapshot(documentOnly, "2018-03-31", "active"), documentReference: "IND-DOC" });
    // End moved later (a correction, not an ending): unchanged.
    const extended = cover.get(practice("P10004"), "2018-03-31", "active", "IND-EXT") as Record<string, unknown> & { id: number };
    audit("2016-06-01T10:00:00.000Z", "indemnity.update", extended, snapshot(extended, "2017-03-31", "active"), snapshot(extended, "2018-03-31", "active"));
    // Never edited: unchanged.
    cover.get(practice("P10005"), "2018-03-31", "active", "IND-PLAIN");

    old.migrateToLatest();

    const rows = sqlite.prepare("SELECT document_reference AS ref, end_on AS endOn, ended_on AS endedOn, ended_recorded_on AS recordedOn, end_reason AS reason FROM indemnity_covers ORDER BY id").all() as {
      ref: string;
      endOn: string;
      endedOn: string | null;
      recordedOn: string | null;
      reason: string | null;
    }[];
    expect(rows.map(({ ref, endOn, endedOn, recordedOn }) => [ref, endOn, endedOn, recordedOn])).toEqual([
      ["IND-ENDED", "2018-03-31", "2016-09-30", "2016-10-05"],
      ["IND-LATE", "2017-03-31", "2016-10-15", "2016-10-31"],
      ["IND-DOC", "2018-03-31", null, null],
      ["IND-EXT", "2018-03-31", null, null],
      ["IND-PLAIN", "2018-03-31", null, null],
    ]);
    expect(rows[0]!.reason).toMatch(/^Ended early by changing its end date/);

    // What the register then says: before the ending was recorded the cover ran to its signed end; from then on it ended early.
    const db = drizzle(sqlite, { schema }) as unknown as DbOrTx;
    const row = (asAt: string, ods: string) => listPracticeCover({ asAt, db, pageSize: 100 }).rows.find((r) => r.odsCode === ods)!;
    expect(row("2016-10-04", "P10001")).toMatchObject({ state: "covered", endOn: "2018-03-31", endedEarlyOn: null });
    expect(row("2016-10-05", "P10001")).toMatchObject({ state: "lapsed", coverId: null, lastCoverEndedOn: "2016-09-30" });
    expect(row("2016-10-30", "P10002")).toMatchObject({ state: "covered", endOn: "2017-03-31" });
    expect(countPracticesWithActiveCover({ asAt: "2016-10-31", db })).toEqual({ covered: 3, total: 5 });
    sqlite.close();
  });
});
