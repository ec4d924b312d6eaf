import { getDb, type DbOrTx } from "./db.server";
import { memoiseByDataVersion } from "./data-version.server";
import type { JsonText } from "./json-text";

/**
 * The JSON text of what `build` returns, kept as a figure of its own (memoiseByDataVersion):
 * written once, then reused until a table it read changes; counted in the figures cache's bytes
 * and pushed out with the least recently used; worked out again by the refresh after a change and
 * shared between workers like any kept figure. `name` and `args` name what `build` returns, as for
 * any kept figure: build from kept figures (their tables count as read) and pick from them.
 */
export function keptJsonText<T>(name: string, args: unknown, build: () => T, db: DbOrTx = getDb()): JsonText<T> {
  return memoiseByDataVersion(`json-text:${name}`, args, db, () => JSON.stringify(build())) as JsonText<T>;
}
