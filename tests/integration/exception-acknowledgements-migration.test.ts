// Migration 0007_exception_acknowledgements adds one new table and changes no existing one, so no
// data-moving SQL is appended to it (data-moving SQL: none): every exception in an existing
// database starts unacknowledged, as it was.
import { describe, expect, it } from "vitest";
import { databaseAtMigration } from "../helpers/migrations";

describe("migration 0007_exception_acknowledgements", () => {
  it("keeps existing users and settings, and adds acknowledgements that need a review date after their day and outlive a removed user", () => {
    const old = databaseAtMigration("0006_organisation_history");
    old.sqlite.prepare("INSERT INTO organisations (id, ods_code, name, type) VALUES (1, '02H', 'NHS Wigan Borough CCG', 'ccg')").run();
    old.sqlite.prepare("INSERT INTO users (id, email, name, organisation_id, password_hash) VALUES (7, 'programme@example.org', 'Priya Programme', 1, 'x')").run();
    old.sqlite.prepare("INSERT INTO user_roles (user_id, role) VALUES (7, 'programme')").run();
    old.sqlite.prepare("INSERT INTO settings (key, value) VALUES ('reporting_date', '2016-10-31')").run();
    old.migrateToLatest();

    expect(old.sqlite.prepare("SELECT email FROM users WHERE id = 7").get()).toEqual({ email: "programme@example.org" });
    expect(old.sqlite.prepare("SELECT value FROM settings WHERE key = 'reporting_date'").get()).toEqual({ value: "2016-10-31" });
    expect(old.sqlite.prepare("SELECT count(*) AS n FROM exception_acknowledgements").get()).toEqual({ n: 0 });

    const insert = old.sqlite.prepare(
      "INSERT INTO exception_acknowledgements (exception_key, kind, subject, severity, reason, review_by, acknowledged_by, acknowledged_on) VALUES (?, 'opt_in_below_target', 'P92016', ?, 'Borough rate on target', ?, 7, '2016-10-31')",
    );
    expect(insert.run("opt_in_below_target:P92016", "low", "2016-12-31").changes).toBe(1);
    expect(() => insert.run("opt_in_below_target:P92016", "low", "2016-10-31")).toThrow(/CHECK/);
    expect(() => insert.run("opt_in_below_target:P92016", "urgent", "2016-12-31")).toThrow(/CHECK/);

    old.sqlite.prepare("DELETE FROM user_roles WHERE user_id = 7").run();
    old.sqlite.prepare("DELETE FROM users WHERE id = 7").run();
    expect(old.sqlite.prepare("SELECT acknowledged_by, reason FROM exception_acknowledgements").get()).toEqual({ acknowledged_by: null, reason: "Borough rate on target" });
  });
});
