import { sql } from "drizzle-orm";
import { READ_MODEL_SOURCES } from "../../db/read-model-sources";
import { audit, SYSTEM_ACTOR } from "~/lib/audit.server";
import { transaction, type DbOrTx } from "~/lib/db.server";
import { rebuildConsentReadModels } from "./consent.read-model.server";
import { rebuildDeploymentStatusIntervals } from "./rollout.read-model.server";

// The registry of read models: tables derived from base tables, kept up to date by the model
// that writes the base rows (in the same audited transaction) so that no read recomputes them.
// Each entry says which tables it owns and how to rebuild them from scratch; a domain adds its
// read model here (one line) and `npm run db:rebuild-read-models` rebuilds them all.

export type ReadModel = {
  name: string;
  /** The tables it owns (rebuilt, never written by anything else; each named in db/read-model-sources.ts). */
  tables: readonly string[];
  /** Empties its tables and fills them again from the base tables. */
  rebuild: (db: DbOrTx) => void;
};

export const READ_MODELS: readonly ReadModel[] = [
  { name: "consent", tables: ["opt_in_monthly_totals", "opt_in_practice_months"], rebuild: rebuildConsentReadModels },
  { name: "deployment status intervals", tables: ["deployment_status_intervals"], rebuild: rebuildDeploymentStatusIntervals },
];

/** Rebuilds every read model in one audited transaction; returns each one's time in ms. */
export function rebuildReadModels({ only }: { only?: readonly string[] } = {}) {
  return transaction((tx) => {
    const timings: { name: string; ms: number }[] = [];
    for (const model of READ_MODELS) {
      if (only && !only.includes(model.name)) continue;
      const started = performance.now();
      model.rebuild(tx);
      // A read model has no change counter of its own (db/read-model-sources.ts): figures computed
      // from rows a rebuild corrected are dropped by moving its sources' counters.
      for (const source of new Set(model.tables.flatMap((table) => READ_MODEL_SOURCES[table] ?? []))) {
        tx.run(sql`insert into table_versions (name, version) values (${source}, random()) on conflict (name) do update set version = random()`);
      }
      timings.push({ name: model.name, ms: Math.round(performance.now() - started) });
    }
    audit(tx, SYSTEM_ACTOR, { action: "read_models.rebuild", entityType: "database", entityId: "read_models", after: { rebuilt: timings.map((t) => t.name) } });
    return timings;
  });
}
