// Changing an agreement: creating it, changing a version (in place while a draft, as a new version
// once signed), ending it, and its DPIA. Every rule of what a change needs is enforced here.
import { and, desc, eq, inArray } from "drizzle-orm";
import { agreementCoverage, agreementParties, agreements, deployments, dpias, organisations, services } from "../../db/schema";
import { getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";
import { addMonthsIso, formatDate } from "~/lib/dates";
import { getReportingDate } from "~/models/settings.server";
import { inSentence } from "~/lib/words";
import { AGREEMENT_STATUS_LABELS, dpiaSigningProblem } from "~/models/agreements.schema";
import { GovernanceError, GovernanceFieldError } from "~/models/governance-errors.server";
import { assertMayManage, hasRole, latestVersionRow, requireLatest, snapshot, type GovernanceUser } from "~/models/agreements.server";
import { answersGiven, requestEverySignature, resignWarning } from "~/models/agreement-signing.server";
import { notifySignaturesRequested } from "~/models/notifications.server";
import { COVERAGE_VALUE, type AgreementInput, type DpiaInput, type EndAgreementInput, type NewAgreementInput, type PartyInput } from "~/models/agreements.schema";

const nowIso = () => new Date().toISOString();

// ---------------------------------------------------------------------------------------------
// Rules

/**
 * What each party signs: purpose, legal basis, consent model, data items, parties (with their
 * roles) and coverage. Changing any of them after signing needs a new version signed again.
 */
function isMaterialChange(db: DbOrTx, row: typeof agreements.$inferSelect, input: AgreementInput, coverage: readonly CoverageRow[]) {
  const fields = ["purpose", "article6Basis", "article9Condition", "commonLawBasis", "consentModel", "dataItems"] as const;
  if (fields.some((f) => (row[f] ?? null) !== (input[f] ?? null))) return true;
  const current = db
    .select({ organisationId: agreementParties.organisationId, role: agreementParties.role })
    .from(agreementParties)
    .where(eq(agreementParties.agreementId, row.id))
    .all();
  const partyKey = (ps: readonly PartyInput[]) =>
    ps
      .map((p) => `${p.organisationId}:${p.role}`)
      .sort()
      .join(",");
  if (partyKey(current) !== partyKey(input.parties)) return true;
  const currentCoverage = db.select({ serviceId: agreementCoverage.serviceId, deploymentId: agreementCoverage.deploymentId }).from(agreementCoverage).where(eq(agreementCoverage.agreementId, row.id)).all();
  const coverageKey = (cs: readonly CoverageRow[]) =>
    cs
      .map((c) => `${c.serviceId}:${c.deploymentId ?? "*"}`)
      .sort()
      .join(",");
  return coverageKey(currentCoverage) !== coverageKey(coverage);
}

type CoverageRow = { serviceId: number; deploymentId: number | null };

/**
 * The coverage form values as rows, each a service (or one capability at it) run by one of the
 * agreement's parties: an agreement cannot reach an organisation that has not signed it.
 */
function resolveCoverage(db: DbOrTx, values: readonly string[], parties: readonly PartyInput[]): CoverageRow[] {
  const rows: CoverageRow[] = [];
  const partyIds = new Set(parties.map((p) => p.organisationId));
  for (const value of new Set(values)) {
    const [, kind, idText] = COVERAGE_VALUE.exec(value)!;
    const id = Number(idText);
    const serviceId = kind === "s" ? id : db.select({ serviceId: deployments.serviceId }).from(deployments).where(eq(deployments.id, id)).get()?.serviceId;
    const service =
      serviceId === undefined
        ? undefined
        : db
            .select({ name: services.name, organisationId: services.organisationId, organisationName: organisations.name })
            .from(services)
            .innerJoin(organisations, eq(organisations.id, services.organisationId))
            .where(eq(services.id, serviceId))
            .get();
    if (serviceId === undefined || !service) throw new GovernanceFieldError("coverage", "Choose services from the list");
    if (!partyIds.has(service.organisationId)) {
      throw new GovernanceFieldError(
        "coverage",
        `${service.name} is run by ${service.organisationName}, which is not a party to this agreement: add ${service.organisationName} as a party, or take the service out of the coverage`,
      );
    }
    rows.push({ serviceId, deploymentId: kind === "s" ? null : id });
  }
  return rows;
}

function assertPartiesExist(db: DbOrTx, parties: readonly PartyInput[]) {
  const ids = parties.map((p) => p.organisationId);
  const found = db.select({ id: organisations.id }).from(organisations).where(inArray(organisations.id, ids)).all();
  if (found.length !== new Set(ids).size) throw new GovernanceFieldError("parties", "Choose each party from the list of organisations");
}

function replaceCoverage(db: DbOrTx, agreementId: number, rows: readonly CoverageRow[]) {
  db.delete(agreementCoverage).where(eq(agreementCoverage.agreementId, agreementId)).run();
  if (rows.length) db.insert(agreementCoverage).values(rows.map((r) => ({ ...r, agreementId }))).run();
}

/** Makes the agreement's parties exactly `parties` (removing a party removes its signature). */
function replaceParties(db: DbOrTx, agreementId: number, parties: readonly PartyInput[]) {
  const wanted = new Map(parties.map((p) => [p.organisationId, p.role]));
  const current = db.select().from(agreementParties).where(eq(agreementParties.agreementId, agreementId)).all();
  for (const p of current) {
    const role = wanted.get(p.organisationId);
    if (role === undefined) db.delete(agreementParties).where(eq(agreementParties.id, p.id)).run();
    else if (role !== p.role) db.update(agreementParties).set({ role }).where(eq(agreementParties.id, p.id)).run();
    wanted.delete(p.organisationId);
  }
  for (const [organisationId, role] of wanted) db.insert(agreementParties).values({ agreementId, organisationId, role }).run();
}

function agreementFields(input: AgreementInput) {
  return {
    title: input.title,
    purpose: input.purpose,
    article6Basis: input.article6Basis,
    article9Condition: input.article9Condition,
    commonLawBasis: input.commonLawBasis,
    consentModel: input.consentModel,
    dataItems: input.dataItems,
    retention: input.retention,
    reviewIntervalMonths: input.reviewIntervalMonths,
    effectiveOn: input.effectiveOn,
    reviewOn: addMonthsIso(input.effectiveOn, input.reviewIntervalMonths),
  };
}

// ---------------------------------------------------------------------------------------------
// Writing: each one transaction, audited with before and after

/** A new agreement, as a draft (IG lead or programme team). */
export function createAgreement({ actor, user, input, db }: { actor: Actor; user: GovernanceUser; input: NewAgreementInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    if (!hasRole(user, "ig_lead") && !hasRole(user, "programme")) throw new GovernanceError(403, "Only an IG lead or the programme team create agreements");
    if (tx.select({ id: agreements.id }).from(agreements).where(eq(agreements.reference, input.reference)).get()) {
      throw new GovernanceFieldError("reference", `There is already an agreement ${input.reference}: choose another reference, or change that one`);
    }
    assertPartiesExist(tx, input.parties);
    const coverage = resolveCoverage(tx, input.coverage, input.parties);
    const at = nowIso();
    const row = tx
      .insert(agreements)
      .values({ reference: input.reference, version: 1, ...agreementFields(input), status: "draft", draftedOn: getReportingDate(tx), createdBy: user.id, createdAt: at, updatedAt: at })
      .returning()
      .get();
    replaceParties(tx, row.id, input.parties);
    replaceCoverage(tx, row.id, coverage);
    audit(tx, actor, { action: "agreement.create", entityType: "agreement", entityId: row.reference, after: snapshot(tx, row.id) });
    return { reference: row.reference, version: row.version };
  };
  return db ? run(db) : transaction(run);
}

export type AgreementUpdateOutcome = "updated" | "signatures_reset" | "new_version" | "new_version_sent" | "new_version_draft";

/**
 * Changes the latest version. A draft changes in place. Awaiting signatures, a material change
 * (purpose, legal basis, consent model, data items, parties, coverage) requests every signature
 * again: in place while no party has answered, otherwise as version N+1, sent for signature at
 * once (a draft if its DPIA no longer allows sending), while version N keeps the signatures and
 * declines it was given and is superseded unsigned. That needs `resignConfirmed`: without it the
 * change is refused at the "confirmResign" field with who has to sign again. Once signed (active), a material change creates version N+1 as a draft that must be
 * sent and signed by every party again, while version N stays in force as signed; only title,
 * retention and the review interval (from the next review on) change in place. Ended versions
 * do not change.
 */
export function updateAgreement({
  actor,
  user,
  reference,
  input,
  resignConfirmed = false,
  db,
}: {
  actor: Actor;
  user: GovernanceUser;
  reference: string;
  input: AgreementInput;
  /** The person was told that every party must sign again, and went ahead. */
  resignConfirmed?: boolean;
  db?: DbOrTx;
}): { reference: string; version: number; outcome: AgreementUpdateOutcome } {
  const run = (tx: DbOrTx) => {
    const row = requireLatest(tx, reference);
    assertMayManage(tx, user, row);
    if (row.status === "expired" || row.status === "terminated" || row.status === "superseded") {
      const reportingDate = getReportingDate(tx);
      if (row.endedOn && row.endedOn > reportingDate) {
        // Still in force, but its end is recorded: what every party signed stays as it is until then.
        throw new GovernanceError(409, `Version ${row.version} of ${reference} is recorded as ending on ${formatDate(row.endedOn)} (${inSentence(AGREEMENT_STATUS_LABELS[row.status as keyof typeof AGREEMENT_STATUS_LABELS])}): it can no longer change. Create a new agreement for the sharing that continues after it`);
      }
      throw new GovernanceError(409, `Version ${row.version} of ${reference} has ended (${inSentence(AGREEMENT_STATUS_LABELS[row.status as keyof typeof AGREEMENT_STATUS_LABELS])}): it can no longer change`);
    }
    assertPartiesExist(tx, input.parties);
    const coverage = resolveCoverage(tx, input.coverage, input.parties);
    const material = isMaterialChange(tx, row, input, coverage);
    const before = snapshot(tx, row.id);
    const at = nowIso();

    if (row.status === "active" && material) {
      if (input.effectiveOn < row.effectiveOn) {
        throw new GovernanceFieldError("effectiveOn", `A new version takes effect on or after the version it replaces (${formatDate(row.effectiveOn)})`);
      }
      const next = insertNextVersion(tx, {
        row,
        input,
        coverage,
        dpia: tx.select().from(dpias).where(eq(dpias.agreementId, row.id)).get(),
        at,
        fields: { status: "draft", draftedOn: getReportingDate(tx), createdBy: user.id },
      });
      audit(tx, actor, {
        action: "agreement.version.create",
        entityType: "agreement",
        entityId: reference,
        before,
        after: { ...snapshot(tx, next.id), note: `Version ${next.version} needs every party's signature` },
      });
      return { reference, version: next.version, outcome: "new_version" as const };
    }

    if (row.status === "awaiting_signatures" && material) {
      const given = answersGiven(tx, row.id);
      if (given.signed.length || given.declined.length) return replaceUnsignedVersion(tx, { actor, user, row, input, coverage, given, resignConfirmed, before });
    }

    if (row.status === "active" && input.effectiveOn !== row.effectiveOn) {
      throw new GovernanceFieldError("effectiveOn", "A signed agreement's effective date cannot change: change something material to start a new version, or keep the date");
    }
    if (row.status === "active") {
      // What was signed stays as signed; the review date already set stays, so past review states do not move.
      tx.update(agreements).set({ title: input.title, retention: input.retention, reviewIntervalMonths: input.reviewIntervalMonths, updatedAt: at }).where(eq(agreements.id, row.id)).run();
    } else {
      tx.update(agreements).set({ ...agreementFields(input), updatedAt: at }).where(eq(agreements.id, row.id)).run();
      replaceParties(tx, row.id, input.parties);
      replaceCoverage(tx, row.id, coverage);
    }
    const reset = row.status === "awaiting_signatures" && material;
    if (reset) requestEverySignature(tx, row.id);
    audit(tx, actor, {
      action: reset ? "agreement.update.signatures_reset" : "agreement.update",
      entityType: "agreement",
      entityId: reference,
      before,
      after: snapshot(tx, row.id),
    });
    if (reset) notifySignaturesRequested(tx, { agreementId: row.id });
    return { reference, version: row.version, outcome: reset ? ("signatures_reset" as const) : ("updated" as const) };
  };
  return db ? run(db) : transaction(run);
}


/**
 * A material change to a version some parties have already answered: version N+1 replaces it and
 * asks every party to sign; version N keeps its signatures and declines, superseded unsigned from
 * the reporting date (it was never in force). Refused at "confirmResign" until the person changing
 * it has been told who must sign again.
 */
function replaceUnsignedVersion(
  tx: DbOrTx,
  {
    actor,
    user,
    row,
    input,
    coverage,
    given,
    resignConfirmed,
    before,
  }: {
    actor: Actor;
    user: GovernanceUser;
    row: typeof agreements.$inferSelect;
    input: AgreementInput;
    coverage: readonly CoverageRow[];
    given: { signed: string[]; declined: string[] };
    resignConfirmed: boolean;
    before: ReturnType<typeof snapshot>;
  },
) {
  const { reference } = row;
  if (!resignConfirmed) throw new GovernanceFieldError("confirmResign", `${resignWarning(given)} Confirm that you want every party to sign again, or change only the title, retention or review interval.`);
  const inForce = tx
    .select()
    .from(agreements)
    .where(and(eq(agreements.reference, reference), eq(agreements.status, "active")))
    .orderBy(desc(agreements.version))
    .limit(1)
    .get();
  if (inForce && input.effectiveOn < inForce.effectiveOn) {
    throw new GovernanceFieldError("effectiveOn", `A new version takes effect on or after the version in force (${formatDate(inForce.effectiveOn)})`);
  }
  const reportingDate = getReportingDate(tx);
  const at = nowIso();
  const dpia = tx.select().from(dpias).where(eq(dpias.agreementId, row.id)).get();
  const sendNow = dpiaSigningProblem(dpia ?? null) === null;
  const next = insertNextVersion(tx, {
    row,
    input,
    coverage,
    dpia,
    at,
    fields: {
      status: sendNow ? "awaiting_signatures" : "draft",
      draftedOn: reportingDate,
      sentForSignatureOn: sendNow ? reportingDate : null,
      sentForSignatureAt: sendNow ? at : null,
      createdBy: user.id,
    },
  });
  if (sendNow) requestEverySignature(tx, next.id);
  tx.update(agreements)
    .set({ status: "superseded", endedOn: reportingDate, endReason: `Replaced by version ${next.version} before every party had signed`, updatedAt: at })
    .where(eq(agreements.id, row.id))
    .run();
  audit(tx, actor, {
    action: "agreement.supersede",
    entityType: "agreement",
    entityId: reference,
    before,
    after: { ...snapshot(tx, row.id), note: `Version ${row.version} replaced by version ${next.version} before every party had signed; its signatures stay recorded` },
  });
  audit(tx, actor, {
    action: "agreement.version.create",
    entityType: "agreement",
    entityId: reference,
    before,
    after: { ...snapshot(tx, next.id), note: sendNow ? `Version ${next.version} sent for every party's signature` : `Version ${next.version} is a draft: its DPIA must allow signing before it is sent` },
  });
  if (sendNow) notifySignaturesRequested(tx, { agreementId: next.id });
  return { reference, version: next.version, outcome: sendNow ? ("new_version_sent" as const) : ("new_version_draft" as const) };
}

/**
 * An end date is on or after the day the version came into force (an agreement cannot end before
 * it started) and on or after the reporting date: an end is recorded from the day it is known, like
 * a signature, so figures already reported as at earlier dates never move. A later date records
 * that the agreement will end then; until that date it stays in force.
 */
function assertEndDate(row: typeof agreements.$inferSelect, endedOn: string, reportingDate: string) {
  const inForceFrom = row.activatedOn ?? row.effectiveOn;
  if (endedOn < inForceFrom) {
    throw new GovernanceFieldError(
      "endedOn",
      `Enter an end date on or after ${formatDate(inForceFrom)}, when version ${row.version} ${inForceFrom > reportingDate ? "comes" : "came"} into force`,
    );
  }
  if (endedOn < reportingDate) {
    throw new GovernanceFieldError(
      "endedOn",
      `Enter an end date on or after the reporting date, ${formatDate(reportingDate)}. An earlier end cannot be recorded now, because figures already reported for earlier dates would change: enter ${formatDate(reportingDate)} and say in the reason when it actually ended`,
    );
  }
}

/** Ends the active version: it expired, or was terminated, from its end date (today or later); from then it covers nothing. */
export function endAgreement({ actor, user, reference, input, db }: { actor: Actor; user: GovernanceUser; reference: string; input: EndAgreementInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    const row = tx
      .select()
      .from(agreements)
      .where(and(eq(agreements.reference, reference), eq(agreements.status, "active")))
      .orderBy(desc(agreements.version))
      .limit(1)
      .get();
    if (!row) {
      if (!latestVersionRow(tx, reference)) throw new GovernanceError(404, `There is no agreement ${reference}`);
      throw new GovernanceError(409, `${reference} has no active version to end`);
    }
    assertMayManage(tx, user, row);
    assertEndDate(row, input.endedOn, getReportingDate(tx));
    const before = snapshot(tx, row.id);
    tx.update(agreements).set({ status: input.status, endedOn: input.endedOn, endReason: input.endReason, updatedAt: nowIso() }).where(eq(agreements.id, row.id)).run();
    audit(tx, actor, { action: "agreement.end", entityType: "agreement", entityId: reference, before, after: { ...snapshot(tx, row.id), note: input.endReason } });
    return { reference, version: row.version };
  };
  return db ? run(db) : transaction(run);
}

/** Records the DPIA of the latest version (one per version; a new version starts from a copy). */
export function saveDpia({ actor, user, reference, input, db }: { actor: Actor; user: GovernanceUser; reference: string; input: DpiaInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    const row = requireLatest(tx, reference);
    assertMayManage(tx, user, row);
    const reportingDate = getReportingDate(tx);
    if (input.completedOn && input.completedOn > reportingDate) throw new GovernanceFieldError("completedOn", `Enter a completion date on or before the reporting date, ${formatDate(reportingDate)}`);
    if (input.icoConsultedOn && input.icoConsultedOn > reportingDate) throw new GovernanceFieldError("icoConsultedOn", `Enter a date on or before the reporting date, ${formatDate(reportingDate)}`);
    const before = tx.select().from(dpias).where(eq(dpias.agreementId, row.id)).get() ?? null;
    const values = {
      reference: input.reference,
      status: input.status,
      notRequiredReason: input.status === "not_required" ? input.notRequiredReason : null,
      completedOn: input.completedOn,
      residualRisk: input.residualRisk,
      icoConsultedOn: input.icoConsultedOn,
      notes: input.notes,
      updatedAt: nowIso(),
    };
    if (before) tx.update(dpias).set(values).where(eq(dpias.id, before.id)).run();
    else tx.insert(dpias).values({ ...values, agreementId: row.id }).run();
    const after = tx.select().from(dpias).where(eq(dpias.agreementId, row.id)).get()!;
    audit(tx, actor, { action: "agreement.dpia.save", entityType: "agreement", entityId: reference, before, after: { ...after, version: row.version } });
    return { reference, version: row.version };
  };
  return db ? run(db) : transaction(run);
}

/** The DPIA of the latest version, for its form. */
export function dpiaFor({ reference, db = getDb() }: { reference: string; db?: DbOrTx }) {
  const row = latestVersionRow(db, reference);
  if (!row) return null;
  return { agreement: row, dpia: db.select().from(dpias).where(eq(dpias.agreementId, row.id)).get() ?? null };
}

/** The active version an end form would end, if any. */
export function activeVersionOf({ reference, db = getDb() }: { reference: string; db?: DbOrTx }) {
  return (
    db
      .select()
      .from(agreements)
      .where(and(eq(agreements.reference, reference), eq(agreements.status, "active")))
      .orderBy(desc(agreements.version))
      .limit(1)
      .get() ?? null
  );
}

/**
 * The next version of an agreement: its terms, parties and coverage as changed, and the earlier
 * version's DPIA carried over (the assessment stands until someone updates it).
 */
function insertNextVersion(
  tx: DbOrTx,
  { row, input, coverage, dpia, at, fields }: {
    row: typeof agreements.$inferSelect;
    input: AgreementInput;
    coverage: readonly CoverageRow[];
    dpia: typeof dpias.$inferSelect | undefined;
    at: string;
    fields: Pick<typeof agreements.$inferInsert, "status" | "draftedOn" | "sentForSignatureOn" | "sentForSignatureAt" | "createdBy">;
  },
) {
  const next = tx
    .insert(agreements)
    .values({ reference: row.reference, version: row.version + 1, ...agreementFields(input), ...fields, previousVersionId: row.id, createdAt: at, updatedAt: at })
    .returning()
    .get();
  replaceParties(tx, next.id, input.parties);
  replaceCoverage(tx, next.id, coverage);
  if (dpia) {
    const { id: _id, agreementId: _a, ...rest } = dpia;
    tx.insert(dpias).values({ ...rest, agreementId: next.id, updatedAt: at }).run();
  }
  return next;
}
