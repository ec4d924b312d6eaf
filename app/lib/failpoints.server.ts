import fs from "node:fs";

// Test failpoints: places where a test can make the server die as a power cut or `kill -9` would,
// at an exact moment no outside timing can hit (tests/e2e/crash.test.ts). Named in
// SHAREBOARD_FAILPOINT (comma-separated). Never armed in production by accident: a failpoint is
// honoured only when NODE_ENV is explicitly "development" or "test", or SHAREBOARD_TEST_FAILPOINTS=1
// is set as well (the crash test runs the production build that way). An unset NODE_ENV counts as
// production here, because `npm run serve` does not set it.

export const FAILPOINTS = {
  /** Inside an import's confirm transaction (organisations, opt-in returns), after some rows are written, before commit. */
  "import-mid-transaction": "kills the server inside an import's transaction, with rows written and not committed",
} as const;

export type Failpoint = keyof typeof FAILPOINTS;

type Source = Record<string, string | undefined>;

function requested(source: Source) {
  return (source.SHAREBOARD_FAILPOINT ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Whether failpoints may fire at all in this environment. */
export function failpointsAllowed(source: Source = process.env) {
  return source.SHAREBOARD_TEST_FAILPOINTS === "1" || source.NODE_ENV === "development" || source.NODE_ENV === "test";
}

export function failpointArmed(name: Failpoint, source: Source = process.env) {
  return failpointsAllowed(source) && requested(source).includes(name);
}

/**
 * What start-up should say about SHAREBOARD_FAILPOINT: nothing when it is unset, a warning when
 * failpoints are armed, and why they are ignored (or unknown) otherwise.
 */
export function describeFailpoints(source: Source = process.env): string[] {
  const names = requested(source);
  if (!names.length) return [];
  const unknown = names.filter((n) => !(n in FAILPOINTS));
  const lines: string[] = [];
  if (unknown.length) lines.push(`SHAREBOARD_FAILPOINT names unknown failpoint(s) ${unknown.join(", ")}: use one of ${Object.keys(FAILPOINTS).join(", ")}.`);
  const known = names.filter((n) => n in FAILPOINTS);
  if (!known.length) return lines;
  if (failpointsAllowed(source)) {
    for (const n of known) lines.push(`WARNING test failpoint ${n} is armed: it ${FAILPOINTS[n as Failpoint]}. Unset SHAREBOARD_FAILPOINT unless this is a crash test.`);
  } else {
    lines.push(`SHAREBOARD_FAILPOINT is set but ignored: failpoints work only with NODE_ENV=development or test, or SHAREBOARD_TEST_FAILPOINTS=1. Unset it.`);
  }
  return lines;
}

/**
 * When the failpoint is armed, kills this whole process at once (SIGKILL: no clean-up, no
 * rollback, no exit handlers), as a crash would. From a worker thread it kills the process too.
 * Says so on stderr first, written straight to the file descriptor so a worker thread's line is
 * not lost in its asynchronous stdio.
 */
export function failpoint(name: Failpoint) {
  if (!failpointArmed(name)) return;
  try {
    fs.writeSync(2, `[shareboard] failpoint ${name}: killing process ${process.pid} with SIGKILL\n`);
  } catch {
    // stderr closed: die anyway
  }
  process.kill(process.pid, "SIGKILL");
}
