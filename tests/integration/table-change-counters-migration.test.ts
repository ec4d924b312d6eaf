/*
 * The data-moving SQL appended to db/migrations/0009_table_change_counters.sql (keep this copy: if
 * the migration is regenerated, append it again after the generated CREATE TABLE):
 *
 * --> statement-breakpoint
 * INSERT INTO `table_versions` (`name`, `version`) SELECT `name`, random() FROM `sqlite_master` WHERE `type` = 'table' AND `name` NOT LIKE 'sqlite_%' AND `name` NOT IN ('table_versions', '__drizzle_migrations');
 * --> statement-breakpoint
 * DELETE FROM `settings` WHERE `key` = 'data_version';
 */
import { describe, expect, it } from "vitest";
import { countedTables, ensureChangeCounters } from "../../db/change-counters";
import { READ_MODEL_SOURCES } from "../../db/read-model-sources";
import { databaseAtMigration, migrationTags } from "../helpers/migrations";

const BEFORE = "0008_indemnity_held_by_practices";

describe("migrating from one data version to a change counter per table", () => {
  it("gives every existing table a counter, drops the old data version, and counts changes once the triggers exist", () => {
    expect(migrationTags()).toContain(BEFORE);
    const old = databaseAtMigration(BEFORE);
    old.sqlite.prepare("INSERT INTO settings (key, value) VALUES ('data_version', '4127'), ('reporting_date', '2016-10-31')").run();
    old.sqlite.prepare("INSERT INTO organisations (ods_code, name, type, signed_up_on) VALUES ('P10001', 'Covered Surgery', 'gp_practice', '2015-01-01')").run();
    old.migrateToLatest();

    const counters = new Map((old.sqlite.prepare("SELECT name, version FROM table_versions").all() as { name: string; version: number }[]).map((r) => [r.name, r.version]));
    // The migration gave every table then present a counter, read models' included (they went
    // uncounted later: db/read-model-sources.ts); opening the database drops theirs.
    const readModelTables = Object.keys(READ_MODEL_SOURCES).filter((t) => counters.has(t));
    expect([...counters.keys()].filter((t) => !readModelTables.includes(t)).sort()).toEqual(countedTables(old.sqlite));
    expect(counters.has("organisations")).toBe(true);
    expect(counters.has("audit_log")).toBe(true);
    const settings = old.sqlite.prepare("SELECT key, value FROM settings ORDER BY key").all();
    expect(settings).toEqual([{ key: "reporting_date", value: "2016-10-31" }]);
    // The data itself is untouched.
    expect(old.sqlite.prepare("SELECT name FROM organisations").pluck().all()).toEqual(["Covered Surgery"]);

    // Opening the database (as the server does after migrating) creates the triggers; a change then moves the counter.
    expect(ensureChangeCounters(old.sqlite)).toBe(3 * (counters.size - readModelTables.length));
    for (const table of readModelTables) expect(old.sqlite.prepare("SELECT count(*) FROM table_versions WHERE name = ?").pluck().get(table)).toBe(0);
    old.sqlite.prepare("UPDATE organisations SET name = 'Renamed Surgery'").run();
    const after = old.sqlite.prepare("SELECT version FROM table_versions WHERE name = 'organisations'").pluck().get();
    expect(after).not.toBe(counters.get("organisations"));
    old.sqlite.close();
  });
});
