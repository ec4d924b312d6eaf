import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, crossSiteReason } from "~/lib/http-security.server";
import { parseEnv } from "~/lib/env.server";
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

describe("redirect after sign-in", () => {
  it("follows local paths only", () => {
    expect(safeRedirect("/cases?page=2")).toBe("/cases?page=2");
    expect(safeRedirect("https://evil.example")).toBe("/");
    expect(safeRedirect("//evil.example")).toBe("/");
    expect(safeRedirect(null)).toBe("/");
  });
});
