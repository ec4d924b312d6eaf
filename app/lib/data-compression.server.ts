import { createHash } from "node:crypto";
import { acceptsGzip, keepAndSendMarkup, keptPageMarkup, sharedPageMarkup, withoutTokens, type PageBody } from "./page-markup.server";

// Remix's data answers (`/path.data`: what the browser fetches for every page opened from a link or
// a form inside the app, once the first page has loaded) sent gzip-compressed from a kept copy, as
// kept pages are (page-markup.server.ts), not compressed afresh on every request.
//
// Every browser sends `Accept-Encoding: gzip, deflate, br, zstd`, and the compression middleware
// compressed each data answer again: at national scale that halved the server's throughput for them
// (`/consent.data`, 35 KB: 841 requests a second without compression, 446 with). A data answer is
// a function of the figures it carries, but for the request's own id (and nonce) that the root's
// data holds: the answer is kept by its bytes with those tokens left out (a SHA-256, so the same
// answer has the same key in every worker and nothing is ever invalidated), in the kept pages'
// store, bounded in bytes with them, and each request's tokens are put back as the page's are.

/** Answers shorter than this go out as they are, for the middleware (its own threshold). */
const MIN_BYTES = 1024;

/** Whether a request is for a route's data (Remix's single fetch: the page's path and `.data`). */
export function isDataRequest(method: string, pathname: string) {
  return method === "GET" && pathname.endsWith(".data");
}

/**
 * A data answer's body for this request, gzip-compressed from the kept copy of the same answer
 * (`from`: "kept" by this worker, "shared" by another, or "new": kept now): undefined when it goes
 * out as it is (the browser takes no gzip, the answer is short, or too large to keep).
 */
export function keptDataBody(text: string, tokens: readonly string[], acceptEncoding: string | null): (PageBody & { from: "kept" | "shared" | "new" }) | undefined {
  if (text.length < MIN_BYTES || !acceptsGzip(acceptEncoding)) return undefined;
  const key = `data|${createHash("sha256").update(withoutTokens(text, tokens)).digest("base64")}`;
  const kept = keptPageMarkup(key, tokens, acceptEncoding);
  if (kept) return { ...kept, from: "kept" };
  const shared = sharedPageMarkup(key, tokens, acceptEncoding);
  if (shared) return { ...shared, from: "shared" };
  const now = keepAndSendMarkup(key, text, tokens, acceptEncoding);
  return now && { ...now, from: "new" };
}
