/*
 * The data-moving SQL appended to db/migrations/0008_indemnity_held_by_practices.sql (keep this
 * copy: if the migration is regenerated, append it again after the generated ALTER statements):
 *
 * --> statement-breakpoint
 * UPDATE `indemnity_covers` SET
 *   `not_counted_reason` = 'Held by an organisation that is not a GP practice: the CCG indemnifies practices against claims of illegal sharing, not the organisations that view their records. Kept as history; no longer counted.',
 *   `not_counted_at` = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
 * WHERE `not_counted_reason` IS NULL AND `organisation_id` IN (SELECT `id` FROM `organisations` WHERE `type` <> 'gp_practice');
 * --> statement-breakpoint
 * UPDATE `organisations` SET `nhs_badged_private` = 1 WHERE `type` = 'private_provider' AND `nhs_badged_private` = 0;
 * --> statement-breakpoint
 * UPDATE `organisations` SET `nhs_badged_private` = 0 WHERE `type` = 'gp_practice' AND `nhs_badged_private` = 1;
 */
import { describe, expect, it } from "vitest";
import { drizzle } from "drizzle-orm/better-sqlite3";
import * as schema from "../../db/schema";
import type { DbOrTx } from "~/lib/db.server";
import { countPracticesWithActiveCover, lapsedCover, listCovers } from "~/models/indemnity.server";
import { databaseAtMigration, migrationTags } from "../helpers/migrations";

const BEFORE = "0007_exception_acknowledgements";

describe("migrating indemnity to cover held by practices", () => {
  it("keeps cover held by other organisations as history, not counted, and marks private providers", () => {
    expect(migrationTags()).toContain(BEFORE);
    const old = databaseAtMigration(BEFORE);
    const org = old.sqlite.prepare("INSERT INTO organisations (ods_code, name, type, nhs_badged_private, signed_up_on) VALUES (?, ?, ?, ?, '2015-01-01') RETURNING id");
    const id = (...values: unknown[]) => (org.get(...values) as { id: number }).id;
    const practice = id("P10001", "Covered Surgery", "gp_practice", 0);
    const flaggedPractice = id("P10002", "Practice marked private in error", "gp_practice", 1);
    const pharmacy = id("FWX01", "Pharmacy Company Ltd", "private_provider", 1);
    const unflagged = id("PPX02", "Imported Provider Ltd", "private_provider", 0);
    const trust = id("RXX", "A Trust", "acute_trust", 0);
    for (const o of [practice, flaggedPractice, pharmacy, unflagged, trust]) {
      old.sqlite.prepare("INSERT INTO organisation_memberships (organisation_id, valid_from, source) VALUES (?, '2015-01-01', 'migration')").run(o);
      old.sqlite.prepare("INSERT INTO organisation_status_periods (organisation_id, status, valid_from, source) VALUES (?, 'active', '2000-01-01', 'migration')").run(o);
    }
    const cover = old.sqlite.prepare("INSERT INTO indemnity_covers (organisation_id, scope, start_on, end_on, status, document_reference) VALUES (?, 'MIG and EDT', ?, ?, ?, ?)");
    cover.run(practice, "2015-04-01", "2017-03-31", "active", "IND-P");
    cover.run(pharmacy, "2015-04-01", "2016-09-30", "lapsed", "IND-PH");
    cover.run(trust, "2015-04-01", "2017-03-31", "active", "IND-T");
    old.migrateToLatest();

    const rows = old.sqlite.prepare("SELECT document_reference AS ref, not_counted_reason AS reason, not_counted_at AS at FROM indemnity_covers ORDER BY id").all() as { ref: string; reason: string | null; at: string | null }[];
    expect(rows.map((r) => [r.ref, r.reason === null, r.at === null])).toEqual([
      ["IND-P", true, true],
      ["IND-PH", false, false],
      ["IND-T", false, false],
    ]);
    expect(rows[1]!.reason).toMatch(/^Held by an organisation that is not a GP practice: the CCG indemnifies practices/);
    const flags = old.sqlite.prepare("SELECT ods_code AS ods, nhs_badged_private AS private FROM organisations ORDER BY id").all();
    expect(flags).toEqual([
      { ods: "P10001", private: 0 },
      { ods: "P10002", private: 0 },
      { ods: "FWX01", private: 1 },
      { ods: "PPX02", private: 1 },
      { ods: "RXX", private: 0 },
    ]);

    // What the register then says about the migrated data: nothing held by a non-practice counts.
    const db = drizzle(old.sqlite, { schema }) as unknown as DbOrTx;
    const asAt = "2016-10-31";
    expect(listCovers({ asAt, db }).rows.map((r) => [r.documentReference, r.counted])).toEqual([
      ["IND-T", false],
      ["IND-P", true],
      ["IND-PH", false],
    ]);
    expect(lapsedCover({ asAt, db })).toEqual([]); // the pharmacy's lapsed cover is no longer a lapse the CCG must act on
    expect(countPracticesWithActiveCover({ asAt, db })).toEqual({ covered: 1, total: 2 });
    old.sqlite.close();
  });
});
