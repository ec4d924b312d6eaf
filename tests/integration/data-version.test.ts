import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { cacheStats, currentDataVersion, memoiseByDataVersion } from "~/lib/data-version.server";
import { openDatabase } from "../../db/client";
import { audit, SYSTEM_ACTOR } from "~/lib/audit.server";
import { getProgrammeSummary } from "~/models/summary.server";
import { listExceptions } from "~/models/exceptions.server";
import { renewCover } from "~/models/indemnity.server";
import { indemnityCovers, organisations, users } from "../../db/schema";

// Under test the cache is off (fixtures are written without audited models); these tests turn
// it on to prove that computed figures are reused, and recomputed after an audited change.
beforeAll(() => {
  process.env.SHAREBOARD_CACHE = "on";
});
afterAll(() => {
  delete process.env.SHAREBOARD_CACHE;
});

describe("figures kept until the data changes", () => {
  it("bumps the data version with every change, not with reads or sign-ins", () => {
    const before = currentDataVersion();
    getDb().transaction((tx) => audit(tx, SYSTEM_ACTOR, { action: "api.read", entityType: "api_token", entityId: 1 }));
    getDb().transaction((tx) => audit(tx, SYSTEM_ACTOR, { action: "sign_in.failure", entityType: "user" }));
    expect(currentDataVersion()).toBe(before);
    getDb().transaction((tx) => audit(tx, SYSTEM_ACTOR, { action: "organisation.update", entityType: "organisation", entityId: 1 }));
    expect(Number(currentDataVersion())).toBe(Number(before) + 1);
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
    expect(getProgrammeSummary({ asAt })).not.toBe(first);
  });
});

describe("the figures cache across worker processes and in memory", () => {
  it("recomputes as soon as another process (another worker) makes an audited change", () => {
    let computed = 0;
    const figures = () => memoiseByDataVersion("test.cross-worker", {}, getDb(), () => ({ run: ++computed }));
    expect(figures()).toEqual({ run: 1 });
    expect(figures()).toEqual({ run: 1 });
    // A second connection to the same file stands in for another worker of the cluster.
    const otherWorker = openDatabase(process.env.DATABASE_PATH!);
    otherWorker.db.transaction((tx) => audit(tx, SYSTEM_ACTOR, { action: "organisation.update", entityType: "organisation", entityId: 1 }));
    otherWorker.sqlite.close();
    expect(figures()).toEqual({ run: 2 });
  });

  it("keeps at most its budget in bytes, dropping the least recently used figures first", () => {
    process.env.SHAREBOARD_CACHE_MAX_BYTES = String(400_000);
    try {
      const big = (i: number) => ({ i, rows: Array.from({ length: 500 }, (_, k) => `row ${k} of figures set ${i}`) });
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
