/*
 * Migration 0004_agreement_history gives each agreement version its own dates (drafted on, sent
 * for signature on; in force from activated_on to ended_on) and adds agreement reviews. The SQL
 * that moves existing data, appended to that migration (re-append it if the migration is
 * regenerated):
 *
 * --> statement-breakpoint
 * -- Data: a signed version without its in-force-from date is in force from its last signature or its effective date, whichever is later.
 * UPDATE `agreements` SET `activated_on` = max(`effective_on`, coalesce((SELECT max(s.`signed_on`) FROM `agreement_signatures` s WHERE s.`agreement_id` = `agreements`.`id` AND s.`status` = 'signed'), `effective_on`)) WHERE `activated_on` IS NULL AND `status` IN ('active', 'superseded', 'expired', 'terminated');
 * --> statement-breakpoint
 * -- Data: a superseded version without its in-force-to date stopped being in force when the version replacing it came into force.
 * UPDATE `agreements` SET `ended_on` = (SELECT n.`activated_on` FROM `agreements` n WHERE n.`previous_version_id` = `agreements`.`id` AND n.`activated_on` IS NOT NULL ORDER BY n.`version` LIMIT 1) WHERE `ended_on` IS NULL AND `status` = 'superseded';
 * --> statement-breakpoint
 * -- Data: every version past draft was sent for signature on the earliest of when it was sent, a signature was requested or answered, or it came into force.
 * UPDATE `agreements` SET `sent_for_signature_on` = nullif(min(coalesce(substr(`sent_for_signature_at`, 1, 10), '9999-12-31'), coalesce((SELECT min(substr(s.`requested_at`, 1, 10)) FROM `agreement_signatures` s WHERE s.`agreement_id` = `agreements`.`id`), '9999-12-31'), coalesce((SELECT min(s.`signed_on`) FROM `agreement_signatures` s WHERE s.`agreement_id` = `agreements`.`id`), '9999-12-31'), coalesce(`activated_on`, '9999-12-31')), '9999-12-31') WHERE `status` <> 'draft';
 * --> statement-breakpoint
 * -- Data: every version was drafted on the earliest of its creation, its sending for signature and its coming into force, and no later than a fixed reporting date (the demo's clock).
 * UPDATE `agreements` SET `drafted_on` = min(substr(`created_at`, 1, 10), coalesce(`sent_for_signature_on`, '9999-12-31'), coalesce(`activated_on`, '9999-12-31'), coalesce((SELECT `value` FROM `settings` WHERE `key` = 'reporting_date' AND `value` <> ''), '9999-12-31'));
 */
import { describe, expect, it } from "vitest";
import { databaseAtMigration, migrationTags } from "../helpers/migrations";

const PREVIOUS = "0003_notifications";

describe("migrating agreements to versions with their own dates", () => {
  it("fills each existing version's drafted, sent and in-force dates from what was recorded", () => {
    const tags = migrationTags();
    expect(tags.indexOf("0004_agreement_history")).toBe(tags.indexOf(PREVIOUS) + 1);
    const old = databaseAtMigration(PREVIOUS);
    const db = old.sqlite;
    db.prepare("INSERT INTO settings (key, value) VALUES ('reporting_date', '2016-10-31')").run();
    db.prepare("INSERT INTO organisations (id, ods_code, name, type) VALUES (1, 'RRF', 'Acute trust', 'acute_trust'), (2, 'P92001', 'A practice', 'gp_practice')").run();
    db.prepare("INSERT INTO users (id, email, name, organisation_id, password_hash) VALUES (1, 'ig@example.org', 'IG lead', 1, 'x'), (2, 'ig.gp@example.org', 'GP IG lead', 2, 'x')").run();
    const agreement = db.prepare(
      `INSERT INTO agreements (id, reference, version, title, purpose, article6_basis, common_law_basis, consent_model, data_items, effective_on, review_on, status,
         sent_for_signature_at, activated_on, ended_on, previous_version_id, created_at)
       VALUES (?, ?, ?, 'T', 'direct_care', '6_1_e', 'implied_consent', 'opt_in_point_of_care', 'Items', ?, '2018-01-01', ?, ?, ?, ?, ?, ?)`,
    );
    // v1 superseded with no end date recorded; v2 active with no in-force date recorded; a draft created on the wall clock (2026).
    agreement.run(1, "ISA-9", 1, "2015-01-01", "superseded", "2014-11-17T09:00:00.000Z", "2015-01-01", null, null, "2014-10-20T09:00:00.000Z");
    agreement.run(2, "ISA-9", 2, "2016-06-01", "active", null, null, null, 1, "2016-04-11T09:00:00.000Z");
    agreement.run(3, "ISA-8", 1, "2017-01-01", "draft", null, null, null, null, "2026-12-03T15:00:00.000Z");
    const party = db.prepare("INSERT INTO agreement_parties (id, agreement_id, organisation_id, role) VALUES (?, ?, ?, 'joint_controller')");
    party.run(1, 1, 1);
    party.run(2, 1, 2);
    party.run(3, 2, 1);
    party.run(4, 2, 2);
    const signature = db.prepare(
      "INSERT INTO agreement_signatures (agreement_id, party_id, status, requested_at, signed_by_user_id, signed_on, authority_declared) VALUES (?, ?, 'signed', ?, ?, ?, 1)",
    );
    signature.run(1, 1, "2014-11-17T09:00:00.000Z", 1, "2014-12-15");
    signature.run(1, 2, "2014-11-17T09:00:00.000Z", 2, "2014-12-16");
    // v2 was signed on paper before anyone recorded sending it.
    signature.run(2, 3, "2016-05-01T09:00:00.000Z", 1, "2016-04-20");
    signature.run(2, 4, "2016-05-01T09:00:00.000Z", 2, "2016-06-10");

    old.migrateToLatest();

    const rows = db.prepare("SELECT id, drafted_on, sent_for_signature_on, activated_on, ended_on FROM agreements ORDER BY id").all();
    expect(rows).toEqual([
      { id: 1, drafted_on: "2014-10-20", sent_for_signature_on: "2014-11-17", activated_on: "2015-01-01", ended_on: "2016-06-10" },
      // In force from its last signature (after its effective date); sent no later than its first signature.
      { id: 2, drafted_on: "2016-04-11", sent_for_signature_on: "2016-04-20", activated_on: "2016-06-10", ended_on: null },
      // Created after the fixed reporting date on the wall clock: drafted on the reporting date, so the register shows it.
      { id: 3, drafted_on: "2016-10-31", sent_for_signature_on: null, activated_on: null, ended_on: null },
    ]);
    const reviews = db.prepare("SELECT count(*) AS n FROM agreement_reviews").get() as { n: number };
    expect(reviews.n).toBe(0);
  });
});
