import { and, asc, desc, eq, lte, sql } from "drizzle-orm";
import { capabilities, milestones, priorities, priorityEndorsements, users } from "../../db/schema";
import { audit, type Actor } from "~/lib/audit.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { addDaysIso, addMonthsIso, formatDate, monthOf } from "~/lib/dates";
import type { EndorsementInput } from "./rollout.schema";
import { countPractices, countServicesLive, RolloutRuleError } from "./rollout.server";
import { getReportingDate } from "./settings.server";
import { allReturnsOptInAsAt } from "./consent.server";

/** Days before a re-endorsement falls due that the board is told it is coming. */
export const ENDORSEMENT_NOTICE_DAYS = 90;

export type MilestoneState = "met" | "met_late" | "missed" | "in_progress" | "not_met" | "not_measured";

/** Borough opt-in rate (%) from the latest month of returns up to `asAt`, or null when there are none. */
export function boroughOptInRate({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  const row = allReturnsOptInAsAt({ asAt, db });
  if (!row?.registered) return null;
  return { month: row.month, percent: Math.round((Number(row.optedIn) / Number(row.registered)) * 1000) / 10 };
}

function measure(db: DbOrTx, metric: string, capabilityCode: string | null, date: string): number | null {
  // Each measure kept by itself: a deployment's new status recomputes the services-live measures,
  // not the practices signed up or the opt-in rate at each milestone's date.
  return memoiseByDataVersion("milestone-measure", { metric, capabilityCode, date }, db, () => measureNow(db, metric, capabilityCode, date));
}

function measureNow(db: DbOrTx, metric: string, capabilityCode: string | null, date: string): number | null {
  if (metric === "services_live") return countServicesLive({ asAt: date, capabilityCode: capabilityCode ?? "mig_view", db });
  if (metric === "practices_signed_up") return countPractices({ asAt: date, db }).signedUp;
  if (metric === "opt_in_rate") return boroughOptInRate({ asAt: date, db })?.percent ?? null;
  return null;
}

/**
 * Every milestone with its progress as at `asAt`: the measured value then, the value on its due
 * date (when that has passed), and whether it was met, met late, missed, or is still to come.
 */
export function listMilestoneProgress({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  // Two as-at counts per milestone: reused until the data changes.
  return memoiseByDataVersion("milestone-progress", { asAt }, db, () => computeMilestoneProgress(asAt, db));
}

function computeMilestoneProgress(asAt: string, db: DbOrTx) {
  const rows = db
    .select({
      id: milestones.id,
      title: milestones.title,
      description: milestones.description,
      metric: milestones.metric,
      targetValue: milestones.targetValue,
      dueOn: milestones.dueOn,
      capabilityCode: capabilities.code,
      capabilityName: capabilities.name,
    })
    .from(milestones)
    .leftJoin(capabilities, eq(capabilities.id, milestones.capabilityId))
    .orderBy(asc(milestones.dueOn), asc(milestones.id))
    .all();
  return rows.map((m) => {
    const value = measure(db, m.metric, m.capabilityCode, asAt);
    const dueHasPassed = m.dueOn < asAt;
    const valueAtDue = dueHasPassed ? measure(db, m.metric, m.capabilityCode, m.dueOn) : null;
    let state: MilestoneState;
    if (value === null || m.targetValue === null) state = "not_measured";
    else if (!dueHasPassed) state = value >= m.targetValue ? "met" : m.dueOn === asAt ? "not_met" : "in_progress";
    else if (valueAtDue !== null && valueAtDue >= m.targetValue) state = "met";
    else state = value >= m.targetValue ? "met_late" : "missed";
    const percentOfTarget = value !== null && m.targetValue ? Math.min(100, Math.round((value / m.targetValue) * 100)) : null;
    return { ...m, value, valueAtDue, state, percentOfTarget, unit: m.metric === "opt_in_rate" ? "%" : "" };
  });
}
export type MilestoneProgress = ReturnType<typeof listMilestoneProgress>[number];

export type EndorsementState = "never" | "overdue" | "due_soon" | "endorsed";

/** Re-endorsement due date and state for a last endorsement, judged at `asAt`. */
export function endorsementState({ lastEndorsedOn, intervalMonths, asAt }: { lastEndorsedOn: string | null; intervalMonths: number; asAt: string }) {
  if (!lastEndorsedOn) return { dueOn: null, state: "never" as EndorsementState };
  const dueOn = addMonthsIso(lastEndorsedOn, intervalMonths);
  const state: EndorsementState = dueOn < asAt ? "overdue" : addDaysIso(dueOn, -ENDORSEMENT_NOTICE_DAYS) <= asAt ? "due_soon" : "endorsed";
  return { dueOn, state };
}

/** Programme priorities with their last endorsement on or before `asAt` and when re-endorsement is due. */
export function listPriorities({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  const ranked = db
    .select({
      priorityId: priorityEndorsements.priorityId,
      endorsedOn: sql<string>`${priorityEndorsements.endorsedOn}`.as("last_endorsed_on"),
      minuteReference: sql<string | null>`${priorityEndorsements.minuteReference}`.as("last_minute_reference"),
      endorsedBy: sql<string | null>`${users.name}`.as("last_endorsed_by"),
      rank: sql<number>`row_number() over (partition by ${priorityEndorsements.priorityId} order by ${priorityEndorsements.endorsedOn} desc, ${priorityEndorsements.id} desc)`.as("endorsement_rank"),
    })
    .from(priorityEndorsements)
    .leftJoin(users, eq(users.id, priorityEndorsements.endorsedBy))
    .where(lte(priorityEndorsements.endorsedOn, asAt))
    .as("ranked_endorsements");
  const rows = db
    .select({
      id: priorities.id,
      title: priorities.title,
      description: priorities.description,
      intervalMonths: priorities.endorsementIntervalMonths,
      lastEndorsedOn: ranked.endorsedOn,
      minuteReference: ranked.minuteReference,
      endorsedBy: ranked.endorsedBy,
    })
    .from(priorities)
    .leftJoin(ranked, and(eq(ranked.priorityId, priorities.id), eq(ranked.rank, 1)))
    .orderBy(asc(priorities.id))
    .all();
  return rows.map((p) => ({ ...p, ...endorsementState({ lastEndorsedOn: p.lastEndorsedOn ?? null, intervalMonths: p.intervalMonths, asAt }) }));
}
export type PriorityRow = ReturnType<typeof listPriorities>[number];

export function getPriority({ id, db = getDb() }: { id: number; db?: DbOrTx }) {
  const priority = db.select().from(priorities).where(eq(priorities.id, id)).get();
  if (!priority) return null;
  const endorsements = db
    .select({ endorsedOn: priorityEndorsements.endorsedOn, minuteReference: priorityEndorsements.minuteReference, note: priorityEndorsements.note, endorsedBy: users.name })
    .from(priorityEndorsements)
    .leftJoin(users, eq(users.id, priorityEndorsements.endorsedBy))
    .where(eq(priorityEndorsements.priorityId, id))
    .orderBy(desc(priorityEndorsements.endorsedOn), desc(priorityEndorsements.id))
    .all();
  return { ...priority, endorsements };
}

/** The board records that it endorsed a priority on a date (not after the reporting date). */
export function recordEndorsement({ actor, priorityId, input }: { actor: Actor; priorityId: number; input: EndorsementInput }) {
  return transaction((tx) => {
    const priority = tx.select().from(priorities).where(eq(priorities.id, priorityId)).get();
    if (!priority) return null;
    const reportingDate = getReportingDate(tx);
    if (input.endorsedOn > reportingDate) throw new RolloutRuleError("endorsedOn", `Enter a date on or before the reporting date, ${formatDate(reportingDate)}`);
    const row = tx
      .insert(priorityEndorsements)
      .values({ priorityId, endorsedOn: input.endorsedOn, minuteReference: input.minuteReference, note: input.note, endorsedBy: actor.userId })
      .returning()
      .get();
    audit(tx, actor, { action: "priority.endorse", entityType: "priority", entityId: priorityId, after: row });
    return row;
  });
}
