import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import fs from "node:fs";
import path from "node:path";
import * as schema from "./schema";
import { ensureChangeCounters } from "./change-counters";
import { noteQuery } from "./query-tables";

export type AppDatabase = BetterSQLite3Database<typeof schema>;
export type Connection = { db: AppDatabase; sqlite: Database.Database; path: string };

export const DEFAULT_DATABASE_PATH = "db/data/shareboard.sqlite";

export function migrationsFolder() {
  return process.env.MIGRATIONS_PATH ?? path.resolve(process.cwd(), "db/migrations");
}

/**
 * Opens (creating if needed) the SQLite file, sets the pragmas the app relies on and
 * applies every committed migration. The only place that knows the database is SQLite.
 */
export function openDatabase(file: string, options: { migrate?: boolean } = {}): Connection {
  if (file !== ":memory:") {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // A new database holds personal data (users, audit): readable by the server's owner only.
    // SQLite gives its -wal and -shm files the same mode.
    if (!fs.existsSync(file)) fs.closeSync(fs.openSync(file, "a", 0o600));
  }
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // NORMAL: a crashed process loses nothing; a power cut can lose only commits since the last WAL
  // sync, which every audit checkpoint forces (README: Backup, restore and what a crash loses).
  sqlite.pragma("synchronous = NORMAL");
  const db = drizzle(sqlite, { schema, logger: { logQuery: noteQuery } });
  if (options.migrate !== false) {
    migrate(db, { migrationsFolder: migrationsFolder() });
    ensureChangeCounters(sqlite);
  }
  return { db, sqlite, path: file };
}

/** Opens an existing database file read-only, without migrating it (for checks and backups). */
export function openDatabaseReadOnly(file: string): Connection {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma("busy_timeout = 5000");
  return { db: drizzle(sqlite, { schema }), sqlite, path: file };
}
