import { addMonthsToMonth, monthOf } from "~/lib/dates";
import { keptText, memoiseByDataVersion } from "~/lib/data-version.server";
import { getDb, type DbOrTx } from "~/lib/db.server";
import type { JsonText } from "~/lib/json-text";
import { CASE_STATE_LABELS } from "./cases.schema";
import { exceptionsTableRow, type AcknowledgedException } from "./exception-acknowledgements.labels";
import { optInTrend } from "./consent.server";
import { withAcknowledgements } from "./exception-acknowledgements.server";
import { listExceptions } from "./exceptions.server";
import { listMilestoneProgress } from "./milestones.server";
import type { OrganisationFilter } from "./organisation-filter.server";
import { buildHeadlines, previousMonthEnd, type Headline } from "./rag";
import { earliestStatusEventDate, servicesLiveByMonth } from "./rollout.server";
import { getSettings } from "./settings.server";
import { getProgrammeSummary, getSummaryFigures, PIPELINE_STATES, type ProgrammeSummary } from "./summary.server";

/** Months of history the dashboard's charts show, ending with the as-at month. */
export const CHART_MONTHS = 24;
/** Exceptions listed on the dashboard; the rest are one link away. */
export const DASHBOARD_EXCEPTIONS = 8;

/**
 * Services with the detailed care record live at the end of each month (the as-at month at
 * `asAt`), for one locality or organisation type or the whole partnership. One SQL count per month.
 */
export function servicesLiveTrend({ from, to, asAt, db = getDb(), ...filter }: { from: string; to: string; asAt: string; db?: DbOrTx } & OrganisationFilter) {
  return servicesLiveByMonth({ capabilityCode: "mig_view", from, to, asAt, db, ...filter }).map((p) => ({ month: p.month, servicesLive: p.servicesLive as number | null }));
}

export type BoardCharts = ReturnType<typeof boardCharts>;

/** The three charts the board looks at: services live against milestones, borough opt-in, pipeline by stage. */
export function boardCharts({ asAt, summary, db = getDb(), ...filter }: { asAt: string; summary: ProgrammeSummary; db?: DbOrTx } & OrganisationFilter) {
  // Months of history for every chart: reused until the data changes.
  return memoiseByDataVersion("board-charts", { asAt, filter, target: summary.optInTarget, pipeline: summary.casesByState }, db, () => computeBoardCharts({ asAt, summary, db, ...filter }));
}

function computeBoardCharts({ asAt, summary, db, ...filter }: { asAt: string; summary: ProgrammeSummary; db: DbOrTx } & OrganisationFilter) {
  const to = monthOf(asAt);
  const earliest = earliestStatusEventDate({ db });
  const windowStart = addMonthsToMonth(to, -(CHART_MONTHS - 1));
  const from = earliest && monthOf(earliest) > windowStart ? (monthOf(earliest) <= to ? monthOf(earliest) : to) : windowStart;
  const servicesLive = servicesLiveTrend({ from, to, asAt, db, ...filter });
  const milestones = listMilestoneProgress({ asAt, db })
    .filter((m) => m.metric === "services_live" && (m.capabilityCode ?? "mig_view") === "mig_view" && m.targetValue !== null)
    .map((m) => ({ title: m.title, dueOn: m.dueOn, month: monthOf(m.dueOn), target: m.targetValue as number, state: m.state }));
  const optIn = optInTrend({ from: windowStart, to, db, ...filter }).map((p) => ({ month: p.month, rate: p.rate }));
  const pipeline = PIPELINE_STATES.map((state) => ({ state, stage: CASE_STATE_LABELS[state], cases: summary.casesByState[state] }));
  return { servicesLive, milestones, optIn, optInTarget: summary.optInTarget, pipeline };
}

export type Dashboard = {
  summary: ProgrammeSummary;
  previousAsAt: string;
  headlines: Headline[];
  charts: BoardCharts;
  /** The most severe exceptions, each with the acknowledgement in force at the as-at date, if any. */
  exceptions: AcknowledgedException[];
  exceptionsTotal: number;
};

/**
 * Everything the board's home page shows as at a date, for a locality and/or organisation type:
 * the headline figures with status and change since the end of the previous month, the charts,
 * and the most severe exceptions. Every figure is aggregated in SQL by the domain models.
 */
export function getDashboard({ asAt, locality = null, organisationType = null, exceptionLimit = DASHBOARD_EXCEPTIONS, db = getDb() }: { asAt: string; exceptionLimit?: number; db?: DbOrTx } & OrganisationFilter): Dashboard {
  // The whole page's figures are kept until a table they read changes: the board opens this page most.
  return memoiseByDataVersion("dashboard", { asAt, locality, organisationType, exceptionLimit }, db, () => computeDashboard({ asAt, locality, organisationType, exceptionLimit, db }));
}

/**
 * What the dashboard page shows of its figures, and nothing it does not: without the exceptions'
 * detail, organisation and record, and the summary's figures behind the headlines (a third of it).
 */
function shownFigures(dashboard: Dashboard) {
  return {
    previousAsAt: dashboard.previousAsAt,
    headlines: dashboard.headlines,
    charts: dashboard.charts,
    exceptions: dashboard.exceptions.map(exceptionsTableRow),
    exceptionsTotal: dashboard.exceptionsTotal,
  };
}

export type DashboardShownFigures = ReturnType<typeof shownFigures>;

/**
 * The dashboard's figures as the page shows them, as one JSON text kept with the figures
 * (keptText; app/lib/json-text.ts): the page sends them in its hydration data on every request,
 * and encoding them value by value cost more than the rest of a national dashboard request's data.
 */
export function dashboardFiguresText({ asAt, locality = null, organisationType = null, db = getDb() }: { asAt: string; db?: DbOrTx } & OrganisationFilter): JsonText<DashboardShownFigures> {
  return keptText(getDashboard({ asAt, locality, organisationType, db }), "shown", shownFigures);
}

function computeDashboard({ asAt, locality, organisationType, exceptionLimit, db }: { asAt: string; locality: string | null; organisationType: OrganisationFilter["organisationType"]; exceptionLimit: number; db: DbOrTx }): Dashboard {
  const filter = { locality, organisationType };
  const settings = getSettings(db);
  const summary = getProgrammeSummary({ asAt, db, ...filter });
  const previousAsAt = previousMonthEnd(asAt);
  const previous = getSummaryFigures({ asAt: previousAsAt, db, ...filter });
  const headlines = buildHeadlines(summary, previous, { caseSlaWorkingDays: settings.case_sla_working_days, maturityLowThreshold: settings.maturity_low_threshold_percent });
  const exceptions = listExceptions({ asAt, db, ...filter });
  return {
    summary,
    previousAsAt,
    headlines,
    charts: boardCharts({ asAt, summary, db, ...filter }),
    exceptions: withAcknowledgements(exceptions.slice(0, exceptionLimit), { asAt, db }),
    exceptionsTotal: exceptions.length,
  };
}
