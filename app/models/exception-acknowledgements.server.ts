// Acknowledging exceptions: the role that should act on an exception (or the programme team)
// says why it can wait and until when. Kept apart from the engine (exceptions.server.ts), which
// works exceptions out from the data; this file only reads and adds acknowledgements and lays
// them over the engine's list.
import { and, asc, eq, gt, lte } from "drizzle-orm";
import { exceptionAcknowledgements, users } from "../../db/schema";
import type { Role } from "../../db/schema/enums";
import { audit, type Actor } from "~/lib/audit.server";
import { addMonthsIso, formatDate } from "~/lib/dates";
import { getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { exceptionFilterKey, listExceptions, type ExceptionFilters } from "./exceptions.server";
import { SEVERITY_RANK, type ExceptionSeverity, type ProgrammeException } from "./exceptions.schema";
import {
  ACKNOWLEDGEMENT_MAX_MONTHS,
  type AcknowledgeExceptionInput,
  type AcknowledgedException,
  type ExceptionAcknowledgement,
} from "./exception-acknowledgements.schema";
import { getReportingDate } from "./settings.server";
import { listLocalities } from "./organisations.server";

/** The exception is not there on the reporting date, or this user may not acknowledge it (routes check both first). */
export class AcknowledgementNotAllowedError extends Error {}

export class AcknowledgementRuleError extends Error {
  constructor(
    readonly field: keyof AcknowledgeExceptionInput,
    message: string,
  ) {
    super(message);
  }
}

/** Roles that may open the acknowledge page at all; which exceptions each may acknowledge is `mayAcknowledge`. */
export const ACKNOWLEDGING_ROLES = ["programme", "ig_lead", "ccg", "board"] as const satisfies readonly Role[];

type Acknowledger = { roles: readonly Role[]; organisationId: number };

/**
 * The exception with this key as at `asAt`, and whether this user may acknowledge it: the
 * programme team any; otherwise only a holder of the role that should act, and an IG lead only
 * for exceptions about their own organisation (or an agreement it is party to), or a business
 * case waiting at IG review (every IG lead works that queue). Null when there is no such exception.
 */
export function exceptionToAcknowledge({ key, asAt, user, db = getDb() }: { key: string; asAt: string; user: Acknowledger; db?: DbOrTx }) {
  const exception = listExceptions({ asAt, db }).find((e) => e.id === key);
  if (!exception) return null;
  return { exception, mayAcknowledge: mayAcknowledge({ exception, asAt, user, db }) };
}

export function mayAcknowledge({ exception, asAt, user, db = getDb() }: { exception: ProgrammeException; asAt: string; user: Acknowledger; db?: DbOrTx }) {
  if (user.roles.includes("programme")) return true;
  if (!user.roles.includes(exception.actionRole)) return false;
  if (exception.actionRole !== "ig_lead" || exception.kind === "case_waiting_past_sla") return true;
  return listExceptions({ asAt, role: "ig_lead", organisationId: user.organisationId, db }).some((e) => e.id === exception.id);
}

/** Which of these exceptions the user may acknowledge (one engine call for an IG lead, none otherwise). */
export function acknowledgeableIds({ exceptions, asAt, user, db = getDb() }: { exceptions: readonly ProgrammeException[]; asAt: string; user: Acknowledger; db?: DbOrTx }) {
  if (user.roles.includes("programme")) return new Set(exceptions.map((e) => e.id));
  const own = user.roles.includes("ig_lead") ? new Set(listExceptions({ asAt, role: "ig_lead", organisationId: user.organisationId, db }).map((e) => e.id)) : new Set<string>();
  return new Set(
    exceptions
      .filter((e) => user.roles.includes(e.actionRole) && (e.actionRole !== "ig_lead" || e.kind === "case_waiting_past_sla" || own.has(e.id)))
      .map((e) => e.id),
  );
}

/** The acknowledgements in force on `asAt` (made on or before it, review date after it), the latest for each key. */
export function acknowledgementsInForce({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  const rows = db
    .select({
      exceptionKey: exceptionAcknowledgements.exceptionKey,
      kind: exceptionAcknowledgements.kind,
      severity: exceptionAcknowledgements.severity,
      reason: exceptionAcknowledgements.reason,
      reviewBy: exceptionAcknowledgements.reviewBy,
      acknowledgedOn: exceptionAcknowledgements.acknowledgedOn,
      acknowledgedBy: users.name,
    })
    .from(exceptionAcknowledgements)
    .leftJoin(users, eq(users.id, exceptionAcknowledgements.acknowledgedBy))
    .where(and(lte(exceptionAcknowledgements.acknowledgedOn, asAt), gt(exceptionAcknowledgements.reviewBy, asAt)))
    .orderBy(asc(exceptionAcknowledgements.acknowledgedOn), asc(exceptionAcknowledgements.id))
    .all();
  // Later rows replace earlier ones.
  return new Map(rows.map((r) => [r.exceptionKey, r]));
}

/**
 * Each exception with the acknowledgement in force on `asAt`: one for the same key and kind,
 * made when the exception was at least as severe as it is now (cover that moves from 30 days
 * left to 7 comes back, acknowledged or not).
 */
export function withAcknowledgements<E extends ProgrammeException>(exceptions: readonly E[], { asAt, db = getDb() }: { asAt: string; db?: DbOrTx }): (E & { acknowledgement: ExceptionAcknowledgement | null })[] {
  const inForce = exceptions.length ? acknowledgementsInForce({ asAt, db }) : new Map();
  return exceptions.map((e) => {
    const a = inForce.get(e.id);
    const holds = a && a.kind === e.kind && SEVERITY_RANK[e.severity] >= SEVERITY_RANK[a.severity as ExceptionSeverity];
    return {
      ...e,
      acknowledgement: holds ? { acknowledgedBy: a.acknowledgedBy, acknowledgedOn: a.acknowledgedOn, reason: a.reason, reviewBy: a.reviewBy, severity: a.severity as ExceptionSeverity } : null,
    };
  });
}

/** The engine's list with acknowledgements; `acknowledged: false` keeps only those not acknowledged (the task list). */
export function listExceptionsWithAcknowledgements({ acknowledged, db = getDb(), ...filters }: ExceptionFilters & { acknowledged?: boolean | null; db?: DbOrTx }): AcknowledgedException[] {
  // Kept as the engine's list is: the board pack, the exceptions page and the task list lay the
  // same acknowledgements over the same thousands of exceptions.
  const key = { ...exceptionFilterKey(filters), organisationId: filters.organisationId ?? null, acknowledged: acknowledged ?? null };
  return memoiseByDataVersion("exceptions-with-acknowledgements", key, db, () => {
    const list = withAcknowledgements(listExceptions({ ...filters, db }), { asAt: filters.asAt, db });
    return acknowledged === undefined || acknowledged === null ? list : list.filter((e) => Boolean(e.acknowledgement) === acknowledged);
  });
}

type ExceptionsPageQuery = Omit<ExceptionFilters, "role" | "organisationId"> & { role?: Role | null; acknowledged?: boolean | null; page: number; pageSize: number };

/**
 * One page of the exceptions list with acknowledgements, the counts by severity (which follow every
 * filter but severity itself, so choosing "High" still shows how many medium and low there are),
 * and the locality filter's options. The same for every reader (who may acknowledge which is
 * added per user): kept until a table it read changes, as laying acknowledgements over thousands
 * of exceptions on every view cost more than the rest of the page.
 */
export function exceptionsPage({ db = getDb(), ...query }: ExceptionsPageQuery & { db?: DbOrTx }) {
  const key = { ...exceptionFilterKey(query), acknowledged: query.acknowledged ?? null, page: query.page, pageSize: query.pageSize };
  return memoiseByDataVersion("exceptions-page", key, db, () => {
    const { severity, page, pageSize, ...others } = key;
    const matching = listExceptionsWithAcknowledgements({ ...others, db });
    const counts: Record<ExceptionSeverity, number> = { high: 0, medium: 0, low: 0 };
    for (const e of matching) counts[e.severity]++;
    const exceptions = severity ? matching.filter((e) => e.severity === severity) : matching;
    const start = (page - 1) * pageSize;
    return { counts, total: exceptions.length, rows: exceptions.slice(start, start + pageSize), localities: listLocalities({ db }) };
  });
}

/** The review-by dates allowed when acknowledging on `today`: after it, at most ACKNOWLEDGEMENT_MAX_MONTHS later. */
export function reviewByBounds(today: string) {
  return { after: today, latest: addMonthsIso(today, ACKNOWLEDGEMENT_MAX_MONTHS) };
}

/**
 * Records that `user` acknowledges the exception `key`, dated on the reporting date (the app's
 * "today"), in force until `reviewBy`; audited in the same transaction (which also moves the data
 * version, so cached figures and task counts are worked out again).
 */
export function acknowledgeException({ actor, user, key, input }: { actor: Actor; user: Acknowledger & { id: number }; key: string; input: AcknowledgeExceptionInput }) {
  const today = getReportingDate();
  const found = exceptionToAcknowledge({ key, asAt: today, user });
  if (!found) throw new AcknowledgementNotAllowedError(`There is no exception ${key} on ${formatDate(today)}, the reporting date.`);
  if (!found.mayAcknowledge) throw new AcknowledgementNotAllowedError("Only the role that should act on this exception, or the programme team, may acknowledge it.");
  const { latest } = reviewByBounds(today);
  if (input.reviewBy <= today) throw new AcknowledgementRuleError("reviewBy", `Enter a review date after today, ${formatDate(today)}`);
  if (input.reviewBy > latest) throw new AcknowledgementRuleError("reviewBy", `Enter a review date no later than ${formatDate(latest)}, ${ACKNOWLEDGEMENT_MAX_MONTHS} months from today`);
  const { exception } = found;
  return transaction((tx) => {
    const before = acknowledgementsInForce({ asAt: today, db: tx }).get(key) ?? null;
    const row = tx
      .insert(exceptionAcknowledgements)
      .values({
        exceptionKey: key,
        kind: exception.kind,
        subject: key.slice(key.indexOf(":") + 1),
        severity: exception.severity,
        reason: input.reason,
        reviewBy: input.reviewBy,
        acknowledgedBy: user.id,
        acknowledgedOn: today,
      })
      .returning()
      .get();
    audit(tx, actor, { action: "exception.acknowledged", entityType: "exception", entityId: key, before, after: row });
    return { acknowledgement: row, exception };
  });
}
