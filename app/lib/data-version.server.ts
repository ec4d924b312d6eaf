import { eq, sql } from "drizzle-orm";
import { settings } from "../../db/schema";
import { getDb, type DbOrTx } from "./db.server";

// Figures such as the exceptions and the board's summary are worked out from many tables. They
// only change when the data does, and every change to the data is audited, so audit() bumps a
// version number in the same transaction and computed figures are kept until it moves.

const KEY = "data_version";

/** Audit actions that record reading or signing in, not a change to the programme's data. */
const NOT_A_DATA_CHANGE = /^(api\.read|sign_in\.|session\.|access\.refused|case\.refused)/;

export function isDataChange(action: string) {
  return !NOT_A_DATA_CHANGE.test(action);
}

export function bumpDataVersion(tx: DbOrTx) {
  tx.insert(settings)
    .values({ key: KEY, value: "1" })
    .onConflictDoUpdate({ target: settings.key, set: { value: sql`cast(${settings.value} as integer) + 1` } })
    .run();
}

export function currentDataVersion(db: DbOrTx = getDb()) {
  return db.select({ value: settings.value }).from(settings).where(eq(settings.key, KEY)).get()?.value ?? "0";
}

/** Each worker's cache holds at most this many bytes of figures (SHAREBOARD_CACHE_MAX_BYTES; 48 MiB). */
export function cacheBudgetBytes() {
  return Number(process.env.SHAREBOARD_CACHE_MAX_BYTES) || 48 * 1024 * 1024;
}

type Entry = { version: string; value: unknown; bytes: number };
// Least recently used first (a Map keeps insertion order; a hit moves the entry to the end).
const cache = new Map<string, Entry>();
let cachedBytes = 0;

/** Roughly what a value holds in memory: its JSON text in UTF-16 (2 bytes a character), as V8 keeps most strings. */
function sizeOf(value: unknown) {
  try {
    return 2 * (JSON.stringify(value)?.length ?? 8) + 64;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function remove(key: string) {
  const entry = cache.get(key);
  if (!entry) return;
  cache.delete(key);
  cachedBytes -= entry.bytes;
}

/** Bytes and entries the cache holds now (for tests and the start-up log). */
export function cacheStats() {
  return { bytes: cachedBytes, entries: cache.size, budget: cacheBudgetBytes() };
}

/**
 * The value of `compute` for these arguments, reused until the data changes. The version is read
 * from SQLite on every call, so a change made by any worker process is seen at once. Bounded in
 * bytes, not entries: the least recently used figures go first, and a value larger than a quarter
 * of the budget is never kept. Skipped inside a transaction (it may hold uncommitted changes) and
 * under test, where fixtures are written without going through audited models
 * (tests/integration/data-version.test.ts turns it on).
 */
export function memoiseByDataVersion<T>(name: string, args: unknown, db: DbOrTx, compute: () => T): T {
  if (db !== getDb() || !cachingEnabled()) return compute();
  const version = currentDataVersion(db);
  const key = `${process.env.DATABASE_PATH ?? ""}|${name}|${JSON.stringify(args)}`;
  const hit = cache.get(key);
  if (hit && hit.version === version) {
    cache.delete(key);
    cache.set(key, hit);
    return hit.value as T;
  }
  remove(key);
  const value = compute();
  const budget = cacheBudgetBytes();
  const bytes = sizeOf(value);
  if (bytes > budget / 4) return value;
  for (const oldest of cache.keys()) {
    if (cachedBytes + bytes <= budget) break;
    remove(oldest);
  }
  cache.set(key, { version, value, bytes });
  cachedBytes += bytes;
  return value;
}

function cachingEnabled() {
  return process.env.SHAREBOARD_CACHE === "on" || (process.env.NODE_ENV !== "test" && process.env.SHAREBOARD_CACHE !== "off");
}
