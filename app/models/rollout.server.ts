import { and, asc, count, countDistinct, desc, eq, gte, inArray, lte, min, sql, sum, type SQL } from "drizzle-orm";
import {
  capabilities,
  deploymentStatusEvents,
  deploymentUsage,
  deployments,
  organisations,
  services,
} from "../../db/schema";
import type { DeploymentStatus, OrganisationType } from "../../db/schema/enums";
import { getDb, transaction, type DbOrTx } from "~/lib/db.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { organisationFilterSql, type OrganisationFilter } from "./organisation-filter.server";
import { audit, type Actor } from "~/lib/audit.server";
import { endOfMonthIso, monthOf, monthRange } from "~/lib/dates";
import { pageOffset, type TableSort } from "~/lib/table-query";
import type { DeploymentEditInput, DeploymentSort, NewDeploymentInput, ServiceInput, StatusChangeInput, UsageInput } from "./rollout.schema";
export { DEPLOYMENT_SORTS, type DeploymentSort } from "./rollout.schema";
import { getReportingDate } from "./settings.server";

/**
 * The one as-at computation: each deployment's status as it stood at the end of `asAt`,
 * from its dated status events (the latest event on or before that date; a deployment with
 * no event by then did not exist yet). Every page, CSV and API uses this.
 */
export function statusAsAt(db: DbOrTx, asAt: string) {
  const ranked = db
    .select({
      deploymentId: deploymentStatusEvents.deploymentId,
      status: sql<DeploymentStatus>`${deploymentStatusEvents.status}`.as("status_as_at"),
      since: sql<string>`${deploymentStatusEvents.effectiveOn}`.as("status_since"),
      rank: sql<number>`row_number() over (partition by ${deploymentStatusEvents.deploymentId} order by ${deploymentStatusEvents.effectiveOn} desc, ${deploymentStatusEvents.id} desc)`.as(
        "status_rank",
      ),
    })
    .from(deploymentStatusEvents)
    .where(lte(deploymentStatusEvents.effectiveOn, asAt))
    .as("ranked_status");
  return db.$with("status_as_at").as(
    db
      .select({ deploymentId: ranked.deploymentId, status: ranked.status, since: ranked.since })
      .from(ranked)
      .where(eq(ranked.rank, 1)),
  );
}

/** Each deployment's first go-live on or before `asAt` (a deployment paused later still went live then). */
function firstLiveAsAt(db: DbOrTx, asAt: string) {
  return db.$with("first_live").as(
    db
      .select({ deploymentId: deploymentStatusEvents.deploymentId, liveOn: min(deploymentStatusEvents.effectiveOn).as("live_on") })
      .from(deploymentStatusEvents)
      .where(and(eq(deploymentStatusEvents.status, "live"), lte(deploymentStatusEvents.effectiveOn, asAt)))
      .groupBy(deploymentStatusEvents.deploymentId),
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

/** GP practices in the partnership, and how many had signed up by `asAt` (none when the filter is another organisation type). */
export function countPractices({ asAt, locality, organisationType, db = getDb() }: { asAt: string; db?: DbOrTx } & OrganisationFilter) {
  if (organisationType && organisationType !== "gp_practice") return { total: 0, signedUp: 0 };
  const row = db
    .select({
      total: count(),
      signedUp: sql<number>`coalesce(sum(case when ${organisations.signedUpOn} <= ${asAt} then 1 else 0 end), 0)`,
    })
    .from(organisations)
    .where(and(eq(organisations.type, "gp_practice"), eq(organisations.status, "active"), organisationFilterSql({ locality })))
    .get();
  return { total: row?.total ?? 0, signedUp: Number(row?.signedUp ?? 0) };
}

export function latestStatusEventDate({ db = getDb() }: { db?: DbOrTx } = {}) {
  return db.select({ on: deploymentStatusEvents.effectiveOn }).from(deploymentStatusEvents).orderBy(desc(deploymentStatusEvents.effectiveOn)).limit(1).get()?.on ?? null;
}

export function earliestStatusEventDate({ db = getDb() }: { db?: DbOrTx } = {}) {
  return db.select({ on: deploymentStatusEvents.effectiveOn }).from(deploymentStatusEvents).orderBy(asc(deploymentStatusEvents.effectiveOn)).limit(1).get()?.on ?? null;
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

  const total =
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
    organisation: sql`${organisations.name} collate nocase`,
    service: sql`${services.name} collate nocase`,
    capability: sql`${capabilities.name}`,
    status: sql`${current.status}`,
    plannedGoLive: sql`${deployments.plannedGoLive}`,
    actualGoLive: sql`${firstLive.liveOn}`,
    owner: sql`${deployments.owner} collate nocase`,
    late,
  };
  const primary = sort.desc ? desc(sortColumn[sort.id]) : asc(sortColumn[sort.id]);

  let query = db
    .with(current, firstLive)
    .select({
      id: deployments.id,
      organisationId: organisations.id,
      odsCode: organisations.odsCode,
      organisationName: organisations.name,
      organisationType: organisations.type,
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
    })
    .from(deployments)
    .innerJoin(current, eq(current.deploymentId, deployments.id))
    .innerJoin(services, eq(services.id, deployments.serviceId))
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .leftJoin(firstLive, eq(firstLive.deploymentId, deployments.id))
    .where(where)
    .orderBy(primary, asc(sql`${organisations.name} collate nocase`), asc(sql`${services.name} collate nocase`), asc(capabilities.id), asc(deployments.id))
    .$dynamic();
  if (page && pageSize) query = query.limit(pageSize).offset(pageOffset(page, pageSize));
  const rows = query.all().map((r) => ({ ...r, actualGoLive: r.actualGoLive ?? null, late: Number(r.late) === 1 }));
  return { rows, total };
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
  // One query for every month (a count per month was 36 window scans, ~0.5 s at national scale):
  // each status event holds from its date until the deployment's next event, so a deployment is
  // live at the end of day D when a live event's interval contains D (statusAsAt's rule: the latest
  // event on or before D, the later id winning a same-day tie, whose interval is then empty).
  const intervals = db.$with("status_intervals").as(
    db
      .select({
        deploymentId: deploymentStatusEvents.deploymentId,
        status: sql<DeploymentStatus>`${deploymentStatusEvents.status}`.as("interval_status"),
        fromOn: sql<string>`${deploymentStatusEvents.effectiveOn}`.as("interval_from"),
        toOn: sql<string | null>`lead(${deploymentStatusEvents.effectiveOn}) over (partition by ${deploymentStatusEvents.deploymentId} order by ${deploymentStatusEvents.effectiveOn}, ${deploymentStatusEvents.id})`.as(
          "interval_to",
        ),
      })
      .from(deploymentStatusEvents),
  );
  const days = sql`(${sql.join(dates.map((d) => sql`select ${d} as day`), sql` union all `)}) chart_days`;
  const day = sql<string>`chart_days.day`;
  const rows = db
    .with(intervals)
    .select({ day, n: countDistinct(deployments.serviceId) })
    .from(intervals)
    .innerJoin(days, sql`${intervals.fromOn} <= ${day} and (${intervals.toOn} is null or ${intervals.toOn} > ${day})`)
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

export function getDeployment({ id, asAt, db = getDb() }: { id: number; asAt?: string; db?: DbOrTx }) {
  const row = db
    .select({
      id: deployments.id,
      status: deployments.status,
      plannedGoLive: deployments.plannedGoLive,
      actualGoLive: deployments.actualGoLive,
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
    .select({ id: deploymentStatusEvents.id, status: deploymentStatusEvents.status, effectiveOn: deploymentStatusEvents.effectiveOn, note: deploymentStatusEvents.note, recordedAt: deploymentStatusEvents.recordedAt })
    .from(deploymentStatusEvents)
    .where(eq(deploymentStatusEvents.deploymentId, id))
    .orderBy(asc(deploymentStatusEvents.effectiveOn), asc(deploymentStatusEvents.id))
    .all();
  const date = asAt ?? getReportingDate(db);
  const asAtEvents = events.filter((e) => e.effectiveOn <= date);
  const statusAtDate = asAtEvents.at(-1)?.status ?? null;
  const wentLiveOn = asAtEvents.find((e) => e.status === "live")?.effectiveOn ?? null;
  return {
    ...row,
    events,
    asAt: date,
    statusAsAt: statusAtDate,
    late: statusAtDate ? isLate({ plannedGoLive: row.plannedGoLive, status: statusAtDate, wentLiveOn, asAt: date }) : false,
  };
}
export type DeploymentDetail = NonNullable<ReturnType<typeof getDeployment>>;

/** What the deployment row must say given its events: the latest event's status; the first live date. */
function syncDeploymentFromEvents(tx: DbOrTx, deploymentId: number) {
  const latest = tx
    .select({ status: deploymentStatusEvents.status })
    .from(deploymentStatusEvents)
    .where(eq(deploymentStatusEvents.deploymentId, deploymentId))
    .orderBy(desc(deploymentStatusEvents.effectiveOn), desc(deploymentStatusEvents.id))
    .limit(1)
    .get();
  const firstLive = tx
    .select({ on: min(deploymentStatusEvents.effectiveOn) })
    .from(deploymentStatusEvents)
    .where(and(eq(deploymentStatusEvents.deploymentId, deploymentId), eq(deploymentStatusEvents.status, "live")))
    .get();
  return tx
    .update(deployments)
    .set({ status: latest?.status ?? "planned", actualGoLive: firstLive?.on ?? null, updatedAt: new Date().toISOString() })
    .where(eq(deployments.id, deploymentId))
    .returning()
    .get();
}

export class RolloutRuleError extends Error {
  constructor(
    public field: string,
    message: string,
  ) {
    super(message);
  }
}

function capabilityByCode(tx: DbOrTx, code: string) {
  const capability = tx.select().from(capabilities).where(eq(capabilities.code, code)).get();
  if (!capability) throw new RolloutRuleError("capabilityCode", "Choose what is being rolled out from the list");
  return capability;
}

/**
 * A new deployment with its first status event (dated `effectiveOn`, no later than the reporting
 * date). One deployment per capability per service.
 */
export function createDeployment({ actor, input, db }: { actor: Actor; input: NewDeploymentInput; db?: DbOrTx }) {
  const run = (tx: DbOrTx) => {
    const reportingDate = getReportingDate(tx);
    if (input.effectiveOn > reportingDate) throw new RolloutRuleError("effectiveOn", `Enter a date on or before the reporting date, ${reportingDate}: statuses are recorded once they have happened`);
    const service = tx.select().from(services).where(eq(services.id, input.serviceId)).get();
    if (!service) throw new RolloutRuleError("serviceId", "Choose the service from the list");
    const capability = capabilityByCode(tx, input.capabilityCode);
    const existing = tx
      .select({ id: deployments.id })
      .from(deployments)
      .where(and(eq(deployments.serviceId, service.id), eq(deployments.capabilityId, capability.id)))
      .get();
    if (existing) throw new RolloutRuleError("capabilityCode", `${service.name} already has a ${capability.name} deployment: change its status instead`);
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
 * Records a dated status change. The date may be earlier than the latest event (history is
 * corrected or caught up late: the as-at computation orders by date) but not after the reporting
 * date, and the status must differ from the one the deployment had on that date. The deployment's
 * current status and actual go-live are then re-derived from all its events.
 */
export function changeDeploymentStatus({ actor, id, input }: { actor: Actor; id: number; input: StatusChangeInput }) {
  return transaction((tx) => {
    const before = tx.select().from(deployments).where(eq(deployments.id, id)).get();
    if (!before) return null;
    const reportingDate = getReportingDate(tx);
    if (input.effectiveOn > reportingDate) {
      throw new RolloutRuleError("effectiveOn", `Enter a date on or before the reporting date, ${reportingDate}: record a change once it has happened`);
    }
    const onThatDate = tx
      .select({ status: deploymentStatusEvents.status })
      .from(deploymentStatusEvents)
      .where(and(eq(deploymentStatusEvents.deploymentId, id), lte(deploymentStatusEvents.effectiveOn, input.effectiveOn)))
      .orderBy(desc(deploymentStatusEvents.effectiveOn), desc(deploymentStatusEvents.id))
      .limit(1)
      .get();
    if (onThatDate?.status === input.status) {
      throw new RolloutRuleError("status", `The deployment was already ${input.status.replace("_", " ")} on ${input.effectiveOn}: choose a different status or date`);
    }
    const event = tx
      .insert(deploymentStatusEvents)
      .values({ deploymentId: id, status: input.status, effectiveOn: input.effectiveOn, note: input.note, recordedBy: actor.userId })
      .returning()
      .get();
    const after = syncDeploymentFromEvents(tx, id);
    audit(tx, actor, {
      action: "deployment.status_change",
      entityType: "deployment",
      entityId: id,
      before: { status: before.status, actualGoLive: before.actualGoLive },
      after: { status: after.status, actualGoLive: after.actualGoLive, event: { id: event.id, status: event.status, effectiveOn: event.effectiveOn, note: event.note } },
    });
    return { deployment: after, event };
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
    if (input.month > reportingMonth) throw new RolloutRuleError("month", `Enter a month up to the reporting month, ${reportingMonth}`);
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
