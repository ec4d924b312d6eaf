// Changing an agreement: creating it, changing a version (in place while a draft, as a new version
// once signed), ending it, and its DPIA. Every rule of what a change needs is enforced here.
import { and, desc, eq, inArray } from "drizzle-orm";
import { agreementCoverage, agreementParties, agreements, deployments, dpias, organisations, services } from "../../db/schema";
import { getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";
import { addMonthsIso, formatDate } from "~/lib/dates";
import { getReportingDate } from "~/models/settings.server";
import { GovernanceError, GovernanceFieldError } from "~/models/governance-errors.server";
import { assertMayManage, hasRole, latestVersionRow, requireLatest, snapshot, type GovernanceUser } from "~/models/agreements.server";
import { requestEverySignature } from "~/models/agreement-signing.server";
import { COVERAGE_VALUE, type AgreementInput, type DpiaInput, type EndAgreementInput, type NewAgreementInput, type PartyInput } from "~/models/agreements.schema";

const nowIso = () => new Date().toISOString();

// ---------------------------------------------------------------------------------------------
// Rules

/** The fields whose change after activation needs a new version signed again. */
function isMaterialChange(db: DbOrTx, row: typeof agreements.$inferSelect, input: AgreementInput) {
  const fields = ["purpose", "article6Basis", "article9Condition", "commonLawBasis", "consentModel", "dataItems"] as const;
  if (fields.some((f) => (row[f] ?? null) !== (input[f] ?? null))) return true;
  const current = db
    .select({ organisationId: agreementParties.organisationId, role: agreementParties.role })
    .from(agreementParties)
    .where(eq(agreementParties.agreementId, row.id))
    .all();
  const key = (ps: readonly PartyInput[]) =>
    ps
      .map((p) => `${p.organisationId}:${p.role}`)
      .sort()
      .join(",");
  return key(current) !== key(input.parties);
}

function resolveCoverage(db: DbOrTx, values: readonly string[]) {
  const rows: { serviceId: number; deploymentId: number | null }[] = [];
  for (const value of new Set(values)) {
    const [, kind, idText] = COVERAGE_VALUE.exec(value)!;
    const id = Number(idText);
    if (kind === "s") {
      if (!db.select({ id: services.id }).from(services).where(eq(services.id, id)).get()) throw new GovernanceFieldError("coverage", "Choose services from the list");
      rows.push({ serviceId: id, deploymentId: null });
    } else {
      const d = db.select({ serviceId: deployments.serviceId }).from(deployments).where(eq(deployments.id, id)).get();
      if (!d) throw new GovernanceFieldError("coverage", "Choose services from the list");
      rows.push({ serviceId: d.serviceId, deploymentId: id });
    }
  }
  return rows;
}

function assertPartiesExist(db: DbOrTx, parties: readonly PartyInput[]) {
  const ids = parties.map((p) => p.organisationId);
  const found = db.select({ id: organisations.id }).from(organisations).where(inArray(organisations.id, ids)).all();
  if (found.length !== new Set(ids).size) throw new GovernanceFieldError("parties", "Choose each party from the list of organisations");
}

function replaceCoverage(db: DbOrTx, agreementId: number, coverage: readonly string[]) {
  const rows = resolveCoverage(db, coverage);
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
    const at = nowIso();
    const row = tx
      .insert(agreements)
      .values({ reference: input.reference, version: 1, ...agreementFields(input), status: "draft", createdBy: user.id, createdAt: at, updatedAt: at })
      .returning()
      .get();
    replaceParties(tx, row.id, input.parties);
    replaceCoverage(tx, row.id, input.coverage);
    audit(tx, actor, { action: "agreement.create", entityType: "agreement", entityId: row.reference, after: snapshot(tx, row.id) });
    return { reference: row.reference, version: row.version };
  };
  return db ? run(db) : transaction(run);
}

export type AgreementUpdateOutcome = "updated" | "signatures_reset" | "new_version";

/**
 * Changes the latest version. A draft changes in place. Awaiting signatures, a material change
 * (purpose, legal basis, consent model, data items, parties) requests every signature again.
 * Once signed (active), a material change creates version N+1 as a draft that must be signed
 * again (the signed version stays as it is); other changes (title, retention, review interval,
 * coverage) are made in place. Ended versions do not change.
 */
export function updateAgreement({
  actor,
  user,
  reference,
  input,
  db,
}: {
  actor: Actor;
  user: GovernanceUser;
  reference: string;
  input: AgreementInput;
  db?: DbOrTx;
}): { reference: string; version: number; outcome: AgreementUpdateOutcome } {
  const run = (tx: DbOrTx) => {
    const row = requireLatest(tx, reference);
    assertMayManage(tx, user, row);
    if (row.status === "expired" || row.status === "terminated" || row.status === "superseded") {
      throw new GovernanceError(409, `Version ${row.version} of ${reference} has ended (${row.status}): it can no longer change`);
    }
    assertPartiesExist(tx, input.parties);
    const material = isMaterialChange(tx, row, input);
    const before = snapshot(tx, row.id);
    const at = nowIso();

    if (row.status === "active" && material) {
      if (input.effectiveOn < row.effectiveOn) {
        throw new GovernanceFieldError("effectiveOn", `A new version takes effect on or after the version it replaces (${formatDate(row.effectiveOn)})`);
      }
      const next = tx
        .insert(agreements)
        .values({
          reference,
          version: row.version + 1,
          ...agreementFields(input),
          status: "draft",
          previousVersionId: row.id,
          createdBy: user.id,
          createdAt: at,
          updatedAt: at,
        })
        .returning()
        .get();
      replaceParties(tx, next.id, input.parties);
      replaceCoverage(tx, next.id, input.coverage);
      const dpia = tx.select().from(dpias).where(eq(dpias.agreementId, row.id)).get();
      if (dpia) {
        const { id: _id, agreementId: _a, ...rest } = dpia;
        tx.insert(dpias).values({ ...rest, agreementId: next.id, updatedAt: at }).run();
      }
      audit(tx, actor, {
        action: "agreement.version.create",
        entityType: "agreement",
        entityId: reference,
        before,
        after: { ...snapshot(tx, next.id), note: `Version ${next.version} needs every party's signature` },
      });
      return { reference, version: next.version, outcome: "new_version" as const };
    }

    if (row.status === "active" && input.effectiveOn !== row.effectiveOn) {
      throw new GovernanceFieldError("effectiveOn", "A signed agreement's effective date cannot change: change something material to start a new version, or keep the date");
    }
    tx.update(agreements).set({ ...agreementFields(input), updatedAt: at }).where(eq(agreements.id, row.id)).run();
    replaceParties(tx, row.id, input.parties);
    replaceCoverage(tx, row.id, input.coverage);
    const reset = row.status === "awaiting_signatures" && material;
    if (reset) requestEverySignature(tx, row.id);
    audit(tx, actor, {
      action: reset ? "agreement.update.signatures_reset" : "agreement.update",
      entityType: "agreement",
      entityId: reference,
      before,
      after: snapshot(tx, row.id),
    });
    return { reference, version: row.version, outcome: reset ? ("signatures_reset" as const) : ("updated" as const) };
  };
  return db ? run(db) : transaction(run);
}


/** Ends the active version: it expired, or was terminated. From its end date it covers nothing. */
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
    if (input.endedOn < row.effectiveOn) throw new GovernanceFieldError("endedOn", `Enter an end date on or after the date it took effect, ${formatDate(row.effectiveOn)}`);
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
