/*
 * The data-moving SQL appended to db/migrations/0006_organisation_history.sql (keep this copy: if
 * the migration is regenerated, append it again after the generated CREATE statements):
 *
 * --> statement-breakpoint
 * INSERT INTO `organisation_memberships` (`organisation_id`, `valid_from`, `valid_to`, `source`, `note`)
 * SELECT `id`, `signed_up_on`,
 *   CASE WHEN `status` = 'closed' AND `closed_on` > `signed_up_on` THEN `closed_on` END,
 *   'migration', 'from the sign-up date held before memberships were dated'
 * FROM `organisations` WHERE `signed_up_on` IS NOT NULL;
 * --> statement-breakpoint
 * INSERT INTO `organisation_status_periods` (`organisation_id`, `status`, `valid_from`, `valid_to`, `source`, `note`)
 * SELECT `id`, CASE WHEN `status` = 'closed' AND `closed_on` IS NOT NULL AND `closed_on` > coalesce(`opened_on`, '2000-01-01') THEN 'active' ELSE `status` END,
 *   coalesce(`opened_on`, '2000-01-01'),
 *   CASE WHEN `status` = 'closed' AND `closed_on` IS NOT NULL AND `closed_on` > coalesce(`opened_on`, '2000-01-01') THEN `closed_on` END,
 *   'migration', 'from the status, open and close dates held before statuses were dated'
 * FROM `organisations`;
 * --> statement-breakpoint
 * INSERT INTO `organisation_status_periods` (`organisation_id`, `status`, `valid_from`, `valid_to`, `source`, `note`)
 * SELECT `id`, 'closed', `closed_on`, NULL, 'migration', 'from the close date held before statuses were dated'
 * FROM `organisations` WHERE `status` = 'closed' AND `closed_on` IS NOT NULL AND `closed_on` > coalesce(`opened_on`, '2000-01-01');
 */
import { describe, expect, it } from "vitest";
import { databaseAtMigration, migrationTags } from "../helpers/migrations";

const BEFORE = "0005_consent_read_models";

describe("migrating organisations to dated membership and status", () => {
  it("moves sign-up, status, open and close dates of every existing organisation into validity periods", () => {
    expect(migrationTags()).toContain(BEFORE);
    const old = databaseAtMigration(BEFORE);
    const insert = old.sqlite.prepare("INSERT INTO organisations (ods_code, name, type, status, signed_up_on, opened_on, closed_on) VALUES (?, ?, 'gp_practice', ?, ?, ?, ?)");
    insert.run("P10001", "Active member", "active", "2015-03-01", "1980-04-01", null);
    insert.run("P10002", "Never signed up", "active", null, "1990-04-01", null);
    insert.run("P10003", "Closed after joining", "closed", "2014-06-02", "1975-04-01", "2016-05-31");
    insert.run("P10004", "Dormant, no open date", "dormant", "2014-07-01", null, null);
    insert.run("P10005", "Closed, no close date", "closed", "2014-07-01", null, null);
    old.migrateToLatest();

    const ids = Object.fromEntries((old.sqlite.prepare("SELECT ods_code, id FROM organisations").all() as { ods_code: string; id: number }[]).map((r) => [r.ods_code, r.id]));
    const statuses = old.sqlite.prepare("SELECT organisation_id AS id, status, valid_from AS validFrom, valid_to AS validTo, source FROM organisation_status_periods ORDER BY organisation_id, valid_from").all();
    expect(statuses).toEqual([
      { id: ids.P10001, status: "active", validFrom: "1980-04-01", validTo: null, source: "migration" },
      { id: ids.P10002, status: "active", validFrom: "1990-04-01", validTo: null, source: "migration" },
      { id: ids.P10003, status: "active", validFrom: "1975-04-01", validTo: "2016-05-31", source: "migration" },
      { id: ids.P10003, status: "closed", validFrom: "2016-05-31", validTo: null, source: "migration" },
      { id: ids.P10004, status: "dormant", validFrom: "2000-01-01", validTo: null, source: "migration" },
      { id: ids.P10005, status: "closed", validFrom: "2000-01-01", validTo: null, source: "migration" },
    ]);
    const memberships = old.sqlite.prepare("SELECT organisation_id AS id, valid_from AS validFrom, valid_to AS validTo FROM organisation_memberships ORDER BY organisation_id").all();
    // No sign-up date: not a member on any date (P10002).
    expect(memberships).toEqual([
      { id: ids.P10001, validFrom: "2015-03-01", validTo: null },
      { id: ids.P10003, validFrom: "2014-06-02", validTo: "2016-05-31" },
      { id: ids.P10004, validFrom: "2014-07-01", validTo: null },
      { id: ids.P10005, validFrom: "2014-07-01", validTo: null },
    ]);
  });
});
