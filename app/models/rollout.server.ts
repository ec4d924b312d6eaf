import { and, count, countDistinct, desc, eq, lte, sql } from "drizzle-orm";
import { capabilities, deploymentStatusEvents, deployments, organisations } from "../../db/schema";
import type { DeploymentStatus } from "../../db/schema/enums";
import { getDb, type DbOrTx } from "~/lib/db.server";

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

/** Distinct services with the capability live at the end of `asAt` (default capability: the detailed care record). */
export function countServicesLive({ asAt, capabilityCode = "mig_view", db = getDb() }: { asAt: string; capabilityCode?: string; db?: DbOrTx }) {
  const current = statusAsAt(db, asAt);
  const row = db
    .with(current)
    .select({ n: countDistinct(deployments.serviceId) })
    .from(current)
    .innerJoin(deployments, eq(deployments.id, current.deploymentId))
    .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .where(and(eq(current.status, "live"), eq(capabilities.code, capabilityCode)))
    .get();
  return row?.n ?? 0;
}

/** GP practices in the partnership, and how many had signed up by `asAt`. */
export function countPractices({ asAt, db = getDb() }: { asAt: string; db?: DbOrTx }) {
  const row = db
    .select({
      total: count(),
      signedUp: sql<number>`coalesce(sum(case when ${organisations.signedUpOn} <= ${asAt} then 1 else 0 end), 0)`,
    })
    .from(organisations)
    .where(and(eq(organisations.type, "gp_practice"), eq(organisations.status, "active")))
    .get();
  return { total: row?.total ?? 0, signedUp: Number(row?.signedUp ?? 0) };
}

export function latestStatusEventDate({ db = getDb() }: { db?: DbOrTx } = {}) {
  return db.select({ on: deploymentStatusEvents.effectiveOn }).from(deploymentStatusEvents).orderBy(desc(deploymentStatusEvents.effectiveOn)).limit(1).get()?.on ?? null;
}
