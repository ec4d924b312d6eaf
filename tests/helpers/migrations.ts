import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { migrationsFolder } from "../../db/client";

type Journal = { entries: { idx: number; tag: string }[] } & Record<string, unknown>;

/** The migration tags in the order they apply. */
export function migrationTags(): string[] {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), "meta/_journal.json"), "utf8")) as Journal;
  return journal.entries.map((e) => e.tag);
}

/** A copy of the migrations folder whose journal stops at `lastTag` (inclusive). */
function migrationsUpTo(lastTag: string) {
  const source = migrationsFolder();
  const journal = JSON.parse(fs.readFileSync(path.join(source, "meta/_journal.json"), "utf8")) as Journal;
  const stop = journal.entries.findIndex((e) => e.tag === lastTag);
  if (stop < 0) throw new Error(`No migration tagged ${lastTag}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-migrations-"));
  fs.mkdirSync(path.join(dir, "meta"));
  const entries = journal.entries.slice(0, stop + 1);
  for (const e of entries) fs.copyFileSync(path.join(source, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  fs.writeFileSync(path.join(dir, "meta/_journal.json"), JSON.stringify({ ...journal, entries }));
  return dir;
}

/**
 * A database of an earlier version: every migration up to and including `lastTag`, and no later.
 * Fill it with rows in that version's shape (raw SQL), then call `migrateToLatest` and assert
 * that the later migrations moved the data.
 */
export function databaseAtMigration(lastTag: string) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-old-")), `${crypto.randomUUID()}.sqlite`);
  const sqlite = new Database(file);
  sqlite.pragma("foreign_keys = ON");
  migrate(drizzle(sqlite), { migrationsFolder: migrationsUpTo(lastTag) });
  return {
    file,
    sqlite,
    /** Applies every committed migration, as the server does at start-up. */
    migrateToLatest() {
      migrate(drizzle(sqlite), { migrationsFolder: migrationsFolder() });
    },
  };
}
