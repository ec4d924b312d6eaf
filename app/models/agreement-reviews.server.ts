// Reviewing an agreement in force: an IG lead of a party records that the review was done (who,
// when, the outcome, a note), which sets the next review date and so clears the review exception.
import { and, desc, eq, isNotNull, lte } from "drizzle-orm";
import { agreementParties, agreementReviews, agreements } from "../../db/schema";
import { getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";
import { addMonthsIso, formatDate } from "~/lib/dates";
import { REVIEW_OUTCOME_LABELS, type ReviewInput } from "~/models/agreements.schema";
import { hasRole, latestVersionRow, reviewOnSql, type GovernanceUser } from "~/models/agreements.server";
import { GovernanceError, GovernanceFieldError } from "~/models/governance-errors.server";
import { getReportingDate } from "~/models/settings.server";

/** The version of `reference` in force on `asAt` (signed by every party, in force from on or before it, not ended), if any. */
function versionInForce(db: DbOrTx, reference: string, asAt: string) {
  return (
    db
      .select()
      .from(agreements)
      .where(and(eq(agreements.reference, reference), eq(agreements.status, "active"), isNotNull(agreements.activatedOn), lte(agreements.activatedOn, asAt)))
      .orderBy(desc(agreements.version))
      .limit(1)
      .get() ?? null
  );
}

function isParty(db: DbOrTx, agreementId: number, organisationId: number) {
  return Boolean(
    db
      .select({ id: agreementParties.id })
      .from(agreementParties)
      .where(and(eq(agreementParties.agreementId, agreementId), eq(agreementParties.organisationId, organisationId)))
      .get(),
  );
}

/**
 * The rule for who reviews: an IG lead of an organisation that is party to the version in force.
 * The review is an information governance judgement the parties own, so the programme team (who
 * may change an agreement's paperwork) does not record one.
 */
function assertMayReview(db: DbOrTx, user: GovernanceUser, reference: string, asAt: string) {
  if (!hasRole(user, "ig_lead")) throw new GovernanceError(403, "Only an IG lead of a party records an agreement's review");
  if (!latestVersionRow(db, reference)) throw new GovernanceError(404, `There is no agreement ${reference}`);
  const row = versionInForce(db, reference, asAt);
  if (!row) throw new GovernanceError(409, `${reference} has no version in force on ${formatDate(asAt)}: only an agreement in force is reviewed`);
  if (!isParty(db, row.id, user.organisationId)) throw new GovernanceError(403, `Your organisation is not a party to ${reference}: an IG lead of a party records its review`);
  return row;
}

/** Whether the user may record a review of `reference` now (for showing the button; the write checks again). */
export function mayReviewAgreement({ user, reference, db = getDb() }: { user: GovernanceUser; reference: string; db?: DbOrTx }) {
  if (!hasRole(user, "ig_lead")) return false;
  const row = versionInForce(db, reference, getReportingDate(db));
  return Boolean(row && isParty(db, row.id, user.organisationId));
}

/** The earliest date a review of this version may carry: the day it came into force, or the latest review already recorded. */
function earliestReviewDate(db: DbOrTx, row: typeof agreements.$inferSelect) {
  const latest = db
    .select({ reviewedOn: agreementReviews.reviewedOn })
    .from(agreementReviews)
    .where(eq(agreementReviews.agreementId, row.id))
    .orderBy(desc(agreementReviews.reviewedOn))
    .limit(1)
    .get();
  return { from: latest && latest.reviewedOn > row.activatedOn! ? latest.reviewedOn : row.activatedOn!, hasEarlierReview: Boolean(latest) };
}

/** What the review form needs: the version in force, its review date as it stands, and the dates a review may carry. */
export function reviewFormFor({ user, reference, db = getDb() }: { user: GovernanceUser; reference: string; db?: DbOrTx }) {
  const reportingDate = getReportingDate(db);
  const row = assertMayReview(db, user, reference, reportingDate);
  const { reviewOn } = db.select({ reviewOn: reviewOnSql(reportingDate) }).from(agreements).where(eq(agreements.id, row.id)).get()!;
  const { from } = earliestReviewDate(db, row);
  return { reference, version: row.version, title: row.title, reviewOn, reviewIntervalMonths: row.reviewIntervalMonths, earliest: from, reportingDate };
}

/**
 * Records a review of the version in force, dated between the later of the day it came into force
 * and its latest review, and the reporting date. The next review falls one review interval after
 * the review date; the review state (and its exception) reads the latest review on each date.
 */
export function recordAgreementReview({ actor, user, reference, input, db }: { actor: Actor; user: GovernanceUser; reference: string; input: ReviewInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    const reportingDate = getReportingDate(tx);
    const row = assertMayReview(tx, user, reference, reportingDate);
    const { from, hasEarlierReview } = earliestReviewDate(tx, row);
    if (input.reviewedOn > reportingDate || input.reviewedOn < from) {
      const since = hasEarlierReview ? `the last review, on ${formatDate(from)}` : `the day version ${row.version} came into force, ${formatDate(from)}`;
      throw new GovernanceFieldError("reviewedOn", `Enter a review date between ${since}, and the reporting date, ${formatDate(reportingDate)}`);
    }
    const nextReviewOn = addMonthsIso(input.reviewedOn, row.reviewIntervalMonths);
    const before = tx.select({ reviewOn: reviewOnSql(reportingDate) }).from(agreements).where(eq(agreements.id, row.id)).get()!;
    const review = tx
      .insert(agreementReviews)
      .values({ agreementId: row.id, reviewedOn: input.reviewedOn, reviewedByUserId: user.id, reviewerName: user.name, outcome: input.outcome, note: input.note, nextReviewOn })
      .returning()
      .get();
    tx.update(agreements).set({ updatedAt: new Date().toISOString() }).where(eq(agreements.id, row.id)).run();
    audit(tx, actor, {
      action: "agreement.review",
      entityType: "agreement",
      entityId: reference,
      before: { version: row.version, reviewOn: before.reviewOn },
      after: {
        ...review,
        version: row.version,
        note: `${REVIEW_OUTCOME_LABELS[input.outcome]}; next review on ${formatDate(nextReviewOn)}${input.note ? `. ${input.note}` : ""}`,
      },
    });
    return { reference, version: row.version, outcome: input.outcome, nextReviewOn };
  };
  return db ? run(db) : transaction(run);
}
