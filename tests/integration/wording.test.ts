import { describe, expect, it } from "vitest";
import { listExceptions } from "~/models/exceptions.server";

// What people read is in words: no state code ("ig_review", "in_progress") reaches an exception.
describe("exception wording in the demo data", () => {
  const exceptions = listExceptions({ asAt: "2016-10-31" });

  it("never shows a raw state code", () => {
    expect(exceptions.length).toBeGreaterThan(0);
    const raw = exceptions.flatMap((e) => [e.title, e.detail]).filter((text) => /\b[a-z]+_[a-z_]+\b|\big review\b/.test(text ?? ""));
    expect(raw).toEqual([]);
  });

  it("names a waiting case's stage as people say it", () => {
    const waiting = exceptions.filter((e) => e.kind === "case_waiting_past_sla").map((e) => e.title);
    expect(waiting.length).toBeGreaterThan(0);
    for (const title of waiting) expect(title).toMatch(/working days? at (IG review|board review|submitted)$/);
  });
});
