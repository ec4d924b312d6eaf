import { describe, expect, it } from "vitest";
import { databaseAtMigration } from "../helpers/migrations";

/*
 * Migration 0002_deployment_status_intervals moves existing data: every deployment's status events
 * become stored intervals. The data-moving SQL appended to that migration (keep this copy, to re-append
 * if the migration must be regenerated):
 *
 * INSERT INTO `deployment_status_intervals` (`deployment_id`, `status`, `valid_from`, `valid_to`)
 * WITH `day_status` AS (
 *   SELECT `deployment_id`, `status`, `effective_on`,
 *     row_number() OVER (PARTITION BY `deployment_id`, `effective_on` ORDER BY `id` DESC) AS `day_rank`
 *   FROM `deployment_status_events` WHERE `voided_at` IS NULL
 * ), `changes` AS (
 *   SELECT `deployment_id`, `status`, `effective_on`,
 *     coalesce(lag(`status`) OVER (PARTITION BY `deployment_id` ORDER BY `effective_on`), '') AS `previous_status`
 *   FROM `day_status` WHERE `day_rank` = 1
 * ), `starts` AS (
 *   SELECT `deployment_id`, `status`, `effective_on` FROM `changes` WHERE `status` <> `previous_status`
 * )
 * SELECT `deployment_id`, `status`, `effective_on`, lead(`effective_on`) OVER (PARTITION BY `deployment_id` ORDER BY `effective_on`) FROM `starts`;
 */

describe("migrating deployment status events to stored intervals", () => {
  it("turns each deployment's existing events into back-to-back intervals, and leaves every event standing", () => {
    const old = databaseAtMigration("0001_audit_log_append_only");
    const { sqlite } = old;
    sqlite.exec(`
      INSERT INTO organisations (id, ods_code, name, type) VALUES (1, 'P00001', 'Old Practice', 'gp_practice');
      INSERT INTO services (id, organisation_id, name) VALUES (1, 1, 'GP care'), (2, 1, 'District nursing');
      INSERT INTO capabilities (id, code, name) VALUES (1, 'mig_view', 'Detailed care record view (MIG)');
      INSERT INTO deployments (id, service_id, capability_id, status) VALUES (1, 1, 1, 'live'), (2, 2, 1, 'planned');
      INSERT INTO deployment_status_events (id, deployment_id, status, effective_on) VALUES
        (1, 1, 'planned', '2015-09-01'),
        (2, 1, 'in_progress', '2016-01-01'),
        (3, 1, 'live', '2016-03-01'),
        (4, 1, 'paused', '2016-05-01'),
        (5, 1, 'live', '2016-05-01'),
        (6, 1, 'live', '2016-06-01'),
        (7, 2, 'planned', '2016-02-01');
    `);
    old.migrateToLatest();
    const intervals = sqlite.prepare("SELECT deployment_id, status, valid_from, valid_to FROM deployment_status_intervals ORDER BY deployment_id, valid_from").all();
    expect(intervals).toEqual([
      { deployment_id: 1, status: "planned", valid_from: "2015-09-01", valid_to: "2016-01-01" },
      { deployment_id: 1, status: "in_progress", valid_from: "2016-01-01", valid_to: "2016-03-01" },
      // The paused event of 1 May was overtaken the same day by a later record; live twice in a row is one interval.
      { deployment_id: 1, status: "live", valid_from: "2016-03-01", valid_to: null },
      { deployment_id: 2, status: "planned", valid_from: "2016-02-01", valid_to: null },
    ]);
    const events = sqlite.prepare("SELECT id, voided_at, voided_by, void_reason FROM deployment_status_events ORDER BY id").all() as { voided_at: null }[];
    expect(events).toHaveLength(7);
    expect(events.every((e) => e.voided_at === null)).toBe(true);
  });
});
