import { and, asc, count, countDistinct, desc, eq, gte, inArray, lte, max, min, sql, sum, type SQL } from "drizzle-orm";
import {
  capabilities,
  deploymentStatusEvents,
  deploymentStatusIntervals,
  deploymentUsage,
  deployments,
  organisations,
  services,
} from "../../db/schema";
import type { DeploymentStatus, OrganisationType } from "../../db/schema/enums";
import { getDb, rowsFromValues, transaction, type DbOrTx } from "~/lib/db.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { organisationFilterSql, type OrganisationFilter } from "./organisation-filter.server";
import { audit, type Actor } from "~/lib/audit.server";
import { endOfMonthIso, formatDate, formatMonth, monthOf, monthRange } from "~/lib/dates";
import { pageOffset, type TableSort } from "~/lib/table-query";
import { DEPLOYMENT_STATUS_LABELS, type DeploymentEditInput, type DeploymentSort, type NewDeploymentInput, type ServiceInput, type StatusChangeInput, type UsageInput, type VoidStatusEventInput } from "./rollout.schema";
import { deploymentStatusIntervalsOf, refreshDeploymentStatusIntervals, type StatusInterval } from "./rollout.read-model.server";
import { EARLIEST_AS_AT, isValidOn, validOnSql } from "./temporal";
export { DEPLOYMENT_SORTS, type DeploymentSort } from "./rollout.schema";
import { getReportingDate } from "./settings.server";
import { memberOnSql, nameAsAtSql, privateProviderAsAtSql, statusOnSql } from "./organisation-history.server";

/**
 * The one as-at computation: each deployment's status interval valid on `asAt` (temporal.ts's
 * rule, read from the deployment_status_intervals read model by an index seek). A deployment with
 * no interval on that date did not exist yet. Every page, CSV and API uses this.
 */
export function statusAsAt(db: DbOrTx, asAt: string) {
  return db.$with("status_as_at").as(
    db
      .select({
        deploymentId: deploymentStatusIntervals.deploymentId,
        status: sql<DeploymentStatus>`${deploymentStatusIntervals.status}`.as("status_as_at"),
        since: sql<string>`${deploymentStatusIntervals.validFrom}`.as("status_since"),
      })
      .from(deploymentStatusIntervals)
      .where(validOnSql(deploymentStatusIntervals.validFrom, deploymentStatusIntervals.validTo, asAt)),
  );
}

/** Each deployment's first go-live on or before `asAt` (a deployment paused later still went live then). */
function firstLiveAsAt(db: DbOrTx, asAt: string) {
  return db.$with("first_live").as(
    db
      .select({ deploymentId: deploymentStatusIntervals.deploymentId, liveOn: min(deploymentStatusIntervals.validFrom).as("live_on") })
      .from(deploymentStatusIntervals)
      .where(and(eq(deploymentStatusIntervals.status, "live"), lte(deploymentStatusIntervals.validFrom, asAt)))
      .groupBy(deploymentStatusIntervals.deploymentId),
  );
}

/** Statuses in which a deployment whose planned go-live has passed counts as late (withdrawn ones never will go live). */
export const LATE_STATUSES: readonly DeploymentStatus[] = ["planned", "in_progress", "paused"];

/**
 * Late: planned go-live before `asAt` and not gone live by then. Pure, for pages that hold one
 * deployment; lists compute the same rule in SQL.
 */
export function isLate({ plannedGoLive, status, wentLiveOn, asAt }: { plannedGoLive: string | null; status: DeploymentStatus; wentLiveOn: string | null; asAt: string }) {
  return Boolean(plannedGoLive && plannedGoLive < asAt && LATE_STATUSES.includes(status) && !wentLiveOn);
}

/** Distinct services with the capability live at the end of `asAt` (default capability: the detailed care record). */
export function countServicesLive({
  asAt,
  capabilityCode = "mig_view",
  locality,
  organisationType,
  db = getDb(),
}: { asAt: string; capabilityCode?: string; db?: DbOrTx } & OrganisationFilter): number {
  return memoiseByDataVersion("services-live", { asAt, capabilityCode, locality, organisationType }, db, () =>
    computeServicesLive({ asAt, capabilityCode, locality, organisationType, db }),
  );
}

function computeServicesLive({ asAt, capabilityCode, locality, organisationType, db }: { asAt: string; capabilityCode: string; db: DbOrTx } & OrganisationFilter) {
  const current = statusAsAt(db, asAt);
  const row = db
    .with(current)
    .select({ n: countDistinct(deployments.serviceId) })
    .from(current)
    .innerJoin(deployments, eq(deployments.id, current.deploymentId))
    .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .innerJoin(services, eq(services.id, deployments.serviceId))
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .where(and(eq(current.status, "live"), eq(capabilities.code, capabilityCode), organisationFilterSql({ locality, organisationType })))
    .get();
  return row?.n ?? 0;
}

/**
 * GP practices active on `asAt` (as the partnership knew them then), and how many of them were
 * members of the partnership on that date (none when the filter is another organisation type).
 */
export function countPractices({ asAt, locality, organisationType, db = getDb() }: { asAt: string; db?: DbOrTx } & OrganisationFilter) {
  if (organisationType && organisationType !== "gp_practice") return { total: 0, signedUp: 0 };
  const row = db
    .select({
      total: count(),
      signedUp: sql<number>`coalesce(sum(case when ${memberOnSql(db, organisations.id, asAt)} then 1 else 0 end), 0)`,
    })
    .from(organisations)
    .where(and(eq(organisations.type, "gp_practice"), statusOnSql(db, organisations.id, asAt, "active"), organisationFilterSql({ locality })))
    .get();
  return { total: row?.total ?? 0, signedUp: Number(row?.signedUp ?? 0) };
}

/** The latest date any deployment's status changed (voided events count for nothing). */
export function latestStatusEventDate({ db = getDb() }: { db?: DbOrTx } = {}) {
  return db.select({ on: max(deploymentStatusIntervals.validFrom) }).from(deploymentStatusIntervals).get()?.on ?? null;
}

/** The earliest date any deployment has a status. */
export function earliestStatusEventDate({ db = getDb() }: { db?: DbOrTx } = {}) {
  return db.select({ on: min(deploymentStatusIntervals.validFrom) }).from(deploymentStatusIntervals).get()?.on ?? null;
}

// ---------------------------------------------------------------------------------------------
// Capabilities

export function listCapabilities({ db = getDb() }: { db?: DbOrTx } = {}) {
  return db.select({ id: capabilities.id, code: capabilities.code, name: capabilities.name }).from(capabilities).orderBy(asc(capabilities.id)).all();
}

// ---------------------------------------------------------------------------------------------
// Deployments as at a date


export type DeploymentFilters = {
  /** Capability code, e.g. mig_view. */
  capability?: string | null;
  /** Status as at the date. */
  status?: DeploymentStatus | null;
  locality?: string | null;
  organisationType?: OrganisationType | null;
  organisationId?: number | null;
  serviceId?: number | null;
  /** Only late (true) or only not late (false). */
  late?: boolean | null;
};

export type DeploymentRow = {
  id: number;
  organisationId: number;
  odsCode: string;
  organisationName: string;
  organisationType: OrganisationType;
  /** A private organisation working under the NHS badge (NHS-funded). */
  privateProvider: boolean;
  locality: string | null;
  serviceId: number;
  serviceName: string;
  capabilityCode: string;
  capabilityName: string;
  /** Status at the end of the as-at date. */
  status: DeploymentStatus;
  statusSince: string;
  plannedGoLive: string | null;
  /** First go-live on or before the as-at date. */
  actualGoLive: string | null;
  owner: string | null;
  late: boolean;
};

/**
 * Deployments (service × capability) with their status as at `asAt`, filtered, sorted and paged in
 * SQL. Deployments with no status event by `asAt` did not exist yet and are left out. Late is judged
 * against `asAt` (the reporting date when a page asks for none). Omit `page`/`pageSize` for every row.
 */
type ListDeploymentsArgs = DeploymentFilters & { asAt: string; sort?: TableSort<DeploymentSort>; page?: number; pageSize?: number; db?: DbOrTx };

export function listDeployments({ db = getDb(), ...args }: ListDeploymentsArgs): { rows: DeploymentRow[]; total: number } {
  // Pages, CSVs, the API and the exception engine ask for the same lists: reused until the data changes.
  return memoiseByDataVersion("deployments", args, db, () => computeDeployments({ ...args, db }));
}

function computeDeployments({
  asAt,
  sort = { id: "organisation", desc: false },
  page,
  pageSize,
  db = getDb(),
  ...filters
}: ListDeploymentsArgs): { rows: DeploymentRow[]; total: number } {
  const current = statusAsAt(db, asAt);
  const firstLive = firstLiveAsAt(db, asAt);
  const late = sql<number>`(case when ${deployments.plannedGoLive} < ${asAt} and ${current.status} in ('planned', 'in_progress', 'paused') and ${firstLive.liveOn} is null then 1 else 0 end)`;
  const organisationName = nameAsAtSql(db, organisations.id, asAt);

  const conditions: SQL[] = [];
  if (filters.capability) conditions.push(eq(capabilities.code, filters.capability));
  if (filters.status) conditions.push(eq(current.status, filters.status));
  if (filters.locality) conditions.push(eq(organisations.locality, filters.locality));
  if (filters.organisationType) conditions.push(eq(organisations.type, filters.organisationType));
  if (filters.organisationId) conditions.push(eq(organisations.id, filters.organisationId));
  if (filters.serviceId) conditions.push(eq(services.id, filters.serviceId));
  if (filters.late === true) conditions.push(sql`${late} = 1`);
  if (filters.late === false) conditions.push(sql`${late} = 0`);
  const where = conditions.length ? and(...conditions) : undefined;

  // Every row asked for: the count is their number (a second pass over every deployment otherwise).
  const counted = () =>
    db
      .with(current, firstLive)
      .select({ n: count() })
      .from(deployments)
      .innerJoin(current, eq(current.deploymentId, deployments.id))
      .innerJoin(services, eq(services.id, deployments.serviceId))
      .innerJoin(organisations, eq(organisations.id, services.organisationId))
      .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
      .leftJoin(firstLive, eq(firstLive.deploymentId, deployments.id))
      .where(where)
      .get()?.n ?? 0;

  const sortColumn: Record<DeploymentSort, SQL | typeof organisations.name> = {
    organisation: sql`${organisationName} collate nocase`,
    service: sql`${services.name} collate nocase`,
    capability: sql`${capabilities.name}`,
    status: sql`${current.status}`,
    plannedGoLive: sql`${deployments.plannedGoLive}`,
    actualGoLive: sql`${firstLive.liveOn}`,
    owner: sql`${deployments.owner} collate nocase`,
    late,
  };
  const primary = sort.desc ? desc(sortColumn[sort.id]) : asc(sortColumn[sort.id]);

  const fields = {
    id: deployments.id,
    organisationId: organisations.id,
    odsCode: organisations.odsCode,
    // The name and private-provider flag the organisation had on the date.
    organisationName,
    organisationType: organisations.type,
    privateProvider: privateProviderAsAtSql(db, organisations.id, asAt),
    locality: organisations.locality,
    serviceId: services.id,
    serviceName: services.name,
    capabilityCode: capabilities.code,
    capabilityName: capabilities.name,
    status: current.status,
    statusSince: current.since,
    plannedGoLive: deployments.plannedGoLive,
    actualGoLive: firstLive.liveOn,
    owner: deployments.owner,
    late,
  };
  let query = db
    .with(current, firstLive)
    .select(fields)
    .from(deployments)
    .innerJoin(current, eq(current.deploymentId, deployments.id))
    .innerJoin(services, eq(services.id, deployments.serviceId))
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .leftJoin(firstLive, eq(firstLive.deploymentId, deployments.id))
    .where(where)
    .orderBy(primary, asc(sql`${organisations.name} collate nocase`), asc(sql`${services.name} collate nocase`), asc(capabilities.id), asc(deployments.id))
    .$dynamic();
  const paged = Boolean(page && pageSize);
  if (paged) query = query.limit(pageSize!).offset(pageOffset(page!, pageSize!));
  // Thousands of rows nationally: read as value lists and named once (rowsFromValues).
  const rows = rowsFromValues<ReturnType<typeof query.all>[number]>(fields, query.values()).map((r) => ({ ...r, actualGoLive: r.actualGoLive ?? null, late: Number(r.late) === 1 }));
  return { rows, total: paged ? counted() : rows.length };
}

/** How many deployments are in each status as at `asAt`, and how many are late. */
export function deploymentSummary({ asAt, capability, db = getDb() }: { asAt: string; capability?: string | null; db?: DbOrTx }) {
  return memoiseByDataVersion("deployment-summary", { asAt, capability }, db, () => computeDeploymentSummary({ asAt, capability, db }));
}

function computeDeploymentSummary({ asAt, capability, db }: { asAt: string; capability?: string | null; db: DbOrTx }) {
  const current = statusAsAt(db, asAt);
  const firstLive = firstLiveAsAt(db, asAt);
  const rows = db
    .with(current, firstLive)
    .select({
      status: current.status,
      n: count(),
      late: sql<number>`sum(case when ${deployments.plannedGoLive} < ${asAt} and ${current.status} in ('planned', 'in_progress', 'paused') and ${firstLive.liveOn} is null then 1 else 0 end)`,
    })
    .from(deployments)
    .innerJoin(current, eq(current.deploymentId, deployments.id))
    .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .leftJoin(firstLive, eq(firstLive.deploymentId, deployments.id))
    .where(capability ? eq(capabilities.code, capability) : undefined)
    .groupBy(sql`${current.status}`)
    .all();
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n])) as Partial<Record<DeploymentStatus, number>>;
  return { byStatus, late: rows.reduce((s, r) => s + Number(r.late ?? 0), 0), total: rows.reduce((s, r) => s + r.n, 0) };
}

/**
 * Services with the capability live at the end of each month from `from` to `to` (YYYY-MM), for
 * the cumulative chart. A month after `asAt` (if given) is null: it has not happened yet; the
 * as-at month is counted at `asAt` itself, so the last point matches the headline figure.
 */
type ServicesLiveByMonthArgs = {
  capabilityCode?: string;
  from: string;
  to: string;
  asAt?: string;
  db?: DbOrTx;
} & OrganisationFilter;

export function servicesLiveByMonth({ db = getDb(), ...args }: ServicesLiveByMonthArgs): { month: string; servicesLive: number | null }[] {
  return memoiseByDataVersion("services-live-by-month", args, db, () => computeServicesLiveByMonth({ ...args, db }));
}

function computeServicesLiveByMonth({
  capabilityCode = "mig_view",
  from,
  to,
  asAt,
  locality,
  organisationType,
  db = getDb(),
}: {
  capabilityCode?: string;
  from: string;
  to: string;
  asAt?: string;
  db?: DbOrTx;
} & OrganisationFilter): { month: string; servicesLive: number | null }[] {
  const points = monthRange(from, to).map((month) => {
    const end = endOfMonthIso(month);
    if (asAt && month > monthOf(asAt)) return { month, date: null };
    return { month, date: asAt && end > asAt ? asAt : end };
  });
  const dates = [...new Set(points.flatMap((p) => (p.date ? [p.date] : [])))];
  if (!dates.length) return points.map((p) => ({ month: p.month, servicesLive: null }));
  // One query for every month: the stored status intervals holding on each day, by index seek.
  const intervals = deploymentStatusIntervals;
  const days = sql`(${sql.join(dates.map((d) => sql`select ${d} as day`), sql` union all `)}) chart_days`;
  const day = sql<string>`chart_days.day`;
  const rows = db
    .select({ day, n: countDistinct(deployments.serviceId) })
    .from(days)
    .innerJoin(intervals, validOnSql(intervals.validFrom, intervals.validTo, day))
    .innerJoin(deployments, eq(deployments.id, intervals.deploymentId))
    .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .innerJoin(services, eq(services.id, deployments.serviceId))
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .where(and(eq(intervals.status, "live"), eq(capabilities.code, capabilityCode), organisationFilterSql({ locality, organisationType })))
    .groupBy(day)
    .all();
  const byDay = new Map(rows.map((r) => [r.day, Number(r.n)]));
  return points.map((p) => ({ month: p.month, servicesLive: p.date ? (byDay.get(p.date) ?? 0) : null }));
}

// ---------------------------------------------------------------------------------------------
// One deployment

/** The deployment a page's address names (`:deploymentId`), or null when it is not a whole number or there is no such deployment. */
export function deploymentOfParam(raw: string | undefined, { asAt }: { asAt?: string } = {}) {
  const id = Number(raw);
  return Number.isInteger(id) && id > 0 ? getDeployment({ id, asAt }) : null;
}

export function getDeployment({ id, asAt, db = getDb() }: { id: number; asAt?: string; db?: DbOrTx }) {
  const row = db
    .select({
      id: deployments.id,
      plannedGoLive: deployments.plannedGoLive,
      owner: deployments.owner,
      notes: deployments.notes,
      businessCaseId: deployments.businessCaseId,
      serviceId: services.id,
      serviceName: services.name,
      organisationId: organisations.id,
      odsCode: organisations.odsCode,
      organisationName: organisations.name,
      capabilityCode: capabilities.code,
      capabilityName: capabilities.name,
    })
    .from(deployments)
    .innerJoin(services, eq(services.id, deployments.serviceId))
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .where(eq(deployments.id, id))
    .get();
  if (!row) return null;
  const events = db
    .select({
      id: deploymentStatusEvents.id,
      status: deploymentStatusEvents.status,
      effectiveOn: deploymentStatusEvents.effectiveOn,
      note: deploymentStatusEvents.note,
      recordedAt: deploymentStatusEvents.recordedAt,
      voidedAt: deploymentStatusEvents.voidedAt,
      voidReason: deploymentStatusEvents.voidReason,
    })
    .from(deploymentStatusEvents)
    .where(eq(deploymentStatusEvents.deploymentId, id))
    .orderBy(asc(deploymentStatusEvents.effectiveOn), asc(deploymentStatusEvents.id))
    .all();
  // Status, go-live and history all come from the same stored intervals, so they never disagree.
  const intervals = deploymentStatusIntervalsOf(db, id);
  const reportingDate = getReportingDate(db);
  const date = asAt ?? reportingDate;
  const statusOn = (on: string) => intervals.find((i) => isValidOn(i, on))?.status ?? null;
  const statusAtDate = statusOn(date);
  const wentLiveOn = intervals.find((i) => i.status === "live" && i.validFrom <= date)?.validFrom ?? null;
  return {
    ...row,
    events,
    intervals,
    asAt: date,
    reportingDate,
    statusAsAt: statusAtDate,
    /** The status on the reporting date (null: none on record). */
    currentStatus: statusOn(reportingDate),
    /** First go-live on or before the as-at date. */
    wentLiveOn,
    late: statusAtDate ? isLate({ plannedGoLive: row.plannedGoLive, status: statusAtDate, wentLiveOn, asAt: date }) : false,
  };
}
export type DeploymentDetail = NonNullable<ReturnType<typeof getDeployment>>;

/**
 * Rewrites the deployment's status intervals from its events, then keeps the deployment row's
 * summary columns (latest status, first go-live) in step with them.
 */
function syncDeploymentFromEvents(tx: DbOrTx, deploymentId: number) {
  const intervals = refreshDeploymentStatusIntervals(tx, deploymentId);
  return tx
    .update(deployments)
    .set({
      status: intervals.at(-1)?.status ?? "planned",
      actualGoLive: intervals.find((i) => i.status === "live")?.validFrom ?? null,
      updatedAt: new Date().toISOString(),
    })
    .where(eq(deployments.id, deploymentId))
    .returning()
    .get();
}

export class RolloutRuleError extends Error {
  constructor(
    public field: string,
    message: string,
    /** The record the rule points at (for example the deployment that already exists), for a link. */
    public existingHref?: string,
  ) {
    super(message);
  }
}

function capabilityByCode(tx: DbOrTx, code: string) {
  const capability = tx.select().from(capabilities).where(eq(capabilities.code, code)).get();
  if (!capability) throw new RolloutRuleError("capabilityCode", "Choose what is being rolled out from the list");
  return capability;
}

/** A status date must lie between the earliest as-at date and the reporting date. */
function assertStatusDateInRange(effectiveOn: string, reportingDate: string) {
  if (effectiveOn > reportingDate) {
    throw new RolloutRuleError("effectiveOn", `Enter a date on or before the reporting date, ${formatDate(reportingDate)}: a status is recorded once it has happened`);
  }
  if (effectiveOn < EARLIEST_AS_AT) throw new RolloutRuleError("effectiveOn", `Enter a date on or after ${formatDate(EARLIEST_AS_AT)}`);
}

const statusLabel = (status: DeploymentStatus) => DEPLOYMENT_STATUS_LABELS[status].toLowerCase();

/**
 * A new deployment with its first status event (dated `effectiveOn`: the date its first status
 * starts, no later than the reporting date). One deployment per capability per service.
 */
export function createDeployment({ actor, input, db }: { actor: Actor; input: NewDeploymentInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    assertStatusDateInRange(input.effectiveOn, getReportingDate(tx));
    const service = tx.select().from(services).where(eq(services.id, input.serviceId)).get();
    if (!service) throw new RolloutRuleError("serviceId", "Choose the service from the list");
    const capability = capabilityByCode(tx, input.capabilityCode);
    const existing = tx
      .select({ id: deployments.id })
      .from(deployments)
      .where(and(eq(deployments.serviceId, service.id), eq(deployments.capabilityId, capability.id)))
      .get();
    if (existing) throw new RolloutRuleError("capabilityCode", `${service.name} already has a ${capability.name} deployment: change its status instead`, `/rollout/deployments/${existing.id}`);
    const inserted = tx
      .insert(deployments)
      .values({ serviceId: service.id, capabilityId: capability.id, plannedGoLive: input.plannedGoLive, owner: input.owner, notes: input.notes })
      .returning()
      .get();
    tx.insert(deploymentStatusEvents)
      .values({ deploymentId: inserted.id, status: input.status, effectiveOn: input.effectiveOn, note: "Deployment recorded.", recordedBy: actor.userId })
      .run();
    const after = syncDeploymentFromEvents(tx, inserted.id);
    audit(tx, actor, { action: "deployment.create", entityType: "deployment", entityId: inserted.id, after: { ...after, firstEvent: { status: input.status, effectiveOn: input.effectiveOn } } });
    return after;
  };
  return db ? run(db) : transaction(run);
}

export function updateDeployment({ actor, id, input }: { actor: Actor; id: number; input: DeploymentEditInput }) {
  return transaction((tx) => {
    const before = tx.select().from(deployments).where(eq(deployments.id, id)).get();
    if (!before) return null;
    const after = tx
      .update(deployments)
      .set({ plannedGoLive: input.plannedGoLive, owner: input.owner, notes: input.notes, updatedAt: new Date().toISOString() })
      .where(eq(deployments.id, id))
      .returning()
      .get();
    audit(tx, actor, { action: "deployment.update", entityType: "deployment", entityId: id, before, after });
    return after;
  });
}

/**
 * Why a status change dated `effectiveOn` makes no sense against the deployment's intervals, as
 * the message to show at the field, or null when it may be recorded. Refused: a date before the
 * deployment's first status, and the same status twice in a row (the status already in force on
 * that date, the one before a status that starts that same day, or the one it changes to next).
 */
export function statusChangeRefusal(intervals: readonly StatusInterval[], input: { status: DeploymentStatus; effectiveOn: string }): { field: "effectiveOn" | "status"; message: string } | null {
  if (!intervals.length) return null;
  const first = intervals[0]!;
  const on = formatDate(input.effectiveOn);
  if (input.effectiveOn < first.validFrom) {
    return {
      field: "effectiveOn",
      message: `Enter a date on or after ${formatDate(first.validFrom)}, when the deployment's first status (${statusLabel(first.status)}) starts. If it really started earlier, mark that first status as recorded in error and record the right one`,
    };
  }
  const inForce = intervals.find((i) => isValidOn(i, input.effectiveOn));
  if (inForce?.status === input.status) {
    return {
      field: "status",
      message: `The deployment was already ${statusLabel(input.status)} on ${on} (since ${formatDate(inForce.validFrom)}): the same status twice in a row changes nothing. Choose the status it changed to`,
    };
  }
  // A change on the day another status starts follows it that day (the later record wins), so it must differ from the one before too.
  const before = inForce?.validFrom === input.effectiveOn ? intervals.find((i) => i.validTo === input.effectiveOn) : undefined;
  if (before?.status === input.status) {
    return {
      field: "status",
      message: `The deployment was ${statusLabel(input.status)} until ${on}, when it became ${statusLabel(inForce!.status)}: ${statusLabel(input.status)} again from the same day is the same status twice in a row. If the ${statusLabel(inForce!.status)} status was recorded in error, mark it as recorded in error instead`,
    };
  }
  const next = intervals.find((i) => i.validFrom > input.effectiveOn);
  if (next?.status === input.status) {
    return {
      field: "status",
      message: `The deployment becomes ${statusLabel(input.status)} on ${formatDate(next.validFrom)} already: the same status twice in a row. If it really changed on ${on}, mark the change of ${formatDate(next.validFrom)} as recorded in error, then record it again`,
    };
  }
  return null;
}

/**
 * Records a dated status change. The date may be earlier than the latest change (history caught up
 * late) but not before the deployment's first status, not after the reporting date, and never
 * the same status twice in a row (statusChangeRefusal). The stored intervals and the deployment's
 * summary columns are rewritten in the same audited transaction.
 */
export function changeDeploymentStatus({ actor, id, input }: { actor: Actor; id: number; input: StatusChangeInput }) {
  return transaction((tx) => {
    const before = tx.select().from(deployments).where(eq(deployments.id, id)).get();
    if (!before) return null;
    const reportingDate = getReportingDate(tx);
    assertStatusDateInRange(input.effectiveOn, reportingDate);
    const refusal = statusChangeRefusal(deploymentStatusIntervalsOf(tx, id), input);
    if (refusal) throw new RolloutRuleError(refusal.field, refusal.message);
    const event = tx
      .insert(deploymentStatusEvents)
      .values({ deploymentId: id, status: input.status, effectiveOn: input.effectiveOn, note: input.note, recordedBy: actor.userId })
      .returning()
      .get();
    const after = syncDeploymentFromEvents(tx, id);
    const intervals = deploymentStatusIntervalsOf(tx, id);
    const statusOnReportingDate = intervals.find((i) => isValidOn(i, reportingDate))?.status ?? null;
    audit(tx, actor, {
      action: "deployment.status_change",
      entityType: "deployment",
      entityId: id,
      before: { status: before.status, actualGoLive: before.actualGoLive },
      after: { status: after.status, actualGoLive: after.actualGoLive, event: { id: event.id, status: event.status, effectiveOn: event.effectiveOn, note: event.note } },
    });
    return { deployment: after, event, statusOnReportingDate };
  });
}

/**
 * A correction: marks a status event as recorded in error, with the reason. It stays in the
 * deployment's history; the intervals (and so every figure as at every date) are recomputed
 * without it, in the same audited transaction. Who may do it is checked by the route.
 */
export function voidStatusEvent({ actor, deploymentId, eventId, input }: { actor: Actor; deploymentId: number; eventId: number; input: VoidStatusEventInput }) {
  return transaction((tx) => {
    const event = tx
      .select()
      .from(deploymentStatusEvents)
      .where(and(eq(deploymentStatusEvents.id, eventId), eq(deploymentStatusEvents.deploymentId, deploymentId)))
      .get();
    if (!event) return null;
    if (event.voidedAt) {
      throw new RolloutRuleError("reason", `This status was already marked as recorded in error on ${formatDate(event.voidedAt.slice(0, 10))}: there is nothing more to correct`);
    }
    const before = { intervals: deploymentStatusIntervalsOf(tx, deploymentId) };
    const voided = tx
      .update(deploymentStatusEvents)
      .set({ voidedAt: new Date().toISOString(), voidedBy: actor.userId, voidReason: input.reason })
      .where(eq(deploymentStatusEvents.id, eventId))
      .returning()
      .get();
    const deployment = syncDeploymentFromEvents(tx, deploymentId);
    const intervals = deploymentStatusIntervalsOf(tx, deploymentId);
    audit(tx, actor, {
      action: "deployment.status_void",
      entityType: "deployment",
      entityId: deploymentId,
      before: { ...before, event: { ...event } },
      after: { intervals, event: voided },
    });
    const reportingDate = getReportingDate(tx);
    return { deployment, event: voided, statusOnReportingDate: intervals.find((i) => isValidOn(i, reportingDate))?.status ?? null };
  });
}

// ---------------------------------------------------------------------------------------------
// Services

export function listServicesOf({ organisationId, db = getDb() }: { organisationId: number; db?: DbOrTx }) {
  return db
    .select({ id: services.id, name: services.name, category: services.category, description: services.description, deployments: count(deployments.id) })
    .from(services)
    .leftJoin(deployments, eq(deployments.serviceId, services.id))
    .where(eq(services.organisationId, organisationId))
    .groupBy(services.id)
    .orderBy(asc(sql`${services.name} collate nocase`))
    .all();
}

/** Every service with its organisation, for choosing one in a form. */
export function serviceOptions({ db = getDb() }: { db?: DbOrTx } = {}) {
  return db
    .select({ id: services.id, name: services.name, organisationName: organisations.name, odsCode: organisations.odsCode })
    .from(services)
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .orderBy(asc(sql`${organisations.name} collate nocase`), asc(sql`${services.name} collate nocase`))
    .all();
}

export function getService({ id, db = getDb() }: { id: number; db?: DbOrTx }) {
  return db
    .select({ id: services.id, name: services.name, category: services.category, description: services.description, organisationId: services.organisationId, odsCode: organisations.odsCode, organisationName: organisations.name })
    .from(services)
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .where(eq(services.id, id))
    .get() ?? null;
}

function assertServiceNameFree(tx: DbOrTx, organisationId: number, name: string, exceptId?: number) {
  const clash = tx
    .select({ id: services.id })
    .from(services)
    .where(and(eq(services.organisationId, organisationId), sql`${services.name} = ${name} collate nocase`))
    .all()
    .find((s) => s.id !== exceptId);
  if (clash) throw new RolloutRuleError("name", "This organisation already has a service with that name: enter a different name");
}

export function createService({ actor, organisationId, input }: { actor: Actor; organisationId: number; input: ServiceInput }) {
  return transaction((tx) => {
    assertServiceNameFree(tx, organisationId, input.name);
    const after = tx.insert(services).values({ organisationId, ...input }).returning().get();
    audit(tx, actor, { action: "service.create", entityType: "service", entityId: after.id, after });
    return after;
  });
}

export function updateService({ actor, id, input }: { actor: Actor; id: number; input: ServiceInput }) {
  return transaction((tx) => {
    const before = tx.select().from(services).where(eq(services.id, id)).get();
    if (!before) return null;
    assertServiceNameFree(tx, before.organisationId, input.name, id);
    const after = tx.update(services).set({ ...input, updatedAt: new Date().toISOString() }).where(eq(services.id, id)).returning().get();
    audit(tx, actor, { action: "service.update", entityType: "service", entityId: id, before, after });
    return after;
  });
}

// ---------------------------------------------------------------------------------------------
// Usage (monthly record views per deployment)

/**
 * Record views through each of an organisation's deployments: in `asAt`'s month, in the 12 months
 * up to it, and in all months up to it (summed in SQL).
 */
export function usageForOrganisation({ organisationId, asAt, db = getDb() }: { organisationId: number; asAt: string; db?: DbOrTx }) {
  const last = monthOf(asAt);
  const first = shiftMonth(last, -11);
  const rows = db
    .select({
      deploymentId: deployments.id,
      serviceName: services.name,
      capabilityName: capabilities.name,
      inMonth: sql<number>`coalesce(sum(case when ${deploymentUsage.month} = ${last} then ${deploymentUsage.views} else 0 end), 0)`,
      last12Months: sql<number>`coalesce(sum(case when ${deploymentUsage.month} >= ${first} then ${deploymentUsage.views} else 0 end), 0)`,
      toDate: sql<number>`coalesce(sum(${deploymentUsage.views}), 0)`,
    })
    .from(deploymentUsage)
    .innerJoin(deployments, eq(deployments.id, deploymentUsage.deploymentId))
    .innerJoin(services, eq(services.id, deployments.serviceId))
    .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .where(and(eq(services.organisationId, organisationId), lte(deploymentUsage.month, last)))
    .groupBy(deployments.id)
    .orderBy(asc(sql`${services.name} collate nocase`), asc(capabilities.id))
    .all()
    .map((r) => ({ ...r, inMonth: Number(r.inMonth), last12Months: Number(r.last12Months), toDate: Number(r.toDate) }));
  const total = (key: "inMonth" | "last12Months" | "toDate") => rows.reduce((sum, r) => sum + r[key], 0);
  return { month: last, firstMonth: first, rows, totals: { inMonth: total("inMonth"), last12Months: total("last12Months"), toDate: total("toDate") } };
}

function shiftMonth(month: string, by: number) {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

export function usageForDeployment({ deploymentId, db = getDb() }: { deploymentId: number; db?: DbOrTx }) {
  return db
    .select({ month: deploymentUsage.month, views: deploymentUsage.views })
    .from(deploymentUsage)
    .where(eq(deploymentUsage.deploymentId, deploymentId))
    .orderBy(desc(deploymentUsage.month))
    .all();
}

/** Record views in `asAt`'s month and in every month up to it, optionally for one capability. */
export function usageTotals({ asAt, capability, db = getDb() }: { asAt: string; capability?: string | null; db?: DbOrTx }) {
  const month = monthOf(asAt);
  const row = db
    .select({
      total: sql<number>`coalesce(sum(${deploymentUsage.views}), 0)`,
      inMonth: sql<number>`coalesce(sum(case when ${deploymentUsage.month} = ${month} then ${deploymentUsage.views} else 0 end), 0)`,
    })
    .from(deploymentUsage)
    .innerJoin(deployments, eq(deployments.id, deploymentUsage.deploymentId))
    .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .where(and(lte(deploymentUsage.month, month), capability ? eq(capabilities.code, capability) : undefined))
    .get();
  return { month, inMonth: Number(row?.inMonth ?? 0), toDate: Number(row?.total ?? 0) };
}

/** Sets one month's record views for a deployment (a new figure replaces the old one). */
export function recordUsage({ actor, deploymentId, input, db }: { actor: Actor; deploymentId: number; input: UsageInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    const reportingMonth = monthOf(getReportingDate(tx));
    if (input.month > reportingMonth) throw new RolloutRuleError("month", `Enter a month up to the reporting month, ${formatMonth(reportingMonth)}`);
    const before = tx
      .select()
      .from(deploymentUsage)
      .where(and(eq(deploymentUsage.deploymentId, deploymentId), eq(deploymentUsage.month, input.month)))
      .get();
    if (before && before.views === input.views) return { changed: false as const, row: before };
    const row = before
      ? tx.update(deploymentUsage).set({ views: input.views, recordedAt: new Date().toISOString() }).where(eq(deploymentUsage.id, before.id)).returning().get()
      : tx.insert(deploymentUsage).values({ deploymentId, month: input.month, views: input.views }).returning().get();
    audit(tx, actor, { action: before ? "usage.update" : "usage.create", entityType: "deployment_usage", entityId: row.id, before: before ?? null, after: row });
    return { changed: true as const, row };
  };
  return db ? run(db) : transaction(run);
}

/** Deployments by (ODS code, service name, capability code), for the usage import. */
export function findDeploymentsByKeys({ keys, db = getDb() }: { keys: { odsCode: string; serviceName: string; capabilityCode: string }[]; db?: DbOrTx }) {
  const codes = [...new Set(keys.map((k) => k.odsCode))];
  const found = new Map<string, number>();
  for (let i = 0; i < codes.length; i += 500) {
    const rows = db
      .select({ id: deployments.id, odsCode: organisations.odsCode, serviceName: services.name, capabilityCode: capabilities.code })
      .from(deployments)
      .innerJoin(services, eq(services.id, deployments.serviceId))
      .innerJoin(organisations, eq(organisations.id, services.organisationId))
      .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
      .where(inArray(organisations.odsCode, codes.slice(i, i + 500)))
      .all();
    for (const r of rows) found.set(deploymentKey(r), r.id);
  }
  return found;
}

export function deploymentKey(k: { odsCode: string; serviceName: string; capabilityCode: string }) {
  return `${k.odsCode.toUpperCase()}\u0000${k.serviceName.trim().toLowerCase()}\u0000${k.capabilityCode.trim().toLowerCase()}`;
}

/** Existing usage figures for the given deployments, keyed `deploymentId:month`. */
export function existingUsage({ deploymentIds, db = getDb() }: { deploymentIds: number[]; db?: DbOrTx }) {
  const out = new Map<string, number>();
  const ids = [...new Set(deploymentIds)];
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of db.select().from(deploymentUsage).where(inArray(deploymentUsage.deploymentId, ids.slice(i, i + 500))).all()) out.set(`${r.deploymentId}:${r.month}`, r.views);
  }
  return out;
}
