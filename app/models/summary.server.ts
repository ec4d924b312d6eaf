import { and, asc, desc, eq, gte, isNull, or } from "drizzle-orm";
import { capabilities, milestones } from "../../db/schema";
import { CASE_STATES, type CaseState } from "../../db/schema/enums";
import { getDb, type DbOrTx } from "~/lib/db.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { countAgreementReviewsDue, countActiveAgreements } from "./agreements.server";
import { medianDaysToDecision, pipelineByState } from "./cases.server";
import { boroughOptIn } from "./consent.server";
import { countExceptionsBySeverity } from "./exceptions.server";
import { countPracticesWithActiveCover } from "./indemnity.server";
import { averageMaturity } from "./maturity.server";
import type { OrganisationFilter } from "./organisation-filter.server";
import { countPractices, countServicesLive, listDeployments } from "./rollout.server";
import type { ExceptionSeverity } from "./exceptions.schema";

/** States a case is "in the pipeline" in: proposed and not yet decided, withdrawn or implemented. */
export const PIPELINE_STATES: readonly CaseState[] = ["submitted", "ig_review", "changes_requested", "board_review", "deferred"];

export type ProgrammeSummary = {
  asAt: string;
  locality: string | null;
  organisationType: string | null;
  practicesTotal: number;
  practicesSignedUp: number;
  servicesLive: number;
  /** The services-live milestone that applies on the date: the next one due, or the last one passed. */
  servicesLiveTarget: { title: string; target: number; dueOn: string } | null;
  deploymentsLate: number;
  optInRate: number | null;
  optInMonth: string | null;
  optInTarget: number;
  practicesWithActiveIndemnity: number;
  agreementsActive: number;
  agreementReviewsDue: number;
  agreementReviewsOverdue: number;
  casesByState: Record<CaseState, number>;
  casesInPipeline: number;
  medianDaysToDecision: number | null;
  averageMaturity: { framework: string; overall: number | null; percentOfScale: number | null; organisations: number } | null;
  exceptionsBySeverity: Record<ExceptionSeverity, number>;
};

function servicesLiveMilestone(db: DbOrTx, asAt: string) {
  const isServicesLive = and(eq(milestones.metric, "services_live"), or(isNull(milestones.capabilityId), eq(capabilities.code, "mig_view")));
  const query = (when: ReturnType<typeof and>, order: ReturnType<typeof asc>) =>
    db
      .select({ title: milestones.title, target: milestones.targetValue, dueOn: milestones.dueOn })
      .from(milestones)
      .leftJoin(capabilities, eq(capabilities.id, milestones.capabilityId))
      .where(when)
      .orderBy(order)
      .limit(1)
      .get();
  const row = query(and(isServicesLive, gte(milestones.dueOn, asAt)), asc(milestones.dueOn)) ?? query(isServicesLive, desc(milestones.dueOn));
  return row && row.target !== null ? { title: row.title, target: row.target, dueOn: row.dueOn } : null;
}

/**
 * The board's headline figures as at a date, for one locality and/or organisation type or the
 * whole partnership. Every figure comes from the same model function its own page uses, each
 * aggregated in SQL. The dashboard, the board pack and /api/v1/summary all read this.
 */
export function getProgrammeSummary({ asAt, locality = null, organisationType = null, db = getDb() }: { asAt: string; db?: DbOrTx } & OrganisationFilter): ProgrammeSummary {
  return memoiseByDataVersion("summary", { asAt, locality, organisationType }, db, () => ({
    ...getSummaryFigures({ asAt, locality, organisationType, db }),
    exceptionsBySeverity: summaryPart("exceptions", { asAt, locality, organisationType }, db, () => countExceptionsBySeverity({ asAt, db, locality, organisationType })),
  }));
}

/**
 * One of the summary's figures, kept on its own until a table it reads changes: a change to one
 * area (a deployment's status, a cover) then recomputes that area's figures, not the whole summary
 * (0.16 s at national scale).
 */
function summaryPart<T>(name: string, { asAt, locality, organisationType }: { asAt: string; locality: string | null; organisationType: OrganisationFilter["organisationType"] }, db: DbOrTx, compute: () => T) {
  return memoiseByDataVersion(`summary:${name}`, { asAt, locality, organisationType: organisationType ?? null }, db, compute);
}

/** The summary without its exception counts. */
export type SummaryFigures = Omit<ProgrammeSummary, "exceptionsBySeverity">;

/**
 * The summary's figures without the exception counts, which need every exception rule run for the
 * date: what a comparison with an earlier date reads (the change since the previous month's end,
 * the weekly digest), since none of them compares exception counts. At national scale this spares
 * the rules for the earlier date (about 0.17 s the first time, and after a change the rules that
 * read what changed).
 */
export function getSummaryFigures({ asAt, locality = null, organisationType = null, db = getDb() }: { asAt: string; db?: DbOrTx } & OrganisationFilter): SummaryFigures {
  return memoiseByDataVersion("summary-figures", { asAt, locality, organisationType }, db, () => computeSummaryFigures({ asAt, locality, organisationType, db }));
}

function computeSummaryFigures({ asAt, locality, organisationType, db }: { asAt: string; locality: string | null; organisationType: OrganisationFilter["organisationType"]; db: DbOrTx }): SummaryFigures {
  const filter = { locality, organisationType: organisationType ?? null };
  const part = <T>(name: string, compute: () => T) => summaryPart(name, { asAt, ...filter }, db, compute);
  const practices = part("practices", () => countPractices({ asAt, db, ...filter }));
  const optIn = part("opt-in", () => boroughOptIn({ asAt, db, ...filter }));
  const reviews = part("reviews", () => countAgreementReviewsDue({ asAt, db, ...filter }));
  const pipeline = part("pipeline", () => pipelineByState({ asAt, db, ...filter }));
  const casesByState = Object.fromEntries(CASE_STATES.map((s) => [s, pipeline[s] ?? 0])) as Record<CaseState, number>;
  const maturity = part("maturity", () => averageMaturity({ asAt, frameworkCode: "wgll", db, ...filter }));
  return {
    asAt,
    locality,
    organisationType: organisationType ?? null,
    practicesTotal: practices.total,
    practicesSignedUp: practices.signedUp,
    servicesLive: part("services-live", () => countServicesLive({ asAt, db, ...filter })),
    servicesLiveTarget: part("services-live-target", () => servicesLiveMilestone(db, asAt)),
    // The late list the exceptions' rule reads (the same kept figure when nothing is filtered), counted.
    deploymentsLate: part("deployments-late", () => listDeployments({ asAt, late: true, db, ...(locality ? { locality } : {}), ...(organisationType ? { organisationType } : {}) }).total),
    optInRate: optIn.rate,
    optInMonth: optIn.month,
    optInTarget: optIn.target,
    practicesWithActiveIndemnity: part("covered", () => countPracticesWithActiveCover({ asAt, db, ...filter }).covered),
    agreementsActive: part("agreements-active", () => countActiveAgreements({ asAt, db, ...filter })),
    agreementReviewsDue: reviews.due + reviews.overdue,
    agreementReviewsOverdue: reviews.overdue,
    casesByState,
    casesInPipeline: PIPELINE_STATES.reduce((sum, s) => sum + casesByState[s], 0),
    medianDaysToDecision: part("median-days", () => medianDaysToDecision({ asAt, db, ...filter }).medianDays),
    averageMaturity: maturity ? { framework: maturity.framework.name, overall: maturity.overall, percentOfScale: maturity.percentOfScale, organisations: maturity.organisations } : null,
  };
}
