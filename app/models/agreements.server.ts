// Data sharing agreements: the register, the lifecycle (draft → awaiting signatures → active →
// expired / terminated / superseded), signatures, versions, DPIAs and what agreements cover.
// Every rule of the lifecycle is enforced here, whoever calls.
import { and, asc, count, desc, eq, exists, inArray, isNull, max, not, or, sql, type SQL } from "drizzle-orm";
import {
  agreementCoverage,
  agreementParties,
  agreementSignatures,
  agreements,
  capabilities,
  deployments,
  dpias,
  organisations,
  services,
  users,
} from "../../db/schema";
import { hasOrganisationFilter, organisationInFilterSql, type OrganisationFilter } from "./organisation-filter.server";
import { getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { audit, auditTrailFor, type Actor } from "~/lib/audit.server";
import { addDaysIso, addMonthsIso, formatDate } from "~/lib/dates";
import { inSentence } from "~/lib/words";
import { pageOffset, type TableSort } from "~/lib/table-query";
import type { SignedInUser } from "~/models/users.server";
import { getReportingDate, getSettings } from "~/models/settings.server";
import { statusAsAt } from "~/models/rollout.server";
import { notifyAgreementSigned, notifySignaturesRequested } from "~/models/notifications.server";
import { GovernanceError, GovernanceFieldError } from "~/models/governance-errors.server";
import {
  AGREEMENT_STATUS_LABELS,
  agreementReviewState,
  COVERAGE_VALUE,
  type AgreementFilters,
  type AgreementInput,
  type AgreementSort,
  type DpiaInput,
  type EffectiveAgreementStatus,
  type EndAgreementInput,
  type NewAgreementInput,
  type PartyInput,
  type ReviewFilter,
  type ReviewState,
  type SignInput,
} from "~/models/agreements.schema";

export { agreementReviewState };

/** Who is acting: enough of the signed-in user for the record-level rules. */
export type GovernanceUser = Pick<SignedInUser, "id" | "name" | "organisationId" | "roles">;

const nowIso = () => new Date().toISOString();

// ---------------------------------------------------------------------------------------------
// Status as at a date, in SQL

/** Stored statuses of an agreement that has been fully signed at some point. */
const SIGNED_STATUSES = ["active", "superseded", "expired", "terminated"] as const;

/** The agreement's effective status on `asAt` (see EFFECTIVE_AGREEMENT_STATUSES). */
export function effectiveStatusSql(asAt: string) {
  return sql<EffectiveAgreementStatus>`(case
    when ${agreements.status} in ('draft', 'awaiting_signatures') then ${agreements.status}
    when ${agreements.endedOn} is not null and ${agreements.endedOn} <= ${asAt} then ${agreements.status}
    when ${agreements.activatedOn} is null then ${agreements.status}
    when ${agreements.activatedOn} > ${asAt} then 'signed'
    else 'active' end)`;
}

/** True when the agreement was in force at the end of `asAt`: signed by every party, in force from its activation date, not yet ended. */
export function inForceSql(asAt: string) {
  return and(
    inArray(agreements.status, SIGNED_STATUSES),
    sql`${agreements.activatedOn} <= ${asAt}`,
    or(isNull(agreements.endedOn), sql`${agreements.endedOn} > ${asAt}`),
  )!;
}

function reviewStateSql(asAt: string, noticeDays: number) {
  // Due from noticeDays before the review date: review_on <= asAt + noticeDays (no SQL date functions).
  const noticeLimit = addDaysIso(asAt, noticeDays);
  return sql<ReviewState | null>`(case when ${inForceSql(asAt)} then (case
      when ${agreements.reviewOn} < ${asAt} then 'overdue'
      when ${agreements.reviewOn} <= ${noticeLimit} then 'due'
      else 'not_due' end) end)`;
}

function reviewFilterSql(review: ReviewFilter, state: SQL) {
  if (review === "due") return sql`${state} = 'due'`;
  if (review === "overdue") return sql`${state} = 'overdue'`;
  return sql`${state} in ('due', 'overdue')`;
}

// ---------------------------------------------------------------------------------------------
// Reading

export type AgreementListOptions = {
  status?: EffectiveAgreementStatus;
  purpose?: AgreementFilters["purpose"];
  /** ODS code of an organisation that is a party. */
  partyOdsCode?: string;
  reviewDue?: ReviewFilter;
  asAt: string;
  sort?: TableSort<AgreementSort>;
  page?: number;
  pageSize?: number;
  db?: DbOrTx;
};

/**
 * The register: every version except superseded ones (unless status=superseded is asked for),
 * with its effective status and review state on `asAt`, filtered, sorted and paged in SQL.
 */
export function listAgreements({
  status,
  purpose,
  partyOdsCode,
  reviewDue,
  asAt,
  sort = { id: "reference", desc: false },
  page = 1,
  pageSize = 25,
  db = getDb(),
}: AgreementListOptions) {
  const noticeDays = getSettings(db).agreement_review_notice_days;
  const effective = effectiveStatusSql(asAt);
  const review = reviewStateSql(asAt, noticeDays);
  const conditions: SQL[] = [status ? sql`${effective} = ${status}` : sql`${effective} <> 'superseded'`];
  if (purpose) conditions.push(eq(agreements.purpose, purpose));
  if (partyOdsCode) {
    conditions.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(agreementParties)
          .innerJoin(organisations, eq(organisations.id, agreementParties.organisationId))
          .where(and(eq(agreementParties.agreementId, agreements.id), eq(organisations.odsCode, partyOdsCode))),
      ),
    );
  }
  if (reviewDue) conditions.push(reviewFilterSql(reviewDue, review));
  const where = and(...conditions);

  const total = db.select({ n: count() }).from(agreements).where(where).get()?.n ?? 0;
  const parties = db.select({ n: count() }).from(agreementParties).where(eq(agreementParties.agreementId, agreements.id));
  const signed = db
    .select({ n: count() })
    .from(agreementSignatures)
    .where(and(eq(agreementSignatures.agreementId, agreements.id), eq(agreementSignatures.status, "signed")));
  const declined = db
    .select({ n: count() })
    .from(agreementSignatures)
    .where(and(eq(agreementSignatures.agreementId, agreements.id), eq(agreementSignatures.status, "declined")));

  const direction = sort.desc ? desc : asc;
  const order: SQL[] = {
    reference: [direction(agreements.reference), direction(agreements.version)],
    title: [direction(agreements.title)],
    status: [direction(effective)],
    purpose: [direction(agreements.purpose)],
    effectiveOn: [direction(agreements.effectiveOn)],
    reviewOn: [direction(agreements.reviewOn)],
  }[sort.id];

  const rows = db
    .select({
      id: agreements.id,
      reference: agreements.reference,
      version: agreements.version,
      title: agreements.title,
      purpose: agreements.purpose,
      status: effective,
      storedStatus: agreements.status,
      effectiveOn: agreements.effectiveOn,
      activatedOn: agreements.activatedOn,
      endedOn: agreements.endedOn,
      reviewOn: agreements.reviewOn,
      reviewState: review,
      parties: sql<number>`(${parties})`,
      signed: sql<number>`(${signed})`,
      declined: sql<number>`(${declined})`,
      dpiaStatus: dpias.status,
      dpiaResidualRisk: dpias.residualRisk,
    })
    .from(agreements)
    .leftJoin(dpias, eq(dpias.agreementId, agreements.id))
    .where(where)
    .orderBy(...order, asc(agreements.reference), asc(agreements.version))
    .limit(pageSize)
    .offset(pageOffset(page, pageSize))
    .all();
  return { total, rows };
}
export type AgreementListRow = ReturnType<typeof listAgreements>["rows"][number];

/** Active agreements (in force at the end of `asAt`, default the reporting date). */
export function countActiveAgreements({ db = getDb(), asAt, ...filter }: { db?: DbOrTx; asAt?: string } & OrganisationFilter = {}) {
  const date = asAt ?? getReportingDate(db);
  return db.select({ n: count() }).from(agreements).where(and(inForceSql(date), partyInFilterSql(db, filter))).get()?.n ?? 0;
}

/** An agreement concerns a filtered group (locality, organisation type) when any of its parties is in it. */
function partyInFilterSql(db: DbOrTx, filter: OrganisationFilter) {
  if (!hasOrganisationFilter(filter)) return undefined;
  return exists(
    db
      .select({ one: sql`1` })
      .from(agreementParties)
      .where(and(eq(agreementParties.agreementId, agreements.id), organisationInFilterSql(db, agreementParties.organisationId, filter))),
  );
}

/** Agreements in force on `asAt` whose review is due (within the notice period) or overdue. */
export function countAgreementReviewsDue({ asAt, db = getDb(), ...filter }: { asAt: string; db?: DbOrTx } & OrganisationFilter) {
  const review = reviewStateSql(asAt, getSettings(db).agreement_review_notice_days);
  const row = db
    .select({
      due: sql<number>`coalesce(sum(case when ${review} = 'due' then 1 else 0 end), 0)`,
      overdue: sql<number>`coalesce(sum(case when ${review} = 'overdue' then 1 else 0 end), 0)`,
    })
    .from(agreements)
    .where(and(inForceSql(asAt), partyInFilterSql(db, filter)))
    .get();
  return { due: Number(row?.due ?? 0), overdue: Number(row?.overdue ?? 0) };
}

/**
 * Deployments live at the end of `asAt` (statusAsAt) that no agreement in force on that date
 * covers, either as a whole service or as that deployment: the board's "sharing without an
 * agreement" exception.
 */
export function liveDeploymentsWithoutActiveAgreement({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  const current = statusAsAt(db, asAt);
  const covered = exists(
    db
      .select({ one: sql`1` })
      .from(agreementCoverage)
      .innerJoin(agreements, eq(agreements.id, agreementCoverage.agreementId))
      .where(
        and(
          eq(agreementCoverage.serviceId, deployments.serviceId),
          or(isNull(agreementCoverage.deploymentId), eq(agreementCoverage.deploymentId, deployments.id)),
          inForceSql(asAt),
        ),
      ),
  );
  return db
    .with(current)
    .select({
      deploymentId: deployments.id,
      serviceId: services.id,
      serviceName: services.name,
      organisationId: organisations.id,
      organisationName: organisations.name,
      odsCode: organisations.odsCode,
      capabilityCode: capabilities.code,
      capabilityName: capabilities.name,
      liveSince: current.since,
    })
    .from(current)
    .innerJoin(deployments, eq(deployments.id, current.deploymentId))
    .innerJoin(services, eq(services.id, deployments.serviceId))
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .where(and(eq(current.status, "live"), not(covered)))
    .orderBy(asc(organisations.name), asc(services.name), asc(capabilities.code))
    .all();
}

/** The organisations named as parties to any agreement, for the register's party filter. */
export function listPartyOrganisations({ db = getDb() }: { db?: DbOrTx } = {}) {
  return db
    .selectDistinct({ odsCode: organisations.odsCode, name: organisations.name, type: organisations.type })
    .from(agreementParties)
    .innerJoin(organisations, eq(organisations.id, agreementParties.organisationId))
    .orderBy(asc(organisations.name))
    .all();
}

function latestVersionRow(db: DbOrTx, reference: string) {
  return db.select().from(agreements).where(eq(agreements.reference, reference)).orderBy(desc(agreements.version)).limit(1).get();
}

function versionRow(db: DbOrTx, reference: string, version?: number) {
  if (version === undefined) return latestVersionRow(db, reference);
  return db.select().from(agreements).where(and(eq(agreements.reference, reference), eq(agreements.version, version))).get();
}

function partiesOf(db: DbOrTx, agreementId: number) {
  return db
    .select({
      partyId: agreementParties.id,
      organisationId: organisations.id,
      odsCode: organisations.odsCode,
      organisationName: organisations.name,
      organisationType: organisations.type,
      role: agreementParties.role,
      signatureStatus: agreementSignatures.status,
      requestedAt: agreementSignatures.requestedAt,
      signatoryName: agreementSignatures.signatoryName,
      signatoryRole: agreementSignatures.signatoryRole,
      signedOn: agreementSignatures.signedOn,
      signedByEmail: users.email,
      authorityDeclared: agreementSignatures.authorityDeclared,
      declineReason: agreementSignatures.declineReason,
    })
    .from(agreementParties)
    .innerJoin(organisations, eq(organisations.id, agreementParties.organisationId))
    .leftJoin(agreementSignatures, eq(agreementSignatures.partyId, agreementParties.id))
    .leftJoin(users, eq(users.id, agreementSignatures.signedByUserId))
    .where(eq(agreementParties.agreementId, agreementId))
    .orderBy(asc(organisations.name))
    .all();
}

function coverageOf(db: DbOrTx, agreementId: number) {
  return db
    .select({
      serviceId: services.id,
      serviceName: services.name,
      organisationName: organisations.name,
      odsCode: organisations.odsCode,
      deploymentId: agreementCoverage.deploymentId,
      capabilityName: capabilities.name,
    })
    .from(agreementCoverage)
    .innerJoin(services, eq(services.id, agreementCoverage.serviceId))
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .leftJoin(deployments, eq(deployments.id, agreementCoverage.deploymentId))
    .leftJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .where(eq(agreementCoverage.agreementId, agreementId))
    .orderBy(asc(organisations.name), asc(services.name), asc(capabilities.name))
    .all();
}

const AUDIT_ACTION_LABELS: Record<string, string> = {
  "agreement.create": "Created",
  "agreement.update": "Changed",
  "agreement.update.signatures_reset": "Changed: every signature requested again",
  "agreement.version.create": "New version created after a material change",
  "agreement.send_for_signature": "Sent for signature",
  "agreement.signatures_rerequested": "Declined signatures requested again",
  "agreement.sign": "Signed",
  "agreement.decline": "Declined to sign",
  "agreement.activate": "Signed by every party",
  "agreement.supersede": "Superseded",
  "agreement.end": "Ended",
  "agreement.dpia.save": "DPIA updated",
};

/**
 * One agreement version with everything about it: details, effective status and review state on
 * `asAt`, parties and signatures, coverage, DPIA, every version, and the audit trail of the
 * reference. The latest version unless `version` is given.
 */
export function getAgreement({ reference, version, asAt, db = getDb() }: { reference: string; version?: number; asAt: string; db?: DbOrTx }) {
  const row = versionRow(db, reference, version);
  if (!row) return null;
  const noticeDays = getSettings(db).agreement_review_notice_days;
  const status = db.select({ status: effectiveStatusSql(asAt) }).from(agreements).where(eq(agreements.id, row.id)).get()!.status;
  const reviewState = status === "active" ? agreementReviewState({ reviewOn: row.reviewOn, asAt, noticeDays }) : null;
  const versions = db
    .select({
      version: agreements.version,
      status: effectiveStatusSql(asAt),
      effectiveOn: agreements.effectiveOn,
      activatedOn: agreements.activatedOn,
      endedOn: agreements.endedOn,
      endReason: agreements.endReason,
    })
    .from(agreements)
    .where(eq(agreements.reference, reference))
    .orderBy(desc(agreements.version))
    .all();
  const createdBy = row.createdBy ? db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, row.createdBy)).get() : undefined;
  const trail = auditTrailFor(db, "agreement", reference).map((entry) => {
    const after = entry.after ? (JSON.parse(entry.after) as { version?: number; note?: string }) : null;
    return {
      id: entry.id,
      at: entry.at,
      actor: entry.actorLabel,
      action: AUDIT_ACTION_LABELS[entry.action] ?? entry.action,
      version: after?.version ?? null,
      note: after?.note ?? null,
    };
  });
  return {
    agreement: { ...row, storedStatus: row.status, status, reviewState, createdByName: createdBy?.name ?? null },
    latestVersion: versions[0]!.version,
    parties: partiesOf(db, row.id),
    coverage: coverageOf(db, row.id),
    dpia: db.select().from(dpias).where(eq(dpias.agreementId, row.id)).get() ?? null,
    versions,
    trail,
    noticeDays,
  };
}
export type AgreementDetail = NonNullable<ReturnType<typeof getAgreement>>;

/** The choices the agreement form offers: every organisation, and the services (and their capabilities) it can cover. */
export function agreementFormOptions({ db = getDb() }: { db?: DbOrTx } = {}) {
  const orgs = db
    .select({ id: organisations.id, name: organisations.name, odsCode: organisations.odsCode, type: organisations.type })
    .from(organisations)
    .where(eq(organisations.status, "active"))
    .orderBy(asc(organisations.name))
    .all();
  const serviceRows = db
    .select({ id: services.id, name: services.name, organisationName: organisations.name })
    .from(services)
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .orderBy(asc(organisations.name), asc(services.name))
    .all();
  // A capability-level choice is offered only where a service has more than one capability.
  const deploymentRows = db
    .select({ id: deployments.id, serviceId: deployments.serviceId, capabilityName: capabilities.name })
    .from(deployments)
    .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .orderBy(asc(deployments.serviceId), asc(capabilities.name))
    .all();
  const byService = new Map<number, { id: number; capabilityName: string }[]>();
  for (const d of deploymentRows) byService.set(d.serviceId, [...(byService.get(d.serviceId) ?? []), d]);
  const coverage: { value: string; label: string }[] = [];
  for (const s of serviceRows) {
    const deps = byService.get(s.id) ?? [];
    coverage.push({ value: `s:${s.id}`, label: `${s.organisationName}: ${s.name}${deps.length > 1 ? " (every capability)" : ""}` });
    if (deps.length > 1) for (const d of deps) coverage.push({ value: `d:${d.id}`, label: `${s.organisationName}: ${s.name}, ${d.capabilityName} only` });
  }
  return { organisations: orgs, coverage };
}

/** The form values of the latest version, for the edit page. */
export function agreementFormValues({ reference, db = getDb() }: { reference: string; db?: DbOrTx }) {
  const row = latestVersionRow(db, reference);
  if (!row) return null;
  const parties = db
    .select({ organisationId: agreementParties.organisationId, role: agreementParties.role })
    .from(agreementParties)
    .innerJoin(organisations, eq(organisations.id, agreementParties.organisationId))
    .where(eq(agreementParties.agreementId, row.id))
    .orderBy(asc(organisations.name))
    .all();
  const coverage = db.select().from(agreementCoverage).where(eq(agreementCoverage.agreementId, row.id)).all();
  return {
    row,
    values: {
      title: row.title,
      purpose: row.purpose,
      article6Basis: row.article6Basis,
      article9Condition: row.article9Condition ?? "none",
      commonLawBasis: row.commonLawBasis,
      consentModel: row.consentModel,
      dataItems: row.dataItems,
      retention: row.retention ?? "",
      reviewIntervalMonths: String(row.reviewIntervalMonths),
      effectiveOn: row.effectiveOn,
      partyOrganisationId: parties.map((p) => String(p.organisationId)),
      partyRole: parties.map((p) => p.role as string),
      coverage: coverage.map((c) => (c.deploymentId ? `d:${c.deploymentId}` : `s:${c.serviceId}`)),
    },
  };
}

/**
 * The agreements an organisation is party to (all but superseded versions), with its role,
 * its signature, and each agreement's status and review state on `asAt`.
 */
export function agreementsForOrganisation({ organisationId, asAt, db = getDb() }: { organisationId: number; asAt: string; db?: DbOrTx }) {
  const noticeDays = getSettings(db).agreement_review_notice_days;
  const effective = effectiveStatusSql(asAt);
  return db
    .select({
      reference: agreements.reference,
      version: agreements.version,
      title: agreements.title,
      purpose: agreements.purpose,
      role: agreementParties.role,
      status: effective,
      effectiveOn: agreements.effectiveOn,
      reviewOn: agreements.reviewOn,
      reviewState: reviewStateSql(asAt, noticeDays),
      signatureStatus: agreementSignatures.status,
      signedOn: agreementSignatures.signedOn,
    })
    .from(agreementParties)
    .innerJoin(agreements, eq(agreements.id, agreementParties.agreementId))
    .leftJoin(agreementSignatures, eq(agreementSignatures.partyId, agreementParties.id))
    .where(and(eq(agreementParties.organisationId, organisationId), sql`${effective} <> 'superseded'`))
    .orderBy(asc(agreements.reference), asc(agreements.version))
    .all();
}

// ---------------------------------------------------------------------------------------------
// Rules

function hasRole(user: GovernanceUser, role: SignedInUser["roles"][number]) {
  return user.roles.includes(role);
}

/** Programme may manage any agreement; an IG lead those their organisation is party to, or that they created. */
function assertMayManage(db: DbOrTx, user: GovernanceUser, agreement: typeof agreements.$inferSelect) {
  if (hasRole(user, "programme")) return;
  if (!hasRole(user, "ig_lead")) throw new GovernanceError(403, "Only an IG lead or the programme team manage agreements");
  if (agreement.createdBy === user.id) return;
  const party = db
    .select({ id: agreementParties.id })
    .from(agreementParties)
    .where(and(eq(agreementParties.agreementId, agreement.id), eq(agreementParties.organisationId, user.organisationId)))
    .get();
  if (!party) throw new GovernanceError(403, "Your organisation is not a party to this agreement");
}

/** Whether the user may edit, send, end or keep the DPIA of this reference (for showing the buttons; the write functions check again). */
export function mayManageAgreement({ user, reference, db = getDb() }: { user: GovernanceUser; reference: string; db?: DbOrTx }) {
  const row = latestVersionRow(db, reference);
  if (!row) return false;
  try {
    assertMayManage(db, user, row);
    return true;
  } catch {
    return false;
  }
}

function requireLatest(db: DbOrTx, reference: string) {
  const row = latestVersionRow(db, reference);
  if (!row) throw new GovernanceError(404, `There is no agreement ${reference}`);
  return row;
}

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

/** Every party's signature requested afresh (nothing signed or declined is kept). */
function requestEverySignature(db: DbOrTx, agreementId: number) {
  db.delete(agreementSignatures).where(eq(agreementSignatures.agreementId, agreementId)).run();
  const parties = db.select({ id: agreementParties.id }).from(agreementParties).where(eq(agreementParties.agreementId, agreementId)).all();
  if (parties.length) {
    const at = nowIso();
    db.insert(agreementSignatures)
      .values(parties.map((p) => ({ agreementId, partyId: p.id, status: "requested" as const, requestedAt: at })))
      .run();
  }
}

/** What the audit log keeps of a version: its fields, parties, signatures and coverage. */
function snapshot(db: DbOrTx, agreementId: number) {
  const row = db.select().from(agreements).where(eq(agreements.id, agreementId)).get()!;
  const parties = partiesOf(db, agreementId).map((p) => ({
    odsCode: p.odsCode,
    role: p.role,
    signature: p.signatureStatus,
    signedBy: p.signatoryName,
    signedOn: p.signedOn,
    declineReason: p.declineReason,
  }));
  const coverage = db
    .select({ serviceId: agreementCoverage.serviceId, deploymentId: agreementCoverage.deploymentId })
    .from(agreementCoverage)
    .where(eq(agreementCoverage.agreementId, agreementId))
    .all();
  const { createdAt: _c, updatedAt: _u, ...fields } = row;
  return { ...fields, parties, coverage };
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
      throw new GovernanceError(409, `Version ${row.version} of ${reference} has ended (${inSentence(AGREEMENT_STATUS_LABELS[row.status as keyof typeof AGREEMENT_STATUS_LABELS])}): it can no longer change`);
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
    if (reset) notifySignaturesRequested(tx, { agreementId: row.id });
    return { reference, version: row.version, outcome: reset ? ("signatures_reset" as const) : ("updated" as const) };
  };
  return db ? run(db) : transaction(run);
}

/**
 * Sends a draft for signature: every party's signature is requested. Sent again while awaiting
 * signatures, it asks the parties that declined once more.
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
      requestEverySignature(tx, row.id);
      tx.update(agreements).set({ status: "awaiting_signatures", sentForSignatureAt: at, updatedAt: at }).where(eq(agreements.id, row.id)).run();
      audit(tx, actor, { action: "agreement.send_for_signature", entityType: "agreement", entityId: reference, before, after: snapshot(tx, row.id) });
      notifySignaturesRequested(tx, { agreementId: row.id });
      return { reference, version: row.version, requested: parties };
    }
    if (row.status === "awaiting_signatures") {
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

/** What the signing page needs: the waiting signature of the user's organisation, or why there is none. */
export function signatureRequestFor({ user, reference, db = getDb() }: { user: GovernanceUser; reference: string; db?: DbOrTx }) {
  const { row } = ownWaitingSignature(db, user, reference);
  return { reference, version: row.version, title: row.title, effectiveOn: row.effectiveOn };
}

/**
 * Signs for the user's own organisation. When that was the last signature the agreement becomes
 * active, in force from its effective date (or the day the last party signed, if later), and
 * the version it replaces is superseded from that date.
 */
export function signAgreement({ actor, user, reference, input, db }: { actor: Actor; user: GovernanceUser; reference: string; input: SignInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    const { row, partyId } = ownWaitingSignature(tx, user, reference);
    const reportingDate = getReportingDate(tx);
    if (input.signedOn > reportingDate) throw new GovernanceFieldError("signedOn", `Enter a date on or before the reporting date, ${formatDate(reportingDate)}`);
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
      lastSignedOn: max(agreementSignatures.signedOn),
    })
    .from(agreementParties)
    .leftJoin(agreementSignatures, eq(agreementSignatures.partyId, agreementParties.id))
    .where(eq(agreementParties.agreementId, agreementId))
    .get()!;
  if (tally.parties < 2 || Number(tally.signed) !== tally.parties) return null;
  const before = snapshot(tx, agreementId);
  const activatedOn = tally.lastSignedOn && tally.lastSignedOn > row.effectiveOn ? tally.lastSignedOn : row.effectiveOn;
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
  if (row.previousVersionId) {
    const previous = tx.select().from(agreements).where(eq(agreements.id, row.previousVersionId)).get();
    if (previous && previous.status === "active") {
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
