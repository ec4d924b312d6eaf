// The CCG's indemnity register. As in the case study, the CCG indemnifies GP practices against
// claims of illegal sharing; the gap that matters is a practice whose record services can view
// (above all private organisations under the NHS badge) while it has no cover in force. Cover
// periods are dated facts (renewals are new rows); changes are in indemnity-changes.server.ts.
import { and, asc, count, countDistinct, desc, eq, exists, inArray, max, ne, not, or, sql, type SQL } from "drizzle-orm";
import { alias, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { capabilities, deployments, indemnityCovers, organisations, services } from "../../db/schema";
import { organisationFilterSql, type OrganisationFilter } from "./organisation-filter.server";
import { getDb, type DbOrTx } from "~/lib/db.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { addDaysIso, daysBetween, formatDate } from "~/lib/dates";
import { pageOffset, type TableSort } from "~/lib/table-query";
import { statusAsAt } from "~/models/rollout.server";
import { getReportingDate } from "~/models/settings.server";
import {
  EXPIRY_BANDS,
  PRIVATE_NAMED_PER_PRACTICE,
  type CoverSort,
  type EffectiveCoverStatus,
  type PracticeCoverSort,
  type PracticeCoverState,
} from "~/models/indemnity.schema";
import { RECORD_VIEWING_CAPABILITIES } from "~/models/rollout.schema";
import type { OrganisationType } from "../../db/schema/enums";
import { activeMemberOnSql, nameAsAtSql, privateProviderAsAtSql, statusOnSql } from "~/models/organisation-history.server";
import { listLocalities } from "~/models/organisations.server";

// ---------------------------------------------------------------------------------------------
// Cover as at a date, in SQL

type CoverColumns = {
  status: AnySQLiteColumn;
  startOn: AnySQLiteColumn;
  endOn: AnySQLiteColumn;
  endedOn: AnySQLiteColumn;
  endedRecordedOn: AnySQLiteColumn;
  notCountedReason: AnySQLiteColumn;
};

/**
 * The early ending of a cover as known at the end of `asAt`: ending cover early is a dated change,
 * read from the day it was recorded. Before that day the cover ran to its signed end as far as
 * anyone knew, so no figure as at an earlier date moves when an ending is recorded.
 */
function endingKnownSql(asAt: string, cover: Pick<CoverColumns, "endedOn" | "endedRecordedOn"> = indemnityCovers) {
  return sql`(${cover.endedOn} is not null and ${cover.endedRecordedOn} <= ${asAt})`;
}

/** The last day of the cover as at `asAt`: the signed end, or the early ending once it was recorded. Every query reads the end through this. */
export function coverEndAsAtSql(asAt: string, cover: Pick<CoverColumns, "endOn" | "endedOn" | "endedRecordedOn"> = indemnityCovers) {
  return sql<string>`(case when ${endingKnownSql(asAt, cover)} then ${cover.endedOn} else ${cover.endOn} end)`;
}

/** The cover's signed end and its early ending (when known by `asAt`), for display beside the end as at `asAt`. */
function endingColumns(asAt: string) {
  const known = endingKnownSql(asAt);
  return {
    signedEndOn: indemnityCovers.endOn,
    endedEarlyOn: sql<string | null>`(case when ${known} then ${indemnityCovers.endedOn} end)`,
    endedRecordedOn: sql<string | null>`(case when ${known} then ${indemnityCovers.endedRecordedOn} end)`,
    endReason: sql<string | null>`(case when ${known} then ${indemnityCovers.endReason} end)`,
  };
}

/** The cover was signed (active, or lapsed: it ended without renewal) and has not been set aside as not counted. */
function signedAndCountedSql(cover: CoverColumns = indemnityCovers) {
  return and(sql`${cover.status} in ('active', 'lapsed')`, sql`${cover.notCountedReason} is null`)!;
}

/** The cover indemnified the practice at the end of `asAt` (lapsed covers did, between their dates). */
function coveringSql(asAt: string, cover: CoverColumns = indemnityCovers) {
  return and(signedAndCountedSql(cover), sql`${cover.startOn} <= ${asAt}`, sql`${coverEndAsAtSql(asAt, cover)} >= ${asAt}`)!;
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
          sql`${coverEndAsAtSql(asAt, later)} > ${coverEndAsAtSql(asAt)}`,
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
    when ${coverEndAsAtSql(asAt)} >= ${asAt} then 'active'
    when ${renewedSql(db, asAt)} then 'renewed'
    else 'lapsed' end)`;
}

/**
 * The practices the CCG indemnifies on `asAt`: GP practices that were active members of the
 * partnership on that date (a member's record is published to the shared record; the register's
 * "N of M" counts the same practices).
 */
function practiceOnSql(db: DbOrTx, asAt: string) {
  return and(eq(organisations.type, "gp_practice"), activeMemberOnSql(db, organisations.id, asAt))!;
}

/** For the forms: the practices the CCG may record cover for as they stand now (their current status). */
export function eligibleForCoverNowSql() {
  return and(eq(organisations.status, "active"), eq(organisations.type, "gp_practice"))!;
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
    endOn: [direction(coverEndAsAtSql(asAt))],
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
      endOn: coverEndAsAtSql(asAt),
      ...endingColumns(asAt),
      storedStatus: indemnityCovers.status,
      status: effective,
      documentReference: indemnityCovers.documentReference,
      signedBy: indemnityCovers.signedBy,
      renewsCoverId: indemnityCovers.renewsCoverId,
      counted: sql<number>`(${indemnityCovers.notCountedReason} is null and ${organisations.type} = 'gp_practice')`.mapWith((v) => Number(v) === 1),
      notCountedReason: sql<string | null>`(case when ${indemnityCovers.notCountedReason} is not null then ${indemnityCovers.notCountedReason} when ${organisations.type} <> 'gp_practice' then ${NOT_A_PRACTICE} end)`,
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

/** Why a cover held by an organisation that is not (or is no longer) a GP practice counts for nothing. */
const NOT_A_PRACTICE = "Held by an organisation that is not a GP practice: the CCG indemnifies practices, not the organisations that view their records. Kept as history; not counted.";

function expiringSql(db: DbOrTx, asAt: string, withinDays: number) {
  return and(coveringSql(asAt), sql`${coverEndAsAtSql(asAt)} <= ${addDaysIso(asAt, withinDays)}`, not(renewedSql(db, asAt)))!;
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
      endOn: coverEndAsAtSql(asAt),
      documentReference: indemnityCovers.documentReference,
    })
    .from(indemnityCovers)
    .innerJoin(organisations, eq(organisations.id, indemnityCovers.organisationId))
    .where(and(expiringSql(db, asAt, withinDays), practiceOnSql(db, asAt)))
    .orderBy(asc(coverEndAsAtSql(asAt)), asc(organisations.name))
    .all()
    .map((row) => {
      const daysLeft = daysBetween(asAt, row.endOn);
      return { ...row, daysLeft, band: bandOf(daysLeft) };
    });
}

/**
 * The organisations whose services can view the GP record at the end of `asAt`: each with how many
 * of its services have a record-viewing capability (MIG view or two-way) live on that date, read
 * from the stored deployment status intervals, and whether it is a private organisation under the
 * NHS badge. Every member practice's record is published to the shared record, so these are the
 * viewers of every member practice's record (bar a practice's own services).
 */
export function recordViewers({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  const current = statusAsAt(db, asAt);
  return db
    .with(current)
    .select({
      organisationId: organisations.id,
      // Name and private-provider flag as they were on the date (a later change does not move the severity then).
      organisationName: nameAsAtSql(db, organisations.id, asAt),
      odsCode: organisations.odsCode,
      privateProvider: privateProviderAsAtSql(db, organisations.id, asAt),
      services: countDistinct(services.id),
    })
    .from(current)
    .innerJoin(deployments, eq(deployments.id, current.deploymentId))
    .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .innerJoin(services, eq(services.id, deployments.serviceId))
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .where(and(eq(current.status, "live"), inArray(capabilities.code, [...RECORD_VIEWING_CAPABILITIES])))
    .groupBy(organisations.id)
    .orderBy(asc(organisations.name))
    .all();
}
export type RecordViewer = ReturnType<typeof recordViewers>[number];

/** Who can view one practice's record: every viewing service but the practice's own, and the private ones named. */
export function viewersOfPracticeRecord(viewers: RecordViewer[], practiceId: number) {
  const others = viewers.filter((v) => v.organisationId !== practiceId);
  const privateOrganisations = others.filter((v) => v.privateProvider).map(({ organisationName, odsCode, services }) => ({ organisationName, odsCode, services }));
  return {
    services: others.reduce((n, v) => n + v.services, 0),
    privateServices: privateOrganisations.reduce((n, v) => n + v.services, 0),
    privateOrganisations,
  };
}

/** The last signed, counted cover of the practice that ended before `asAt`. */
function lastCoverEndedSql(db: DbOrTx, asAt: string) {
  const ended = alias(indemnityCovers, "ended_cover");
  return sql<string | null>`(${db
    .select({ on: max(coverEndAsAtSql(asAt, ended)) })
    .from(ended)
    .where(and(eq(ended.organisationId, organisations.id), signedAndCountedSql(ended), sql`${coverEndAsAtSql(asAt, ended)} < ${asAt}`))})`;
}

/**
 * The exception the case study's indemnity exists for: member practices with no cover in force at
 * the end of `asAt` whose record services can view on that date, with how many services (how many
 * of them private) and the private organisations named. A practice nobody can view is not listed.
 */
export function practicesViewableWithoutCover({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  const viewers = recordViewers({ asAt, db });
  if (!viewers.length) return [];
  return db
    .select({
      organisationId: organisations.id,
      organisationName: nameAsAtSql(db, organisations.id, asAt),
      odsCode: organisations.odsCode,
      locality: organisations.locality,
      lastCoverEndedOn: lastCoverEndedSql(db, asAt),
    })
    .from(organisations)
    .where(and(practiceOnSql(db, asAt), not(hasCoverSql(db, asAt))))
    .orderBy(asc(organisations.name))
    .all()
    .map((p) => ({ ...p, ...viewersOfPracticeRecord(viewers, p.organisationId) }))
    .filter((p) => p.services > 0);
}
export type PracticeViewableWithoutCover = ReturnType<typeof practicesViewableWithoutCover>[number];

/**
 * Member practices with no cover in force on `asAt` although they had cover before (it lapsed, or
 * ended without a renewal starting yet), with the date it ended.
 */
export function lapsedCover({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  return db
    .select({
      organisationId: organisations.id,
      organisationName: organisations.name,
      odsCode: organisations.odsCode,
      organisationType: organisations.type,
      endedOn: max(coverEndAsAtSql(asAt)),
    })
    .from(organisations)
    .innerJoin(indemnityCovers, eq(indemnityCovers.organisationId, organisations.id))
    .where(and(practiceOnSql(db, asAt), not(hasCoverSql(db, asAt)), sql`${coverEndAsAtSql(asAt)} < ${asAt}`, signedAndCountedSql()))
    .groupBy(organisations.id)
    .orderBy(asc(organisations.name))
    .all();
}

/** Member practices on `asAt` that have had no cover starting on or before that date. */
export function organisationsNeverCovered({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  const anyCover = exists(db.select({ one: sql`1` }).from(indemnityCovers).where(and(eq(indemnityCovers.organisationId, organisations.id), sql`${indemnityCovers.startOn} <= ${asAt}`)));
  return db
    .select({ organisationId: organisations.id, organisationName: organisations.name, odsCode: organisations.odsCode, organisationType: organisations.type })
    .from(organisations)
    .where(and(practiceOnSql(db, asAt), not(anyCover)))
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
 * Every member practice on `asAt` with its cover as it stood then: in force (and whether it ends
 * within 90 days without a renewal), lapsed, or none; filtered, sorted and paged in SQL.
 */
export function listPracticeCover({
  asAt,
  state,
  locality,
  sort = { id: "practice", desc: false },
  page = 1,
  pageSize = 25,
  db = getDb(),
}: {
  asAt: string;
  state?: PracticeCoverState;
  locality?: string;
  sort?: TableSort<PracticeCoverSort>;
  page?: number;
  pageSize?: number;
  db?: DbOrTx;
}) {
  // The cover in force (the one running longest when two overlap) is joined as indemnity_covers itself,
  // so the renewal test of effectiveCoverStatusSql applies to it unchanged.
  const inForce = alias(indemnityCovers, "cover_in_force");
  const inForceId = sql`(${db
    .select({ id: inForce.id })
    .from(inForce)
    .where(and(eq(inForce.organisationId, organisations.id), coveringSql(asAt, inForce)))
    .orderBy(desc(coverEndAsAtSql(asAt, inForce)), desc(inForce.id))
    .limit(1)})`;
  const lastEnded = lastCoverEndedSql(db, asAt);
  const coverState = sql<PracticeCoverState>`(case
    when ${indemnityCovers.id} is null then (case when ${lastEnded} is null then 'none' else 'lapsed' end)
    when ${coverEndAsAtSql(asAt)} <= ${addDaysIso(asAt, EXPIRY_BANDS.at(-1)!)} and not ${renewedSql(db, asAt)} then 'expiring'
    else 'covered' end)`;
  const conditions: SQL[] = [practiceOnSql(db, asAt)];
  if (state) conditions.push(sql`${coverState} = ${state}`);
  if (locality) conditions.push(eq(organisations.locality, locality));
  const where = and(...conditions);
  const base = () => db.select({ n: count() }).from(organisations).leftJoin(indemnityCovers, eq(indemnityCovers.id, inForceId));
  const total = base().where(where).get()?.n ?? 0;
  const direction = sort.desc ? desc : asc;
  const order: SQL[] = {
    practice: [direction(sql`${organisations.name} collate nocase`)],
    locality: [direction(organisations.locality)],
    cover: [direction(sql`(case ${coverState} when 'none' then 0 when 'lapsed' then 1 when 'expiring' then 2 else 3 end)`), asc(coverEndAsAtSql(asAt))],
    endOn: [direction(coverEndAsAtSql(asAt))],
  }[sort.id];
  const rows = db
    .select({
      organisationId: organisations.id,
      organisationName: organisations.name,
      odsCode: organisations.odsCode,
      locality: organisations.locality,
      state: coverState,
      coverId: indemnityCovers.id,
      startOn: indemnityCovers.startOn,
      endOn: sql<string | null>`${coverEndAsAtSql(asAt)}`,
      ...endingColumns(asAt),
      documentReference: indemnityCovers.documentReference,
      lastCoverEndedOn: lastEnded,
    })
    .from(organisations)
    .leftJoin(indemnityCovers, eq(indemnityCovers.id, inForceId))
    .where(where)
    .orderBy(...order, asc(organisations.name), asc(organisations.id))
    .limit(pageSize)
    .offset(pageOffset(page, pageSize))
    .all()
    .map((r) => ({ ...r, daysLeft: r.endOn ? daysBetween(asAt, r.endOn) : null }));
  return { total, rows };
}
export type PracticeCoverRow = ReturnType<typeof listPracticeCover>["rows"][number];

type CoverWarningKind = "viewable_without_cover" | "expiring" | "lapsed" | "no_cover";

/**
 * One organisation's cover on `asAt`. A GP practice: the cover in force, every cover it has had
 * (newest first) and the warnings for that date, among them who can view its record while it has
 * no cover. Any other organisation holds no cover under the case study's model: any cover once
 * recorded for it is listed as history, not counted.
 */
export function coverForOrganisation({ organisationId, asAt, db = getDb() }: { organisationId: number; asAt: string; db?: DbOrTx }) {
  const org = db
    .select({ id: organisations.id, type: organisations.type, nhsBadgedPrivate: organisations.nhsBadgedPrivate, activeMember: sql<number>`${activeMemberOnSql(db, organisations.id, asAt)}` })
    .from(organisations)
    .where(eq(organisations.id, organisationId))
    .get();
  if (!org) return null;
  const isPractice = org.type === "gp_practice";
  const activeMember = Boolean(org.activeMember);
  // The CCG's cover matters for a practice whose record is shared: one that is an active member on the date.
  const needsCover = isPractice && activeMember;
  const history = listCovers({ asAt, organisationId, sort: { id: "startOn", desc: true }, pageSize: 1000, db }).rows;
  const current = history.find((c) => c.status === "active" && c.counted) ?? null;
  const warnings: { kind: CoverWarningKind; text: string }[] = [];
  if (needsCover) {
    if (!current) {
      const viewers = viewersOfPracticeRecord(recordViewers({ asAt, db }), organisationId);
      if (viewers.services > 0) {
        const named = viewers.privateOrganisations.map((o) => o.organisationName).join(", ");
        warnings.push({
          kind: "viewable_without_cover",
          text: `No indemnity cover in force on ${formatDate(asAt)} while ${plural(viewers.services, "service")} (${viewers.privateServices} private) can view this practice's record${named ? `, among them ${named}` : ""}`,
        });
      }
    }
    const expiring = coverExpiring({ asAt, withinDays: EXPIRY_BANDS.at(-1)!, db }).find((c) => c.organisationId === organisationId);
    if (expiring) warnings.push({ kind: "expiring", text: `Cover expires in ${plural(expiring.daysLeft, "day")}, on ${formatDate(expiring.endOn)}, and has not been renewed` });
    if (!current) {
      const lastEnd = history.filter((c) => c.counted && c.endOn < asAt && (c.storedStatus === "active" || c.storedStatus === "lapsed")).map((c) => c.endOn).sort().at(-1);
      if (lastEnd) warnings.push({ kind: "lapsed", text: `Cover lapsed on ${formatDate(lastEnd)}` });
      else warnings.push({ kind: "no_cover", text: `The CCG has recorded no indemnity cover in force for this practice by ${formatDate(asAt)}` });
    }
  }
  return { isPractice, activeMember, needsCover, privateProvider: org.nhsBadgedPrivate, current, history, warnings };
}

const plural = (n: number, one: string) => `${n} ${n === 1 ? one : `${one}s`}`;

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
        endOn: coverEndAsAtSql(asAt),
        ...endingColumns(asAt),
        storedStatus: indemnityCovers.status,
        status: effectiveCoverStatusSql(db, asAt),
        counted: sql<number>`(${indemnityCovers.notCountedReason} is null and ${organisations.type} = 'gp_practice')`.mapWith((v) => Number(v) === 1),
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

/** The practices the new-cover form offers: GP practices active now (the CCG indemnifies practices only). */
export function practicesForCover({ db = getDb() }: { db?: DbOrTx } = {}) {
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
// The register page

/** The register's lists: a page of every practice's cover, or a page of every cover record, with their filters. */
export type IndemnityRegisterQuery =
  | { view: "practices"; state?: PracticeCoverState; locality?: string; sort: TableSort<PracticeCoverSort>; page: number; pageSize: number }
  | { view: "covers"; status?: EffectiveCoverStatus; expiringWithinDays?: number; organisationType?: OrganisationType; sort: TableSort<CoverSort>; page: number; pageSize: number };

/** How many of the practices viewable without cover, and of the covers expiring, the page names (a national register could have thousands). */
const VIEWABLE_NAMED = 25;
const EXPIRING_NAMED = 25;

/**
 * Everything the register page shows as at `asAt` for one query: the same for everyone who may
 * read it, so it is worked out once and kept until a table it read changes. A page of rows, the
 * first few practices viewable without cover, and the filters' options; never every practice.
 */
export function indemnityRegister({ asAt, query, db = getDb() }: { asAt: string; query: IndemnityRegisterQuery; db?: DbOrTx }) {
  return memoiseByDataVersion("indemnity-register", { asAt, query }, db, () => computeIndemnityRegister({ asAt, query, db }));
}

/** Cover expiring, soonest first: how many within each warning band, and the first few by name (the register's "expiring" filter lists them all). */
function expiringSummary(expiring: ReturnType<typeof coverExpiring>) {
  return {
    total: expiring.length,
    withinBand: EXPIRY_BANDS.map((band) => ({ band, count: expiring.filter((c) => c.daysLeft <= band).length })),
    soonest: expiring.slice(0, EXPIRING_NAMED),
  };
}

function computeIndemnityRegister({ asAt, query, db }: { asAt: string; query: IndemnityRegisterQuery; db: DbOrTx }) {
  const viewers = recordViewers({ asAt, db });
  const viewable = practicesViewableWithoutCover({ asAt, db });
  const privateViewers = viewers.filter((v) => v.privateProvider);
  const { page, pageSize } = query;
  return {
    practiceRows:
      query.view === "practices" ? listPracticeCover({ asAt, state: query.state, locality: query.locality, sort: query.sort, page, pageSize, db }) : null,
    coverRows:
      query.view === "covers"
        ? listCovers({ asAt, status: query.status, expiringWithinDays: query.expiringWithinDays, organisationType: query.organisationType, sort: query.sort, page, pageSize, db })
        : null,
    types: query.view === "covers" ? coveredOrganisationTypes({ db }) : [],
    localities: query.view === "practices" ? listLocalities({ db }) : [],
    viewers: {
      services: viewers.reduce((n, v) => n + v.services, 0),
      privateServices: privateViewers.reduce((n, v) => n + v.services, 0),
      privateOrganisations: privateViewers,
    },
    viewableWithoutCover: viewable.slice(0, VIEWABLE_NAMED).map((p) => ({
      ...p,
      privateOrganisationCount: p.privateOrganisations.length,
      privateOrganisations: p.privateOrganisations.length > PRIVATE_NAMED_PER_PRACTICE ? [] : p.privateOrganisations,
    })),
    viewableWithoutCoverTotal: viewable.length,
    expiring: expiringSummary(coverExpiring({ asAt, withinDays: EXPIRY_BANDS.at(-1)!, db })),
    lapsed: lapsedCover({ asAt, db }),
    practices: countPracticesWithActiveCover({ asAt, db }),
  };
}
