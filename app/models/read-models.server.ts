import type { AppDatabase } from "~/lib/db.server";
import { rebuildDeploymentStatusIntervals } from "./rollout.read-model.server";

/*
 * Every read model: a table derived from base tables, kept up to date inside the audited
 * transaction of each write that moves it, and rebuilt from the base tables by
 * `npm run db:rebuild-read-models`. Each domain registers its rebuilder here.
 */
export type ReadModel = { name: string; rebuild: (db: AppDatabase) => unknown };

export const READ_MODELS: readonly ReadModel[] = [{ name: "deployment_status_intervals", rebuild: rebuildDeploymentStatusIntervals }];

/** Rebuilds every read model from the base tables; returns how long each took. */
export function rebuildReadModels(db: AppDatabase) {
  return READ_MODELS.map((model) => {
    const started = performance.now();
    model.rebuild(db);
    return { name: model.name, ms: Math.round(performance.now() - started) };
  });
}
