import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { deploymentStatusEvents, deploymentStatusIntervals, deployments } from "../../db/schema";
import type { DeploymentStatus } from "../../db/schema/enums";
import type { AppDatabase, DbOrTx } from "~/lib/db.server";
import { periodsFromEvents, type Period } from "./temporal";

/*
 * Read model: deployment_status_intervals, each deployment's status as stored validity periods.
 * Derived only from the deployment's non-voided status events; rewritten for a deployment inside
 * the same audited transaction as every write to its events (a change, a correction, a new
 * deployment), and rebuilt for all deployments by `npm run db:rebuild-read-models`.
 */

export type StatusInterval = Period & { status: DeploymentStatus };

/**
 * A deployment's status intervals from its events: voided events count for nothing; on one date
 * the event recorded last wins; consecutive periods of the same status are one interval (a
 * correction can leave two "planned" events back to back: the deployment was planned throughout).
 */
export function statusIntervalsFromEvents(events: readonly { id: number; status: DeploymentStatus; effectiveOn: string; voidedAt?: string | null }[]): StatusInterval[] {
  const standing = events.filter((e) => !e.voidedAt).sort((a, b) => a.id - b.id);
  const periods = periodsFromEvents(standing.map((e) => ({ value: e.status, effectiveOn: e.effectiveOn })));
  const merged: StatusInterval[] = [];
  for (const p of periods) {
    const last = merged[merged.length - 1];
    if (last && last.status === p.value) {
      last.validTo = p.validTo;
      continue;
    }
    merged.push({ status: p.value, validFrom: p.validFrom, validTo: p.validTo });
  }
  return merged;
}

function eventsOf(db: DbOrTx, deploymentIds?: number[]) {
  return db
    .select({ id: deploymentStatusEvents.id, deploymentId: deploymentStatusEvents.deploymentId, status: deploymentStatusEvents.status, effectiveOn: deploymentStatusEvents.effectiveOn })
    .from(deploymentStatusEvents)
    .where(and(isNull(deploymentStatusEvents.voidedAt), deploymentIds ? inArray(deploymentStatusEvents.deploymentId, deploymentIds) : undefined))
    .orderBy(asc(deploymentStatusEvents.deploymentId), asc(deploymentStatusEvents.id))
    .all();
}

function writeIntervals(db: DbOrTx, events: ReturnType<typeof eventsOf>) {
  const byDeployment = new Map<number, typeof events>();
  for (const e of events) {
    const list = byDeployment.get(e.deploymentId) ?? [];
    list.push(e);
    byDeployment.set(e.deploymentId, list);
  }
  const rows = [...byDeployment].flatMap(([deploymentId, list]) => statusIntervalsFromEvents(list).map((i) => ({ deploymentId, ...i })));
  // 4 columns a row: 200 rows stay well under SQLite's bound-variable limit.
  for (let i = 0; i < rows.length; i += 200) db.insert(deploymentStatusIntervals).values(rows.slice(i, i + 200)).run();
}

/** Rewrites one deployment's intervals from its events. Call inside the transaction that changed the events. */
export function refreshDeploymentStatusIntervals(tx: DbOrTx, deploymentId: number) {
  tx.delete(deploymentStatusIntervals).where(eq(deploymentStatusIntervals.deploymentId, deploymentId)).run();
  writeIntervals(tx, eventsOf(tx, [deploymentId]));
  return deploymentStatusIntervalsOf(tx, deploymentId);
}

/** Rebuilds every deployment's intervals from the status events (one transaction when given the database). */
export function rebuildDeploymentStatusIntervals(db: DbOrTx) {
  const run = (tx: DbOrTx) => {
    tx.delete(deploymentStatusIntervals).run();
    writeIntervals(tx, eventsOf(tx));
    return { deployments: tx.select({ id: deployments.id }).from(deployments).all().length };
  };
  return (db as AppDatabase).transaction((tx) => run(tx));
}

/** One deployment's intervals in date order. */
export function deploymentStatusIntervalsOf(db: DbOrTx, deploymentId: number): StatusInterval[] {
  return db
    .select({ status: deploymentStatusIntervals.status, validFrom: deploymentStatusIntervals.validFrom, validTo: deploymentStatusIntervals.validTo })
    .from(deploymentStatusIntervals)
    .where(eq(deploymentStatusIntervals.deploymentId, deploymentId))
    .orderBy(asc(deploymentStatusIntervals.validFrom))
    .all();
}
