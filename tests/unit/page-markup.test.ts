import type { EntryContext } from "@remix-run/node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearPageMarkup, keepPageMarkup, keptPageMarkup, pageMarkupKey, pageMarkupStats, sharedPageMarkup } from "~/lib/page-markup.server";
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
    const sent = decoder.decode(keptPageMarkup("k", tokensB));
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

describe("pages drawn by another worker (the workers' shared store)", () => {
  const html = (t: string[]) => `<!DOCTYPE html><html><head><script nonce="${t[0]}">a()</script></head><body>Opt-in 12.5% – Wigan<script nonce="${t[0]}">b("${t[1]}")</script></body></html>`;
  useFreshSharedCache();

  it("sends a page another worker drew, with this request's tokens, and keeps it in this worker from then on", () => {
    keepPageMarkup("k", html(tokensA), tokensA);
    clearPageMarkup(); // this process now plays the worker that never drew the page
    expect(keptPageMarkup("k", tokensB)).toBeUndefined();
    expect(decoder.decode(sharedPageMarkup("k", tokensB))).toBe(html(tokensB));
    expect(decoder.decode(keptPageMarkup("k", tokensB))).toBe(html(tokensB));
  });

  it("finds nothing for a page no worker drew, or when the page cache is off", () => {
    expect(sharedPageMarkup("never", tokensA)).toBeUndefined();
    keepPageMarkup("k", html(tokensA), tokensA);
    clearPageMarkup();
    process.env.SHAREBOARD_PAGE_CACHE = "off";
    expect(sharedPageMarkup("k", tokensA)).toBeUndefined();
  });
});
