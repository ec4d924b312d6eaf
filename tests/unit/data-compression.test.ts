import { gunzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { isDataRequest, keptDataBody } from "~/lib/data-compression.server";
import { clearPageMarkup } from "~/lib/page-markup.server";
import { useFreshSharedCache } from "../helpers/shared-cache";

// A page's data (`/path.data`) sent gzip-compressed from a kept copy of the same answer
// (app/lib/data-compression.server.ts), with each request's own id and nonce in place.

useFreshSharedCache();
beforeEach(() => clearPageMarkup());

/** A data answer as Remix's single fetch writes it: the root's request id, then the figures. */
const answer = (requestId: string, figures: string) => `[{"_1":2},"root",{"requestId":"${requestId}","figures":"${figures}"},"${"padding ".repeat(200)}"]`;

describe("data answers kept compressed", () => {
  it("knows a data request by its method and path", () => {
    expect(isDataRequest("GET", "/consent.data")).toBe(true);
    expect(isDataRequest("GET", "/_root.data")).toBe(true);
    expect(isDataRequest("POST", "/consent.data")).toBe(false);
    expect(isDataRequest("GET", "/consent")).toBe(false);
    expect(isDataRequest("GET", "/consent.csv")).toBe(false);
  });

  it("compresses an answer once and sends it again with each request's own id", () => {
    const first = keptDataBody(answer("id-one", "63 of 63"), ["nonce-1", "id-one"], "gzip, deflate, br, zstd");
    const second = keptDataBody(answer("id-two", "63 of 63"), ["nonce-2", "id-two"], "gzip");
    expect(first?.from).toBe("new");
    expect(second?.from).toBe("kept");
    expect(first?.encoding).toBe("gzip");
    expect(gunzipSync(first!.body).toString("utf8")).toBe(answer("id-one", "63 of 63"));
    expect(gunzipSync(second!.body).toString("utf8")).toBe(answer("id-two", "63 of 63"));
  });

  it("keeps different figures apart", () => {
    keptDataBody(answer("id-one", "63 of 63"), ["n", "id-one"], "gzip");
    const other = keptDataBody(answer("id-two", "62 of 63"), ["n", "id-two"], "gzip");
    expect(other?.from).toBe("new");
    expect(gunzipSync(other!.body).toString("utf8")).toBe(answer("id-two", "62 of 63"));
  });

  it("leaves short answers and browsers that take no gzip to the compression middleware", () => {
    expect(keptDataBody(`["short"]`, ["n", "id"], "gzip")).toBeUndefined();
    expect(keptDataBody(answer("id-one", "63 of 63"), ["n", "id-one"], "br")).toBeUndefined();
    expect(keptDataBody(answer("id-one", "63 of 63"), ["n", "id-one"], null)).toBeUndefined();
  });
});
