import { check } from "drizzle-orm/sqlite-core";
import { sql, type SQL } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";

/** A CHECK constraint that keeps a text column inside an enumeration. */
export function enumCheck(name: string, column: AnySQLiteColumn, values: readonly string[], nullable = false) {
  const list = values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ");
  const inList: SQL = sql`${column} IN (${sql.raw(list)})`;
  return check(name, nullable ? sql`${column} IS NULL OR ${inList}` : inList);
}

/** ISO timestamp default, e.g. 2016-07-31T09:00:00.000Z. */
export const nowIso = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
