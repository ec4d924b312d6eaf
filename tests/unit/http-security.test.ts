import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, crossSiteReason } from "~/lib/http-security.server";
import { byteBudget, memorySettings, parseEnv } from "~/lib/env.server";
import { safeRedirect } from "~/lib/session.server";

describe("cross-site request guard", () => {
  it("lets reads through whatever their origin", () => {
    expect(crossSiteReason({ method: "GET", secFetchSite: "cross-site", origin: "https://evil.example" })).toBeNull();
  });
  it("lets same-origin writes through", () => {
    expect(crossSiteReason({ method: "POST", secFetchSite: "same-origin", origin: "http://localhost:3000", host: "localhost:3000" })).toBeNull();
    expect(crossSiteReason({ method: "POST", host: "localhost:3000" })).toBeNull();
  });
  it("refuses writes another site sent", () => {
    expect(crossSiteReason({ method: "POST", secFetchSite: "cross-site" })).toMatch(/cross-site/);
    expect(crossSiteReason({ method: "POST", secFetchSite: "same-site" })).toMatch(/same-site/);
    expect(crossSiteReason({ method: "DELETE", origin: "https://evil.example", host: "localhost:3000" })).toMatch(/not this site/);
    expect(crossSiteReason({ method: "POST", origin: "null", host: "localhost:3000" })).toMatch(/null/);
  });
});

describe("content security policy", () => {
  it("allows scripts only with the nonce and forbids framing, plugins and base changes", () => {
    const csp = contentSecurityPolicy("abc123");
    expect(csp).toContain("script-src 'self' 'nonce-abc123'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
  });
});

describe("environment", () => {
  it("stops on a short SESSION_SECRET with a message saying what to set", () => {
    const result = parseEnv({ SESSION_SECRET: "too-short" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toMatch(/SESSION_SECRET is too short.*at least 32 characters/);
  });
  it("uses defaults for the port and database path", () => {
    const result = parseEnv({ SESSION_SECRET: "x".repeat(32) });
    expect(result.data).toMatchObject({ PORT: 3000, DATABASE_PATH: "db/data/shareboard.sqlite" });
  });
  it("refuses a port that is not a number", () => {
    expect(parseEnv({ SESSION_SECRET: "x".repeat(32), PORT: "abc" }).success).toBe(false);
  });
  it("takes the figures' refresh delay as milliseconds or off, and stops on anything else saying what to set", () => {
    const secret = "x".repeat(32);
    for (const good of ["off", "0", "250", "60000"]) expect(parseEnv({ SESSION_SECRET: secret, SHAREBOARD_FIGURE_REFRESH_MS: good }).success, good).toBe(true);
    expect(parseEnv({ SESSION_SECRET: secret }).data?.SHAREBOARD_FIGURE_REFRESH_MS).toBeUndefined();
    for (const bad of ["abc", "-1", "2.5", "60001", "OFF"]) {
      const result = parseEnv({ SESSION_SECRET: secret, SHAREBOARD_FIGURE_REFRESH_MS: bad });
      expect(result.success, bad).toBe(false);
      expect(result.error?.issues[0].message).toBe('SHAREBOARD_FIGURE_REFRESH_MS must be a number of milliseconds from 0 to 60000, or "off".');
    }
  });
});

describe("workers and memory settings", () => {
  it("uses the measured defaults when unset or empty", () => {
    for (const source of [{}, { SHAREBOARD_WORKER_HEAP_MIB: "", SHAREBOARD_SQLITE_CACHE_KIB: " " }]) {
      expect(memorySettings(source)).toEqual({
        WEB_CONCURRENCY: undefined,
        SHAREBOARD_WORKER_HEAP_MIB: 256,
        SHAREBOARD_SEMI_SPACE_MIB: 4,
        SHAREBOARD_SQLITE_CACHE_KIB: 4096,
        SHAREBOARD_CACHE_MAX_BYTES: 40 * 1024 * 1024,
        SHAREBOARD_SHARED_CACHE_MAX_BYTES: 64 * 1024 * 1024,
        SHAREBOARD_PAGE_CACHE_MAX_BYTES: 16 * 1024 * 1024,
        SHAREBOARD_CHART_CACHE_MAX_BYTES: 8 * 1024 * 1024,
      });
    }
  });
  it("takes whole numbers in range", () => {
    expect(memorySettings({ WEB_CONCURRENCY: "3", SHAREBOARD_WORKER_HEAP_MIB: "512", SHAREBOARD_SQLITE_CACHE_KIB: "1024" })).toMatchObject({
      WEB_CONCURRENCY: 3,
      SHAREBOARD_WORKER_HEAP_MIB: 512,
      SHAREBOARD_SQLITE_CACHE_KIB: 1024,
    });
  });
  it("stops start-up on a wrong value, naming the setting, its unit, range and default, rather than quietly using the default", () => {
    const cases: [string, string, RegExp][] = [
      ["SHAREBOARD_WORKER_HEAP_MIB", "256MB", /SHAREBOARD_WORKER_HEAP_MIB must be a whole number of MiB, at least 96 \(default 256\)/],
      ["SHAREBOARD_WORKER_HEAP_MIB", "64", /at least 96/],
      ["SHAREBOARD_SQLITE_CACHE_KIB", "4.5", /SHAREBOARD_SQLITE_CACHE_KIB must be a whole number of KiB, at least 1024 \(default 4096\)/],
      ["SHAREBOARD_SEMI_SPACE_MIB", "0", /from 1 to 64/],
      ["SHAREBOARD_CACHE_MAX_BYTES", "40MiB", /SHAREBOARD_CACHE_MAX_BYTES must be a whole number of bytes/],
      ["WEB_CONCURRENCY", "two", /WEB_CONCURRENCY must be a whole number of worker processes, from 1 to 64/],
    ];
    for (const [name, value, message] of cases) {
      expect(() => memorySettings({ [name]: value }), `${name}=${value}`).toThrow(message);
      const result = parseEnv({ SESSION_SECRET: "x".repeat(32), [name]: value });
      expect(result.success, `${name}=${value} at the server's start`).toBe(false);
      expect(result.error?.issues[0].message).toMatch(message);
    }
  });
  it("reads a cache's budget as the variable is now, and refuses a wrong one", () => {
    const before = process.env.SHAREBOARD_PAGE_CACHE_MAX_BYTES;
    try {
      delete process.env.SHAREBOARD_PAGE_CACHE_MAX_BYTES;
      expect(byteBudget("SHAREBOARD_PAGE_CACHE_MAX_BYTES")).toBe(16 * 1024 * 1024);
      process.env.SHAREBOARD_PAGE_CACHE_MAX_BYTES = "40000";
      expect(byteBudget("SHAREBOARD_PAGE_CACHE_MAX_BYTES")).toBe(40_000);
      process.env.SHAREBOARD_PAGE_CACHE_MAX_BYTES = "lots";
      expect(() => byteBudget("SHAREBOARD_PAGE_CACHE_MAX_BYTES")).toThrow(/SHAREBOARD_PAGE_CACHE_MAX_BYTES must be a whole number of bytes/);
    } finally {
      if (before === undefined) delete process.env.SHAREBOARD_PAGE_CACHE_MAX_BYTES;
      else process.env.SHAREBOARD_PAGE_CACHE_MAX_BYTES = before;
    }
  });
});

describe("redirect after sign-in", () => {
  it("follows local paths only", () => {
    expect(safeRedirect("/cases?page=2")).toBe("/cases?page=2");
    expect(safeRedirect("https://evil.example")).toBe("/");
    expect(safeRedirect("//evil.example")).toBe("/");
    expect(safeRedirect(null)).toBe("/");
  });
});
