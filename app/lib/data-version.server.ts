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

const MAX_ENTRIES = 200;
const cache = new Map<string, { version: string; value: unknown }>();

/**
 * The value of `compute` for these arguments, reused until the data changes. Skipped inside a
 * transaction (it may hold uncommitted changes) and under test, where fixtures are written
 * without going through audited models (tests/integration/data-version.test.ts turns it on).
 */
export function memoiseByDataVersion<T>(name: string, args: unknown, db: DbOrTx, compute: () => T): T {
  if (db !== getDb() || !cachingEnabled()) return compute();
  const version = currentDataVersion(db);
  const key = `${process.env.DATABASE_PATH ?? ""}|${name}|${JSON.stringify(args)}`;
  const hit = cache.get(key);
  if (hit && hit.version === version) return hit.value as T;
  const value = compute();
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, { version, value });
  return value;
}

function cachingEnabled() {
  return process.env.SHAREBOARD_CACHE === "on" || (process.env.NODE_ENV !== "test" && process.env.SHAREBOARD_CACHE !== "off");
}
