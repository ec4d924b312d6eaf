import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { asRefresh, cachedTables, cacheStats, forgetFigures, isPlainData, memoiseByDataVersion, sizeOf, SMALL_FIGURE_BYTES, staleRecentFigures, tableVersions, worthSharing } from "~/lib/data-version.server";
import { resetSharedCache, sharedGet, sharedPut } from "~/lib/shared-cache.server";
import { useFreshSharedCache } from "../helpers/shared-cache";
import { connection } from "~/lib/db.server";
import { countedTables, ensureChangeCounters } from "../../db/change-counters";
import { READ_MODEL_SOURCES } from "../../db/read-model-sources";
import { READ_MODELS } from "~/models/read-models.server";
import { addComment } from "~/models/cases.server";
import { openDatabase } from "../../db/client";
import { audit, SYSTEM_ACTOR } from "~/lib/audit.server";
import { getProgrammeSummary } from "~/models/summary.server";
import { EXCEPTION_RULE_NAMES, exceptionRuleKey, listExceptions } from "~/models/exceptions.server";
import { renewCover } from "~/models/indemnity-changes.server";
import { businessCases, indemnityCovers, organisations, settings, users } from "../../db/schema";

// The cache is on under test as in production: these tests prove that computed figures are
// reused, and recomputed after a change to a table they read, by any process and any code path.

describe("figures kept until a table they read changes", () => {
  it("counts every change to every table in the same transaction, and not reads", () => {
    const sqlite = connection().sqlite;
    const triggers = new Set((sqlite.prepare("select name from sqlite_master where type = 'trigger'").all() as { name: string }[]).map((r) => r.name));
    const tables = countedTables(sqlite);
    expect(tables).toContain("organisations");
    expect(tables).toContain("audit_log");
    for (const table of tables) for (const op of ["insert", "update", "delete"]) expect(triggers, `${table} ${op}`).toContain(`table_versions_${table}_${op}`);
    // Read models' tables have none: their base tables' counters stand for them (db/read-model-sources.ts).
    expect(tables).not.toContain("opt_in_practice_months");
    for (const table of Object.keys(READ_MODEL_SOURCES)) for (const op of ["insert", "update", "delete"]) expect(triggers).not.toContain(`table_versions_${table}_${op}`);

    const before = tableVersions();
    getProgrammeSummary({ asAt: "2016-10-31" });
    expect(tableVersions()).toEqual(before);
    getDb().transaction((tx) => audit(tx, SYSTEM_ACTOR, { action: "organisation.update", entityType: "organisation", entityId: 1 }));
    const afterAudit = tableVersions();
    expect(afterAudit.get("audit_log")).not.toBe(before.get("audit_log"));
    expect(afterAudit.get("organisations")).toBe(before.get("organisations"));
    // A write that bypasses the models (raw SQL, as an import or a migration might) is counted too.
    sqlite.prepare("update organisations set name = name where id = (select min(id) from organisations)").run();
    const afterRaw = tableVersions().get("organisations");
    expect(afterRaw).not.toBe(before.get("organisations"));
    // A rolled-back change leaves no trace.
    expect(() =>
      getDb().transaction(() => {
        sqlite.prepare("update organisations set name = name").run();
        throw new Error("roll back");
      }),
    ).toThrow("roll back");
    expect(tableVersions().get("organisations")).toBe(afterRaw);
  });

  it("creates the triggers for a table added later when the database is opened", () => {
    const sqlite = connection().sqlite;
    sqlite.exec("create table test_later_table (id integer primary key)");
    try {
      expect(ensureChangeCounters(sqlite)).toBe(3);
      expect(ensureChangeCounters(sqlite)).toBe(0);
      sqlite.prepare("insert into test_later_table (id) values (1)").run();
      expect(tableVersions().get("test_later_table")).toEqual(expect.any(Number));
    } finally {
      sqlite.exec("drop table test_later_table");
    }
  });

  it("gives every read model's table its sources, and drops the counters an older database gave them", () => {
    // Every table a read model owns is named with the base tables its rebuild reads.
    expect(READ_MODELS.flatMap((m) => m.tables).sort()).toEqual(Object.keys(READ_MODEL_SOURCES).sort());
    const sqlite = connection().sqlite;
    // As a database from before: counted like any other table.
    sqlite.exec(`create trigger table_versions_opt_in_practice_months_update after update on opt_in_practice_months begin
      insert into table_versions (name, version) values ('opt_in_practice_months', random()) on conflict (name) do update set version = random(); end`);
    sqlite.prepare("insert or replace into table_versions (name, version) values ('opt_in_practice_months', 1)").run();
    expect(ensureChangeCounters(sqlite)).toBe(0);
    expect(sqlite.prepare("select name from sqlite_master where type = 'trigger' and name like 'table_versions_opt_in_practice_months%'").all()).toEqual([]);
    expect(tableVersions().has("opt_in_practice_months")).toBe(false);
  });

  it("remembers the tables a figure read, including those of figures it reused", () => {
    getProgrammeSummary({ asAt: "2016-09-30" });
    const tables = cachedTables("summary", { asAt: "2016-09-30", locality: null, organisationType: null })!;
    // The rollout's read model stands for the status events it is derived from.
    expect(tables).toEqual(expect.arrayContaining(["organisations", "deployment_status_events", "deployments", "indemnity_covers", "business_cases"]));
    expect(tables).not.toContain("deployment_status_intervals");
    expect(tables).not.toContain("business_case_comments");
    // The exceptions were computed inside the summary; reused inside another figure they still count.
    const outer = memoiseByDataVersion("test.outer", {}, getDb(), () => listExceptions({ asAt: "2016-09-30" }).length);
    expect(outer).toBeGreaterThan(0);
    expect(cachedTables("test.outer", {})).toEqual(expect.arrayContaining(["indemnity_covers", "agreements"]));
  });

  it("keeps the dashboard's figures after a comment on a case, and recomputes them after a change they read", () => {
    const asAt = "2016-10-31";
    const summary = getProgrammeSummary({ asAt });
    const exceptions = listExceptions({ asAt });
    const kase = getDb().select().from(businessCases).get()!;
    const programme = getDb().select().from(users).where(eq(users.email, "programme@example.org")).get()!;
    addComment({ actor: { userId: programme.id, label: programme.email }, user: { id: programme.id, organisationId: programme.organisationId, roles: ["programme"] }, reference: kase.reference, body: "A comment changes no figure" } as Parameters<typeof addComment>[0]);
    expect(getProgrammeSummary({ asAt })).toBe(summary);
    expect(listExceptions({ asAt })).toEqual(exceptions);
    // Still the cached list: asking the cache with a computation that fails proves nothing is recomputed.
    const recompute = () => {
      throw new Error("recomputed");
    };
    const listKey = { asAt, locality: null, organisationType: null, kind: null, severity: null, role: null, organisationId: null };
    expect(() => memoiseByDataVersion("exceptions-list", listKey, getDb(), recompute)).not.toThrow();
    for (const rule of EXCEPTION_RULE_NAMES) expect(() => memoiseByDataVersion(`exceptions.rule.${rule}`, exceptionRuleKey(rule, asAt), getDb(), recompute)).not.toThrow();
    expect(() => memoiseByDataVersion("board-charts-never-cached", { asAt }, getDb(), recompute)).toThrow("recomputed");
  });

  it("reuses the summary and exceptions until an audited change, then recomputes them", async () => {
    const asAt = "2016-10-31";
    const first = getProgrammeSummary({ asAt });
    expect(getProgrammeSummary({ asAt })).toBe(first);
    const expiring = listExceptions({ asAt, kind: "cover_expiring" });
    expect(expiring.some((e) => e.organisation?.odsCode === "P92031")).toBe(true);

    // The CCG renews P92031's cover through the audited model: the exception must go.
    const org = getDb().select().from(organisations).where(eq(organisations.odsCode, "P92031")).get()!;
    const cover = getDb().select().from(indemnityCovers).where(eq(indemnityCovers.organisationId, org.id)).all().at(-1)!;
    const ccg = getDb().select().from(users).where(eq(users.email, "ccg@example.org")).get()!;
    renewCover({
      actor: { userId: ccg.id, label: ccg.email },
      user: { id: ccg.id, organisationId: ccg.organisationId, roles: ["ccg"] },
      coverId: cover.id,
      input: { scope: cover.scope, startOn: "2016-11-04", endOn: "2018-03-31", status: "active", documentReference: "IND-TEST", signedBy: "A Officer" },
    } as Parameters<typeof renewCover>[0]);
    expect(listExceptions({ asAt, kind: "cover_expiring" }).some((e) => e.organisation?.odsCode === "P92031")).toBe(false);
    const second = getProgrammeSummary({ asAt });
    expect(second).not.toBe(first);
    // Only the summary's figures that read the covers were worked out again: the opt-in figure (which
    // reads returns, not covers) is still the one kept, while asking for the covered count again
    // with a computation that fails shows it is recomputed once covers change.
    const recompute = () => {
      throw new Error("recomputed");
    };
    const args = { asAt, locality: null, organisationType: null };
    expect(memoiseByDataVersion("summary:opt-in", args, getDb(), recompute)).toMatchObject({ rate: second.optInRate, month: second.optInMonth });
    expect(memoiseByDataVersion("summary:covered", args, getDb(), recompute)).toBe(second.practicesWithActiveIndemnity);
    expect(cachedTables("summary:opt-in", args)).not.toContain("indemnity_covers");
    expect(cachedTables("summary:covered", args)).toContain("indemnity_covers");
    renewCover({
      actor: { userId: ccg.id, label: ccg.email },
      user: { id: ccg.id, organisationId: ccg.organisationId, roles: ["ccg"] },
      coverId: getDb().select().from(indemnityCovers).where(eq(indemnityCovers.organisationId, org.id)).all().at(-1)!.id,
      input: { scope: cover.scope, startOn: "2018-04-01", endOn: "2019-03-31", status: "active", documentReference: "IND-TEST-2", signedBy: "A Officer" },
    } as Parameters<typeof renewCover>[0]);
    expect(() => memoiseByDataVersion("summary:opt-in", args, getDb(), recompute)).not.toThrow();
    expect(() => memoiseByDataVersion("summary:covered", args, getDb(), recompute)).toThrow("recomputed");
  });
});

describe("the figures cache across worker processes and in memory", () => {
  it("recomputes as soon as another process (another worker) changes a table the figure read", () => {
    let computed = 0;
    const figures = () => memoiseByDataVersion("test.cross-worker", {}, getDb(), () => ({ run: ++computed, organisations: getDb().select().from(organisations).all().length }));
    expect(figures()).toMatchObject({ run: 1 });
    expect(figures()).toMatchObject({ run: 1 });
    // A second connection to the same file stands in for another worker of the cluster.
    const otherWorker = openDatabase(process.env.DATABASE_PATH!);
    otherWorker.db.transaction((tx) => audit(tx, SYSTEM_ACTOR, { action: "case.comment.add", entityType: "business_case_comment", entityId: 1 }));
    expect(figures()).toMatchObject({ run: 1 });
    otherWorker.db.transaction((tx) => {
      tx.update(organisations).set({ name: sql`${organisations.name}` }).where(eq(organisations.id, 1)).run();
      audit(tx, SYSTEM_ACTOR, { action: "organisation.update", entityType: "organisation", entityId: 1 });
    });
    otherWorker.sqlite.close();
    expect(figures()).toMatchObject({ run: 2 });
  });

  it("never keeps a figure that read no table: it could not be told when to go stale", () => {
    let computed = 0;
    memoiseByDataVersion("test.no-table", {}, getDb(), () => ++computed);
    memoiseByDataVersion("test.no-table", {}, getDb(), () => ++computed);
    expect(computed).toBe(2);
    expect(cachedTables("test.no-table", {})).toBeNull();
  });

  it("sizes a figure by its JSON text, measuring long lists from an even sample of their rows", () => {
    const exact = (value: unknown) => 2 * JSON.stringify(value).length + 64;
    const small = { asAt: "2016-10-31", rows: [{ id: 1, title: "A title" }], total: 1, nested: { deeper: [1, 2, 3] } };
    expect(sizeOf(small)).toBe(exact(small));
    const rows = Array.from({ length: 5_000 }, (_, i) => ({ id: i, title: `Opt-in at practice ${i} is below the target`.repeat(1 + (i % 3)), dueOn: i % 2 ? null : "2016-11-30" }));
    const list = { rows, total: rows.length };
    expect(Math.abs(sizeOf(list) - exact(list)) / exact(list)).toBeLessThan(0.05);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(sizeOf(circular)).toBe(Number.POSITIVE_INFINITY);
  });

  it("keeps small figures apart from long lists: a flood of long lists never pushes out a count, and small figures keep to a quarter of the budget", () => {
    process.env.SHAREBOARD_CACHE_MAX_BYTES = String(2_000_000);
    try {
      const count = (i: number) => memoiseByDataVersion("test.count", { i }, getDb(), () => getDb().select({ key: settings.key }).from(settings).all().length + i);
      const list = (i: number) =>
        memoiseByDataVersion("test.list", { i }, getDb(), () => ({ i, settings: count(0), rows: Array.from({ length: 5_000 }, (_, k) => `row ${k} of list ${i}`) }));
      expect(sizeOf(list(0))).toBeGreaterThan(SMALL_FIGURE_BYTES);
      for (let i = 0; i < 10; i++) count(i);
      // Long lists of 150-200 kB each, far more than the budget holds.
      for (let i = 1; i < 60; i++) list(i);
      const afterLists = cacheStats();
      expect(afterLists.bytes).toBeLessThanOrEqual(2_000_000);
      // Every count is still kept: asked again, none is worked out.
      for (let i = 0; i < 10; i++) expect(memoiseByDataVersion("test.count", { i }, getDb(), () => -1)).not.toBe(-1);
      // The lists pushed out each other, least recently used first.
      expect(memoiseByDataVersion("test.list", { i: 1 }, getDb(), () => null)).toBeNull();
      expect(memoiseByDataVersion("test.list", { i: 59 }, getDb(), () => null)).not.toBeNull();
      // Small figures alone keep to a quarter of the budget, the oldest out first.
      for (let i = 0; i < 200; i++) memoiseByDataVersion("test.small", { i }, getDb(), () => ({ i, settings: count(0), text: "x".repeat(6_000) }));
      const stats = cacheStats();
      expect(stats.smallBytes).toBeLessThanOrEqual(500_000);
      expect(stats.bytes).toBeLessThanOrEqual(2_000_000);
      expect(memoiseByDataVersion("test.small", { i: 0 }, getDb(), () => null)).toBeNull();
      expect(memoiseByDataVersion("test.small", { i: 199 }, getDb(), () => null)).not.toBeNull();
    } finally {
      delete process.env.SHAREBOARD_CACHE_MAX_BYTES;
    }
  });

  it("keeps at most its budget in bytes, dropping the least recently used figures first", () => {
    process.env.SHAREBOARD_CACHE_MAX_BYTES = String(400_000);
    try {
      const big = (i: number) => ({ i, settings: getDb().select({ key: settings.key }).from(settings).all().length, rows: Array.from({ length: 500 }, (_, k) => `row ${k} of figures set ${i}`) });
      const first = memoiseByDataVersion("test.bytes", { i: 0 }, getDb(), () => big(0));
      for (let i = 1; i < 200; i++) {
        memoiseByDataVersion("test.bytes", { i }, getDb(), () => big(i));
        // Keep the first one in use: it must survive as the most recently used.
        expect(memoiseByDataVersion("test.bytes", { i: 0 }, getDb(), () => big(0))).toBe(first);
      }
      const stats = cacheStats();
      expect(stats.bytes).toBeLessThanOrEqual(400_000);
      expect(stats.entries).toBeLessThan(50);
      // An early set was evicted, so it is computed afresh.
      let recomputed = false;
      memoiseByDataVersion("test.bytes", { i: 1 }, getDb(), () => ((recomputed = true), big(1)));
      expect(recomputed).toBe(true);
    } finally {
      delete process.env.SHAREBOARD_CACHE_MAX_BYTES;
    }
  });
});

describe("figures one worker worked out, shared with the others (app/lib/shared-cache.server.ts)", () => {
  // This process plays both workers: forgetting its own figures makes it a worker that has not
  // computed them, which must then find them in the shared store instead of computing.
  useFreshSharedCache(forgetFigures);

  const figure = (compute: () => unknown) => memoiseByDataVersion("test.shared", { asAt: "2016-10-31" }, getDb(), compute);
  const organisationFigures = () => ({ count: getDb().select().from(organisations).all().length, at: new Date("2016-10-31T00:00:00Z"), byKind: new Map([["practice", 63]]) });

  it("a worker that has not computed a figure takes it from the shared store, with its Dates and Maps, and still knows when it goes stale", () => {
    const first = figure(organisationFigures);
    forgetFigures();
    const fromShared = figure(() => {
      throw new Error("computed again although another worker had computed it");
    }) as ReturnType<typeof organisationFigures>;
    expect(fromShared).toEqual(first);
    expect(fromShared.at).toBeInstanceOf(Date);
    expect(fromShared.byKind.get("practice")).toBe(63);
    expect(cachedTables("test.shared", { asAt: "2016-10-31" })).toContain("organisations");

    // A change to a table the figure read, made by another connection (another worker): neither
    // this worker's copy nor the shared one is used.
    const otherWorker = openDatabase(process.env.DATABASE_PATH!);
    otherWorker.db.transaction((tx) => {
      tx.update(organisations).set({ name: sql`${organisations.name}` }).where(eq(organisations.id, 1)).run();
      audit(tx, SYSTEM_ACTOR, { action: "organisation.update", entityType: "organisation", entityId: 1 });
    });
    otherWorker.sqlite.close();
    let computed = 0;
    figure(() => (computed++, organisationFigures()));
    forgetFigures();
    figure(() => (computed++, organisationFigures()));
    expect(computed).toBe(1);
  });

  it("a figure taken from the shared store keeps its height, so the refresh after a change still works its parts out first", async () => {
    const part = () => memoiseByDataVersion("test.part", { asAt: "2016-10-31" }, getDb(), () => getDb().select().from(organisations).all().length);
    const whole = () => memoiseByDataVersion("test.whole", { asAt: "2016-10-31" }, getDb(), () => ({ practices: part() }));
    whole();
    // The other worker reads the part, then the whole (the more recent), both from the shared store.
    forgetFigures();
    part();
    await new Promise((resolve) => setTimeout(resolve, 5));
    whole();
    getDb().transaction((tx) => {
      tx.update(organisations).set({ name: sql`${organisations.name}` }).where(eq(organisations.id, 1)).run();
      audit(tx, SYSTEM_ACTOR, { action: "organisation.update", entityType: "organisation", entityId: 1 });
    });
    const order = staleRecentFigures(60_000).map((s) => s.figure).filter((name) => name.startsWith("test."));
    expect(order).toEqual(["test.part", "test.whole"]);
  });

  it("shares a long list worked out quickly for one request only when the refresh works it out; a small figure and a slow long list always", () => {
    // 100,000 rows (one row object repeated: made in about a millisecond, however slow the machine)
    // that would take the other worker ~20 ms to read back (sizeOf about 8 MB): not worth sharing.
    const longList = (name: string) =>
      memoiseByDataVersion(name, { asAt: "2016-10-31" }, getDb(), () => {
        const row = { id: getDb().select().from(organisations).get()!.id, name: "Practice name", rate: 1 / 3 };
        return Array.from({ length: 100_000 }, () => row);
      });
    let computed = 0;
    const counted = (name: string) => memoiseByDataVersion(name, { asAt: "2016-10-31" }, getDb(), () => (computed++, longList(`${name}.list`).length));
    expect(worthSharing(3, 2_000_000)).toBe(false);
    expect(worthSharing(30, 2_000_000)).toBe(true);
    expect(worthSharing(0.01, 40_000)).toBe(true);
    // For a request: the count (small) is shared, the list it is made of is not.
    counted("test.request");
    forgetFigures();
    expect(sharedGet(`figure|${process.env.DATABASE_PATH ?? ""}|test.request|{"asAt":"2016-10-31"}`)).toBeDefined();
    expect(sharedGet(`figure|${process.env.DATABASE_PATH ?? ""}|test.request.list|{"asAt":"2016-10-31"}`)).toBeUndefined();
    // Worked out by the refresh (for everyone), the list is shared too.
    asRefresh(0, () => longList("test.refresh.list"));
    expect(sharedGet(`figure|${process.env.DATABASE_PATH ?? ""}|test.refresh.list|{"asAt":"2016-10-31"}`)).toBeDefined();
    expect(computed).toBe(1);
  });

  it("shares only data that comes back as it went in: a class instance is computed by each worker", () => {
    class Figures {
      constructor(readonly count: number) {}
      doubled() {
        return this.count * 2;
      }
    }
    let computed = 0;
    const compute = () => (computed++, new Figures(getDb().select().from(organisations).all().length));
    figure(compute);
    forgetFigures();
    const again = figure(compute) as Figures;
    expect(computed).toBe(2);
    expect(again.doubled()).toBe(again.count * 2);
    expect(isPlainData({ a: [1, "x", null, undefined, new Date(), new Map([[1, new Set([2])]])] })).toBe(true);
    expect(isPlainData({ a: [() => 1] })).toBe(false);
  });

  it("keeps at most its budget in bytes, the oldest entries out first", () => {
    process.env.SHAREBOARD_SHARED_CACHE_MAX_BYTES = String(200_000);
    resetSharedCache();
    for (let i = 0; i < 40; i++) sharedPut(`test-${i}`, "tag", Buffer.alloc(20_000, i));
    const file = new Database(process.env.SHAREBOARD_SHARED_CACHE_FILE!, { readonly: true });
    const { total, entries } = file.prepare("select sum(bytes) as total, count(*) as entries from entries").get() as { total: number; entries: number };
    file.close();
    expect(total).toBeLessThanOrEqual(200_000);
    expect(entries).toBeGreaterThan(5);
    expect(sharedGet("test-39")?.value.equals(Buffer.alloc(20_000, 39))).toBe(true);
    expect(sharedGet("test-0")).toBeUndefined();
    // More than a quarter of the budget is never kept.
    sharedPut("test-big", "tag", Buffer.alloc(60_000));
    expect(sharedGet("test-big")).toBeUndefined();
  });

  it("keeps its running total of bytes equal to its entries' through new entries, overwrites of different sizes and evictions", () => {
    process.env.SHAREBOARD_SHARED_CACHE_MAX_BYTES = String(100_000);
    resetSharedCache();
    for (let i = 0; i < 30; i++) sharedPut(`total-${i % 7}`, `tag-${i}`, Buffer.alloc(1_000 + ((i * 3_917) % 20_000), i));
    const file = new Database(process.env.SHAREBOARD_SHARED_CACHE_FILE!, { readonly: true });
    const summed = (file.prepare("select coalesce(sum(bytes), 0) as total from entries").get() as { total: number }).total;
    const kept = (file.prepare("select bytes from totals").get() as { bytes: number }).bytes;
    const stored = file.prepare("select key, length(value) as length from entries order by key").all() as { key: string; length: number }[];
    file.close();
    expect(kept).toBe(summed);
    expect(kept).toBeLessThanOrEqual(100_000);
    // Each key holds its latest value (an overwrite replaced, did not add).
    expect(stored.length).toBeLessThanOrEqual(7);
    for (const { key, length } of stored) {
      const last = Math.max(...Array.from({ length: 30 }, (_, i) => i).filter((i) => `total-${i % 7}` === key));
      expect(length).toBe(1_000 + ((last * 3_917) % 20_000));
    }
  });

  it("is off for a single process and when caching is off", () => {
    delete process.env.SHAREBOARD_SHARED_CACHE_FILE;
    resetSharedCache();
    sharedPut("test-off", "tag", Buffer.from("x"));
    expect(sharedGet("test-off")).toBeUndefined();
  });
});
