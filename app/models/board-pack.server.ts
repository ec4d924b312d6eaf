import { and, asc, count, desc, eq, gt, isNull, lt, lte, sql } from "drizzle-orm";
import { agreements, boardPacks, capabilities, deploymentStatusEvents, deployments, organisations, services, users } from "../../db/schema";
import { audit, type Actor } from "~/lib/audit.server";
import { addDaysIso, addMonthsIso } from "~/lib/dates";
import { getDb, preparedPerConnection, transaction, type DbOrTx } from "~/lib/db.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { inForceSql, reviewOnSql } from "./agreements.server";
import { boardCharts } from "./dashboard.server";
import { decisionsBetween } from "./cases.server";
import { listExceptionsWithAcknowledgements } from "./exception-acknowledgements.server";
import { groupLowSeverity } from "./exception-acknowledgements.schema";
import { EXCEPTION_KINDS, type ExceptionKind, type ExceptionSeverity, type ProgrammeException } from "./exceptions.schema";
import { buildHeadlines, previousMonthEnd } from "./rag";
import { getSettings } from "./settings.server";
import { getProgrammeSummary, getSummaryFigures } from "./summary.server";
import { nameAsAtSql } from "./organisation-history.server";

/** Roll-out changes listed in the pack; the rest are counted (the roll-out page has them all). */
export const ROLLOUT_CHANGES_LIMIT = 25;
/** Exceptions and agreements listed in the pack, most pressing first; the rest are counted and linked (pages and CSV). */
export const BOARD_PACK_LIST_LIMIT = 25;

function firstOf<T>(rows: readonly T[], limit = BOARD_PACK_LIST_LIMIT) {
  return { total: rows.length, rows: rows.slice(0, limit) };
}

/**
 * The exceptions as the board reads them: counts by severity and by kind, and the most severe
 * few. At national scale the full list runs to thousands of rows (5.9 MB of HTML): it stays on
 * the exceptions page and in its CSV.
 */
export function summariseExceptions<E extends ProgrammeException>(exceptions: readonly E[], limit = BOARD_PACK_LIST_LIMIT) {
  const bySeverity: Record<ExceptionSeverity, number> = { high: 0, medium: 0, low: 0 };
  const kinds = new Map<ExceptionKind, Record<ExceptionSeverity, number> & { total: number }>();
  for (const e of exceptions) {
    bySeverity[e.severity]++;
    const k = kinds.get(e.kind) ?? { high: 0, medium: 0, low: 0, total: 0 };
    k[e.severity]++;
    k.total++;
    kinds.set(e.kind, k);
  }
  const byKind = EXCEPTION_KINDS.filter((kind) => kinds.has(kind)).map((kind) => ({ kind, ...kinds.get(kind)! }));
  // listExceptions returns the most severe first.
  return { total: exceptions.length, bySeverity, byKind, mostSevere: exceptions.slice(0, limit) };
}

/**
 * The pack's exceptions: the summary above, how many are acknowledged (overall and by kind), and
 * the list as lines, where many low-severity exceptions of one kind are one line linking to them
 * all; acknowledged ones stay in the list, marked.
 */
export function boardPackExceptions({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  return memoiseByDataVersion("board-pack.exceptions", { asAt }, db, () => computeBoardPackExceptions({ asAt, db }));
}

function computeBoardPackExceptions({ asAt, db }: { asAt: string; db: DbOrTx }) {
  const exceptions = listExceptionsWithAcknowledgements({ asAt, db });
  const summary = summariseExceptions(exceptions);
  const acknowledgedByKind = new Map<ExceptionKind, number>();
  for (const e of exceptions) if (e.acknowledgement) acknowledgedByKind.set(e.kind, (acknowledgedByKind.get(e.kind) ?? 0) + 1);
  return {
    ...summary,
    byKind: summary.byKind.map((k) => ({ ...k, acknowledged: acknowledgedByKind.get(k.kind) ?? 0 })),
    acknowledged: exceptions.filter((e) => e.acknowledgement).length,
    lines: firstOf(groupLowSeverity(exceptions, { asAt })),
  };
}

export class BoardPackConflictError extends Error {}

// The dashboard asks on every request: prepared once per connection.
const latestPackBefore = preparedPerConnection((db) =>
  db.select({ asAt: boardPacks.asAt }).from(boardPacks).where(lt(boardPacks.asAt, sql.placeholder("asAt"))).orderBy(desc(boardPacks.asAt)).limit(1).prepare(),
);

/**
 * Where "since the previous board pack" starts for a pack as at `asAt`: the latest pack recorded
 * as issued before that date, or one month earlier when none was.
 */
export function previousBoardPack({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }): { since: string; recorded: boolean } {
  const row = latestPackBefore(db).get({ asAt });
  return row ? { since: row.asAt, recorded: true } : { since: addMonthsIso(asAt, -1), recorded: false };
}

/**
 * The decisions taken after a pack's date (`since`), up to and including `asAt`: the board pack's
 * decisions section and the dashboard's "decisions since the last board pack".
 */
export function decisionsSince({ since, asAt, db = getDb() }: { since: string; asAt: string; db?: DbOrTx }) {
  return decisionsBetween({ from: addDaysIso(since, 1), to: asAt, db });
}

/** The record of a pack issued as at `asAt`, if there is one. */
export function issuedBoardPack({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  return (
    db
      .select({ id: boardPacks.id, asAt: boardPacks.asAt, issuedAt: boardPacks.issuedAt, issuedBy: users.name })
      .from(boardPacks)
      .leftJoin(users, eq(users.id, boardPacks.issuedBy))
      .where(eq(boardPacks.asAt, asAt))
      .orderBy(asc(boardPacks.id))
      .limit(1)
      .get() ?? null
  );
}

/** Records the pack as at `asAt` as issued, so the next pack's "since the previous board pack" starts there. Once per date. */
export function recordBoardPack({ actor, asAt }: { actor: Actor; asAt: string }) {
  return transaction((tx) => {
    if (issuedBoardPack({ asAt, db: tx })) throw new BoardPackConflictError("A board pack as at this date has already been recorded as issued.");
    const row = tx.insert(boardPacks).values({ asAt, issuedBy: actor.userId, issuedAt: new Date().toISOString() }).returning().get();
    audit(tx, actor, { action: "board_pack.issued", entityType: "board_pack", entityId: row.id, before: null, after: row });
    return row;
  });
}

/** Agreements that came into force (every party signed) after `from`, up to `to`. */
export function agreementsActivatedBetween({ from, to, db = getDb() }: { from: string; to: string; db?: DbOrTx }) {
  return db
    .select({ reference: agreements.reference, version: agreements.version, title: agreements.title, activatedOn: agreements.activatedOn, reviewOn: agreements.reviewOn })
    .from(agreements)
    .where(and(sql`${agreements.activatedOn} > ${from}`, sql`${agreements.activatedOn} <= ${to}`))
    .orderBy(asc(agreements.activatedOn), asc(agreements.reference))
    .all();
}

/** Agreements in force on `asAt` whose review falls due within the notice period, or is overdue; and those that ended in the period. */
export function agreementsDueOrEnding({ from, to, db = getDb() }: { from: string; to: string; db?: DbOrTx }) {
  const notice = getSettings(db).agreement_review_notice_days;
  const reviewDue = db
    .select({ reference: agreements.reference, version: agreements.version, title: agreements.title, reviewOn: reviewOnSql(to) })
    .from(agreements)
    .where(and(inForceSql(to), lte(reviewOnSql(to), addDaysIso(to, notice))))
    .orderBy(asc(reviewOnSql(to)), asc(agreements.reference))
    .all()
    .map((a) => ({ ...a, overdue: a.reviewOn < to }));
  const ended = db
    .select({ reference: agreements.reference, version: agreements.version, title: agreements.title, endedOn: agreements.endedOn, status: agreements.status, endReason: agreements.endReason })
    .from(agreements)
    .where(and(sql`${agreements.endedOn} > ${from}`, sql`${agreements.endedOn} <= ${to}`))
    .orderBy(asc(agreements.endedOn), asc(agreements.reference))
    .all();
  return { reviewDue, ended, noticeDays: notice };
}

/** Deployment status changes that took effect after `from`, up to `to`, oldest first (at most `limit`, with the total). */
export function rolloutChangesBetween({ from, to, limit = ROLLOUT_CHANGES_LIMIT, db = getDb() }: { from: string; to: string; limit?: number; db?: DbOrTx }) {
  // Status events recorded in error are corrections, not changes: they are not news for the board.
  const inPeriod = and(gt(deploymentStatusEvents.effectiveOn, from), lte(deploymentStatusEvents.effectiveOn, to), isNull(deploymentStatusEvents.voidedAt));
  const total = db.select({ n: count() }).from(deploymentStatusEvents).where(inPeriod).get()?.n ?? 0;
  const rows = db
    .select({
      id: deploymentStatusEvents.id,
      deploymentId: deployments.id,
      effectiveOn: deploymentStatusEvents.effectiveOn,
      status: deploymentStatusEvents.status,
      note: deploymentStatusEvents.note,
      serviceName: services.name,
      // Named as on the pack's date, like the rest of the pack (a later rename does not rewrite an issued pack).
      organisationName: nameAsAtSql(db, organisations.id, to),
      odsCode: organisations.odsCode,
      capabilityName: capabilities.name,
    })
    .from(deploymentStatusEvents)
    .innerJoin(deployments, eq(deployments.id, deploymentStatusEvents.deploymentId))
    .innerJoin(services, eq(services.id, deployments.serviceId))
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .where(inPeriod)
    .orderBy(asc(deploymentStatusEvents.effectiveOn), asc(deploymentStatusEvents.id))
    .limit(limit)
    .all();
  return { total, rows };
}

/**
 * Everything in the board pack as at `asAt`, partnership-wide: headline figures with status and
 * change since the previous month's end, the charts, the exceptions summarised (counts and the most
 * severe), and what happened since the previous board pack (decisions, agreements, roll-out
 * changes; long lists give their first rows and their total). Sized for people: well under 300 KB
 * of HTML even for the whole of England. The same for every reader: kept until a table it read changes.
 */
export function getBoardPack({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  return memoiseByDataVersion("board-pack", { asAt }, db, () => computeBoardPack({ asAt, db }));
}

function computeBoardPack({ asAt, db }: { asAt: string; db: DbOrTx }) {
  const settings = getSettings(db);
  const summary = getProgrammeSummary({ asAt, db });
  const previousAsAt = previousMonthEnd(asAt);
  const previous = getSummaryFigures({ asAt: previousAsAt, db });
  const period = previousBoardPack({ asAt, db });
  const from = period.since;
  // Each section is kept by itself until a table it reads changes, so after a write the pack is
  // put back together from the sections that write did not touch.
  const section = <T>(name: string, compute: () => T): T => memoiseByDataVersion(`board-pack.${name}`, { from, to: asAt }, db, compute);
  return {
    asAt,
    partnershipName: settings.partnership_name,
    previousAsAt,
    period: { from, recorded: period.recorded },
    issued: issuedBoardPack({ asAt, db }),
    headlines: buildHeadlines(summary, previous, { caseSlaWorkingDays: settings.case_sla_working_days, maturityLowThreshold: settings.maturity_low_threshold_percent }),
    summary,
    charts: boardCharts({ asAt, summary, db }),
    exceptions: boardPackExceptions({ asAt, db }),
    decisions: section("decisions", () => decisionsSince({ since: from, asAt, db })),
    agreementsSigned: section("agreements-signed", () => firstOf(agreementsActivatedBetween({ from, to: asAt, db }))),
    agreementsDue: section("agreements-due", () => (({ reviewDue, ended, noticeDays }) => ({ reviewDue: firstOf(reviewDue), ended: firstOf(ended), noticeDays }))(agreementsDueOrEnding({ from, to: asAt, db }))),
    rolloutChanges: section("rollout-changes", () => rolloutChangesBetween({ from, to: asAt, db })),
  };
}
export type BoardPack = ReturnType<typeof getBoardPack>;
