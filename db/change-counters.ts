import type Database from "better-sqlite3";
import { READ_MODEL_SOURCES } from "./read-model-sources";

// Every table has a change counter in table_versions, set to a new random 64-bit value by a trigger
// on each insert, update and delete, in the same transaction as the change. Random, not counted up:
// a value then names one state of the table, even across databases created afresh at the same path
// or a restore from a backup. Computed figures remember which tables they
// read and those tables' counters (app/lib/data-version.server.ts), so a change recomputes only
// the figures that read what changed, and a change made by any process, any code path (a model,
// an import, a migration, a fixture) is seen by every worker.
//
// The triggers are derived from the tables, not written by hand in a migration: they are created
// (if missing) each time the database is opened, so a migration that adds or rebuilds a table can
// never leave it without one.
//
// Read models' tables have none: their state follows their base tables' (db/read-model-sources.ts),
// whose counters stand for them.

const SKIP = new Set(["table_versions", "__drizzle_migrations"]);

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (name: string) => `'${name.replaceAll("'", "''")}'`;

/** The tables whose changes are counted: every table but SQLite's own, the counters, drizzle's journal and the read models'. */
export function countedTables(sqlite: Database.Database): string[] {
  const rows = sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[];
  return rows.map((r) => r.name).filter((name) => !SKIP.has(name) && !(name in READ_MODEL_SOURCES));
}

/**
 * Creates each counted table's three triggers if they are missing, and drops the triggers and
 * counter a read model's table still has (databases from before read models went uncounted). Returns how many it created.
 */
export function ensureChangeCounters(sqlite: Database.Database): number {
  const hasCounters = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'table_versions'").get();
  if (!hasCounters) return 0;
  const existing = new Set((sqlite.prepare("select name from sqlite_master where type = 'trigger'").all() as { name: string }[]).map((r) => r.name));
  let created = 0;
  const create = sqlite.transaction(() => {
    const counted = sqlite.prepare("select 1 from table_versions where name = ?");
    for (const table of Object.keys(READ_MODEL_SOURCES)) {
      for (const op of ["insert", "update", "delete"]) if (existing.has(`table_versions_${table}_${op}`)) sqlite.exec(`drop trigger ${quote(`table_versions_${table}_${op}`)}`);
      if (counted.get(table)) sqlite.prepare("delete from table_versions where name = ?").run(table);
    }
    for (const table of countedTables(sqlite)) {
      for (const op of ["insert", "update", "delete"] as const) {
        const trigger = `table_versions_${table}_${op}`;
        if (existing.has(trigger)) continue;
        sqlite.exec(
          `create trigger if not exists ${quote(trigger)} after ${op} on ${quote(table)} begin ` +
            `insert into table_versions (name, version) values (${literal(table)}, random()) on conflict (name) do update set version = random(); end`,
        );
        created++;
      }
    }
  });
  create();
  return created;
}
