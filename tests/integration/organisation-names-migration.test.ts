/*
 * The data-moving SQL appended to db/migrations/0011_organisation_names_and_private_flag_over_time.sql
 * (two statements, one per table, the same shape) is kept in that file after the generated CREATE
 * statements: if the migration is regenerated, append it again.
 */
import { describe, expect, it } from "vitest";
import { databaseAtMigration, migrationTags } from "../helpers/migrations";

const BEFORE = "0010_indemnity_cover_dated_endings";

describe("migrating organisations' names and private-provider flag to dated periods", () => {
  it("gives every organisation its current name and flag, and puts back earlier names and flags the audit log shows", () => {
    expect(migrationTags()).toContain(BEFORE);
    const old = databaseAtMigration(BEFORE);
    const sqlite = old.sqlite;
    sqlite.prepare("INSERT INTO settings (key, value) VALUES ('reporting_date', '2016-10-31')").run();
    const org = sqlite.prepare("INSERT INTO organisations (ods_code, name, type, nhs_badged_private, opened_on) VALUES (?, ?, ?, ?, ?) RETURNING id");
    const id = (...values: unknown[]) => (org.get(...values) as { id: number }).id;
    const unchanged = id("P10001", "Unchanged Surgery", "gp_practice", 0, "1980-04-01");
    const renamedByImport = id("P10002", "Beech Hill Medical Practice", "gp_practice", 0, null);
    const renamedTwice = id("P10003", "Third Name Surgery", "gp_practice", 0, null);
    const provider = id("FWX01", "Pharmacy Company Ltd", "private_provider", 1, null);

    let auditId = 0;
    const audit = sqlite.prepare("INSERT INTO audit_log (at, actor_label, action, entity_type, entity_id, before, after, prev_hash, hash) VALUES (?, 'programme@example.org', ?, ?, ?, ?, ?, 'x', ?)");
    const log = (at: string, action: string, entityType: string, entityId: number | string, before: unknown, after: unknown) => audit.run(at, action, entityType, String(entityId), before ? JSON.stringify(before) : null, JSON.stringify(after), `h${++auditId}`);
    // An import effective 1 April 2016 renamed P10002 (the per-organisation row, then the import's own row).
    log("2026-01-05T10:00:00.000Z", "organisation.import_update", "organisation", renamedByImport, { id: renamedByImport, name: "Beech Hill Surgery", nhsBadgedPrivate: false }, { id: renamedByImport, name: "Beech Hill Medical Practice", nhsBadgedPrivate: false, facts: [] });
    log("2026-01-05T10:00:00.000Z", "organisation.import", "organisation_import", "epraccur.csv", null, { fileName: "epraccur.csv", effectiveOn: "2016-04-01" });
    // P10003: renamed on the form (saved after the reporting date: taken as the reporting date), then by an import dated earlier.
    log("2026-01-06T09:00:00.000Z", "organisation.update", "organisation", renamedTwice, { id: renamedTwice, name: "First Name Surgery", nhsBadgedPrivate: false }, { id: renamedTwice, name: "Second Name Surgery", nhsBadgedPrivate: false });
    log("2026-01-07T09:00:00.000Z", "organisation.import_update", "organisation", renamedTwice, { id: renamedTwice, name: "Second Name Surgery" }, { id: renamedTwice, name: "Third Name Surgery", facts: [] });
    log("2026-01-07T09:00:00.000Z", "organisation.import", "organisation_import", "epraccur.csv", null, { fileName: "epraccur.csv", effectiveOn: "2016-06-30" });
    // The provider was marked as working under the NHS badge on the form, in 2016 (before the reporting date).
    log("2016-07-15T12:00:00.000Z", "organisation.update", "organisation", provider, { id: provider, name: "Pharmacy Company Ltd", nhsBadgedPrivate: false }, { id: provider, name: "Pharmacy Company Ltd", nhsBadgedPrivate: true });
    // An update that changed something else is no change of name.
    log("2016-08-01T12:00:00.000Z", "organisation.update", "organisation", unchanged, { id: unchanged, name: "Unchanged Surgery", listSize: 5000 }, { id: unchanged, name: "Unchanged Surgery", listSize: 5100 });
    old.migrateToLatest();

    const names = sqlite.prepare("SELECT organisation_id AS id, name, valid_from AS validFrom, valid_to AS validTo, source FROM organisation_names ORDER BY organisation_id, valid_from").all();
    expect(names).toEqual([
      { id: unchanged, name: "Unchanged Surgery", validFrom: "2000-01-01", validTo: null, source: "migration" },
      { id: renamedByImport, name: "Beech Hill Surgery", validFrom: "2000-01-01", validTo: "2016-04-01", source: "migration" },
      { id: renamedByImport, name: "Beech Hill Medical Practice", validFrom: "2016-04-01", validTo: null, source: "migration" },
      // The form's change is taken as the reporting date; the import dated before it then takes effect with it (later recorded wins).
      { id: renamedTwice, name: "First Name Surgery", validFrom: "2000-01-01", validTo: "2016-10-31", source: "migration" },
      { id: renamedTwice, name: "Third Name Surgery", validFrom: "2016-10-31", validTo: null, source: "migration" },
      { id: provider, name: "Pharmacy Company Ltd", validFrom: "2000-01-01", validTo: null, source: "migration" },
    ]);
    const flags = sqlite.prepare("SELECT organisation_id AS id, nhs_badged_private AS private, valid_from AS validFrom, valid_to AS validTo FROM organisation_private_provider_periods ORDER BY organisation_id, valid_from").all();
    expect(flags).toEqual([
      { id: unchanged, private: 0, validFrom: "2000-01-01", validTo: null },
      { id: renamedByImport, private: 0, validFrom: "2000-01-01", validTo: null },
      { id: renamedTwice, private: 0, validFrom: "2000-01-01", validTo: null },
      { id: provider, private: 0, validFrom: "2000-01-01", validTo: "2016-07-15" },
      { id: provider, private: 1, validFrom: "2016-07-15", validTo: null },
    ]);
    // Each new table starts with a change counter, like every table before it.
    const counters = sqlite.prepare("SELECT name FROM table_versions WHERE name IN ('organisation_names', 'organisation_private_provider_periods') ORDER BY name").pluck().all();
    expect(counters).toEqual(["organisation_names", "organisation_private_provider_periods"]);
  });
});
