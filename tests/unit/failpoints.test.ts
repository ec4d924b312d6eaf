import { describe, expect, it } from "vitest";
import { describeFailpoints, failpointArmed } from "~/lib/failpoints.server";

// The crash test's failpoint must never fire in a real deployment by accident.

describe("test failpoints", () => {
  const named = { SHAREBOARD_FAILPOINT: "import-mid-transaction" };

  it("are armed in development and test, or in production only with SHAREBOARD_TEST_FAILPOINTS=1", () => {
    expect(failpointArmed("import-mid-transaction", { ...named, NODE_ENV: "test" })).toBe(true);
    expect(failpointArmed("import-mid-transaction", { ...named, NODE_ENV: "development" })).toBe(true);
    expect(failpointArmed("import-mid-transaction", { ...named, NODE_ENV: "production", SHAREBOARD_TEST_FAILPOINTS: "1" })).toBe(true);
  });

  it("are ignored in production, and when NODE_ENV is unset (as `npm run serve` leaves it), without the explicit switch", () => {
    expect(failpointArmed("import-mid-transaction", { ...named, NODE_ENV: "production" })).toBe(false);
    expect(failpointArmed("import-mid-transaction", { ...named })).toBe(false);
    expect(failpointArmed("import-mid-transaction", { ...named, NODE_ENV: "production", SHAREBOARD_TEST_FAILPOINTS: "yes" })).toBe(false);
  });

  it("fire only when named", () => {
    expect(failpointArmed("import-mid-transaction", { NODE_ENV: "test" })).toBe(false);
    expect(failpointArmed("import-mid-transaction", { NODE_ENV: "test", SHAREBOARD_FAILPOINT: "other, import-mid-transaction" })).toBe(true);
  });

  it("are announced at start-up: a warning when armed, why when ignored, and unknown names", () => {
    expect(describeFailpoints({ NODE_ENV: "production" })).toEqual([]);
    expect(describeFailpoints({ ...named, NODE_ENV: "production", SHAREBOARD_TEST_FAILPOINTS: "1" })).toEqual([expect.stringMatching(/^WARNING test failpoint import-mid-transaction is armed/)]);
    expect(describeFailpoints({ ...named, NODE_ENV: "production" })).toEqual([expect.stringMatching(/set but ignored.*SHAREBOARD_TEST_FAILPOINTS=1/)]);
    expect(describeFailpoints({ SHAREBOARD_FAILPOINT: "imprt", NODE_ENV: "test" })).toEqual([expect.stringMatching(/unknown failpoint\(s\) imprt: use one of import-mid-transaction/)]);
  });
});
