import { captureTables } from "../../db/query-tables";
import { asRefresh, staleRecentFigures, tableVersions } from "~/lib/data-version.server";
import { FigureRefreshMsSchema } from "~/lib/env.server";
import { logger } from "~/lib/logger.server";
import { agreementsRegisterQuery, parseAgreementQuery } from "./agreements.schema";
import { agreementsRegister } from "./agreements.server";
import { decisionsSince, getBoardPack, previousBoardPack } from "./board-pack.server";
import { parseConsentQuery } from "./consent.schema";
import { consentRegister, practicesBelowTargetOrFalling } from "./consent.server";
import { dashboardFiguresText } from "./dashboard.server";
import { exceptionsPage } from "./exception-acknowledgements.server";
import { parseExceptionQuery } from "./exceptions.schema";
import { exceptionRuleSteps } from "./exceptions.server";
import { coverRegisterQuery, parseCoverQuery } from "./indemnity.schema";
import { indemnityRegister } from "./indemnity.server";
import { parseMaturityQuery } from "./maturity.schema";
import { maturityRegister } from "./maturity.server";
import { organisationListQuery } from "./organisations.schema";
import { listLocalities, organisationsRegister } from "./organisations.server";
import { previousMonthEnd } from "./rag";
import { rolloutRegister } from "./rollout-page.server";
import { deploymentListQuery } from "./rollout.schema";
import { getReportingDate } from "./settings.server";
import { getSummaryFigures } from "./summary.server";
import { transparencyPage } from "./transparency.server";

// Figures worked out again straight after a change, not by the next person to look (issue 11: no
// read may cost a recompute). A change through the app (app/server.ts calls scheduleFigureRefresh
// when a write request has been answered) moves the change counters of the tables it wrote; the
// most-read pages' figures for the reporting date that read those tables (the dashboard, the
// exceptions, consent, the five registers, the board pack and the public page) are then worked out
// by the worker that made the change, a moment after it has answered (the writer's own next page
// first), and left in the figures cache and the workers' shared store, where both workers' next
// readers find them.
//
// A change that none of those figures read (a comment, a sign-in, a notification read) costs one
// look at the change counters and at the kept figures' tables. Several changes close together are one refresh, and at most one
// more waits while one runs, so a flood of writes costs no more than one refresh at a time. What a
// refresh works out is what the pages' own loaders ask for with no query (a test holds the two to
// the same figures), then every other figure someone read in the last 15 minutes that the change
// moved (a page with filters or a past date, a person's /tasks or /cases), most recently read
// first, up to a second of work a refresh; the rest wait for their next reader.

/** How long after a write's answer the refresh starts, or null when off (SHAREBOARD_FIGURE_REFRESH_MS, checked at start-up by env()). */
function refreshDelayMs() {
  const raw = process.env.SHAREBOARD_FIGURE_REFRESH_MS;
  const parsed = FigureRefreshMsSchema.safeParse(raw === undefined || raw === "" ? 250 : raw);
  if (!parsed.success) return 250;
  return parsed.data === "off" ? null : parsed.data;
}

let timer: NodeJS.Timeout | null = null;
/** The tables the refreshed figures read and their counters then ("" before the first refresh). */
let lastRead: { tables: readonly string[]; signature: string } = { tables: [], signature: "" };

const signatureOf = (tables: readonly string[], versions: Map<string, number>) => tables.map((t) => versions.get(t) ?? 0).join(".");

let running = false;
let again = false;

/** Asks for a refresh after a write (several writes close together make one; one made during a refresh, another after it). */
export function scheduleFigureRefresh() {
  const delay = refreshDelayMs();
  if (delay === null || timer) return;
  if (running) {
    again = true;
    return;
  }
  timer = setTimeout(() => runRefresh("Figures refreshed after a change"), delay);
  timer.unref();
}

/**
 * Works out the most-read pages' figures once, a moment after a worker starts (app/server.ts), as
 * the refresh after a change does, so that the first people to open them after a start or a
 * restart find them ready (or find the other worker's in the shared store) rather than wait for
 * them (0.46 s at national scale), and the first refresh after a change goes a figure at a time.
 * A write meanwhile is refreshed by the same run. Nothing when refreshes are off.
 */
export function workOutFiguresAtStart() {
  const delay = refreshDelayMs();
  if (delay === null || timer || running) return;
  timer = setTimeout(() => runRefresh("Figures worked out at start"), delay);
  timer.unref();
}

function runRefresh(done: string) {
  timer = null;
  running = true;
  void refreshStepByStep()
    .then(({ refreshed, ms, longestStepMs, longestStep }) => {
      if (refreshed) logger().info({ ms: Math.round(ms), longestStepMs: Math.round(longestStepMs), longestStep }, done);
    })
    .catch((error: unknown) => logger().warn(`Figures were not worked out (the next reader works them out): ${(error as Error).message}`))
    .finally(() => {
      running = false;
      if (again) {
        again = false;
        scheduleFigureRefresh();
      }
    });
}

/**
 * What a refresh works out for the reporting date when a table they read has changed: first the
 * parts that take longest, each a step of its own (the opt-in rule's practice list, each exception
 * rule, the summary's figures for the date and for the previous month's end), then the pages, which
 * then find those parts ready. Without the parts first, a worker's first refresh after its start
 * worked the dashboard out in one step (267 ms nationally on a slow machine: a request that arrived
 * then waited for all of it). A part already kept costs one look at the change counters.
 */
export function refreshSteps(asAt: string): { name: string; run: () => unknown }[] {
  const parts = [
    { name: "opt-in-practices", run: () => practicesBelowTargetOrFalling({ asAt }) },
    ...exceptionRuleSteps(asAt),
    { name: "summary-figures", run: () => getSummaryFigures({ asAt }) },
    { name: "summary-figures (previous month end)", run: () => getSummaryFigures({ asAt: previousMonthEnd(asAt) }) },
  ];
  return [...parts, ...pageSteps(asAt).map((run, i) => ({ name: `page ${i + 1}`, run }))];
}

/** Each page's figures, as its loader asks for them with no query: one step a page. */
function pageSteps(asAt: string): (() => unknown)[] {
  return [
    // app/routes/_index.tsx with no filter.
    () => {
      dashboardFiguresText({ asAt, locality: null, organisationType: null });
      decisionsSince({ since: previousBoardPack({ asAt }).since, asAt });
      listLocalities();
    },
    // app/routes/exceptions._index.tsx with no query.
    () => {
      const { filters, table } = parseExceptionQuery(new URLSearchParams());
      exceptionsPage({ asAt, ...filters, page: table.page, pageSize: table.pageSize });
    },
    // app/routes/consent._index.tsx with no query (the page an opt-in import moves).
    () => {
      const { locality, flag, table } = parseConsentQuery(new URLSearchParams());
      consentRegister({ asAt, locality, flag, sort: table.sort, page: table.page, pageSize: table.pageSize });
    },
    // The registers with no query: app/routes/rollout._index.tsx, organisations._index.tsx,
    // agreements._index.tsx, indemnity._index.tsx and maturity._index.tsx.
    () => rolloutRegister({ asAt, ...deploymentListQuery(new URLSearchParams()) }),
    () => {
      const { filters, sort, page, pageSize } = organisationListQuery(new URLSearchParams());
      organisationsRegister({ asAt, ...filters, sort, page, pageSize });
    },
    () => agreementsRegister({ asAt, ...agreementsRegisterQuery(parseAgreementQuery(new URLSearchParams())) }),
    () => indemnityRegister({ asAt, query: coverRegisterQuery(parseCoverQuery(new URLSearchParams())) }),
    () => {
      const { frameworkCode, organisationType, locality, table } = parseMaturityQuery(new URLSearchParams());
      maturityRegister({ asAt, frameworkCode, organisationType, locality, ...table });
    },
    // app/routes/board-pack.tsx and app/routes/transparency.tsx, the reporting date's first pages.
    () => getBoardPack({ asAt }),
    () => transparencyPage({ asAt, page: 1, agreementsPage: 1 }),
  ];
}

/** Figures read this recently are worked out again after a change that moved them. */
export const RECENTLY_READ_MS = 15 * 60_000;
/** At most this much work on recently read figures a refresh (the most recently read first). */
export const RECENT_WORK_BUDGET_MS = 1_000;

/** Whether a table the refreshed figures read has changed since the last refresh; and the counters now. */
function dueNow() {
  // The counters as the refresh starts: a change another worker commits meanwhile makes the next refresh run again.
  const versions = tableVersions();
  return { due: !lastRead.tables.length || signatureOf(lastRead.tables, versions) !== lastRead.signature, versions };
}

function remember(tables: Set<string>, versions: Map<string, number>) {
  const read = [...tables].sort();
  lastRead = { tables: read, signature: signatureOf(read, versions) };
}

/**
 * Works out the figures read recently that the change moved, then the most-read pages' figures
 * for the reporting date if a table they read has changed since the last refresh, all at once
 * (tests, and the bench). Returns whether it worked anything out and how long it took.
 */
export function refreshCurrentFigures(): { refreshed: boolean; ms: number } {
  const started = performance.now();
  const { due, versions } = dueNow();
  const recent = staleRecentFigures(RECENTLY_READ_MS);
  for (const { run } of recent) {
    if (performance.now() - started > RECENT_WORK_BUDGET_MS) break;
    workedOutOrLeft(run);
  }
  if (due) {
    const { tables } = captureTables(() => refreshSteps(getReportingDate()).forEach((step) => asRefresh(0, step.run)));
    remember(tables, versions);
  }
  return { refreshed: due || recent.length > 0, ms: performance.now() - started };
}

/**
 * The same a figure (or a page) at a time, letting the requests waiting on this worker go between
 * them. The recently read figures come first, each part its own step before what it is part of
 * (staleRecentFigures), so after an opt-in import no step held the worker for a whole page's
 * figures (one did for 214 ms at national scale, a /healthz waiting behind it); the pages then
 * find their parts worked out. The first refresh after a start may still work out whole pages
 * nobody has opened yet (0.46 s in all at national scale, a page a step). `ms` is the time spent
 * working, `longestStepMs` the longest any request could have waited behind one step.
 */
async function refreshStepByStep(): Promise<{ refreshed: boolean; ms: number; longestStepMs: number; longestStep: string | null }> {
  let working = performance.now();
  const { due, versions } = dueNow();
  let ms = 0;
  let longestStepMs = 0;
  let longestStep: string | null = null;
  const step = async (name: string, work: () => unknown) => {
    work();
    const took = performance.now() - working;
    ms += took;
    if (took > longestStepMs) [longestStepMs, longestStep] = [took, name];
    await new Promise((resolve) => setImmediate(resolve));
    working = performance.now();
  };
  const recent = staleRecentFigures(RECENTLY_READ_MS);
  for (const { figure, run } of recent) {
    if (ms > RECENT_WORK_BUDGET_MS) break;
    await step(figure, () => workedOutOrLeft(run));
  }
  if (due) {
    const tables = new Set<string>();
    for (const { name, run } of refreshSteps(getReportingDate())) {
      await step(name, () => {
        for (const table of captureTables(() => asRefresh(0, run)).tables) tables.add(table);
      });
    }
    remember(tables, versions);
  }
  return { refreshed: due || recent.length > 0, ms, longestStepMs, longestStep };
}

/** One recently read figure worked out again; one that fails is left to its next reader, who sees why (and the log says so). */
function workedOutOrLeft(figure: () => void) {
  try {
    figure();
  } catch (error) {
    logger().warn(`A recently read figure was not refreshed after a change (its next reader works it out): ${(error as Error).message}`);
  }
}

/** Whether no refresh is waiting to run or running (tests). */
export function figureRefreshIdle() {
  return !timer && !running;
}

/** Forgets what the last refresh read (tests). */
export function forgetFigureRefresh() {
  lastRead = { tables: [], signature: "" };
  again = false;
  if (timer) clearTimeout(timer);
  timer = null;
}
