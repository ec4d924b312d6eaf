import fs from "node:fs";
import path from "node:path";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";
import { createReadableStreamFromReadable, createRequestHandler, writeReadableStreamToWritable, type AppLoadContext, type ServerBuild } from "@remix-run/node";
import { isDataRequest, keptDataBody } from "./data-compression.server";
import { checkBodyHeaders, isApiPath, isUploadPath, limitedStream, readLimited, tooLarge } from "./body-limit.server";
import { siteHost } from "./http-security.server";
import { logger, requestStore, type RequestLogState } from "./logger.server";

// The HTTP surface in front of Remix: every malformed request gets a 4xx with a message before
// any route sees it (bad Host, methods pages do not take, bodies that are not forms, oversized
// bodies, broken multipart), and every response leaves with its caching and Retry-After headers.

/** One JSON log line per request, when its response finishes (or the client goes away). */
export function requestLog() {
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    const started = process.hrtime.bigint();
    // The path as asked for: middleware below may rewrite req.url (a mounted folder strips its
    // prefix; express-static-gzip points it at the compressed copy it sends).
    const route = req.path;
    const state: RequestLogState = { requestId: res.locals.requestId as string, clientRequestId: res.locals.clientRequestId as string | undefined, userId: null };
    let logged = false;
    const done = (event: "finish" | "close") => {
      if (logged) return;
      logged = true;
      logger().info(
        {
          requestId: state.requestId,
          ...(state.clientRequestId ? { clientRequestId: state.clientRequestId } : {}),
          userId: state.userId ?? null,
          method: req.method,
          route,
          status: res.statusCode,
          durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
          ...(event === "close" && !res.writableFinished ? { aborted: true } : {}),
        },
        "request",
      );
    };
    res.on("finish", () => done("finish"));
    res.on("close", () => done("close"));
    requestStore().run(state, () => next());
  };
}

let stylesheet: string | null | undefined;
/** The NHS stylesheet of the build, so pages answered before Remix still look like ShareBoard. */
function nhsStylesheet() {
  if (stylesheet !== undefined) return stylesheet;
  try {
    const file = fs.readdirSync(path.resolve("build/client/assets")).find((f) => /^nhsuk-frontend.*\.css$/.test(f));
    stylesheet = file ? `/assets/${file}` : null;
  } catch {
    stylesheet = null;
  }
  return stylesheet;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain NHS-style page for answers given before Remix renders anything. */
export function plainPage(title: string, detail: string, requestId?: string) {
  const css = nhsStylesheet();
  return `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – ShareBoard</title>${css ? `<link rel="stylesheet" href="${css}">` : ""}</head>
<body><header class="nhsuk-header" role="banner"><div class="nhsuk-header__container nhsuk-width-container"><div class="nhsuk-header__service"><a class="nhsuk-header__service-logo nhsuk-header__service-name" href="/" style="color:#fff">ShareBoard</a></div></div></header>
<div class="nhsuk-width-container"><main class="nhsuk-main-wrapper" id="maincontent"><div class="nhsuk-grid-row"><div class="nhsuk-grid-column-two-thirds">
<h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p>
<p><a href="/">Go to your home page</a></p>${requestId ? `<p class="nhsuk-body-s">Reference: ${escapeHtml(requestId)}</p>` : ""}
</div></div></main></div></body></html>`;
}

/** Answers a request with status and message: problem+json under /api, an NHS-style page otherwise. */
export function sendRefusal(req: ExpressRequest, res: ExpressResponse, refusal: { status: number; title: string; detail: string; headers?: Record<string, string> }) {
  if (res.headersSent) return;
  res.status(refusal.status);
  for (const [k, v] of Object.entries(refusal.headers ?? {})) res.setHeader(k, v);
  res.setHeader("Cache-Control", "no-store");
  if (refusal.status === 429 && !res.getHeader("Retry-After")) res.setHeader("Retry-After", "60");
  if (isApiPath(req.path)) {
    res.type("application/problem+json").send(JSON.stringify({ type: "about:blank", title: refusal.title, status: refusal.status, detail: refusal.detail }));
  } else {
    res.type("text/html; charset=utf-8").send(plainPage(refusal.title, refusal.detail, res.locals.requestId as string | undefined));
  }
}

const DISCARD_FOR_MS = 2000;

/**
 * Refuses an oversized body at once. The rest is never stored: it is discarded as it arrives for
 * at most 2 seconds (so the sender, still writing, can read the answer rather than a reset), then
 * the connection is closed.
 */
function refuseTooLarge(req: ExpressRequest, res: ExpressResponse) {
  refuseAndDiscard(req, res, tooLarge(isUploadPath(req.path)));
}

/** Answers now; whatever body is still arriving is discarded (never stored) for at most 2 seconds. */
function refuseAndDiscard(req: ExpressRequest, res: ExpressResponse, refusal: Parameters<typeof sendRefusal>[2]) {
  sendRefusal(req, res, refusal);
  if (req.readableEnded) return;
  const timer = setTimeout(() => req.socket.destroy(), DISCARD_FOR_MS);
  timer.unref();
  req.on("data", () => undefined);
  req.on("end", () => clearTimeout(timer));
  req.resume();
}

function remixHeaders(raw: ExpressRequest["headers"]) {
  const headers = new Headers();
  for (const [key, values] of Object.entries(raw)) {
    if (!values) continue;
    for (const value of Array.isArray(values) ? values : [values]) {
      try {
        headers.append(key, value);
      } catch {
        // a header value fetch's Headers refuses (e.g. a control character) is dropped
      }
    }
  }
  return headers;
}

type GetLoadContext = (req: ExpressRequest, res: ExpressResponse) => AppLoadContext;

/**
 * The Remix request handler behind the guards (replaces @remix-run/express's, which reads any
 * body whole and trusts X-Forwarded-Host from anyone).
 */
export function guardedRequestHandler({ build, mode, getLoadContext }: { build: ServerBuild; mode: string; getLoadContext: GetLoadContext }) {
  const handle = createRequestHandler(build, mode);
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    try {
      const host = siteHost(req);
      let url: URL | null = null;
      try {
        url = host ? new URL(`${req.protocol}://${host}${req.originalUrl}`) : null;
      } catch {
        url = null;
      }
      if (!url) return sendRefusal(req, res, { status: 400, title: "Bad request", detail: "The request's Host header or address is not valid." });

      let controller: AbortController | null = new AbortController();
      res.on("finish", () => (controller = null));
      res.on("close", () => controller?.abort());
      const method = req.method.toUpperCase();
      const init: RequestInit & { duplex?: "half" } = { method, headers: remixHeaders(req.headers), signal: controller.signal };
      let bodyTooLarge = false;

      if (method !== "GET" && method !== "HEAD") {
        const verdict = checkBodyHeaders({ method, pathname: url.pathname, contentType: req.get("content-type"), contentLength: req.get("content-length") });
        if (!verdict.ok) {
          return verdict.status === 413 ? refuseTooLarge(req, res) : refuseAndDiscard(req, res, verdict);
        }
        if (verdict.stream) {
          // Uploads stream to the multipart parser (which caps the file part itself).
          init.body = createReadableStreamFromReadable(limitedStream(req, verdict.limit, () => (bodyTooLarge = true)));
          init.duplex = "half";
        } else {
          const bytes = await readLimited(req, verdict.limit);
          if (!bytes) return refuseTooLarge(req, res);
          // A form that cannot be parsed (broken multipart) is the sender's mistake, not a crash.
          try {
            await new Request(url.href, { method: "POST", headers: { "Content-Type": req.get("content-type")! }, body: new Uint8Array(bytes) }).formData();
          } catch {
            return sendRefusal(req, res, { status: 400, title: "The form could not be read", detail: "The form's data is malformed, so nothing was saved. Go back, reload the page and submit the form again." });
          }
          init.body = new Uint8Array(bytes);
        }
      }

      const request = new Request(url.href, init);
      const response = await handle(request, getLoadContext(req, res));
      if (bodyTooLarge) return refuseTooLarge(req, res);

      const headers = new Headers(response.headers);
      // Pages are made for the person signed in: nothing dynamic is kept by browsers or proxies
      // unless the route says it may be (the public OpenAPI document).
      if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
      if (response.status === 429 && !headers.has("Retry-After")) headers.set("Retry-After", "60");
      // A data answer (what the browser fetches for a page opened inside the app) goes out
      // compressed from a kept copy of the same answer (data-compression.server.ts); the
      // compression middleware leaves an answer that has its Content-Encoding alone.
      const dataText = isDataRequest(method, url.pathname) && response.status === 200 && response.body && !headers.has("Content-Encoding") ? await response.text() : null;
      const kept = dataText === null ? undefined : keptDataBody(dataText, [res.locals.cspNonce ?? "", res.locals.requestId ?? ""], req.get("accept-encoding") ?? null);
      if (kept?.encoding) {
        headers.set("Content-Encoding", kept.encoding);
        headers.delete("Content-Length");
        headers.append("Server-Timing", `data;desc="${kept.from}"`);
      }
      res.statusMessage = response.statusText;
      res.status(response.status);
      for (const [key, value] of headers.entries()) res.append(key, value);
      if (dataText !== null) res.vary("Accept-Encoding");
      if (kept) res.end(kept.body);
      else if (dataText !== null) res.end(dataText);
      else if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
    } catch (error) {
      next(error);
    }
  };
}

/** The last word: an error nothing else handled is logged with the request id and shown plainly. */
export function finalErrorHandler() {
  return (error: unknown, req: ExpressRequest, res: ExpressResponse, _next: NextFunction) => {
    const status = typeof (error as { status?: unknown })?.status === "number" ? (error as { status: number }).status : 500;
    if (status >= 400 && status < 500) {
      return sendRefusal(req, res, { status, title: "Bad request", detail: "ShareBoard could not read this request. Check the address, or go back and try again." });
    }
    logger().error({ requestId: res.locals.requestId, err: error }, "request failed");
    if (res.headersSent) return res.end();
    sendRefusal(req, res, { status: 500, title: "Sorry, something went wrong", detail: "Try again later. If it keeps happening, tell your ShareBoard administrator and give them the reference below." });
  };
}
