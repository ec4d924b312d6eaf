import { Column, is, SQL } from "drizzle-orm";
import { checkpointIfDue } from "./audit-checkpoints.server";
import { openDatabase, type AppDatabase, type Connection, DEFAULT_DATABASE_PATH } from "../../db/client";

export type { AppDatabase };

declare global {
  // One connection per database file per process, shared by the server set-up and the Remix build.
  // eslint-disable-next-line no-var
  var __shareboardDb: Map<string, Connection> | undefined;
}

export function connection(): Connection {
  const file = process.env.DATABASE_PATH || DEFAULT_DATABASE_PATH;
  globalThis.__shareboardDb ??= new Map();
  let conn = globalThis.__shareboardDb.get(file);
  if (!conn) {
    conn = openDatabase(file);
    globalThis.__shareboardDb.set(file, conn);
  }
  return conn;
}

export function getDb() {
  return connection().db;
}

let auditCheckpointsLater = false;

/**
 * This thread's transactions leave their audit checkpoint (when one is due) to the caller, who runs
 * `checkpointIfDue` after answering: the import thread, whose first import in a fresh thread always
 * writes one (about 45 ms at national scale, mostly forcing the write-ahead log to disk).
 */
export function leaveAuditCheckpointsToCaller() {
  auditCheckpointsLater = true;
}

/** Runs fn in one SQLite transaction: everything in it, audit rows included, commits or rolls back together. */
export function transaction<T>(fn: (tx: Tx) => T): T {
  const result = getDb().transaction((tx) => fn(tx), { behavior: "immediate" });
  if (!auditCheckpointsLater) checkpointIfDue(connection().sqlite); // after commit: anchors the audit chain every N rows
  return result;
}

export type Tx = Parameters<Parameters<AppDatabase["transaction"]>[0]>[0];
/** Model functions that write take either the database or an open transaction. */
export type DbOrTx = AppDatabase | Tx;

export function closeDb() {
  const file = process.env.DATABASE_PATH || DEFAULT_DATABASE_PATH;
  const conn = globalThis.__shareboardDb?.get(file);
  if (conn) {
    conn.sqlite.close();
    globalThis.__shareboardDb!.delete(file);
  }
}

/**
 * A statement built and prepared once per connection, for the queries every request runs (the
 * session, the signed-in user, the settings, the change counters): building the SQL and
 * preparing it was more of a request's time than running it. `build` gets the database to prepare
 * on and uses `sql.placeholder(...)` for its parameters.
 */
export function preparedPerConnection<P>(build: (db: DbOrTx) => P): (db: DbOrTx) => P {
  const byDb = new WeakMap<DbOrTx, P>();
  return (db) => {
    let statement = byDb.get(db);
    if (statement === undefined) {
      statement = build(db);
      byDb.set(db, statement);
    }
    return statement;
  };
}

type Decoder = { mapFromDriverValue: (value: unknown) => unknown };

/**
 * The rows of a flat select read as value lists (`query.values()`), named and decoded by the
 * select's fields as drizzle's own `.all()` does. For lists of thousands of rows: drizzle works out
 * each column's decoder again for every row, a third of reading the exceptions' practices or a
 * deployment list nationally; here it is worked out once.
 */
export function rowsFromValues<Row>(fields: Record<string, unknown>, values: unknown[][]): Row[] {
  const names = Object.keys(fields);
  const decoders = Object.values(fields).map((field): Decoder => {
    if (is(field, Column)) return field;
    // drizzle keeps an expression's decoder (`mapWith`) on the SQL object, as its own row mapper reads it.
    if (is(field, SQL)) return (field as unknown as { decoder: Decoder }).decoder;
    if (is(field, SQL.Aliased)) return (field.sql as unknown as { decoder: Decoder }).decoder;
    throw new Error("rowsFromValues reads flat selects only: a column, SQL or aliased SQL per field");
  });
  return values.map((row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) out[names[i]!] = row[i] === null ? null : decoders[i]!.mapFromDriverValue(row[i]);
    return out as Row;
  });
}
