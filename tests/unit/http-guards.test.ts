import { describe, expect, it } from "vitest";
import { checkBodyHeaders, MAX_FORM_BYTES, MAX_UPLOAD_BODY_BYTES } from "~/lib/body-limit.server";
import { trustProxySetting, validClientRequestId } from "~/lib/http-security.server";
import { safeRedirect } from "~/lib/session.server";

describe("safeRedirect", () => {
  it.each([
    "//evil.example",
    "/\t/evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "/\r\n/evil.example",
    "/\u0000x",
    "/\u3000/evil.example",
    "/\u00a0/evil.example",
    "/\u2028",
    "evil.example",
    "",
    "/" + "a".repeat(3000),
  ])("sends %j to the home page", (to) => {
    expect(safeRedirect(to)).toBe("/");
  });

  it("keeps a path on this site with its query and fragment", () => {
    expect(safeRedirect("/agreements/ISA-001?version=2#parties")).toBe("/agreements/ISA-001?version=2#parties");
    expect(safeRedirect("/cases?q=a%20b")).toBe("/cases?q=a%20b");
  });

  it("normalises dot segments and still stays on the site", () => {
    expect(safeRedirect("/a/../admin")).toBe("/admin");
    expect(safeRedirect("/..//evil.example")).toBe("/");
  });
});

describe("client request ids", () => {
  it("accepts up to 64 letters, digits and hyphens, and nothing else", () => {
    expect(validClientRequestId("abc-123")).toBe("abc-123");
    expect(validClientRequestId("a".repeat(64))).toBe("a".repeat(64));
    expect(validClientRequestId("a".repeat(65))).toBeUndefined();
    expect(validClientRequestId("abc 123")).toBeUndefined();
    expect(validClientRequestId("<script>")).toBeUndefined();
    expect(validClientRequestId("")).toBeUndefined();
  });
});

describe("TRUST_PROXY", () => {
  it("trusts no proxy unless one is named", () => {
    expect(trustProxySetting(undefined)).toBe(false);
    expect(trustProxySetting("")).toBe(false);
    expect(trustProxySetting("false")).toBe(false);
    expect(trustProxySetting("10.0.0.5, loopback")).toEqual(["10.0.0.5", "loopback"]);
  });
});

describe("body limits from headers alone", () => {
  const post = (pathname: string, contentType: string | undefined, contentLength?: string) => checkBodyHeaders({ method: "POST", pathname, contentType, contentLength });

  it("takes forms up to 1 MB and uploads up to 20 MB", () => {
    expect(post("/login", "application/x-www-form-urlencoded", String(MAX_FORM_BYTES))).toMatchObject({ ok: true, stream: false });
    expect(post("/login", "application/x-www-form-urlencoded", String(MAX_FORM_BYTES + 1))).toMatchObject({ ok: false, status: 413 });
    expect(post("/consent/upload", "multipart/form-data; boundary=x", String(MAX_UPLOAD_BODY_BYTES))).toMatchObject({ ok: true, stream: true });
    expect(post("/consent/upload.data", "multipart/form-data; boundary=x", String(MAX_UPLOAD_BODY_BYTES + 1))).toMatchObject({ ok: false, status: 413 });
  });

  it("refuses what is not a form, a multipart without boundary, other methods and writes to the API", () => {
    expect(post("/login", "application/json")).toMatchObject({ status: 415 });
    expect(post("/login", undefined)).toMatchObject({ status: 415 });
    expect(post("/login", "multipart/form-data")).toMatchObject({ status: 400 });
    expect(post("/login", "application/x-www-form-urlencoded", "12abc")).toMatchObject({ status: 400 });
    expect(checkBodyHeaders({ method: "DELETE", pathname: "/login", contentType: undefined, contentLength: undefined })).toMatchObject({ status: 405 });
    expect(post("/api/v1/summary", "application/x-www-form-urlencoded")).toMatchObject({ status: 405 });
  });
});
