import { describe, expect, it } from "vitest";
import { readJsonText } from "~/lib/json-text";
import { jsonTextOf } from "~/lib/json-text.server";

describe("loader data sent as JSON text", () => {
  it("reads back as the value it was made from", () => {
    const figures = { headlines: [{ key: "servicesLive", value: "35", change: null }], charts: { optIn: [{ month: "2016-10", rate: 60.5 }] }, total: 0 };
    expect(readJsonText(jsonTextOf(figures, (f) => f))).toEqual(figures);
  });

  it("is written once per kept figure, and again for a figure worked out again", () => {
    let built = 0;
    const shown = (f: { n: number }) => {
      built += 1;
      return { doubled: f.n * 2 };
    };
    const kept = { n: 2 };
    const first = jsonTextOf(kept, shown);
    expect(jsonTextOf(kept, shown)).toBe(first);
    expect(built).toBe(1);
    // The cache hands out a new object when the figure is worked out again after a change.
    const again = { n: 3 };
    expect(readJsonText(jsonTextOf(again, shown))).toEqual({ doubled: 6 });
    expect(built).toBe(2);
  });
});
