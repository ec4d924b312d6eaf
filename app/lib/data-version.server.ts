import { tableVersions as tableVersionsTable } from "../../db/schema";
import { captureTables, noteTables } from "../../db/query-tables";
import v8 from "node:v8";
import type { Statement } from "better-sqlite3";
import type { Connection } from "../../db/client";
import { connection, getDb, preparedPerConnection, type DbOrTx } from "./db.server";
import { sharedCacheEnabled, sharedGet, sharedPut } from "./shared-cache.server";
import { byteBudget } from "./env.server";
import type { JsonText } from "./json-text";

// Figures such as the exceptions and the board's summary are worked out from many tables. They
// only change when those tables do: every table has a change counter that triggers bump in the
// same transaction as the change (db/change-counters.ts), and each computed figure remembers the
// tables it read (db/query-tables.ts) with their counters. A figure is reused until one of its
// own tables changes, so a comment on a case recomputes nothing the dashboard shows, and a
// change made by any worker process is seen at once by all of them.

const allTableVersions = preparedPerConnection((db) => db.select({ name: tableVersionsTable.name, version: tableVersionsTable.version }).from(tableVersionsTable).prepare());

// Whether anything may have been written since the counters were last read, in one tiny
// statement: `data_version` moves when another connection (another worker, the import's worker
// thread) commits, and `total_changes()` when this one writes a row (every counted change does,
// and a rolled-back one too, which only costs a re-read).
type Probe = { dataVersion: number; ownChanges: number };
const probes = new WeakMap<Connection["sqlite"], { statement: Statement; last?: Probe & { versions: Map<string, number> } }>();

function changeProbe(sqlite: Connection["sqlite"]) {
  let probe = probes.get(sqlite);
  if (!probe) {
    probe = { statement: sqlite.prepare("select data_version as dataVersion, total_changes() as ownChanges from pragma_data_version") };
    probes.set(sqlite, probe);
  }
  return probe;
}

/**
 * Every table's change counter now. Read from the table only when something may have been
 * written since the last read (another connection committed, or this one changed a row); the
 * map returned is shared and must not be changed.
 */
export function tableVersions(db: DbOrTx = getDb()): Map<string, number> {
  if (db !== getDb()) return new Map(allTableVersions(db).all().map((r) => [r.name, r.version]));
  const probe = changeProbe(connection().sqlite);
  const now = probe.statement.get() as Probe;
  if (probe.last && probe.last.dataVersion === now.dataVersion && probe.last.ownChanges === now.ownChanges) return probe.last.versions;
  const versions = new Map(allTableVersions(db).all().map((r) => [r.name, r.version]));
  probe.last = { ...now, versions };
  return versions;
}

/** The counters of some tables, as one comparable string. */
function signature(tables: readonly string[], versions: Map<string, number>) {
  return tables.map((t) => versions.get(t) ?? 0).join(".");
}

/**
 * Each worker's cache holds at most this many bytes of figures (SHAREBOARD_CACHE_MAX_BYTES; 40 MiB).
 * Filled (240 different dates of the national exceptions page), the whole server's resident memory
 * peaked at 481 MiB with 40 and 494 with 48, against the 500 issue 11 allows on 2 cores; the
 * figures of the three heaviest national pages together take 33.
 */
export function cacheBudgetBytes() {
  return byteBudget("SHAREBOARD_CACHE_MAX_BYTES");
}

/**
 * `usedAt`: when a request last read it (ms since the epoch; 0 for figures only the refresh after a
 * change has worked out). `recompute`: works it out again through this cache (for that refresh).
 */
type Entry = {
  tables: readonly string[];
  signature: string;
  value: unknown;
  bytes: number;
  usedAt: number;
  recompute: () => void;
  /**
   * How many levels of kept figures it is made of: 0 when it read none, else one more than its
   * highest part (as last worked out). A part is always lower than what it is made of, wherever
   * either is read, so the refresh after a change works the lowest out first.
   */
  height: number;
  /** JSON texts made from the value (keptText), by name, and the bytes they hold. */
  texts?: Map<string, string>;
  textBytes?: number;
};

/**
 * Figures up to this size (a count, a headline figure, a page of rows) are kept apart from the long
 * lists (every exception or practice on a date, 4-5 MiB each nationally). In one queue, the ~14 MiB
 * of long lists a dashboard at another date keeps pushed out every small figure of the dates
 * before it, so going back to a date, or to any day of a month already opened, worked out again
 * its counts (summary:covered 12 ms, summary:practices 10 ms, each for the date and the month end
 * before it) as well as its lists.
 */
export const SMALL_FIGURE_BYTES = 64 * 1024;

/**
 * Small figures are kept in at most a quarter of the budget, least recently used out first among
 * them; long lists use the rest (all of the budget the small ones do not hold) and push out only
 * each other. A Map keeps insertion order, least recently used first; a hit moves the entry to the end.
 */
const small = { entries: new Map<string, Entry>(), bytes: 0 };
const large = { entries: new Map<string, Entry>(), bytes: 0 };
/**
 * What an entry holds besides its value and key, roughly: 50,000 kept counts took 934 bytes of heap
 * each (the entry, its tables, the closure that works it out again, its arguments), of which the
 * value and key were counted as ~220.
 */
const ENTRY_OVERHEAD_BYTES = 700;
const segmentOf = (bytes: number) => (bytes <= SMALL_FIGURE_BYTES ? small : large);
const cached = (key: string) => small.entries.get(key) ?? large.entries.get(key);

/** Roughly what a value holds in memory: its JSON text in UTF-16 (2 bytes a character), as V8 keeps most strings. */
export function sizeOf(value: unknown) {
  try {
    return 2 * jsonLength(value, 0) + 64;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

const SAMPLED = 32;

/**
 * The length of a value's JSON text, measured from an even sample of the elements of a long array
 * rather than written out whole: a kept list of thousands of exceptions was written out as JSON at
 * every figure that holds it, which cost more after a write than putting the list back together.
 */
function jsonLength(value: unknown, depth: number): number {
  if (Array.isArray(value) && value.length > 2 * SAMPLED) {
    let sampled = 0;
    for (let i = 0; i < SAMPLED; i++) sampled += jsonLength(value[Math.floor((i * value.length) / SAMPLED)], depth + 1) + 1;
    return Math.round((sampled * value.length) / SAMPLED) + 1;
  }
  // Into plain objects and arrays a few levels down, where the long lists are ({ rows, total }).
  if (depth < 4 && value !== null && typeof value === "object" && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) {
    const entries = Object.entries(value);
    let length = 1 + Math.max(entries.length, 1); // brackets and commas
    for (const [key, child] of entries) length += (Array.isArray(value) ? 0 : key.length + 3) + (child === undefined ? 0 : jsonLength(child, depth + 1));
    return length;
  }
  return JSON.stringify(value)?.length ?? 8;
}

function remove(key: string) {
  const entry = cached(key);
  if (!entry) return;
  const segment = segmentOf(entry.bytes);
  segment.entries.delete(key);
  segment.bytes -= entry.bytes + (entry.textBytes ?? 0);
}

/** Pushes out the least recently used figures (never `keep`) until each part of the cache is within its share of the budget. */
function evictOverBudget(keep: string) {
  const budget = cacheBudgetBytes();
  for (const key of small.entries.keys()) {
    if (small.bytes <= budget / 4) break;
    if (key !== keep) remove(key);
  }
  for (const key of large.entries.keys()) {
    if (small.bytes + large.bytes <= budget) break;
    if (key !== keep) remove(key);
  }
}

/** The key each kept figure's value is kept under, to find its entry from the value a caller holds. */
const keyOfValue = new WeakMap<object, string>();

/**
 * The JSON text of what `build` makes from a kept figure (`source`, as memoiseByDataVersion
 * returned it), kept with the figure: written on its first read after the figure was worked out,
 * reused while the figure is kept, counted in the cache's bytes with it and dropped with it.
 * `name` tells apart the texts made from one figure; `build` must be a pure function of it. For
 * loader data that Remix would otherwise encode value by value on every request (app/lib/json-text.ts).
 * A value that is not kept (the cache off, too large, read inside a transaction) has its text
 * written on every call.
 */
export function keptText<S extends object, T>(source: S, name: string, build: (source: S) => T): JsonText<T> {
  const key = keyOfValue.get(source);
  const entry = key === undefined ? undefined : cached(key);
  if (key === undefined || entry?.value !== source) return JSON.stringify(build(source)) as JsonText<T>;
  const kept = entry.texts?.get(name);
  if (kept !== undefined) return kept as JsonText<T>;
  const text = JSON.stringify(build(source));
  const bytes = 2 * (text.length + name.length) + 64;
  if (bytes > cacheBudgetBytes() / 4) return text as JsonText<T>;
  (entry.texts ??= new Map()).set(name, text);
  entry.textBytes = (entry.textBytes ?? 0) + bytes;
  segmentOf(entry.bytes).bytes += bytes;
  evictOverBudget(key);
  return text as JsonText<T>;
}

/** Bytes and entries the cache holds now, and the small figures' part of them (for tests and the start-up log). */
export function cacheStats() {
  return { bytes: small.bytes + large.bytes, entries: small.entries.size + large.entries.size, budget: cacheBudgetBytes(), smallBytes: small.bytes, smallEntries: small.entries.size };
}

/**
 * The value of `compute` for these arguments, reused until one of the tables it read changes. The
 * counters are read from SQLite on every call, so a change made by any worker process is seen at
 * once. Bounded in bytes, not entries: the least recently used figures go first (small figures
 * and long lists each pushing out only their own kind, above), and a value larger than a quarter
 * of the budget is never kept. Skipped inside a transaction (it may hold
 * uncommitted changes) and when turned off (SHAREBOARD_CACHE=off). On under test too: every write
 * a fixture makes is counted, so the whole suite checks that no figure is ever served stale.
 */
export function memoiseByDataVersion<T>(name: string, args: unknown, db: DbOrTx, compute: () => T): T {
  if (db !== getDb() || !cachingEnabled()) return compute();
  const versions = tableVersions(db);
  const key = `${process.env.DATABASE_PATH ?? ""}|${name}|${JSON.stringify(args)}`;
  const hit = cached(key);
  if (hit && hit.signature === signature(hit.tables, versions)) {
    const segment = segmentOf(hit.bytes);
    segment.entries.delete(key);
    segment.entries.set(key, hit);
    hit.usedAt = Math.max(hit.usedAt, readAt());
    notePart(hit.height);
    // A figure computed from this one depends on the same tables.
    noteTables(hit.tables);
    return hit.value as T;
  }
  const usedBefore = hit?.usedAt ?? 0;
  remove(key);
  const recompute = () => {
    if (db === getDb()) memoiseByDataVersion(name, args, db, compute);
  };
  // Another worker may have worked it out from the same tables as they are now (shared-cache.server.ts).
  const shared = sharedFigure<T>(key, versions);
  if (shared) {
    // Its parts were read by the worker that worked it out, which left its height with it.
    keep(key, shared.tables, signature(shared.tables, versions), shared.value, Math.max(usedBefore, readAt()), recompute, shared.height);
    notePart(shared.height);
    noteTables(shared.tables);
    return shared.value;
  }
  const { result: { value, tables: read }, height, selfMs } = timed(name, () => captureTables(compute));
  notePart(height);
  const tables = [...read].sort();
  // A figure that read no table cannot be told when to go stale: it is never kept (the connection
  // logs every statement, so this happens only if that wiring is broken).
  if (tables.length === 0) return value;
  const valueSignature = signature(tables, versions);
  const size = sizeOf(value);
  if (worthSharing(selfMs, size)) shareFigure(key, tables, valueSignature, height, value);
  keep(key, tables, valueSignature, value, Math.max(usedBefore, readAt()), recompute, height, size);
  return value;
}

/**
 * Of sizeOf's bytes, how many another worker reads back from the shared store in a millisecond:
 * nationally a date's 4,600 exceptions (sizeOf 4.9 MB, 2.3 MB as v8 writes them) took 12.7 ms to
 * read back (v8.deserialize) and 8.5 to write (v8.serialize), before the store's own write.
 */
const SHARED_READ_BYTES_PER_MS = 400_000;

/**
 * Whether to leave a figure just worked out in the shared store for the other workers: always a
 * small one (counts, headline figures, a page of rows: every page's own figure) and whatever the
 * refresh after a change or a worker's start works out (for everyone: the reporting date's parts);
 * a long list worked out for one request only when working it out took this worker, beyond the
 * parts it is made of, at least four times what reading it back would cost another (the opt-in
 * practice list and rule, 45-55 ms for 4-5 MB, are shared; the exceptions put back together from
 * the rules, 10-15 ms for 4.9 MB, are not). Under people browsing past dates, writing every long
 * list (the exceptions three times over: the rules' list, with acknowledgements, filtered) took
 * about a seventh of each worker's time, for lists of dates the other worker seldom asks for.
 */
export function worthSharing(selfMs: number, size: number) {
  return size <= SMALL_FIGURE_BYTES || refreshingFor !== null || selfMs >= (4 * size) / SHARED_READ_BYTES_PER_MS;
}

/**
 * When a figure is being read: now, unless the refresh after a change is working it out (then the
 * time a request last read what it is refreshing, so refreshing a figure never makes it look read).
 */
let refreshingFor: number | null = null;
const readAt = () => refreshingFor ?? Date.now();

/**
 * Runs `work` as the refresh after a change (figures it works out or reads keep the time a
 * request last read them, or `usedAt` for ones it works out for the first time).
 */
export function asRefresh<T>(usedAt: number, work: () => T): T {
  const outer = refreshingFor;
  refreshingFor = usedAt;
  try {
    return work();
  } finally {
    refreshingFor = outer;
  }
}

/**
 * Figures a request read within the last `withinMs`, and those only the refresh has worked out,
 * whose tables have changed since they were worked out, parts before what they are part of (the
 * lowest first: see Entry.height), then most recently read first: for each, a step that works it out
 * again (through this cache, so figures it is made of are reused when current) and leaves it here and in the shared store. For the refresh after a
 * change (app/models/figure-refresh.server.ts): as each part is its own step, what is made of them
 * then finds them worked out, and no one step holds the worker for a whole page's figures.
 */
export function staleRecentFigures(withinMs: number): RefreshStep[] {
  const versions = tableVersions();
  const since = Date.now() - withinMs;
  // With them the figures only the refresh has worked out (usedAt 0: the most-read pages' parts,
  // which it works out again anyway when they are stale), so that those too go a part at a time.
  const recent = [...small.entries, ...large.entries].filter(([, entry]) => entry.usedAt >= since || entry.usedAt === 0);
  const steps: RefreshStep[] = [];
  for (const [key, entry] of recent.sort(([, a], [, b]) => a.height - b.height || b.usedAt - a.usedAt)) {
    if (entry.signature === signature(entry.tables, versions)) continue;
    steps.push({ figure: key.split("|")[1] ?? key, run: () => asRefresh(entry.usedAt, entry.recompute) });
  }
  return steps;
}

/** A figure to work out again (its name, for the log) and the step that does it. */
export type RefreshStep = { figure: string; run: () => void };

function keep(key: string, tables: readonly string[], valueSignature: string, value: unknown, usedAt: number, recompute: () => void, height: number, size = sizeOf(value)) {
  const budget = cacheBudgetBytes();
  // The key and the entry itself (its tables, the closure that works it out again) count too:
  // next to a count of a few bytes they are most of what a small figure holds.
  const bytes = size + 2 * key.length + ENTRY_OVERHEAD_BYTES;
  if (bytes > budget / 4) return;
  const segment = segmentOf(bytes);
  if (segment === small) {
    for (const oldest of small.entries.keys()) {
      if (small.bytes + bytes <= budget / 4) break;
      remove(oldest);
    }
  }
  // Room among the long lists (the small figures hold at most a quarter, so there always is).
  for (const oldest of large.entries.keys()) {
    if (small.bytes + large.bytes + bytes <= budget) break;
    remove(oldest);
  }
  // Callers share the value: under test it is frozen, so code that changes a shared figure fails there.
  if (process.env.NODE_ENV === "test") deepFreeze(value);
  // The counters read before computing: a change committed meanwhile makes the next call recompute.
  segment.entries.set(key, { tables, signature: valueSignature, value, bytes, usedAt, recompute, height });
  segment.bytes += bytes;
  if (value !== null && typeof value === "object") keyOfValue.set(value, key);
}

// In the shared store a figure is tagged with the tables it read and their counters then.
function sharedFigure<T>(key: string, versions: Map<string, number>): { tables: readonly string[]; height: number; value: T } | undefined {
  const entry = sharedGet(`figure|${key}`);
  if (!entry) return undefined;
  // "tables@counters#height": the height as the worker that worked it out found it (Entry.height).
  const at = entry.tag.indexOf("@");
  const hash = entry.tag.lastIndexOf("#");
  const tables = entry.tag.slice(0, at).split(",");
  if (entry.tag.slice(at + 1, hash > at ? hash : undefined) !== signature(tables, versions)) return undefined;
  try {
    return { tables, height: hash > at ? Number(entry.tag.slice(hash + 1)) || 0 : 0, value: v8.deserialize(entry.value) as T };
  } catch {
    return undefined;
  }
}

function shareFigure(key: string, tables: readonly string[], valueSignature: string, height: number, value: unknown) {
  // Checking and copying a large figure costs as much as sizing it: not done when no one shares.
  if (!sharedCacheEnabled()) return;
  // Only data that comes back as it went in: v8's copy keeps Dates, Maps and Sets, but a class
  // instance would come back as a plain object without its methods.
  if (!isPlainData(value)) return;
  let bytes: Buffer;
  try {
    bytes = v8.serialize(value);
  } catch {
    return;
  }
  sharedPut(`figure|${key}`, `${tables.join(",")}@${valueSignature}#${height}`, bytes);
}

/** Whether a value is made only of primitives, arrays, plain objects, Dates, Maps and Sets. */
export function isPlainData(value: unknown, seen = new Set<object>()): boolean {
  if (value === null || typeof value !== "object") return typeof value !== "function" && typeof value !== "symbol";
  if (seen.has(value)) return true;
  seen.add(value);
  if (value instanceof Date) return true;
  if (value instanceof Map) {
    for (const [k, v] of value) if (!isPlainData(k, seen) || !isPlainData(v, seen)) return false;
    return true;
  }
  if (value instanceof Set) {
    for (const v of value) if (!isPlainData(v, seen)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return false;
  for (const v of Object.values(value)) if (!isPlainData(v, seen)) return false;
  return true;
}

// How often each figure was worked out (a miss in both caches) and the time it took, its own and
// with the figures it worked out inside it: the after-write bench and the tests read it to see
// which figures a change makes the next request recompute.
export type FigureComputation = { count: number; ms: number; selfMs: number };
const computations = new Map<string, FigureComputation>();
/** Each figure being worked out: the time its parts took, and the highest of its parts (-1: none yet). */
const computing: { nestedMs: number; partsHeight: number }[] = [];

/** Tells the figure being worked out, if any, that it read (or worked out) a part this high. */
function notePart(height: number) {
  const frame = computing[computing.length - 1];
  if (frame) frame.partsHeight = Math.max(frame.partsHeight, height);
}

function timed<T>(name: string, fn: () => T): { result: T; height: number; selfMs: number } {
  const frame = { nestedMs: 0, partsHeight: -1 };
  computing.push(frame);
  const start = performance.now();
  let selfMs = 0;
  try {
    const result = fn();
    selfMs = performance.now() - start - frame.nestedMs;
    return { result, height: frame.partsHeight + 1, selfMs };
  } finally {
    const ms = performance.now() - start;
    computing.pop();
    if (computing.length) computing[computing.length - 1]!.nestedMs += ms;
    const c = computations.get(name) ?? { count: 0, ms: 0, selfMs: 0 };
    computations.set(name, { count: c.count + 1, ms: c.ms + ms, selfMs: c.selfMs + ms - frame.nestedMs });
  }
}

/** The figures worked out since the last call, by name (and forgets them). */
export function takeFigureComputations(): Map<string, FigureComputation> {
  const taken = new Map(computations);
  computations.clear();
  return taken;
}

/** Forgets every figure this process keeps, as a newly started worker has none (tests). */
export function forgetFigures() {
  for (const segment of [small, large]) {
    segment.entries.clear();
    segment.bytes = 0;
  }
}

/** The tables a cached figure was computed from (for tests), or null when it is not cached. */
export function cachedTables(name: string, args: unknown): readonly string[] | null {
  return cached(`${process.env.DATABASE_PATH ?? ""}|${name}|${JSON.stringify(args)}`)?.tables ?? null;
}

function deepFreeze(value: unknown) {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

function cachingEnabled() {
  return process.env.SHAREBOARD_CACHE !== "off";
}
