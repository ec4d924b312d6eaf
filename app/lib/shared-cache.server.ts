import fs from "node:fs";
import Database from "better-sqlite3";
import { byteBudget } from "./env.server";

// What one worker worked out, for the others: figures and drawn pages, in a SQLite file of its
// own that every worker of one server reads and writes.
//
// Each worker keeps figures and pages in its own memory (data-version.server.ts,
// page-markup.server.ts). With one worker per core, the first request a worker gets for a page
// found that worker's memory empty, even when the other worker had just worked the page out: a
// person's first look after a change, landing on the other worker, waited for the whole page
// (100-500 ms at national scale) while the same person's next look took 5 ms. Now a worker that
// misses in its own memory looks here before computing, and whatever it computes it leaves here.
//
// Safe to share because nothing here is trusted blindly: a figure carries the change counters of
// the tables it was computed from and is used only while they are current; a page is keyed by its
// URL and its loaders' data, which every worker computes for itself on every request.
//
// Not the database: a write here would move SQLite's data_version for every connection to it
// (making every worker re-read the change counters), and a cache must never hold the database's
// write lock. The file is made fresh by the cluster's primary on each start and removed when it
// stops (SHAREBOARD_SHARED_CACHE_FILE), so nothing computed by an older build is ever read. Off
// when that is unset (a single process has no one to share with) or SHAREBOARD_CACHE=off.
// Bounded in bytes (SHAREBOARD_SHARED_CACHE_MAX_BYTES, 64 MiB): the oldest entries go first.
// Everything is best effort: if the file is busy or broken, the worker computes as it would have.

export type SharedEntry = { tag: string; value: Buffer };

type Store = {
  db: Database.Database;
  get: Database.Statement<[string], { tag: string; value: Buffer }>;
  put: (key: string, tag: string, value: Buffer) => void;
};

let store: Store | null | undefined;

export function sharedCacheBudgetBytes() {
  return byteBudget("SHAREBOARD_SHARED_CACHE_MAX_BYTES");
}

/** Creates an empty shared store at `file` (the cluster's primary, before forking the workers). */
export function createSharedCacheFile(file: string) {
  removeSharedCacheFile(file);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec("create table entries (key text primary key, tag text not null, value blob not null, bytes integer not null, stored integer not null)");
  db.exec("create index entries_by_age on entries (stored)");
  // The bytes held, kept by triggers in the same transaction as every change: summing the entries
  // at every put scanned the whole store, a cost that grew with every figure and page kept (on the
  // national database, after a few dozen dates had been looked at, it took most of a new date's
  // dashboard: 490 against 120 ms).
  db.exec("create table totals (id integer primary key check (id = 1), bytes integer not null)");
  db.exec("insert into totals (id, bytes) values (1, 0)");
  db.exec("create trigger entries_added after insert on entries begin update totals set bytes = bytes + new.bytes; end");
  db.exec("create trigger entries_changed after update of bytes on entries begin update totals set bytes = bytes + new.bytes - old.bytes; end");
  db.exec("create trigger entries_removed after delete on entries begin update totals set bytes = bytes - old.bytes; end");
  db.close();
}

export function removeSharedCacheFile(file: string) {
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
}

function open(): Store | null {
  const file = process.env.SHAREBOARD_SHARED_CACHE_FILE;
  if (!file || process.env.SHAREBOARD_CACHE === "off") return null;
  try {
    const db = new Database(file, { fileMustExist: true });
    // A cache: losing the last writes in a power cut loses nothing anyone needs.
    db.pragma("synchronous = OFF");
    // Its entries are read whole, each once per miss: 1 MiB of pages kept, not better-sqlite3's 16.
    db.pragma("cache_size = -1024");
    // Never wait long for the other worker: a busy store is skipped, not waited for.
    db.pragma("busy_timeout = 50");
    const get = db.prepare<[string], { tag: string; value: Buffer }>("select tag, value from entries where key = ?");
    const upsert = db.prepare("insert into entries (key, tag, value, bytes, stored) values (?, ?, ?, ?, ?) on conflict (key) do update set tag = excluded.tag, value = excluded.value, bytes = excluded.bytes, stored = excluded.stored");
    const total = db.prepare<[], { total: number }>("select bytes as total from totals");
    const oldest = db.prepare<[], { key: string; bytes: number }>("select key, bytes from entries order by stored limit 64");
    const remove = db.prepare("delete from entries where key = ?");
    let stored = 0;
    const put = db.transaction((key: string, tag: string, value: Buffer) => {
      const bytes = value.byteLength + key.length + tag.length;
      upsert.run(key, tag, value, bytes, Date.now() * 1000 + (stored++ % 1000));
      let over = total.get()!.total - sharedCacheBudgetBytes();
      while (over > 0) {
        const batch = oldest.all();
        if (!batch.length) break;
        for (const row of batch) {
          if (over <= 0) break;
          remove.run(row.key);
          over -= row.bytes;
        }
      }
    });
    return { db, get, put: (key, tag, value) => void put.immediate(key, tag, value) };
  } catch {
    return null;
  }
}

function current(): Store | null {
  if (store === undefined) store = open();
  return store;
}

/** Whether workers share figures and pages here (a cluster with a shared file, caching on). */
export function sharedCacheEnabled() {
  return current() !== null;
}

/** The entry kept under this key, if there is one. */
export function sharedGet(key: string): SharedEntry | undefined {
  const s = current();
  if (!s) return undefined;
  try {
    return s.get.get(key);
  } catch {
    return undefined;
  }
}

/** Leaves an entry for the other workers; a value larger than a quarter of the budget is not kept. */
export function sharedPut(key: string, tag: string, value: Buffer) {
  const s = current();
  if (!s || value.byteLength > sharedCacheBudgetBytes() / 4) return;
  try {
    s.put(key, tag, value);
  } catch {
    // Busy (the other worker is writing) or full disk: the next miss computes, as without sharing.
  }
}

/** Closes this process's handle so the next use opens the file named then (tests). */
export function resetSharedCache() {
  store?.db.close();
  store = undefined;
}
