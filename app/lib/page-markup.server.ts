import { createHash } from "node:crypto";
import zlib from "node:zlib";
import type { EntryContext } from "@remix-run/node";
import Negotiator from "negotiator";
import { sharedGet, sharedPut } from "./shared-cache.server";
import { byteBudget } from "./env.server";

// Kept page markup: the HTML of a page, kept by everything it was drawn from.
//
// A page's HTML is a pure function of its URL and its loaders' data (components read nothing
// else while rendering on the server: no clock, no randomness, no request headers). The loaders
// still run on every request — they check who is asking, and their figures come from the
// per-table-version figures cache — but when they return what they returned before for the same
// URL, React has nothing new to draw, so the page is not drawn again: the HTML drawn last time
// is sent. At national scale drawing was over a third of a page request's time.
//
// Two things in a page differ on every request by design: the CSP nonce on its scripts and the
// request id (the reference an error page shows). Both are random, so they are found exactly in
// the drawn HTML and in the loaders' data; the key leaves them out and the kept HTML has a slot
// for each place they appeared, filled with this request's values when the page is sent.
//
// Only complete, successful pages are kept: status 200, no errors, no action data (a form's
// answer); anything else is drawn afresh. Bounded in bytes (least recently used out first) and
// per process; a page drawn by one worker is also left in the workers' shared store
// (shared-cache.server.ts), where another worker finds it before drawing the same page itself.
//
// Kept pages are also sent compressed without compressing them again (`keptPageMarkup` with a
// request's Accept-Encoding): each part between the token slots is compressed once, on its first
// gzip request, and every request's gzip body is those parts with the request's tokens between
// them (see gzipBody). Compressing a national dashboard (82 KB) on every request, as the
// compression middleware does, cost more than the rest of the request: with a browser's
// Accept-Encoding the dashboard served 150-180 requests a second against 900-1,400 without.

// The HTML as UTF-8 bytes between the token slots: sent without encoding it again. `gzip`: each
// part compressed on its own (made when first asked for).
type Template = { parts: Buffer[]; slots: number[]; bytes: number; gzip?: Buffer[] };

const cache = new Map<string, Template>();
let cachedBytes = 0;
let hits = 0;
let misses = 0;

export function pageMarkupBudgetBytes() {
  return byteBudget("SHAREBOARD_PAGE_CACHE_MAX_BYTES");
}

function pageMarkupEnabled() {
  return process.env.SHAREBOARD_PAGE_CACHE !== "off";
}

const NUL = "\u0000";

/** The text with each token replaced by a mark naming its slot (what a kept body is keyed by). */
export function withoutTokens(text: string, tokens: readonly string[]) {
  let out = text;
  tokens.forEach((token, i) => {
    if (token) out = out.split(token).join(`${NUL}token:${i}${NUL}`);
  });
  return out;
}

/**
 * The key of this page's markup, or null when the page must be drawn afresh. `tokens` are the
 * request's random values (nonce, request id): left out of the key, filled in when sent.
 *
 * The loaders' data is keyed as Remix encodes it for the browser (the turbo-stream that the page
 * carries for hydration, every value's type kept): read here whole, then handed back to the
 * context as a fresh stream for the drawing, so the data is encoded once either way.
 */
export async function pageMarkupKey(url: string, statusCode: number, context: EntryContext, tokens: readonly string[]): Promise<string | null> {
  if (!pageMarkupEnabled()) return null;
  const state = context.staticHandlerContext;
  if (statusCode !== 200 || state.statusCode !== 200 || state.errors || state.actionData) return null;
  const stream = context.serverHandoffStream;
  if (!stream) return null;
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  context.serverHandoffStream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const data = withoutTokens(Buffer.concat(chunks).toString("utf8"), tokens);
  return createHash("sha256")
    .update(url)
    .update(NUL)
    .update(context.serverHandoffString ?? "")
    .update(NUL)
    .update(data)
    .digest("base64");
}

/** A page's body, and its Content-Encoding when it is compressed. */
export type PageBody = { body: Uint8Array<ArrayBuffer>; encoding: "gzip" | null };

/**
 * The kept page for this key with this request's tokens in place, if it is kept: gzip-compressed
 * when `acceptEncoding` (the request's Accept-Encoding header) accepts gzip.
 */
export function keptPageMarkup(key: string, tokens: readonly string[], acceptEncoding: string | null = null): PageBody | undefined {
  const template = cache.get(key);
  if (template === undefined) {
    misses += 1;
    return undefined;
  }
  hits += 1;
  cache.delete(key);
  cache.set(key, template);
  return sent(key, template, tokens, acceptEncoding);
}

function sent(key: string, template: Template, tokens: readonly string[], acceptEncoding: string | null): PageBody {
  if (!acceptsGzip(acceptEncoding)) return { body: filledIn(template, tokens), encoding: null };
  if (!template.gzip) {
    template.gzip = template.parts.map(compressedPart);
    const added = template.gzip.reduce((sum, part) => sum + part.length, 0);
    template.bytes += added;
    // Counted in the budget only while it is still kept (a page just evicted is sent all the same).
    if (cache.get(key) === template) {
      cachedBytes += added;
      evictOver(pageMarkupBudgetBytes(), key);
    }
  }
  return { body: asBody(gzipBody(template, tokens)), encoding: "gzip" };
}

/** Whether an Accept-Encoding header accepts gzip (as the compression middleware reads it). */
export function acceptsGzip(acceptEncoding: string | null) {
  if (!acceptEncoding || !crc32) return false;
  return new Negotiator({ headers: { "accept-encoding": acceptEncoding } }).encodings(["gzip"]).includes("gzip");
}

// zlib.crc32 arrived in Node 20.15: on an older Node, kept pages go out uncompressed and the
// compression middleware compresses them as it does any other response.
const crc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * One part as raw DEFLATE blocks of its own: no final block, ending on a full flush, so it starts
 * and ends on a byte boundary and refers to nothing before it. Parts compressed this way can be
 * laid end to end, with other blocks between them, in one DEFLATE stream (RFC 1951).
 */
function compressedPart(part: Buffer) {
  return part.length ? zlib.deflateRawSync(part, { level: 6, finishFlush: zlib.constants.Z_FULL_FLUSH }) : Buffer.alloc(0);
}

// RFC 1952: the gzip header (deflate, no name or time, unknown OS) and the stream's last block (an
// empty final block of fixed codes, as zlib ends a flushed stream).
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** Bytes as stored (uncompressed) DEFLATE blocks, at most 65,535 bytes each, none final. */
function storedBlocks(bytes: Buffer) {
  const blocks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 0xffff) {
    const chunk = bytes.subarray(at, at + 0xffff);
    const head = Buffer.alloc(5);
    head[0] = 0x00; // not final, stored; the rest of the byte is the padding to its boundary
    head.writeUInt16LE(chunk.length, 1);
    head.writeUInt16LE(~chunk.length & 0xffff, 3);
    blocks.push(head, chunk);
  }
  return blocks;
}

/**
 * The page as a gzip member: the compressed parts with the request's tokens between them as
 * stored blocks, then the final block, the CRC-32 of the whole page and its length. The CRC is
 * the one thing worked out over the page's bytes per request (tens of microseconds).
 */
export function gzipBody(template: Pick<Template, "parts" | "slots" | "gzip">, tokens: readonly string[]) {
  const compressed = template.gzip ?? template.parts.map(compressedPart);
  const filled = tokens.map((token) => Buffer.from(token, "utf8"));
  const out: Buffer[] = [GZIP_HEADER, compressed[0]!];
  let crc = crc32!(template.parts[0]!);
  let length = template.parts[0]!.length;
  template.slots.forEach((slot, i) => {
    const token = filled[slot]!;
    const part = template.parts[i + 1]!;
    out.push(...storedBlocks(token), compressed[i + 1]!);
    crc = crc32!(part, crc32!(token, crc));
    length += token.length + part.length;
  });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(length >>> 0, 4);
  out.push(FINAL_BLOCK, trailer);
  return Buffer.concat(out);
}

/**
 * The page for this key as another worker drew it, if it left it in the shared store; kept in
 * this worker's memory from then on.
 */
export function sharedPageMarkup(key: string, tokens: readonly string[], acceptEncoding: string | null = null): PageBody | undefined {
  if (!pageMarkupEnabled()) return undefined;
  const entry = sharedGet(`page|${key}`);
  if (!entry) return undefined;
  let layout: { slots: number[]; lengths: number[] };
  try {
    layout = JSON.parse(entry.tag);
  } catch {
    return undefined;
  }
  const parts: Buffer[] = [];
  let at = 0;
  for (const length of layout.lengths) {
    parts.push(entry.value.subarray(at, at + length));
    at += length;
  }
  if (at !== entry.value.byteLength || layout.slots.length !== parts.length - 1) return undefined;
  const template = keep(key, parts, layout.slots);
  return sent(key, template, tokens, acceptEncoding);
}

function filledIn(template: Template, tokens: readonly string[]) {
  if (template.slots.length === 0) return asBody(template.parts[0]);
  const filled = tokens.map((token) => Buffer.from(token, "utf8"));
  const out: Buffer[] = [template.parts[0]];
  template.slots.forEach((slot, i) => {
    out.push(filled[slot], template.parts[i + 1]);
  });
  return asBody(Buffer.concat(out));
}

/** The bytes as a response body takes them (a view, not a copy). */
function asBody(bytes: Buffer) {
  return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Keeps a page drawn for this key with these tokens in it. */
export function keepPageMarkup(key: string, html: string, tokens: readonly string[]) {
  if (!pageMarkupEnabled()) return;
  const present = tokens.map((t, i) => [t, i] as const).filter(([t]) => t.length > 0);
  const parts: Buffer[] = [];
  const slots: number[] = [];
  if (present.length === 0) parts.push(Buffer.from(html, "utf8"));
  else {
    const pattern = new RegExp(present.map(([t]) => escapeRegExp(t)).join("|"), "g");
    let last = 0;
    for (const match of html.matchAll(pattern)) {
      parts.push(Buffer.from(html.slice(last, match.index), "utf8"));
      slots.push(present.find(([t]) => t === match[0])![1]);
      last = match.index! + match[0].length;
    }
    parts.push(Buffer.from(html.slice(last), "utf8"));
  }
  const template = keep(key, parts, slots);
  if (template.bytes <= pageMarkupBudgetBytes() / 4) sharedPut(`page|${key}`, JSON.stringify({ slots, lengths: parts.map((p) => p.length) }), Buffer.concat(parts));
}

/**
 * Keeps a body for this key (as keepPageMarkup) and sends it to this request at once, as a kept
 * one would be: undefined when it is too large to keep. Counts neither a hit nor a miss.
 */
export function keepAndSendMarkup(key: string, text: string, tokens: readonly string[], acceptEncoding: string | null): PageBody | undefined {
  keepPageMarkup(key, text, tokens);
  const template = cache.get(key);
  return template && sent(key, template, tokens, acceptEncoding);
}

function keep(key: string, parts: Buffer[], slots: number[]): Template {
  const bytes = 2 * key.length + parts.reduce((sum, part) => sum + part.length, 0) + 64 * (parts.length + 1);
  const template = { parts, slots, bytes };
  const budget = pageMarkupBudgetBytes();
  if (bytes > budget / 4) return template;
  const previous = cache.get(key);
  if (previous) {
    cache.delete(key);
    cachedBytes -= previous.bytes;
  }
  cache.set(key, template);
  cachedBytes += bytes;
  evictOver(budget, key);
  return template;
}

/** Drops the least recently used pages until the kept bytes fit the budget (never `keeping`). */
function evictOver(budget: number, keeping: string) {
  for (const [oldestKey, oldest] of cache) {
    if (cachedBytes <= budget) break;
    if (oldestKey === keeping) continue;
    cache.delete(oldestKey);
    cachedBytes -= oldest.bytes;
  }
}

/** What is kept now (pages and data answers), and how often one was sent from it (tests). */
export function pageMarkupStats() {
  return { bytes: cachedBytes, entries: cache.size, hits, misses, budget: pageMarkupBudgetBytes() };
}

/** Forgets every kept page (tests). */
export function clearPageMarkup() {
  cache.clear();
  cachedBytes = 0;
  hits = 0;
  misses = 0;
}
