// Migration 0003_notifications adds new tables only: notifications, notification_preferences,
// email_outbox and notification_scans. No existing data changes shape, so no data-moving SQL is
// appended to it (data-moving SQL: none). Existing databases get their first notifications from
// the start-up catch-up scan, which scans the reporting date only when no scan is recorded.
import { describe, expect, it } from "vitest";
import { databaseAtMigration } from "../helpers/migrations";

describe("migration 0003_notifications", () => {
  it("keeps existing users and adds notifications whose idempotency key holds and which go when their user goes", () => {
    const old = databaseAtMigration("0002_deployment_status_intervals");
    old.sqlite.prepare("INSERT INTO organisations (id, ods_code, name, type) VALUES (1, '02H', 'NHS Wigan Borough CCG', 'ccg')").run();
    old.sqlite.prepare("INSERT INTO users (id, email, name, organisation_id, password_hash) VALUES (7, 'ccg@example.org', 'Cara CCG', 1, 'x')").run();
    old.sqlite.prepare("INSERT INTO user_roles (user_id, role) VALUES (7, 'ccg')").run();
    old.migrateToLatest();

    expect(old.sqlite.prepare("SELECT email FROM users WHERE id = 7").get()).toEqual({ email: "ccg@example.org" });
    const insert = old.sqlite.prepare(
      "INSERT INTO notifications (user_id, kind, record_key, threshold, title, body, href, on_date, email_choice) VALUES (7, 'cover_ending', 'cover:1', '30', 'Cover ends in 30 days', 'Renew it.', '/indemnity', '2016-10-31', 'immediate') ON CONFLICT DO NOTHING",
    );
    expect(insert.run().changes).toBe(1);
    expect(insert.run().changes).toBe(0);
    expect(() => old.sqlite.prepare("INSERT INTO notification_preferences (user_id, kind, email) VALUES (7, 'cover_ending', 'sometimes')").run()).toThrow(/CHECK/);
    old.sqlite.prepare("INSERT INTO email_outbox (dedupe_key, notification_id, user_id, to_address, subject, text_body, html_body, status) VALUES ('notification:1', 1, 7, 'ccg@example.org', 's', 't', 'h', 'kept')").run();
    expect(() => old.sqlite.prepare("INSERT INTO email_outbox (dedupe_key, to_address, subject, text_body, html_body, status) VALUES ('notification:1', 'x@example.org', 's', 't', 'h', 'kept')").run()).toThrow(/UNIQUE/);

    old.sqlite.prepare("DELETE FROM user_roles WHERE user_id = 7").run();
    old.sqlite.prepare("DELETE FROM users WHERE id = 7").run();
    expect(old.sqlite.prepare("SELECT count(*) AS n FROM notifications").get()).toEqual({ n: 0 });
    // The message sent stays in the outbox as a record, without its user.
    expect(old.sqlite.prepare("SELECT user_id, notification_id, to_address FROM email_outbox").get()).toEqual({ user_id: null, notification_id: null, to_address: "ccg@example.org" });
  });
});
