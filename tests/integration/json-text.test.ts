import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { cachedTables } from "~/lib/data-version.server";
import { readJsonText } from "~/lib/json-text";
import { keptJsonText } from "~/lib/json-text.server";
import { getProgrammeSummary } from "~/models/summary.server";
import { organisations } from "../../db/schema";

// Loader data sent as one JSON text (the dashboard's figures): kept as a figure of its own.

describe("a kept JSON text", () => {
  it("reads back as what it was made from", () => {
    const text = keptJsonText("test-summary", { asAt: "2016-10-31" }, () => {
      const s = getProgrammeSummary({ asAt: "2016-10-31" });
      return { practicesTotal: s.practicesTotal, servicesLive: s.servicesLive, optInRate: s.optInRate };
    });
    const s = getProgrammeSummary({ asAt: "2016-10-31" });
    expect(readJsonText(text)).toEqual({ practicesTotal: s.practicesTotal, servicesLive: s.servicesLive, optInRate: s.optInRate });
  });

  it("is written once, then again only after a table its figures read changes", () => {
    let written = 0;
    const text = () =>
      keptJsonText("test-practices", { asAt: "2016-10-31" }, () => {
        written += 1;
        return { practicesTotal: getProgrammeSummary({ asAt: "2016-10-31" }).practicesTotal };
      });
    const first = text();
    expect(text()).toBe(first);
    expect(written).toBe(1);
    // Kept as a figure: with the tables its parts read (so it is counted in the cache's bytes and refreshed after a change).
    expect(cachedTables("json-text:test-practices", { asAt: "2016-10-31" })).toContain("organisations");

    const practice = getDb().select({ id: organisations.id, name: organisations.name }).from(organisations).where(eq(organisations.type, "gp_practice")).get()!;
    getDb().update(organisations).set({ name: `${practice.name} (renamed)` }).where(eq(organisations.id, practice.id)).run();
    expect(readJsonText(text())).toEqual(readJsonText(first));
    expect(written).toBe(2);
  });
});
