import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { cacheStats, keptText, memoiseByDataVersion } from "~/lib/data-version.server";
import { readJsonText } from "~/lib/json-text";
import { getProgrammeSummary } from "~/models/summary.server";
import { organisations } from "../../db/schema";

// Loader data sent as one JSON text (app/lib/json-text.ts), kept with the figure it is made from.

/** A kept figure of this test's own: the practices' names (it reads organisations). */
const practiceNames = () =>
  memoiseByDataVersion("test-practice-names", {}, getDb(), () =>
    getDb().select({ id: organisations.id, name: organisations.name }).from(organisations).where(eq(organisations.type, "gp_practice")).all(),
  );

describe("a figure's JSON text", () => {
  it("reads back as what it was made from", () => {
    const summary = getProgrammeSummary({ asAt: "2016-10-31" });
    const shown = (s: typeof summary) => ({ practicesTotal: s.practicesTotal, servicesLive: s.servicesLive, optInRate: s.optInRate });
    expect(readJsonText(keptText(summary, "shown", shown))).toEqual(shown(summary));
  });

  it("is written once while its figure is kept, counted in the cache's bytes, and again once the figure is worked out again", () => {
    let written = 0;
    const firstOf = (rows: { id: number; name: string }[]) => {
      written += 1;
      return rows.slice(0, 3);
    };
    const names = practiceNames();
    const before = cacheStats().bytes;
    const text = keptText(names, "first", firstOf);
    expect(cacheStats().bytes - before).toBeGreaterThanOrEqual(2 * text.length);
    expect(keptText(practiceNames(), "first", firstOf)).toBe(text);
    expect(written).toBe(1);
    // Another text from the same figure is kept beside it.
    keptText(names, "count", (rows) => rows.length);
    expect(written).toBe(1);

    // A change to a table it read: the figure is worked out again, a new value with no text yet.
    const practice = names[0]!;
    getDb().update(organisations).set({ name: `${practice.name} (renamed)` }).where(eq(organisations.id, practice.id)).run();
    expect(readJsonText(keptText(practiceNames(), "first", firstOf))[0]).toEqual({ id: practice.id, name: `${practice.name} (renamed)` });
    expect(written).toBe(2);
  });

  it("is written on every call for a value the cache does not keep", () => {
    let written = 0;
    const value = { not: "kept" };
    keptText(value, "shown", (v) => (written++, v));
    keptText(value, "shown", (v) => (written++, v));
    expect(written).toBe(2);
  });
});
