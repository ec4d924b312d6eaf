import { describe, expect, it } from "vitest";
import { databaseAtMigration, migrationTags } from "../helpers/migrations";

describe("migrating a database of an earlier version", () => {
  it("keeps the rows an earlier version held when the later migrations run", () => {
    const tags = migrationTags();
    const old = databaseAtMigration(tags[0]);
    old.sqlite.prepare("INSERT INTO settings (key, value) VALUES ('reporting_date', '2016-10-31')").run();
    old.migrateToLatest();
    const row = old.sqlite.prepare("SELECT value FROM settings WHERE key = 'reporting_date'").get() as { value: string };
    expect(row.value).toBe("2016-10-31");
    const applied = old.sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
    expect(applied.n).toBe(tags.length);
  });
});
