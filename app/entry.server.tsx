import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "./lib/nonce";
import { ChartMarkupContext } from "./components/charts/chart-markup";
import { chartMarkup } from "./lib/chart-markup.server";
import { logger } from "./lib/logger.server";
import { keepPageMarkup, keptPageMarkup, pageMarkupKey, sharedPageMarkup } from "./lib/page-markup.server";

// For app/server.ts, which calls it when a write request has been answered: the build's own
// figures cache is the one refreshed (the server's entry loads a copy of its own of every module).
export { scheduleFigureRefresh, workOutFiguresAtStart } from "./models/figure-refresh.server";

// No page defers data, so every page is rendered in full before its first byte is sent
// (`onAllReady`): the status line then always matches the body, and a body is never cut off.
// There is deliberately no wall-clock abort: under load (20 people at once on 2 cores) a render
// can wait its turn for seconds, and the old 5 s ABORT_DELAY aborted such renders half-sent,
// answering 500s whose HTML stopped mid-table. A render is abandoned only when the browser
// has gone away, and that is logged.

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext?.cspNonce ?? "";
  const requestId = loadContext?.requestId ?? "";
  // A page drawn before from the same URL and loader data is sent as drawn (app/lib/page-markup.server.ts).
  const tokens = [nonce, requestId];
  const key = await pageMarkupKey(request.url, responseStatusCode, remixContext, tokens);
  if (key !== null) {
    // Kept by this worker, or else drawn by another worker and left in their shared store.
    // Compressed already when the browser takes gzip: the compression middleware leaves a body
    // that has its Content-Encoding alone.
    const acceptEncoding = request.headers.get("Accept-Encoding");
    let kept = keptPageMarkup(key, tokens, acceptEncoding);
    const from = kept !== undefined ? "kept" : "shared";
    kept ??= sharedPageMarkup(key, tokens, acceptEncoding);
    if (kept !== undefined) {
      responseHeaders.set("Content-Type", "text/html; charset=utf-8");
      responseHeaders.append("Vary", "Accept-Encoding");
      if (kept.encoding) responseHeaders.set("Content-Encoding", kept.encoding);
      responseHeaders.append("Server-Timing", `page;desc="${from}"`);
      return new Response(kept.body, { headers: responseHeaders, status: responseStatusCode });
    }
  }
  const drawStarted = performance.now();
  return new Promise((resolve, reject) => {
    let settled = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <ChartMarkupContext.Provider value={chartMarkup}>
          <RemixServer context={remixContext} url={request.url} nonce={nonce} />
        </ChartMarkupContext.Provider>
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          settled = true;
          request.signal.removeEventListener("abort", onClientGone);
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          const body = new PassThrough();
          if (key === null) {
            resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
            pipe(body);
            return;
          }
          // Every part is ready, so the page is taken whole, kept if it drew without error, and sent.
          const chunks: Buffer[] = [];
          body.on("data", (chunk: Buffer) => chunks.push(chunk));
          body.on("error", reject);
          body.on("end", () => {
            const bytes = Buffer.concat(chunks);
            if (responseStatusCode === 200) keepPageMarkup(key, bytes.toString("utf8"), tokens);
            responseHeaders.append("Server-Timing", `page;desc="drawn";dur=${(performance.now() - drawStarted).toFixed(1)}`);
            resolve(new Response(new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength), { headers: responseHeaders, status: responseStatusCode }));
          });
          pipe(body);
        },
        onShellError(error: unknown) {
          settled = true;
          reject(error);
        },
        onError(error: unknown) {
          // Before onAllReady nothing has been sent, so the status can still say 500.
          responseStatusCode = 500;
          if (!request.signal.aborted) logger().error({ requestId, err: error }, "render failed");
        },
      },
    );
    function onClientGone() {
      if (settled) return;
      logger().warn({ requestId, path: new URL(request.url).pathname }, "the client disconnected before the page was rendered: rendering abandoned");
      abort();
    }
    request.signal.addEventListener("abort", onClientGone, { once: true });
  });
}

export function handleError(error: unknown, { request, context }: { request: Request; context: AppLoadContext }) {
  // Aborted requests and expected 4xx answers (not found, forbidden) are not failures to log.
  if (request.signal.aborted || (isRouteErrorResponse(error) && error.status < 500)) return;
  logger().error({ requestId: context?.requestId ?? null, err: error }, "request failed");
}
