import { addMonthsToMonth, endOfMonthIso, formatDate, monthOf } from "~/lib/dates";
import type { ProgrammeSummary, SummaryFigures } from "./summary.server";

// Isomorphic and pure: the red/amber/green rules for the board's headline figures, and the
// headline list the dashboard and the board pack both draw. The README lists the same rules.

export type Rag = "green" | "amber" | "red" | "none";

/** The word on the tag: the status never relies on colour alone. */
export const RAG_LABELS: Record<Rag, string> = { green: "Green", amber: "Amber", red: "Red", none: "No target" };
export const RAG_MEANINGS: Record<Rag, string> = { green: "on track", amber: "at risk", red: "off track", none: "not rated" };
export const RAG_TAG_COLOURS = { green: "green", amber: "orange", red: "red", none: "grey" } as const;

/** Amber when the opt-in rate is below target by no more than this many percentage points. */
export const OPT_IN_AMBER_POINTS = 5;
/** Amber when this many deployments or fewer are late; red above it. */
export const LATE_AMBER_MAX = 3;
/** Services live: amber while the milestone is still ahead and at least this share of it is met. */
export const SERVICES_AMBER_SHARE = 0.75;
/** Practices signed up: green from this share of all practices, amber from the next. */
export const SIGNED_UP_GREEN_SHARE = 0.9;
export const SIGNED_UP_AMBER_SHARE = 0.75;
/** Indemnity: amber when this many signed-up practices or fewer lack active cover. */
export const INDEMNITY_AMBER_GAP = 2;
/** Median days to decision: amber up to this multiple of the target. */
export const DECISION_AMBER_FACTOR = 1.5;
/** Maturity: amber from the low-maturity threshold up to this many points above it. */
export const MATURITY_AMBER_POINTS = 10;

export function ragPracticesSignedUp(signedUp: number, total: number): Rag {
  if (total <= 0) return "none";
  const share = signedUp / total;
  return share >= SIGNED_UP_GREEN_SHARE ? "green" : share >= SIGNED_UP_AMBER_SHARE ? "amber" : "red";
}

/** Green once the milestone's target is met; amber while it is still ahead and 75% met; red when missed or further behind. */
export function ragServicesLive(value: number, milestone: { target: number; dueOn: string } | null, asAt: string): Rag {
  if (!milestone || milestone.target <= 0) return "none";
  if (value >= milestone.target) return "green";
  if (milestone.dueOn >= asAt && value >= milestone.target * SERVICES_AMBER_SHARE) return "amber";
  return "red";
}

export function ragDeploymentsLate(late: number): Rag {
  return late === 0 ? "green" : late <= LATE_AMBER_MAX ? "amber" : "red";
}

export function ragOptIn(rate: number | null, target: number): Rag {
  if (rate === null) return "none";
  if (rate >= target) return "green";
  return rate >= target - OPT_IN_AMBER_POINTS ? "amber" : "red";
}

/** Every signed-up practice should hold active indemnity cover. */
export function ragIndemnity(covered: number, signedUp: number): Rag {
  if (signedUp <= 0) return "none";
  const gap = signedUp - covered;
  return gap <= 0 ? "green" : gap <= INDEMNITY_AMBER_GAP ? "amber" : "red";
}

export function ragAgreementReviews(due: number, overdue: number): Rag {
  return overdue > 0 ? "red" : due > 0 ? "amber" : "green";
}

export function ragDecisionTime(medianDays: number | null, targetDays: number): Rag {
  if (medianDays === null) return "none";
  if (medianDays <= targetDays) return "green";
  return medianDays <= targetDays * DECISION_AMBER_FACTOR ? "amber" : "red";
}

export function ragMaturity(percentOfScale: number | null, lowThreshold: number): Rag {
  if (percentOfScale === null) return "none";
  if (percentOfScale < lowThreshold) return "red";
  return percentOfScale < lowThreshold + MATURITY_AMBER_POINTS ? "amber" : "green";
}

/** Target for the median time from submission to decision: two stages at the service level, in calendar days. */
export function decisionTargetDays(slaWorkingDays: number) {
  return Math.round((slaWorkingDays * 2 * 7) / 5);
}

/** The date the change is measured from: the end of the month before `asAt`'s month. */
export function previousMonthEnd(asAt: string) {
  return endOfMonthIso(addMonthsToMonth(monthOf(asAt), -1));
}

/** "+2 since 30 September 2016", "No change since …", "−1.5 points since …"; null when either side is unknown. */
export function describeChange(current: number | null, previous: number | null, since: string, unit = ""): string | null {
  if (current === null || previous === null) return null;
  const diff = Math.round((current - previous) * 10) / 10;
  const when = formatDate(since);
  if (diff === 0) return `No change since ${when}`;
  const sign = diff > 0 ? "+" : "−";
  return `${sign}${Math.abs(diff).toLocaleString("en-GB")}${unit} since ${when}`;
}

export type Headline = {
  key: string;
  label: string;
  value: string;
  target: string;
  rag: Rag;
  change: string | null;
  /** Where the figure comes from, for the link under it. */
  href: string;
};

export type HeadlineSettings = { caseSlaWorkingDays: number; maturityLowThreshold: number };

const percent = (n: number | null) => (n === null ? "No data" : `${(Math.round(n * 10) / 10).toLocaleString("en-GB")}%`);
const days = (n: number | null) => (n === null ? "No decisions yet" : `${Math.round(n)} days`);

/** The board's headline figures, each with its target, status and change since the previous month's end. */
export function buildHeadlines(now: ProgrammeSummary, previous: SummaryFigures, settings: HeadlineSettings): Headline[] {
  const since = previous.asAt;
  const decisionTarget = decisionTargetDays(settings.caseSlaWorkingDays);
  const milestone = now.servicesLiveTarget;
  const maturity = now.averageMaturity;
  return [
    {
      key: "practicesSignedUp",
      label: "GP practices signed up",
      value: `${now.practicesSignedUp} of ${now.practicesTotal}`,
      target: `All ${now.practicesTotal} practices (green from ${Math.round(SIGNED_UP_GREEN_SHARE * 100)}%)`,
      rag: ragPracticesSignedUp(now.practicesSignedUp, now.practicesTotal),
      change: describeChange(now.practicesSignedUp, previous.practicesSignedUp, since),
      href: "/organisations",
    },
    {
      key: "servicesLive",
      label: "Services with the detailed care record live",
      value: String(now.servicesLive),
      target: milestone ? `${milestone.target} by ${formatDate(milestone.dueOn)} (${milestone.title})` : "No milestone set",
      rag: ragServicesLive(now.servicesLive, milestone, now.asAt),
      change: describeChange(now.servicesLive, previous.servicesLive, since),
      href: "/rollout",
    },
    {
      key: "deploymentsLate",
      label: "Deployments late",
      value: String(now.deploymentsLate),
      target: `None late (amber up to ${LATE_AMBER_MAX})`,
      rag: ragDeploymentsLate(now.deploymentsLate),
      change: describeChange(now.deploymentsLate, previous.deploymentsLate, since),
      href: "/rollout?late=yes",
    },
    {
      key: "optInRate",
      label: now.optInMonth ? `Opt-in rate (returns for ${formatMonthLong(now.optInMonth)})` : "Opt-in rate",
      value: percent(now.optInRate),
      target: `${now.optInTarget}% of registered patients`,
      rag: ragOptIn(now.optInRate, now.optInTarget),
      change: describeChange(now.optInRate, previous.optInRate, since, " points"),
      href: "/consent",
    },
    {
      key: "practicesWithActiveIndemnity",
      label: "Practices with active indemnity cover",
      value: String(now.practicesWithActiveIndemnity),
      target: `Every signed-up practice (${now.practicesSignedUp})`,
      rag: ragIndemnity(now.practicesWithActiveIndemnity, now.practicesSignedUp),
      change: describeChange(now.practicesWithActiveIndemnity, previous.practicesWithActiveIndemnity, since),
      href: "/indemnity",
    },
    {
      key: "agreementsActive",
      label: "Active agreements (reviews due)",
      value: `${now.agreementsActive} (${now.agreementReviewsDue} due${now.agreementReviewsOverdue ? `, ${now.agreementReviewsOverdue} overdue` : ""})`,
      target: "No review overdue or due",
      rag: ragAgreementReviews(now.agreementReviewsDue - now.agreementReviewsOverdue, now.agreementReviewsOverdue),
      change: describeChange(now.agreementsActive, previous.agreementsActive, since),
      href: "/agreements",
    },
    {
      key: "casesInPipeline",
      label: "Business cases in the pipeline (median days to decision)",
      value: `${now.casesInPipeline} (${days(now.medianDaysToDecision)})`,
      target: `Decided within ${decisionTarget} days`,
      rag: ragDecisionTime(now.medianDaysToDecision, decisionTarget),
      change: describeChange(now.casesInPipeline, previous.casesInPipeline, since),
      href: "/cases",
    },
    {
      key: "averageMaturity",
      label: maturity ? `Average digital maturity (${maturity.framework})` : "Average digital maturity",
      value: maturity && maturity.percentOfScale !== null ? `${percent(maturity.percentOfScale)} of the scale` : "No assessments",
      target: `At least ${settings.maturityLowThreshold + MATURITY_AMBER_POINTS}% of the scale`,
      rag: ragMaturity(maturity?.percentOfScale ?? null, settings.maturityLowThreshold),
      change: describeChange(maturity?.percentOfScale ?? null, previous.averageMaturity?.percentOfScale ?? null, since, " points"),
      href: "/maturity",
    },
  ];
}

const MONTH_LONG = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
function formatMonthLong(month: string) {
  return MONTH_LONG.format(new Date(`${month}-01T00:00:00Z`));
}
