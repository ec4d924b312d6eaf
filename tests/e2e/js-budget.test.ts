import { describe, expect, it } from "vitest";
import { firstLoadJs } from "../bench/js-size";

// Issue 11's front-end budget, checked on the production build every test run (the browser tests
// run against that build): what a phone downloads before a page works, gzipped. Sizes, not
// timings, so it is the same on any machine; `npx tsx tests/bench/js-size.ts` prints them all.
describe("first-load JavaScript", () => {
  const { rows } = firstLoadJs();

  it("is at most 100 KiB on every page without charts and 200 KiB on every page with them", () => {
    expect(rows.length).toBeGreaterThan(50);
    const over = rows.filter((r) => r.kib > (r.charts ? 200 : 100)).map((r) => `${r.route} ${r.kib.toFixed(1)} KiB${r.charts ? " (charts)" : ""}`);
    expect(over, "pages over budget: see README Benchmark → Front end for what moved them before").toEqual([]);
  });

  it("never carries zod to the browser", () => {
    expect(rows.filter((r) => r.zod).map((r) => r.route)).toEqual([]);
  });
});
