import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type Logger } from "pino";

// Structured logs: one JSON line per request (written by the server when the response finishes)
// plus errors and start-up lines. Never a password, token or cookie: request headers and bodies
// are not logged, and the redact list catches them if a caller passes them by mistake.

export type RequestLogState = {
  requestId: string;
  /** The client's X-Request-Id, only when it passed validation (see validClientRequestId). */
  clientRequestId?: string;
  userId?: number | null;
  /**
   * Who is signed in, worked out once per GET or HEAD request: the root loader and the page's
   * loader both ask (see getCurrentUser).
   */
  signedIn?: Promise<unknown>;
};

declare global {
  // One logger and one request store per process, shared by the server file and the Remix build
  // (the build bundles its own copy of this module).
  // eslint-disable-next-line no-var
  var __shareboardLogger: Logger | undefined;
  // eslint-disable-next-line no-var
  var __shareboardRequestStore: AsyncLocalStorage<RequestLogState> | undefined;
}

const REDACT = [
  "password",
  "*.password",
  "token",
  "*.token",
  "cookie",
  "*.cookie",
  "authorization",
  "*.authorization",
  "headers.cookie",
  "headers.authorization",
  "req.headers.cookie",
  "req.headers.authorization",
];

export function logger(): Logger {
  globalThis.__shareboardLogger ??= pino({
    base: { app: "shareboard", pid: process.pid },
    level: process.env.LOG_LEVEL || (process.env.VITEST ? "silent" : "info"),
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: "[redacted]" },
  });
  return globalThis.__shareboardLogger;
}

export function requestStore() {
  globalThis.__shareboardRequestStore ??= new AsyncLocalStorage<RequestLogState>();
  return globalThis.__shareboardRequestStore;
}

/** Called when a request's session resolves, so the request's log line says who made it. */
export function noteSignedInUser(userId: number | null) {
  const state = requestStore().getStore();
  if (state) state.userId = userId;
}

/**
 * The current request's state (its log line and what it worked out once), or undefined outside a
 * request the server is answering (tests calling loaders directly, scheduled work).
 */
export function currentRequestState(): RequestLogState | undefined {
  return requestStore().getStore();
}

/** The server's id for the current request (for audit rows and error pages), if any. */
export function currentRequestId() {
  return requestStore().getStore()?.requestId ?? null;
}
