// Signing an agreement version: sending it for signature, each party's IG lead signing or
// declining for their own organisation, and the one place a version becomes active (superseding
// the version it replaces). Every rule of signing is enforced here, whoever calls.
import { and, asc, count, desc, eq, inArray, sql } from "drizzle-orm";
import { agreementParties, agreementSignatures, agreements, dpias } from "../../db/schema";
import { getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";
import { formatDate } from "~/lib/dates";
import { getReportingDate } from "~/models/settings.server";
import { inSentence, listInWords } from "~/lib/words";
import { AGREEMENT_STATUS_LABELS, dpiaSigningProblem } from "~/models/agreements.schema";
import { GovernanceError, GovernanceFieldError } from "~/models/governance-errors.server";
import { assertMayManage, hasRole, latestVersionRow, partiesOf, requireLatest, snapshot, type GovernanceUser } from "~/models/agreements.server";
import type { SignInput } from "~/models/agreements.schema";
import { notifyAgreementSigned, notifySignaturesRequested } from "~/models/notifications.server";

const nowIso = () => new Date().toISOString();

/** Every party's signature requested afresh (nothing signed or declined is kept). */
export function requestEverySignature(db: DbOrTx, agreementId: number) {
  db.delete(agreementSignatures).where(eq(agreementSignatures.agreementId, agreementId)).run();
  const parties = db.select({ id: agreementParties.id }).from(agreementParties).where(eq(agreementParties.agreementId, agreementId)).all();
  if (parties.length) {
    const at = nowIso();
    db.insert(agreementSignatures)
      .values(parties.map((p) => ({ agreementId, partyId: p.id, status: "requested" as const, requestedAt: at })))
      .run();
  }
}


/** The parties that have already answered this version (signed or declined), by organisation name. */
export function answersGiven(db: DbOrTx, agreementId: number) {
  const parties = partiesOf(db, agreementId);
  return {
    signed: parties.filter((p) => p.signatureStatus === "signed").map((p) => p.organisationName),
    declined: parties.filter((p) => p.signatureStatus === "declined").map((p) => p.organisationName),
  };
}

/** The answers already given to the latest version while it awaits signatures (none otherwise), for the change form's warning. */
export function answersGivenToLatest({ reference, db = getDb() }: { reference: string; db?: DbOrTx }) {
  const row = latestVersionRow(db, reference);
  if (!row || row.status !== "awaiting_signatures") return { signed: [], declined: [] };
  return answersGiven(db, row.id);
}

/** What a person changing a version awaiting signatures is told before a material change: who has to sign again. */
export function resignWarning({ signed, declined }: { signed: readonly string[]; declined: readonly string[] }) {
  const given = [
    signed.length ? `${listInWords(signed)} ${signed.length === 1 ? "has" : "have"} signed the current version` : "",
    declined.length ? `${listInWords(declined)} declined it` : "",
  ].filter(Boolean);
  return `This change means every party must sign again: ${given.join(", and ")}. Their answers stay in the version's history.`;
}

/** Refuses to send a version for signature while its DPIA says it should not be signed (see dpiaSigningProblem). */
function assertDpiaAllowsSigning(db: DbOrTx, agreementId: number) {
  const dpia = db.select().from(dpias).where(eq(dpias.agreementId, agreementId)).get() ?? null;
  const problem = dpiaSigningProblem(dpia);
  if (problem) throw new GovernanceFieldError("send", problem);
}

/**
 * Sends a draft for signature: every party's signature is requested. Sent again while awaiting
 * signatures, it asks the parties that declined once more. Either way the DPIA must allow it:
 * recorded, complete (or not required), and any high residual risk taken to the ICO.
 */
export function sendForSignature({ actor, user, reference, db }: { actor: Actor; user: GovernanceUser; reference: string; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    const row = requireLatest(tx, reference);
    assertMayManage(tx, user, row);
    const before = snapshot(tx, row.id);
    const at = nowIso();
    if (row.status === "draft") {
      const parties = tx.select({ n: count() }).from(agreementParties).where(eq(agreementParties.agreementId, row.id)).get()!.n;
      if (parties < 2) throw new GovernanceError(409, "Name at least two parties before sending the agreement for signature");
      assertDpiaAllowsSigning(tx, row.id);
      requestEverySignature(tx, row.id);
      tx.update(agreements)
        .set({ status: "awaiting_signatures", sentForSignatureOn: getReportingDate(tx), sentForSignatureAt: at, updatedAt: at })
        .where(eq(agreements.id, row.id))
        .run();
      audit(tx, actor, { action: "agreement.send_for_signature", entityType: "agreement", entityId: reference, before, after: snapshot(tx, row.id) });
      notifySignaturesRequested(tx, { agreementId: row.id });
      return { reference, version: row.version, requested: parties };
    }
    if (row.status === "awaiting_signatures") {
      assertDpiaAllowsSigning(tx, row.id);
      const declined = tx
        .update(agreementSignatures)
        .set({ status: "requested", requestedAt: at, signedByUserId: null, signatoryName: null, signatoryRole: null, signedOn: null, declineReason: null, authorityDeclared: false })
        .where(and(eq(agreementSignatures.agreementId, row.id), eq(agreementSignatures.status, "declined")))
        .returning()
        .all();
      if (!declined.length) throw new GovernanceError(409, `${reference} is already waiting for signatures`);
      tx.update(agreements).set({ updatedAt: at }).where(eq(agreements.id, row.id)).run();
      audit(tx, actor, { action: "agreement.signatures_rerequested", entityType: "agreement", entityId: reference, before, after: snapshot(tx, row.id) });
      notifySignaturesRequested(tx, { agreementId: row.id });
      return { reference, version: row.version, requested: declined.length };
    }
    throw new GovernanceError(409, `Version ${row.version} of ${reference} is ${inSentence(AGREEMENT_STATUS_LABELS[row.status as keyof typeof AGREEMENT_STATUS_LABELS])}: only a draft is sent for signature`);
  };
  return db ? run(db) : transaction(run);
}

/** Whether the user is an IG lead of a party to the latest version (who may sign or decline it); checked before any input. */
export function maySignForParty({ user, reference, db = getDb() }: { user: GovernanceUser; reference: string; db?: DbOrTx }) {
  if (!hasRole(user, "ig_lead")) return false;
  const row = latestVersionRow(db, reference);
  if (!row) return false;
  return Boolean(
    db
      .select({ id: agreementParties.id })
      .from(agreementParties)
      .where(and(eq(agreementParties.agreementId, row.id), eq(agreementParties.organisationId, user.organisationId)))
      .get(),
  );
}

/**
 * The signature of the user's own organisation, if it is a party to the latest version and its
 * signature is waiting. The WHERE clause is the rule: nobody acts for another organisation.
 */
function ownWaitingSignature(db: DbOrTx, user: GovernanceUser, reference: string) {
  if (!hasRole(user, "ig_lead")) throw new GovernanceError(403, "Only an IG lead signs agreements, for their own organisation");
  const row = requireLatest(db, reference);
  const party = db
    .select({ partyId: agreementParties.id, status: agreementSignatures.status, signatureId: agreementSignatures.id })
    .from(agreementParties)
    .leftJoin(agreementSignatures, eq(agreementSignatures.partyId, agreementParties.id))
    .where(and(eq(agreementParties.agreementId, row.id), eq(agreementParties.organisationId, user.organisationId)))
    .get();
  if (!party) throw new GovernanceError(403, `Your organisation is not a party to ${reference}: you cannot sign or decline it`);
  if (row.status !== "awaiting_signatures") throw new GovernanceError(409, `Version ${row.version} of ${reference} is not waiting for signatures`);
  if (party.status !== "requested" || party.signatureId === null) throw new GovernanceError(409, `Your organisation has already ${party.status ?? "answered"} ${reference}`);
  return { row, partyId: party.partyId };
}

/** Stored statuses of a version every party signed. */
const FULLY_SIGNED = ["active", "superseded", "expired", "terminated"];

/**
 * What the signing page needs, in every state the latest version can be in, so the page can say
 * what the state is and what to do: "waiting" (this organisation's signature is requested: the
 * form), "signed" or "declined" by this organisation while others are still to answer, "draft"
 * (not sent yet) and "all_signed" (every party signed; it may since have ended). Only someone who
 * may not sign for a party is refused (403), or an agreement that does not exist (404).
 */
export function signatureRequestFor({ user, reference, db = getDb() }: { user: GovernanceUser; reference: string; db?: DbOrTx }) {
  if (!hasRole(user, "ig_lead")) throw new GovernanceError(403, "Only an IG lead signs agreements, for their own organisation");
  const latest = requireLatest(db, reference);
  const parties = partiesOf(db, latest.id);
  const own = parties.find((p) => p.organisationId === user.organisationId);
  if (!own) throw new GovernanceError(403, `Your organisation is not a party to ${reference}: you cannot sign or decline it`);
  const base = { reference, version: latest.version, title: latest.title, effectiveOn: latest.effectiveOn, sentForSignatureOn: latest.sentForSignatureOn };
  if (FULLY_SIGNED.includes(latest.status)) {
    const signatures = parties.map((p) => ({ organisationName: p.organisationName, odsCode: p.odsCode, signatoryName: p.signatoryName, signatoryRole: p.signatoryRole, signedOn: p.signedOn }));
    const ended = latest.status === "expired" || latest.status === "terminated" ? { status: latest.status, endedOn: latest.endedOn, endReason: latest.endReason } : null;
    return { ...base, state: "all_signed" as const, activatedOn: latest.activatedOn, ended, reportingDate: getReportingDate(db), signatures };
  }
  if (latest.status !== "awaiting_signatures" || own.signatureStatus === null) return { ...base, state: "draft" as const };
  const waitingFor = parties.filter((p) => p.signatureStatus === "requested").map((p) => p.organisationName);
  const declinedBy = parties.filter((p) => p.signatureStatus === "declined").map((p) => p.organisationName);
  if (own.signatureStatus === "signed") {
    return { ...base, state: "signed" as const, signedOn: own.signedOn, signatoryName: own.signatoryName, waitingFor, declinedBy };
  }
  if (own.signatureStatus === "declined") {
    return { ...base, state: "declined" as const, declinedOn: own.signedOn, signatoryName: own.signatoryName, declineReason: own.declineReason, waitingFor };
  }
  return { ...base, state: "waiting" as const, earlierSignature: earlierSignatureOf(db, latest, user.organisationId) };
}

/**
 * When the version waiting replaced one this organisation had already signed (a material change
 * while awaiting signatures), that earlier signature: the page says why it is asked again.
 */
function earlierSignatureOf(db: DbOrTx, row: typeof agreements.$inferSelect, organisationId: number) {
  if (!row.previousVersionId) return null;
  const previous = db.select().from(agreements).where(eq(agreements.id, row.previousVersionId)).get();
  if (!previous || previous.activatedOn !== null) return null;
  const signature = partiesOf(db, previous.id).find((p) => p.organisationId === organisationId && p.signatureStatus === "signed");
  return signature ? { version: previous.version, signedOn: signature.signedOn } : null;
}

/** A signature is dated between the version being sent for signature and the reporting date. */
function assertSignatureDate(row: typeof agreements.$inferSelect, signedOn: string, reportingDate: string) {
  const sentOn = row.sentForSignatureOn;
  if (signedOn > reportingDate || (sentOn !== null && signedOn < sentOn)) {
    const from = sentOn ? `${formatDate(sentOn)}, when version ${row.version} was sent for signature, ` : "";
    throw new GovernanceFieldError(
      "signedOn",
      from ? `Enter the date you sign: between ${from}and the reporting date, ${formatDate(reportingDate)}` : `Enter the date you sign: on or before the reporting date, ${formatDate(reportingDate)}`,
    );
  }
}

/**
 * Signs for the user's own organisation. When that was the last signature the agreement becomes
 * active, in force from its effective date (or the day the last signature is recorded, if later),
 * and the version it replaces is superseded from that date.
 */
export function signAgreement({ actor, user, reference, input, db }: { actor: Actor; user: GovernanceUser; reference: string; input: SignInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    const { row, partyId } = ownWaitingSignature(tx, user, reference);
    const reportingDate = getReportingDate(tx);
    assertSignatureDate(row, input.signedOn, reportingDate);
    const before = snapshot(tx, row.id);
    const ownParties = tx
      .select({ id: agreementParties.id })
      .from(agreementParties)
      .where(and(eq(agreementParties.agreementId, row.id), eq(agreementParties.organisationId, user.organisationId)));
    const signed = tx
      .update(agreementSignatures)
      .set({
        status: "signed",
        signedByUserId: user.id,
        signatoryName: input.signatoryName,
        signatoryRole: input.signatoryRole,
        signedOn: input.signedOn,
        authorityDeclared: true,
        declineReason: null,
      })
      .where(and(eq(agreementSignatures.partyId, partyId), inArray(agreementSignatures.partyId, ownParties), eq(agreementSignatures.status, "requested")))
      .returning()
      .all();
    if (signed.length !== 1) throw new GovernanceError(409, "Your organisation's signature is no longer waiting");
    audit(tx, actor, { action: "agreement.sign", entityType: "agreement", entityId: reference, before, after: snapshot(tx, row.id) });
    const activated = activateIfFullySigned(tx, actor, row.id);
    return { reference, version: row.version, activated: activated !== null, activatedOn: activated };
  };
  return db ? run(db) : transaction(run);
}

/**
 * The one place an agreement becomes active: only when every party has a signature and every
 * signature is signed. Returns the date it is in force from, or null while any is missing.
 */
function activateIfFullySigned(tx: DbOrTx, actor: Actor, agreementId: number): string | null {
  const row = tx.select().from(agreements).where(eq(agreements.id, agreementId)).get()!;
  if (row.status !== "awaiting_signatures") return null;
  const tally = tx
    .select({
      parties: count(agreementParties.id),
      signed: sql<number>`coalesce(sum(case when ${agreementSignatures.status} = 'signed' then 1 else 0 end), 0)`,
    })
    .from(agreementParties)
    .leftJoin(agreementSignatures, eq(agreementSignatures.partyId, agreementParties.id))
    .where(eq(agreementParties.agreementId, agreementId))
    .get()!;
  if (tally.parties < 2 || Number(tally.signed) !== tally.parties) return null;
  const before = snapshot(tx, agreementId);
  // In force from its effective date, or from the day the last signature is recorded if later: a
  // signature dated earlier does not make past sharing covered after the fact, so figures as at
  // past dates never move.
  const recordedOn = getReportingDate(tx);
  const activatedOn = recordedOn > row.effectiveOn ? recordedOn : row.effectiveOn;
  const at = nowIso();
  tx.update(agreements).set({ status: "active", activatedOn, updatedAt: at }).where(and(eq(agreements.id, agreementId), eq(agreements.status, "awaiting_signatures"))).run();
  audit(tx, actor, {
    action: "agreement.activate",
    entityType: "agreement",
    entityId: row.reference,
    before,
    after: { ...snapshot(tx, agreementId), note: `In force from ${formatDate(activatedOn)}` },
  });
  notifyAgreementSigned(tx, { agreementId });
  // The version in force until now (an earlier version of the same reference), whichever version this one replaced.
  const previous = tx
    .select()
    .from(agreements)
    .where(and(eq(agreements.reference, row.reference), eq(agreements.status, "active"), sql`${agreements.version} < ${row.version}`))
    .orderBy(desc(agreements.version))
    .limit(1)
    .get();
  if (previous) {
    const beforePrevious = snapshot(tx, previous.id);
    tx.update(agreements)
      .set({ status: "superseded", endedOn: activatedOn, endReason: `Superseded by version ${row.version}`, updatedAt: at })
      .where(eq(agreements.id, previous.id))
      .run();
    audit(tx, actor, {
      action: "agreement.supersede",
      entityType: "agreement",
      entityId: row.reference,
      before: beforePrevious,
      after: { ...snapshot(tx, previous.id), note: `Version ${previous.version} superseded by version ${row.version} from ${formatDate(activatedOn)}` },
    });
  }
  return activatedOn;
}

/** Declines to sign for the user's own organisation, with the reason; the agreement cannot become active until it is asked again. */
export function declineAgreement({ actor, user, reference, reason, db }: { actor: Actor; user: GovernanceUser; reference: string; reason: string; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    const { row, partyId } = ownWaitingSignature(tx, user, reference);
    const before = snapshot(tx, row.id);
    const declined = tx
      .update(agreementSignatures)
      .set({ status: "declined", signedByUserId: user.id, signatoryName: user.name, signedOn: getReportingDate(tx), declineReason: reason, authorityDeclared: false })
      .where(and(eq(agreementSignatures.partyId, partyId), eq(agreementSignatures.status, "requested")))
      .returning()
      .all();
    if (declined.length !== 1) throw new GovernanceError(409, "Your organisation's signature is no longer waiting");
    audit(tx, actor, { action: "agreement.decline", entityType: "agreement", entityId: reference, before, after: { ...snapshot(tx, row.id), note: reason } });
    return { reference, version: row.version };
  };
  return db ? run(db) : transaction(run);
}

/**
 * Agreements waiting for this organisation's signature (its party's signature requested on a
 * version awaiting signatures), oldest request first: what its IG lead has to sign.
 */
export function agreementsAwaitingSignatureBy({ organisationId, db = getDb() }: { organisationId: number; db?: DbOrTx }) {
  return db
    .select({ reference: agreements.reference, version: agreements.version, title: agreements.title, effectiveOn: agreements.effectiveOn, requestedAt: agreementSignatures.requestedAt })
    .from(agreementSignatures)
    .innerJoin(agreementParties, eq(agreementParties.id, agreementSignatures.partyId))
    .innerJoin(agreements, eq(agreements.id, agreementSignatures.agreementId))
    .where(and(eq(agreementParties.organisationId, organisationId), eq(agreementSignatures.status, "requested"), eq(agreements.status, "awaiting_signatures")))
    .orderBy(asc(agreementSignatures.requestedAt), asc(agreements.reference))
    .all();
}

/** How many agreements wait for this organisation's signature (one indexed count, for the header). */
export function countAgreementsAwaitingSignatureBy({ organisationId, db = getDb() }: { organisationId: number; db?: DbOrTx }) {
  return (
    db
      .select({ n: count() })
      .from(agreementSignatures)
      .innerJoin(agreementParties, eq(agreementParties.id, agreementSignatures.partyId))
      .innerJoin(agreements, eq(agreements.id, agreementSignatures.agreementId))
      .where(and(eq(agreementParties.organisationId, organisationId), eq(agreementSignatures.status, "requested"), eq(agreements.status, "awaiting_signatures")))
      .get()?.n ?? 0
  );
}
