// The CCG's indemnity register: cover per organisation, its history (renewals are new rows), and
// the gaps the board must see: sharing without cover, cover expiring, cover lapsed. Only the
// ccg role changes cover; every change is audited.
import { and, asc, count, countDistinct, desc, eq, exists, inArray, max, ne, not, or, sql, type SQL } from "drizzle-orm";
import { alias, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { deployments, indemnityCovers, organisations, services } from "../../db/schema";
import { organisationFilterSql, type OrganisationFilter } from "./organisation-filter.server";
import { getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";
import { addDaysIso, addMonthsIso, daysBetween, formatDate } from "~/lib/dates";
import { pageOffset, type TableSort } from "~/lib/table-query";
import { statusAsAt } from "~/models/rollout.server";
import { getReportingDate } from "~/models/settings.server";
import { GovernanceError, GovernanceFieldError } from "~/models/governance-errors.server";
import type { GovernanceUser } from "~/models/agreements.server";
import { EXPIRY_BANDS, type CoverInput, type CoverSort, type EffectiveCoverStatus, type NewCoverInput } from "~/models/indemnity.schema";
import type { OrganisationType } from "../../db/schema/enums";
import { activeMemberOnSql, statusOnSql } from "~/models/organisation-history.server";

const nowIso = () => new Date().toISOString();

// ---------------------------------------------------------------------------------------------
// Cover as at a date, in SQL

/** The cover indemnified the organisation at the end of `asAt` (lapsed covers did, between their dates). */
function coveringSql(asAt: string, cover: { status: AnySQLiteColumn; startOn: AnySQLiteColumn; endOn: AnySQLiteColumn } = indemnityCovers) {
  return and(sql`${cover.status} in ('active', 'lapsed')`, sql`${cover.startOn} <= ${asAt}`, sql`${cover.endOn} >= ${asAt}`)!;
}

/**
 * A later active or pending cover for the same organisation follows this one, recorded by the end
 * of `asAt` (a renewal recorded today counts from the reporting date on, so it never changes a
 * figure as at an earlier date).
 */
function renewedSql(db: DbOrTx, asAt: string) {
  const later = alias(indemnityCovers, "later_cover");
  const recordedBy = asAt >= getReportingDate(db) ? sql`1 = 1` : sql`substr(${later.createdAt}, 1, 10) <= ${asAt}`;
  return exists(
    db
      .select({ one: sql`1` })
      .from(later)
      .where(
        and(
          eq(later.organisationId, indemnityCovers.organisationId),
          ne(later.id, indemnityCovers.id),
          inArray(later.status, ["active", "pending"]),
          sql`${later.endOn} > ${indemnityCovers.endOn}`,
          recordedBy,
        ),
      ),
  );
}

export function effectiveCoverStatusSql(db: DbOrTx, asAt: string) {
  return sql<EffectiveCoverStatus>`(case
    when ${indemnityCovers.status} = 'revoked' then 'revoked'
    when ${indemnityCovers.status} = 'pending' then 'pending'
    when ${indemnityCovers.startOn} > ${asAt} then 'upcoming'
    when ${indemnityCovers.endOn} >= ${asAt} then 'active'
    when ${renewedSql(db, asAt)} then 'renewed'
    else 'lapsed' end)`;
}

/** Organisations the CCG indemnifies on `asAt`: GP practices and private organisations under the NHS badge, active on that date. */
function needsCoverSql(db: DbOrTx, asAt: string) {
  return and(statusOnSql(db, organisations.id, asAt, "active"), or(eq(organisations.type, "gp_practice"), eq(organisations.nhsBadgedPrivate, true)))!;
}

/** For the forms: organisations the CCG indemnifies as they stand now (their current status). */
function eligibleForCoverNowSql() {
  return and(eq(organisations.status, "active"), or(eq(organisations.type, "gp_practice"), eq(organisations.nhsBadgedPrivate, true)))!;
}

function hasCoverSql(db: DbOrTx, asAt: string) {
  const cover = alias(indemnityCovers, "current_cover");
  return exists(
    db
      .select({ one: sql`1` })
      .from(cover)
      .where(and(eq(cover.organisationId, organisations.id), coveringSql(asAt, cover))),
  );
}

// ---------------------------------------------------------------------------------------------
// Reading

export type CoverListOptions = {
  asAt: string;
  status?: EffectiveCoverStatus;
  /** Cover in force on `asAt` ending within this many days (and not yet renewed). */
  expiringWithinDays?: number;
  organisationType?: OrganisationType;
  /** One organisation's covers only. */
  organisationId?: number;
  sort?: TableSort<CoverSort>;
  page?: number;
  pageSize?: number;
  db?: DbOrTx;
};

/** Every cover row (history included), with its effective status on `asAt`; filtered, sorted and paged in SQL. */
export function listCovers({
  asAt,
  status,
  expiringWithinDays,
  organisationType,
  organisationId,
  sort = { id: "organisation", desc: false },
  page = 1,
  pageSize = 25,
  db = getDb(),
}: CoverListOptions) {
  const effective = effectiveCoverStatusSql(db, asAt);
  const conditions: SQL[] = [];
  if (status) conditions.push(sql`${effective} = ${status}`);
  if (expiringWithinDays !== undefined) conditions.push(expiringSql(db, asAt, expiringWithinDays));
  if (organisationType) conditions.push(eq(organisations.type, organisationType));
  if (organisationId !== undefined) conditions.push(eq(indemnityCovers.organisationId, organisationId));
  const where = conditions.length ? and(...conditions) : undefined;
  const total =
    db.select({ n: count() }).from(indemnityCovers).innerJoin(organisations, eq(organisations.id, indemnityCovers.organisationId)).where(where).get()?.n ?? 0;
  const direction = sort.desc ? desc : asc;
  const order: SQL[] = {
    organisation: [direction(organisations.name), desc(indemnityCovers.startOn)],
    type: [direction(organisations.type), asc(organisations.name)],
    startOn: [direction(indemnityCovers.startOn)],
    endOn: [direction(indemnityCovers.endOn)],
    status: [direction(effective)],
  }[sort.id];
  const rows = db
    .select({
      id: indemnityCovers.id,
      organisationId: organisations.id,
      organisationName: organisations.name,
      odsCode: organisations.odsCode,
      organisationType: organisations.type,
      scope: indemnityCovers.scope,
      startOn: indemnityCovers.startOn,
      endOn: indemnityCovers.endOn,
      storedStatus: indemnityCovers.status,
      status: effective,
      documentReference: indemnityCovers.documentReference,
      signedBy: indemnityCovers.signedBy,
      renewsCoverId: indemnityCovers.renewsCoverId,
    })
    .from(indemnityCovers)
    .innerJoin(organisations, eq(organisations.id, indemnityCovers.organisationId))
    .where(where)
    .orderBy(...order, asc(organisations.name), asc(indemnityCovers.id))
    .limit(pageSize)
    .offset(pageOffset(page, pageSize))
    .all();
  return { total, rows };
}
export type CoverListRow = ReturnType<typeof listCovers>["rows"][number];

function expiringSql(db: DbOrTx, asAt: string, withinDays: number) {
  return and(coveringSql(asAt), sql`${indemnityCovers.endOn} <= ${addDaysIso(asAt, withinDays)}`, not(renewedSql(db, asAt)))!;
}

function bandOf(daysLeft: number) {
  return EXPIRY_BANDS.find((band) => daysLeft <= band) ?? null;
}

/**
 * Cover in force on `asAt` that ends within `withinDays` and has no renewal after it, soonest
 * first, with the days left and the warning band (7, 30 or 90 days). A renewal removes it.
 */
export function coverExpiring({ asAt, withinDays = 90, db = getDb() }: { asAt: string; withinDays?: number; db?: DbOrTx }) {
  return db
    .select({
      coverId: indemnityCovers.id,
      organisationId: organisations.id,
      organisationName: organisations.name,
      odsCode: organisations.odsCode,
      organisationType: organisations.type,
      endOn: indemnityCovers.endOn,
      documentReference: indemnityCovers.documentReference,
    })
    .from(indemnityCovers)
    .innerJoin(organisations, eq(organisations.id, indemnityCovers.organisationId))
    .where(and(expiringSql(db, asAt, withinDays), needsCoverSql(db, asAt)))
    .orderBy(asc(indemnityCovers.endOn), asc(organisations.name))
    .all()
    .map((row) => {
      const daysLeft = daysBetween(asAt, row.endOn);
      return { ...row, daysLeft, band: bandOf(daysLeft) };
    });
}

/**
 * Practices and NHS-badged private providers with a deployment live at the end of `asAt` (any
 * capability, at any of their services) and no cover in force on that date.
 */
export function organisationsSharingWithoutCover({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  const current = statusAsAt(db, asAt);
  const lastCover = alias(indemnityCovers, "last_cover");
  const lastEndOn = db
    .select({ on: max(lastCover.endOn) })
    .from(lastCover)
    .where(and(eq(lastCover.organisationId, organisations.id), sql`${lastCover.startOn} <= ${asAt}`));
  return db
    .with(current)
    .select({
      organisationId: organisations.id,
      organisationName: organisations.name,
      odsCode: organisations.odsCode,
      organisationType: organisations.type,
      liveDeployments: countDistinct(deployments.id),
      lastCoverEndedOn: sql<string | null>`(${lastEndOn})`,
    })
    .from(current)
    .innerJoin(deployments, eq(deployments.id, current.deploymentId))
    .innerJoin(services, eq(services.id, deployments.serviceId))
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .where(and(eq(current.status, "live"), needsCoverSql(db, asAt), not(hasCoverSql(db, asAt))))
    .groupBy(organisations.id)
    .orderBy(asc(organisations.name))
    .all();
}

/**
 * Organisations the CCG indemnifies with no cover in force on `asAt` although they had cover
 * before (it lapsed, or ended without a renewal starting yet), with the date it ended.
 */
export function lapsedCover({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  return db
    .select({
      organisationId: organisations.id,
      organisationName: organisations.name,
      odsCode: organisations.odsCode,
      organisationType: organisations.type,
      endedOn: max(indemnityCovers.endOn),
    })
    .from(organisations)
    .innerJoin(indemnityCovers, eq(indemnityCovers.organisationId, organisations.id))
    .where(and(needsCoverSql(db, asAt), not(hasCoverSql(db, asAt)), sql`${indemnityCovers.endOn} < ${asAt}`, inArray(indemnityCovers.status, ["active", "lapsed"])))
    .groupBy(organisations.id)
    .orderBy(asc(organisations.name))
    .all();
}

/** Organisations the CCG indemnifies on `asAt` that have had no cover starting on or before that date. */
export function organisationsNeverCovered({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  const anyCover = exists(db.select({ one: sql`1` }).from(indemnityCovers).where(and(eq(indemnityCovers.organisationId, organisations.id), sql`${indemnityCovers.startOn} <= ${asAt}`)));
  return db
    .select({ organisationId: organisations.id, organisationName: organisations.name, odsCode: organisations.odsCode, organisationType: organisations.type })
    .from(organisations)
    .where(and(needsCoverSql(db, asAt), not(anyCover)))
    .orderBy(asc(organisations.name))
    .all();
}

/** GP practices that were active members of the partnership on `asAt`, and how many of them had cover in force at the end of that day. */
export function countPracticesWithActiveCover({ asAt, locality, organisationType, db = getDb() }: { asAt: string; db?: DbOrTx } & OrganisationFilter) {
  if (organisationType && organisationType !== "gp_practice") return { covered: 0, total: 0 };
  const row = db
    .select({
      total: count(),
      covered: sql<number>`coalesce(sum(case when ${hasCoverSql(db, asAt)} then 1 else 0 end), 0)`,
    })
    .from(organisations)
    .where(and(eq(organisations.type, "gp_practice"), activeMemberOnSql(db, organisations.id, asAt), organisationFilterSql({ locality })))
    .get();
  return { covered: Number(row?.covered ?? 0), total: row?.total ?? 0 };
}

/**
 * One organisation's cover: whether the CCG indemnifies it, the cover in force on `asAt`, every
 * cover it has had (newest first), and the warnings that apply on that date.
 */
export function coverForOrganisation({ organisationId, asAt, db = getDb() }: { organisationId: number; asAt: string; db?: DbOrTx }) {
  const org = db
    .select({ id: organisations.id, type: organisations.type, nhsBadgedPrivate: organisations.nhsBadgedPrivate, activeOnDate: sql<number>`${statusOnSql(db, organisations.id, asAt, "active")}` })
    .from(organisations)
    .where(eq(organisations.id, organisationId))
    .get();
  if (!org) return null;
  const needsCover = Boolean(org.activeOnDate) && (org.type === "gp_practice" || org.nhsBadgedPrivate);
  const history = listCovers({ asAt, organisationId, sort: { id: "startOn", desc: true }, pageSize: 1000, db }).rows;
  const current = history.find((c) => c.status === "active") ?? null;
  const warnings: { kind: "sharing_without_cover" | "expiring" | "lapsed" | "no_cover"; text: string }[] = [];
  if (needsCover) {
    const sharing = organisationsSharingWithoutCover({ asAt, db }).find((o) => o.organisationId === organisationId);
    if (sharing) warnings.push({ kind: "sharing_without_cover", text: `Sharing without cover: ${sharing.liveDeployments} live deployment${sharing.liveDeployments === 1 ? "" : "s"} and no indemnity cover in force on ${formatDate(asAt)}` });
    const expiring = coverExpiring({ asAt, withinDays: 90, db }).find((c) => c.organisationId === organisationId);
    if (expiring) warnings.push({ kind: "expiring", text: `Cover expires in ${expiring.daysLeft} day${expiring.daysLeft === 1 ? "" : "s"}, on ${formatDate(expiring.endOn)}, and has not been renewed` });
    if (!current && history.length) {
      const lastEnd = history.filter((c) => c.endOn < asAt && (c.storedStatus === "active" || c.storedStatus === "lapsed")).map((c) => c.endOn).sort().at(-1);
      if (lastEnd) warnings.push({ kind: "lapsed", text: `Cover lapsed on ${formatDate(lastEnd)}` });
    }
    if (!history.length) warnings.push({ kind: "no_cover", text: "The CCG has recorded no indemnity cover for this organisation" });
  }
  return { needsCover, current, history, warnings };
}

export function getCover({ id, asAt, db = getDb() }: { id: number; asAt: string; db?: DbOrTx }) {
  return (
    db
      .select({
        id: indemnityCovers.id,
        organisationId: organisations.id,
        organisationName: organisations.name,
        odsCode: organisations.odsCode,
        scope: indemnityCovers.scope,
        startOn: indemnityCovers.startOn,
        endOn: indemnityCovers.endOn,
        storedStatus: indemnityCovers.status,
        status: effectiveCoverStatusSql(db, asAt),
        documentReference: indemnityCovers.documentReference,
        signedBy: indemnityCovers.signedBy,
        renewsCoverId: indemnityCovers.renewsCoverId,
      })
      .from(indemnityCovers)
      .innerJoin(organisations, eq(organisations.id, indemnityCovers.organisationId))
      .where(eq(indemnityCovers.id, id))
      .get() ?? null
  );
}

/** Organisations the CCG indemnifies, for the new-cover form. */
export function organisationsNeedingCover({ db = getDb() }: { db?: DbOrTx } = {}) {
  return db
    .select({ id: organisations.id, name: organisations.name, odsCode: organisations.odsCode, type: organisations.type })
    .from(organisations)
    .where(eligibleForCoverNowSql())
    .orderBy(asc(organisations.name))
    .all();
}

/** Organisation types that hold any cover, for the register's filter. */
export function coveredOrganisationTypes({ db = getDb() }: { db?: DbOrTx } = {}) {
  return db
    .selectDistinct({ type: organisations.type })
    .from(indemnityCovers)
    .innerJoin(organisations, eq(organisations.id, indemnityCovers.organisationId))
    .orderBy(asc(organisations.type))
    .all()
    .map((r) => r.type);
}

// ---------------------------------------------------------------------------------------------
// Writing: only the CCG, one transaction each, audited

function assertCcg(user: GovernanceUser) {
  if (!user.roles.includes("ccg")) throw new GovernanceError(403, "Only the CCG changes indemnity cover");
}

function coverRow(db: DbOrTx, id: number) {
  return db.select().from(indemnityCovers).where(eq(indemnityCovers.id, id)).get();
}

function assertDates(input: { startOn: string; endOn: string }) {
  if (input.endOn <= input.startOn) throw new GovernanceFieldError("endOn", "Enter an end date after the start date");
}

/** New cover for an organisation the CCG indemnifies. */
export function createCover({ actor, user, input, db }: { actor: Actor; user: GovernanceUser; input: NewCoverInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    assertCcg(user);
    assertDates(input);
    const org = tx.select({ id: organisations.id }).from(organisations).where(and(eq(organisations.id, input.organisationId), eligibleForCoverNowSql())).get();
    if (!org) throw new GovernanceFieldError("organisationId", "Choose a GP practice or NHS-badged private provider: the CCG indemnifies only those");
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

/** Corrects or changes a cover (its status: signed, lapsed, revoked; dates; document). */
export function updateCover({ actor, user, coverId, input, db }: { actor: Actor; user: GovernanceUser; coverId: number; input: CoverInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    assertCcg(user);
    const before = coverRow(tx, coverId);
    if (!before) throw new GovernanceError(404, "There is no such cover");
    assertDates(input);
    tx.update(indemnityCovers).set({ ...input, updatedAt: nowIso() }).where(eq(indemnityCovers.id, coverId)).run();
    const after = coverRow(tx, coverId)!;
    audit(tx, actor, { action: "indemnity.update", entityType: "indemnity_cover", entityId: coverId, before, after });
    return after;
  };
  return db ? run(db) : transaction(run);
}

/** Defaults for a renewal form: starts the day after the old cover ends and runs for two years. */
export function renewalDefaults(cover: { endOn: string; scope: string }) {
  const startOn = addDaysIso(cover.endOn, 1);
  return { scope: cover.scope, startOn, endOn: addDaysIso(addMonthsIso(startOn, 24), -1), status: "active" as const };
}
