// Data sharing agreements: the register and each version as at a date (status, signatures,
// what is in force and what it covers), and the record-level rules the writes share.
// Changes live in agreement-changes.server.ts, signing in agreement-signing.server.ts.
import { and, asc, count, desc, eq, exists, inArray, isNotNull, isNull, not, or, sql, type SQL } from "drizzle-orm";
import {
  agreementCoverage,
  agreementParties,
  agreementReviews,
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
import { getDb, type DbOrTx } from "~/lib/db.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { auditTrailFor } from "~/lib/audit.server";
import { addDaysIso } from "~/lib/dates";
import { pageOffset, type TableSort } from "~/lib/table-query";
import type { SignedInUser } from "~/models/users.server";
import { getReportingDate, getSettings } from "~/models/settings.server";
import { statusAsAt } from "~/models/rollout.server";
import { validOnSql } from "~/models/temporal";
import { GovernanceError } from "~/models/governance-errors.server";
import {
  agreementReviewState,
  type AgreementFilters,
  type AgreementSort,
  type EffectiveAgreementStatus,
  type ReviewFilter,
  type ReviewState,
} from "~/models/agreements.schema";

export { agreementReviewState };

/** Who is acting: enough of the signed-in user for the record-level rules. */
export type GovernanceUser = Pick<SignedInUser, "id" | "name" | "organisationId" | "roles">;

// ---------------------------------------------------------------------------------------------
// Status as at a date, in SQL

/** Stored statuses of an agreement that has been fully signed at some point. */
const SIGNED_STATUSES = ["active", "superseded", "expired", "terminated"] as const;

// Each version carries its own dates (drafted, sent for signature, in force from activated_on to
// ended_on, exclusive) and each signature its date, so everything below answers "as at D" from
// stored facts: nothing recorded after D moves what is shown for D.

/** The version existed on `asAt` (it had been drafted). */
export function draftedBySql(asAt: string) {
  return sql`(${agreements.draftedOn} is null or ${agreements.draftedOn} <= ${asAt})`;
}

/** How many of the version's parties had signed by the end of `asAt`. */
export function signedBySql(asAt: string) {
  return sql<number>`(select count(*) from ${agreementSignatures} where ${agreementSignatures.agreementId} = ${agreements.id} and ${agreementSignatures.status} = 'signed' and ${agreementSignatures.signedOn} <= ${asAt})`;
}

/** How many of the version's parties had declined by the end of `asAt`. */
export function declinedBySql(asAt: string) {
  return sql<number>`(select count(*) from ${agreementSignatures} where ${agreementSignatures.agreementId} = ${agreements.id} and ${agreementSignatures.status} = 'declined' and ${agreementSignatures.signedOn} <= ${asAt})`;
}

const partyCountSql = sql<number>`(select count(*) from ${agreementParties} where ${agreementParties.agreementId} = ${agreements.id})`;

/** The agreement's effective status on `asAt` (see EFFECTIVE_AGREEMENT_STATUSES), from the version's dates and its signatures' dates. */
export function effectiveStatusSql(asAt: string) {
  return sql<EffectiveAgreementStatus>`(case
    when ${agreements.sentForSignatureOn} is null or ${agreements.sentForSignatureOn} > ${asAt} then 'draft'
    when ${agreements.endedOn} is not null and ${agreements.endedOn} <= ${asAt} then ${agreements.status}
    when ${agreements.activatedOn} is null then 'awaiting_signatures'
    when ${agreements.activatedOn} <= ${asAt} then 'active'
    when ${signedBySql(asAt)} >= ${partyCountSql} then 'signed'
    else 'awaiting_signatures' end)`;
}

/** True when the version was in force at the end of `asAt`: signed by every party, and `asAt` in its in-force period. */
export function inForceSql(asAt: string) {
  return and(inArray(agreements.status, SIGNED_STATUSES), isNotNull(agreements.activatedOn), validOnSql(agreements.activatedOn, agreements.endedOn, asAt))!;
}

/** The version's review date as it stood on `asAt`: set by the latest review recorded by then, else its own. */
export function reviewOnSql(asAt: string) {
  return sql<string>`coalesce((select ${agreementReviews.nextReviewOn} from ${agreementReviews} where ${agreementReviews.agreementId} = ${agreements.id} and ${agreementReviews.reviewedOn} <= ${asAt} order by ${agreementReviews.reviewedOn} desc, ${agreementReviews.id} desc limit 1), ${agreements.reviewOn})`;
}

function reviewStateSql(asAt: string, noticeDays: number) {
  // Due from noticeDays before the review date: review_on <= asAt + noticeDays (no SQL date functions).
  const noticeLimit = addDaysIso(asAt, noticeDays);
  const reviewOn = reviewOnSql(asAt);
  return sql<ReviewState | null>`(case when ${inForceSql(asAt)} then (case
      when ${reviewOn} < ${asAt} then 'overdue'
      when ${reviewOn} <= ${noticeLimit} then 'due'
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
  const reviewOn = reviewOnSql(asAt);
  // Versions drafted after asAt did not exist yet; signatures count only once signed.
  const conditions: SQL[] = [draftedBySql(asAt), status ? sql`${effective} = ${status}` : sql`${effective} <> 'superseded'`];
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
  const direction = sort.desc ? desc : asc;
  const order: SQL[] = {
    reference: [direction(agreements.reference), direction(agreements.version)],
    title: [direction(agreements.title)],
    status: [direction(effective)],
    purpose: [direction(agreements.purpose)],
    effectiveOn: [direction(agreements.effectiveOn)],
    reviewOn: [direction(reviewOn)],
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
      // Dates that were not yet facts on asAt are not shown as at asAt.
      activatedOn: sql<string | null>`(case when ${effective} in ('draft', 'awaiting_signatures') then null else ${agreements.activatedOn} end)`,
      endedOn: sql<string | null>`(case when ${agreements.endedOn} <= ${asAt} then ${agreements.endedOn} end)`,
      reviewOn,
      reviewState: review,
      parties: partyCountSql,
      signed: signedBySql(asAt),
      declined: declinedBySql(asAt),
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

/** Live deployments without an agreement the register names; the rest are counted (the exceptions page lists them all). */
export const UNCOVERED_LISTED = 25;

function firstOf<T>(rows: readonly T[], limit: number) {
  return { total: rows.length, rows: rows.slice(0, limit) };
}

/**
 * What the register page shows as at `asAt` for one filter and page: the page of agreements, the
 * reviews due, live sharing no agreement covers and the party filter's options. The same for every
 * reader, so it is kept until a table it read changes.
 */
export function agreementsRegister({ db = getDb(), ...options }: Omit<AgreementListOptions, "sort" | "page" | "pageSize"> & Required<Pick<AgreementListOptions, "sort" | "page" | "pageSize">>) {
  const key = {
    asAt: options.asAt,
    status: options.status ?? null,
    purpose: options.purpose ?? null,
    partyOdsCode: options.partyOdsCode ?? null,
    reviewDue: options.reviewDue ?? null,
    sort: options.sort,
    page: options.page,
    pageSize: options.pageSize,
  };
  return memoiseByDataVersion("agreements-register", key, db, () => ({
    ...listAgreements({ ...options, db }),
    parties: listPartyOrganisations({ db }),
    reviews: countAgreementReviewsDue({ asAt: options.asAt, db }),
    uncovered: firstOf(liveDeploymentsWithoutActiveAgreement({ asAt: options.asAt, db }), UNCOVERED_LISTED),
  }));
}

export function latestVersionRow(db: DbOrTx, reference: string) {
  return db.select().from(agreements).where(eq(agreements.reference, reference)).orderBy(desc(agreements.version)).limit(1).get();
}

function versionRow(db: DbOrTx, reference: string, version?: number) {
  if (version === undefined) return latestVersionRow(db, reference);
  return db.select().from(agreements).where(and(eq(agreements.reference, reference), eq(agreements.version, version))).get();
}

export function partiesOf(db: DbOrTx, agreementId: number) {
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

/** The reviews recorded for a version, latest first. */
export function reviewsOf(db: DbOrTx, agreementId: number) {
  return db
    .select({
      id: agreementReviews.id,
      reviewedOn: agreementReviews.reviewedOn,
      reviewerName: agreementReviews.reviewerName,
      outcome: agreementReviews.outcome,
      note: agreementReviews.note,
      nextReviewOn: agreementReviews.nextReviewOn,
    })
    .from(agreementReviews)
    .where(eq(agreementReviews.agreementId, agreementId))
    .orderBy(desc(agreementReviews.reviewedOn), desc(agreementReviews.id))
    .all();
}

/**
 * Versions awaiting signatures, signed or in force on `asAt` whose DPIA, completed by then, found
 * high residual risk with no ICO consultation recorded by then: the board's DPIA exception.
 */
export function agreementsWithHighRiskDpiaWithoutIco({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  const effective = effectiveStatusSql(asAt);
  return db
    .select({
      id: agreements.id,
      reference: agreements.reference,
      version: agreements.version,
      title: agreements.title,
      status: effective,
      dpiaReference: dpias.reference,
      completedOn: dpias.completedOn,
    })
    .from(agreements)
    .innerJoin(dpias, eq(dpias.agreementId, agreements.id))
    .where(
      and(
        draftedBySql(asAt),
        sql`${effective} in ('awaiting_signatures', 'signed', 'active')`,
        eq(dpias.status, "completed"),
        eq(dpias.residualRisk, "high"),
        or(isNull(dpias.completedOn), sql`${dpias.completedOn} <= ${asAt}`),
        or(isNull(dpias.icoConsultedOn), sql`${dpias.icoConsultedOn} > ${asAt}`),
      ),
    )
    .orderBy(asc(agreements.reference), asc(agreements.version))
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
  "agreement.review": "Review recorded",
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
  const asAtRow = db.select({ status: effectiveStatusSql(asAt), reviewOn: reviewOnSql(asAt) }).from(agreements).where(eq(agreements.id, row.id)).get()!;
  const status = asAtRow.status;
  const reviewState = status === "active" ? agreementReviewState({ reviewOn: asAtRow.reviewOn, asAt, noticeDays }) : null;
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
    agreement: { ...row, reviewOn: asAtRow.reviewOn, storedReviewOn: row.reviewOn, storedStatus: row.status, status, reviewState, createdByName: createdBy?.name ?? null },
    latestVersion: versions[0]!.version,
    parties: partiesOf(db, row.id),
    coverage: coverageOf(db, row.id),
    dpia: db.select().from(dpias).where(eq(dpias.agreementId, row.id)).get() ?? null,
    reviews: reviewsOf(db, row.id),
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
      reviewOn: reviewOnSql(asAt),
      reviewState: reviewStateSql(asAt, noticeDays),
      // A signature dated after asAt was still waiting on asAt.
      signatureStatus: sql<"requested" | "signed" | "declined" | null>`(case when ${agreementSignatures.signedOn} > ${asAt} then 'requested' else ${agreementSignatures.status} end)`,
      signedOn: sql<string | null>`(case when ${agreementSignatures.signedOn} > ${asAt} then null else ${agreementSignatures.signedOn} end)`,
    })
    .from(agreementParties)
    .innerJoin(agreements, eq(agreements.id, agreementParties.agreementId))
    .leftJoin(agreementSignatures, eq(agreementSignatures.partyId, agreementParties.id))
    .where(and(eq(agreementParties.organisationId, organisationId), draftedBySql(asAt), sql`${effective} <> 'superseded'`))
    .orderBy(asc(agreements.reference), asc(agreements.version))
    .all();
}

// ---------------------------------------------------------------------------------------------
// Rules

export function hasRole(user: GovernanceUser, role: SignedInUser["roles"][number]) {
  return user.roles.includes(role);
}

/** Programme may manage any agreement; an IG lead those their organisation is party to, or that they created. */
export function assertMayManage(db: DbOrTx, user: GovernanceUser, agreement: typeof agreements.$inferSelect) {
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

export function requireLatest(db: DbOrTx, reference: string) {
  const row = latestVersionRow(db, reference);
  if (!row) throw new GovernanceError(404, `There is no agreement ${reference}`);
  return row;
}

/** What the audit log keeps of a version: its fields, parties, signatures and coverage. */
export function snapshot(db: DbOrTx, agreementId: number) {
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
