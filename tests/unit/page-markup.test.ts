import type { EntryContext } from "@remix-run/node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gunzipSync } from "node:zlib";
import { acceptsGzip, clearPageMarkup, gzipBody, keepPageMarkup, keptPageMarkup, pageMarkupKey, pageMarkupStats, sharedPageMarkup } from "~/lib/page-markup.server";
import { useFreshSharedCache } from "../helpers/shared-cache";

// Kept page markup (app/lib/page-markup.server.ts): a page drawn before from the same URL and
// loader data is sent as drawn, with this request's nonce and request id in place.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function streamOf(...chunks: string[]) {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function textOf(stream: ReadableStream<Uint8Array> | undefined) {
  let text = "";
  const reader = stream!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value);
  }
}

function contextWith({ data = '[{"root":{"user":"Bina Board"}}]\n', statusCode = 200, errors = null, actionData = null }: { data?: string; statusCode?: number; errors?: unknown; actionData?: unknown } = {}) {
  return {
    serverHandoffString: '{"future":{}}',
    serverHandoffStream: streamOf(data),
    staticHandlerContext: { statusCode, errors, actionData, loaderData: {} },
  } as unknown as EntryContext;
}

const URL_ = "http://localhost/consent";
const tokensA = ["nonceAAAAAAAAAAAAAAAAAA==", "11111111-2222-3333-4444-555555555555"];
const tokensB = ["nonceBBBBBBBBBBBBBBBBBB==", "66666666-7777-8888-9999-000000000000"];

beforeEach(() => clearPageMarkup());
afterEach(() => {
  delete process.env.SHAREBOARD_PAGE_CACHE;
  delete process.env.SHAREBOARD_PAGE_CACHE_MAX_BYTES;
});

describe("the key", () => {
  it("is the same for the same URL and data whatever the request's nonce and request id", async () => {
    const a = await pageMarkupKey(URL_, 200, contextWith({ data: `[{"requestId":"${tokensA[1]}"}]\n` }), tokensA);
    const b = await pageMarkupKey(URL_, 200, contextWith({ data: `[{"requestId":"${tokensB[1]}"}]\n` }), tokensB);
    expect(a).not.toBeNull();
    expect(a).toBe(b);
  });

  it("differs when the data, the URL or the query string differs", async () => {
    const base = await pageMarkupKey(URL_, 200, contextWith(), tokensA);
    expect(await pageMarkupKey(URL_, 200, contextWith({ data: '[{"root":{"user":"Pat Practitioner"}}]\n' }), tokensA)).not.toBe(base);
    expect(await pageMarkupKey("http://localhost/rollout", 200, contextWith(), tokensA)).not.toBe(base);
    expect(await pageMarkupKey(`${URL_}?asAt=2016-07-31`, 200, contextWith(), tokensA)).not.toBe(base);
  });

  it("hands the loader data back to the page whole, so the drawing still carries it", async () => {
    const context = contextWith({ data: '[{"a":1},' });
    (context as { serverHandoffStream: ReadableStream<Uint8Array> }).serverHandoffStream = streamOf('[{"a":1},', '"more"]\n');
    await pageMarkupKey(URL_, 200, context, tokensA);
    expect(await textOf(context.serverHandoffStream)).toBe('[{"a":1},"more"]\n');
  });

  it("is null (the page is drawn afresh) for errors, form answers, other statuses, or when switched off", async () => {
    expect(await pageMarkupKey(URL_, 404, contextWith({ statusCode: 404 }), tokensA)).toBeNull();
    expect(await pageMarkupKey(URL_, 500, contextWith(), tokensA)).toBeNull();
    expect(await pageMarkupKey(URL_, 200, contextWith({ errors: { root: new Error("x") } }), tokensA)).toBeNull();
    expect(await pageMarkupKey(URL_, 200, contextWith({ actionData: { "routes/x": { errors: {} } } }), tokensA)).toBeNull();
    process.env.SHAREBOARD_PAGE_CACHE = "off";
    expect(await pageMarkupKey(URL_, 200, contextWith(), tokensA)).toBeNull();
  });
});

describe("kept pages", () => {
  const html = (t: string[]) =>
    `<!DOCTYPE html><html><head><script nonce="${t[0]}">a()</script></head><body>Figures £1,234 – ok<script nonce="${t[0]}">b("${t[1]}")</script></body></html>`;

  it("sends the page drawn for another request with this request's nonce and request id in every place", async () => {
    keepPageMarkup("k", html(tokensA), tokensA);
    const sent = decoder.decode(keptPageMarkup("k", tokensB)!.body);
    expect(sent).toBe(html(tokensB));
    expect(sent).not.toContain(tokensA[0]);
    expect(sent).not.toContain(tokensA[1]);
    expect(pageMarkupStats()).toMatchObject({ entries: 1, hits: 1 });
  });

  it("is a miss for a key never kept", () => {
    expect(keptPageMarkup("nothing", tokensA)).toBeUndefined();
    expect(pageMarkupStats().misses).toBe(1);
  });

  it("holds at most its budget in bytes, the least recently sent page going first", () => {
    process.env.SHAREBOARD_PAGE_CACHE_MAX_BYTES = String(40_000);
    const page = "x".repeat(9_000);
    for (const key of ["a", "b", "c", "d"]) keepPageMarkup(key, page, tokensA);
    keptPageMarkup("a", tokensA); // "a" used again: "b" is now the oldest
    keepPageMarkup("e", page, tokensA);
    const { bytes, budget } = pageMarkupStats();
    expect(bytes).toBeLessThanOrEqual(budget);
    expect(keptPageMarkup("b", tokensA)).toBeUndefined();
    expect(keptPageMarkup("a", tokensA)).toBeDefined();
    expect(keptPageMarkup("e", tokensA)).toBeDefined();
  });

  it("never keeps one page larger than a quarter of the budget", () => {
    process.env.SHAREBOARD_PAGE_CACHE_MAX_BYTES = String(40_000);
    keepPageMarkup("big", "y".repeat(20_000), tokensA);
    expect(keptPageMarkup("big", tokensA)).toBeUndefined();
    expect(pageMarkupStats().entries).toBe(0);
  });
});

describe("kept pages, compressed", () => {
  const BROWSER = "gzip, deflate, br, zstd";
  const html = (t: string[]) =>
    `<!DOCTYPE html><html><head><script nonce="${t[0]}">a()</script></head><body><h1>Programme dashboard</h1>${"<tr><td>Wigan £1,234 – 63.2%</td></tr>".repeat(400)}<script nonce="${t[0]}">b("${t[1]}")</script></body></html>`;
  const gunzipped = (body: Uint8Array) => gunzipSync(body).toString("utf8");

  it("sends gzip to a browser that takes it, with this request's tokens, and the same page unchanged to one that does not", () => {
    keepPageMarkup("k", html(tokensA), tokensA);
    const compressed = keptPageMarkup("k", tokensB, BROWSER)!;
    expect(compressed.encoding).toBe("gzip");
    expect(gunzipped(compressed.body)).toBe(html(tokensB));
    expect(compressed.body.byteLength).toBeLessThan(html(tokensB).length / 5);
    // Again, with other tokens: the parts compressed once serve every request.
    const tokensC = ["nonceCCCCCCCCCCCCCCCCCC==", "abcdefab-7777-8888-9999-000000000000"];
    expect(gunzipped(keptPageMarkup("k", tokensC, BROWSER)!.body)).toBe(html(tokensC));
    const plain = keptPageMarkup("k", tokensB, null)!;
    expect(plain.encoding).toBeNull();
    expect(decoder.decode(plain.body)).toBe(html(tokensB));
  });

  it("counts the compressed parts in the budget", () => {
    keepPageMarkup("k", html(tokensA), tokensA);
    const before = pageMarkupStats().bytes;
    keptPageMarkup("k", tokensB, "gzip");
    expect(pageMarkupStats().bytes).toBeGreaterThan(before);
    expect(pageMarkupStats().bytes).toBeLessThan(before * 1.5);
  });

  it("reads Accept-Encoding as the compression middleware does", () => {
    expect(acceptsGzip(BROWSER)).toBe(true);
    expect(acceptsGzip("gzip;q=0.5, br")).toBe(true);
    expect(acceptsGzip("*")).toBe(true);
    expect(acceptsGzip("br")).toBe(false);
    expect(acceptsGzip("gzip;q=0, *")).toBe(false);
    expect(acceptsGzip("identity")).toBe(false);
    expect(acceptsGzip("")).toBe(false);
    expect(acceptsGzip(null)).toBe(false);
  });

  it("is a valid gzip stream whatever the parts and tokens: empty parts, tokens side by side or at either end, long and non-ASCII tokens", () => {
    const cases: { parts: string[]; slots: number[]; tokens: string[] }[] = [
      { parts: ["only"], slots: [], tokens: [] },
      { parts: ["", ""], slots: [0], tokens: ["tok"] },
      { parts: ["", "", "end"], slots: [0, 1], tokens: ["a", "b"] },
      { parts: ["start", "", "middle", ""], slots: [1, 1, 0], tokens: ["n", "é–£ ✓"] },
      { parts: ["x".repeat(70_000), "y"], slots: [0], tokens: ["z".repeat(140_000)] },
      { parts: ["a", "b"], slots: [0], tokens: [""] },
    ];
    for (const c of cases) {
      const body = gzipBody({ parts: c.parts.map((p) => Buffer.from(p, "utf8")), slots: c.slots }, c.tokens);
      const expected = c.parts[0] + c.slots.map((slot, i) => c.tokens[slot] + c.parts[i + 1]).join("");
      expect(gunzipSync(body).toString("utf8")).toBe(expected);
    }
  });
});

describe("pages drawn by another worker (the workers' shared store)", () => {
  const html = (t: string[]) => `<!DOCTYPE html><html><head><script nonce="${t[0]}">a()</script></head><body>Opt-in 12.5% – Wigan<script nonce="${t[0]}">b("${t[1]}")</script></body></html>`;
  useFreshSharedCache();

  it("sends a page another worker drew, with this request's tokens, and keeps it in this worker from then on", () => {
    keepPageMarkup("k", html(tokensA), tokensA);
    clearPageMarkup(); // this process now plays the worker that never drew the page
    expect(keptPageMarkup("k", tokensB)).toBeUndefined();
    expect(decoder.decode(sharedPageMarkup("k", tokensB)!.body)).toBe(html(tokensB));
    expect(decoder.decode(keptPageMarkup("k", tokensB)!.body)).toBe(html(tokensB));
  });

  it("finds nothing for a page no worker drew, or when the page cache is off", () => {
    expect(sharedPageMarkup("never", tokensA)).toBeUndefined();
    keepPageMarkup("k", html(tokensA), tokensA);
    clearPageMarkup();
    process.env.SHAREBOARD_PAGE_CACHE = "off";
    expect(sharedPageMarkup("k", tokensA)).toBeUndefined();
  });
});
