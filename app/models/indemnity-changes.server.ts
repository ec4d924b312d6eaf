// Changes to the CCG's indemnity register: only the ccg role, one transaction each, audited.
// Adding and renewing cover add rows; ending cover early is a dated change (read from the day it
// was recorded, see coverEndAsAtSql in indemnity.server.ts); a correction fixes a mistake in place.
import { and, asc, eq, inArray } from "drizzle-orm";
import { auditLog, indemnityCovers, organisations } from "../../db/schema";
import { getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";
import { addDaysIso, addMonthsIso, formatDate } from "~/lib/dates";
import { getReportingDate } from "~/models/settings.server";
import { GovernanceError, GovernanceFieldError } from "~/models/governance-errors.server";
import type { GovernanceUser } from "~/models/agreements.server";
import type { CoverCorrectionInput, CoverInput, EndCoverEarlyInput, NewCoverInput } from "~/models/indemnity.schema";
import { eligibleForCoverNowSql } from "~/models/indemnity.server";

const nowIso = () => new Date().toISOString();

function assertCcg(user: GovernanceUser) {
  if (!user.roles.includes("ccg")) throw new GovernanceError(403, "Only the CCG changes indemnity cover");
}

function coverRow(db: DbOrTx, id: number) {
  return db.select().from(indemnityCovers).where(eq(indemnityCovers.id, id)).get();
}

const NOT_A_PRACTICE_FIELD_MESSAGE =
  "Choose a GP practice that is active: the CCG indemnifies practices against claims of illegal sharing, not the organisations (such as private providers) that view their records";

function assertDates(input: { startOn: string; endOn: string }) {
  if (input.endOn <= input.startOn) throw new GovernanceFieldError("endOn", "Enter an end date after the start date");
}

/** New cover for an organisation the CCG indemnifies. */
export function createCover({ actor, user, input, db }: { actor: Actor; user: GovernanceUser; input: NewCoverInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    assertCcg(user);
    assertDates(input);
    const org = tx.select({ id: organisations.id }).from(organisations).where(and(eq(organisations.id, input.organisationId), eligibleForCoverNowSql())).get();
    if (!org) throw new GovernanceFieldError("organisationId", NOT_A_PRACTICE_FIELD_MESSAGE);
    const at = nowIso();
    const row = tx
      .insert(indemnityCovers)
      .values({ ...input, createdBy: user.id, createdAt: at, updatedAt: at })
      .returning()
      .get();
    audit(tx, actor, { action: "indemnity.create", entityType: "indemnity_cover", entityId: row.id, after: row });
    return row;
  };
  return db ? run(db) : transaction(run);
}

/** Renews cover: a new cover row that follows it (renewsCoverId), the old row kept as history. */
export function renewCover({ actor, user, coverId, input, db }: { actor: Actor; user: GovernanceUser; coverId: number; input: CoverInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    assertCcg(user);
    const old = coverRow(tx, coverId);
    if (!old) throw new GovernanceError(404, "There is no such cover");
    if (old.status === "revoked") throw new GovernanceError(409, "Revoked cover is not renewed: add new cover for the organisation instead");
    const holder = tx.select({ type: organisations.type }).from(organisations).where(eq(organisations.id, old.organisationId)).get();
    if (old.notCountedReason || holder?.type !== "gp_practice") {
      throw new GovernanceError(409, "This cover is kept as history and is not renewed: the CCG indemnifies GP practices, not the organisations that view their records. Add cover for the practices instead.");
    }
    const renewal = tx
      .select({ id: indemnityCovers.id })
      .from(indemnityCovers)
      .where(and(eq(indemnityCovers.renewsCoverId, coverId), inArray(indemnityCovers.status, ["active", "pending"])))
      .get();
    if (renewal) throw new GovernanceError(409, "This cover has already been renewed");
    assertDates(input);
    if (input.startOn <= old.startOn) throw new GovernanceFieldError("startOn", `Enter a start date after the start of the cover it renews (${formatDate(old.startOn)})`);
    const at = nowIso();
    const row = tx
      .insert(indemnityCovers)
      .values({ ...input, organisationId: old.organisationId, renewsCoverId: old.id, createdBy: user.id, createdAt: at, updatedAt: at })
      .returning()
      .get();
    audit(tx, actor, { action: "indemnity.renew", entityType: "indemnity_cover", entityId: row.id, before: old, after: row });
    return row;
  };
  return db ? run(db) : transaction(run);
}

/**
 * Ends cover early: a dated change, not an edit. The signed end date stays; the last day of cover,
 * the reason and the day it was recorded (the reporting date) are added, and every figure as at
 * that day or later reads the early end (earlier figures do not move).
 */
export function endCoverEarly({ actor, user, coverId, input, db }: { actor: Actor; user: GovernanceUser; coverId: number; input: EndCoverEarlyInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    assertCcg(user);
    const before = coverRow(tx, coverId);
    if (!before) throw new GovernanceError(404, "There is no such cover");
    if (before.endedOn) {
      throw new GovernanceError(409, `This cover was already ended early, on ${formatDate(before.endedOn)}. If that date was recorded wrongly, correct the mistake instead.`);
    }
    if (!(before.status === "active" || before.status === "lapsed") || before.notCountedReason) {
      throw new GovernanceError(409, "Only signed cover that counts can be ended early. If this cover was recorded wrongly, correct the mistake instead.");
    }
    if (input.endedOn < before.startOn) throw new GovernanceFieldError("endedOn", `Enter a date on or after the day the cover started, ${formatDate(before.startOn)}`);
    if (input.endedOn >= before.endOn) {
      throw new GovernanceFieldError("endedOn", `Enter a date before the signed end date, ${formatDate(before.endOn)}: cover signed to that date ends then without being ended early`);
    }
    const recordedOn = getReportingDate(tx);
    tx.update(indemnityCovers)
      .set({ endedOn: input.endedOn, endedRecordedOn: recordedOn, endReason: input.endReason, updatedAt: nowIso() })
      .where(eq(indemnityCovers.id, coverId))
      .run();
    const after = coverRow(tx, coverId)!;
    audit(tx, actor, {
      action: "indemnity.end",
      entityType: "indemnity_cover",
      entityId: coverId,
      before,
      after: { ...after, note: `Ended early on ${formatDate(input.endedOn)} (recorded ${formatDate(recordedOn)}): ${input.endReason}` },
    });
    return after;
  };
  return db ? run(db) : transaction(run);
}

/**
 * Corrects a mistake in what was recorded (its dates, status, scope or document, and the date it
 * was ended early), in place: a correction changes the cover on every date, so it needs a reason
 * and is marked as a correction in the cover's history. An early ending is not added here: that
 * is a dated change (endCoverEarly); an ending recorded in error is removed by leaving its date empty.
 */
export function correctCover({ actor, user, coverId, input, db }: { actor: Actor; user: GovernanceUser; coverId: number; input: CoverCorrectionInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    assertCcg(user);
    const before = coverRow(tx, coverId);
    if (!before) throw new GovernanceError(404, "There is no such cover");
    const { endedOn, correctionReason, ...fields } = input;
    assertDates(fields);
    if (endedOn && !before.endedOn) {
      throw new GovernanceFieldError("endedOn", "This cover was not ended early. To end it early from a date, use \"End this cover early\" instead of correcting it");
    }
    if (endedOn && endedOn < fields.startOn) throw new GovernanceFieldError("endedOn", `Enter a date on or after the start date, ${formatDate(fields.startOn)}`);
    if (endedOn && endedOn >= fields.endOn) throw new GovernanceFieldError("endedOn", `Enter a date before the signed end date, ${formatDate(fields.endOn)}, or leave it empty if the cover was never ended early`);
    // An ending recorded in error goes altogether; a corrected one keeps the day it was recorded.
    const ending = before.endedOn && !endedOn ? { endedOn: null, endedRecordedOn: null, endReason: null } : endedOn ? { endedOn } : {};
    tx.update(indemnityCovers)
      .set({ ...fields, ...ending, updatedAt: nowIso() })
      .where(eq(indemnityCovers.id, coverId))
      .run();
    const after = coverRow(tx, coverId)!;
    audit(tx, actor, { action: "indemnity.correct", entityType: "indemnity_cover", entityId: coverId, before, after: { ...after, correction: true, note: correctionReason } });
    return after;
  };
  return db ? run(db) : transaction(run);
}

const COVER_HISTORY_ACTIONS = {
  "indemnity.create": "Recorded",
  "indemnity.renew": "Recorded as a renewal",
  "indemnity.end": "Ended early",
  "indemnity.correct": "Corrected",
  "indemnity.update": "Changed (before changes and corrections were told apart)",
} as const;

/** What has been recorded about one cover, oldest first, from the audit log: corrections are marked as such, with their reason. */
export function coverHistory({ coverId, db = getDb() }: { coverId: number; db?: DbOrTx }) {
  return db
    .select({ id: auditLog.id, at: auditLog.at, action: auditLog.action, actorLabel: auditLog.actorLabel, after: auditLog.after })
    .from(auditLog)
    .where(and(eq(auditLog.entityType, "indemnity_cover"), eq(auditLog.entityId, String(coverId)), inArray(auditLog.action, Object.keys(COVER_HISTORY_ACTIONS))))
    .orderBy(asc(auditLog.id))
    .all()
    .map(({ id, at, action, actorLabel, after }) => {
      const note = after ? (JSON.parse(after) as { note?: unknown }).note : undefined;
      return {
        id,
        recordedOn: at.slice(0, 10),
        actorLabel,
        what: COVER_HISTORY_ACTIONS[action as keyof typeof COVER_HISTORY_ACTIONS],
        correction: action === "indemnity.correct",
        note: typeof note === "string" ? note : null,
      };
    });
}
export type CoverHistoryEntry = ReturnType<typeof coverHistory>[number];

/** Defaults for a renewal form: starts the day after the old cover ends and runs for two years. */
export function renewalDefaults(cover: { endOn: string; scope: string }) {
  const startOn = addDaysIso(cover.endOn, 1);
  return { scope: cover.scope, startOn, endOn: addDaysIso(addMonthsIso(startOn, 24), -1), status: "active" as const };
}
