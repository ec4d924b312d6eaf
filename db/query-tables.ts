import { getTableName, is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { READ_MODEL_SOURCES } from "./read-model-sources";
import * as schema from "./schema";

// Which tables a computation read: every statement drizzle runs passes through its logger
// (db/client.ts wires noteQuery in), and while a computation is being captured the tables named in
// each statement are added to it. Naming a table is enough (a false match only recomputes more
// often); a statement cannot read a table without naming it. A read model's table stands for the
// base tables it is derived from (db/read-model-sources.ts), which are the ones with counters.

const TABLES = new Set(Object.values(schema).filter((value) => is(value, SQLiteTable)).map((table) => getTableName(table as SQLiteTable)));

const IDENTIFIER = /"((?:[^"]|"")+)"|`([^`]+)`|\b([A-Za-z_][A-Za-z0-9_]*)\b/g;
const tablesBySql = new Map<string, readonly string[]>();
const SQL_MEMO_LIMIT = 5_000;

/** The schema's tables a SQL statement names. */
export function tablesIn(sqlText: string): readonly string[] {
  const known = tablesBySql.get(sqlText);
  if (known) return known;
  const found = new Set<string>();
  for (const m of sqlText.matchAll(IDENTIFIER)) {
    const name = m[1]?.replaceAll('""', '"') ?? m[2] ?? m[3];
    if (!TABLES.has(name) || name === "table_versions") continue;
    const sources = READ_MODEL_SOURCES[name];
    if (sources) for (const source of sources) found.add(source);
    else found.add(name);
  }
  const tables = [...found];
  if (tablesBySql.size >= SQL_MEMO_LIMIT) tablesBySql.clear();
  tablesBySql.set(sqlText, tables);
  return tables;
}

declare global {
  // The server's entry (app/server.ts) and the Remix build each load their own copy of this module,
  // and the connection (opened by either) logs to the copy that opened it: the captures in progress
  // live on globalThis so that every copy sees the same ones.
  // eslint-disable-next-line no-var
  var __shareboardCaptures: Set<string>[] | undefined;
}

/** The captures in progress, innermost last (a computation may call another memoised one). */
const captures: Set<string>[] = (globalThis.__shareboardCaptures ??= []);

/** The drizzle logger: adds the tables a statement names to every capture in progress. */
export function noteQuery(sqlText: string) {
  if (captures.length === 0) return;
  noteTables(tablesIn(sqlText));
}

/** Adds tables to every capture in progress (a cached result reused inside another computation). */
export function noteTables(tables: Iterable<string>) {
  if (captures.length === 0) return;
  for (const table of tables) for (const capture of captures) capture.add(table);
}

/** Runs fn and returns its value with the tables it read. */
export function captureTables<T>(fn: () => T): { value: T; tables: Set<string> } {
  const tables = new Set<string>();
  captures.push(tables);
  try {
    return { value: fn(), tables };
  } finally {
    captures.pop();
  }
}
