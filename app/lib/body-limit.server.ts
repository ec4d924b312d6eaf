import { Transform, type Readable } from "node:stream";
import { UPLOAD_PATHS } from "./route-access";
import { MAX_UPLOAD_BYTES } from "./upload-limits";

// Limits before reading: what a request body may be, decided from its headers before a byte is
// read, then enforced while it streams, so an oversized body is refused without holding it.

export const MAX_FORM_BYTES = 1024 * 1024;
/** An upload's file may be 20 MB; the rest of its form (a few fields and the multipart framing) fits in 64 KB. */
export const MAX_UPLOAD_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024;

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/** The route path without Remix's single-fetch ".data" suffix or a trailing slash. */
export function routePath(pathname: string) {
  const path = pathname.replace(/\.data$/, "").replace(/(.)\/+$/, "$1");
  return path === "/_root" ? "/" : path;
}

export function isApiPath(pathname: string) {
  return pathname === "/api" || pathname.startsWith("/api/");
}

export function isUploadPath(pathname: string) {
  return UPLOAD_PATHS.includes(routePath(pathname));
}

export type BodyVerdict =
  | { ok: true; limit: number; stream: boolean }
  | { ok: false; status: 405 | 411 | 413 | 415 | 400; title: string; detail: string; headers?: Record<string, string> };

/**
 * Whether a request with a body may be read at all, from its method and headers alone: pages take
 * POSTed forms (1 MB; uploads 20 MB, streamed to the upload parser); the API is read-only.
 */
export function checkBodyHeaders({
  method,
  pathname,
  contentType,
  contentLength,
}: {
  method: string;
  pathname: string;
  contentType: string | undefined;
  contentLength: string | undefined;
}): BodyVerdict {
  if (isApiPath(pathname)) {
    return { ok: false, status: 405, title: "Method not allowed", detail: "The API is read-only: use GET.", headers: { Allow: "GET, HEAD" } };
  }
  if (method !== "POST") {
    return { ok: false, status: 405, title: "Method not allowed", detail: `ShareBoard's pages answer GET and POST, not ${method}. Use the page's own form to make a change.`, headers: { Allow: "GET, HEAD, POST" } };
  }
  const upload = isUploadPath(pathname);
  const limit = upload ? MAX_UPLOAD_BODY_BYTES : MAX_FORM_BYTES;
  if (contentLength !== undefined) {
    if (!/^\d{1,16}$/.test(contentLength.trim())) return { ok: false, status: 400, title: "Bad request", detail: "The Content-Length header is not a number of bytes." };
    if (Number(contentLength) > limit) return tooLarge(upload);
  }
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (!FORM_TYPES.includes(type)) {
    return {
      ok: false,
      status: 415,
      title: "Unsupported form",
      detail: `ShareBoard's forms are sent as application/x-www-form-urlencoded or multipart/form-data${type ? `, not ${type}` : ", and this request did not say which"}. Use the page's own form.`,
    };
  }
  if (type === "multipart/form-data" && !/;\s*boundary=/i.test(contentType ?? "")) {
    return { ok: false, status: 400, title: "Bad request", detail: "The multipart form has no boundary, so it cannot be read. Use the page's own form." };
  }
  return { ok: true, limit, stream: upload };
}

export function tooLarge(upload: boolean) {
  return {
    ok: false as const,
    status: 413 as const,
    title: upload ? "The file is too large" : "The form is too large",
    detail: upload
      ? "A file upload may be at most 20 MB: split the file into smaller files and upload each one."
      : "A form may send at most 1 MB. Shorten what you typed (paste long documents as a link or an attachment reference) and try again.",
  };
}

export class BodyTooLargeError extends Error {
  constructor() {
    super("The request body is larger than its limit");
  }
}

/**
 * The body read into memory, stopping as soon as it passes the limit (the rest is never read).
 * Resolves to null when it was too large.
 */
export function readLimited(source: Readable, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        source.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      source.off("data", onData);
      source.off("end", onEnd);
      source.off("error", onError);
    };
    source.on("data", onData);
    source.on("end", onEnd);
    source.on("error", onError);
  });
}

/** A pass-through that counts bytes and fails with BodyTooLargeError (and stops the source) past the limit. */
export function limitedStream(source: Readable, limit: number, onTooLarge: () => void): Transform {
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) {
        source.unpipe(counter);
        source.pause();
        onTooLarge();
        callback(new BodyTooLargeError());
        return;
      }
      callback(null, chunk);
    },
  });
  source.on("error", (error) => counter.destroy(error));
  return source.pipe(counter);
}
