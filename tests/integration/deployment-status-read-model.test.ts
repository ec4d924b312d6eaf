import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { asc } from "drizzle-orm";
import { connection, getDb } from "~/lib/db.server";
import { addDaysIso } from "~/lib/dates";
import { deploymentStatusIntervals } from "../../db/schema";
import { DEPLOYMENT_STATUSES } from "../../db/schema/enums";
import { migrationsFolder } from "../../db/client";
import { changeDeploymentStatus, createDeployment, createService, getDeployment, RolloutRuleError, voidStatusEvent } from "~/models/rollout.server";
import { rebuildDeploymentStatusIntervals } from "~/models/rollout.read-model.server";
import { rebuildReadModels } from "~/models/read-models.server";

// The read model kept up to date write by write must equal the one rebuilt from the base table.

const programme = { userId: null, label: "programme@example.org" };

function intervalsTable() {
  return getDb()
    .select()
    .from(deploymentStatusIntervals)
    .orderBy(asc(deploymentStatusIntervals.deploymentId), asc(deploymentStatusIntervals.validFrom))
    .all();
}

/** The migration's own derivation (its data-moving SELECT), run against today's events. */
function intervalsByMigrationSql() {
  const file = fs.readFileSync(path.join(migrationsFolder(), "0002_deployment_status_intervals.sql"), "utf8");
  const select = file.slice(file.indexOf("WITH `day_status`")).trim().replace(/;$/, "");
  const rows = connection().sqlite.prepare(`SELECT * FROM (${select}) ORDER BY 1, 3`).raw().all() as [number, string, string, string | null][];
  return rows.map(([deploymentId, status, validFrom, validTo]) => ({ deploymentId, status, validFrom, validTo }));
}

const dayOffset = fc.integer({ min: 0, max: 669 }); // 2015-01-01 .. 2016-10-31, the reporting date
const operation = fc.oneof(
  fc.record({ kind: fc.constant("change" as const), deployment: fc.nat(3), status: fc.constantFrom(...DEPLOYMENT_STATUSES), day: dayOffset }),
  fc.record({ kind: fc.constant("void" as const), deployment: fc.nat(3), pick: fc.nat(20) }),
);

let run = 0;

describe("deployment status intervals read model", () => {
  it("is identical whether kept up to date write by write or rebuilt from the status events", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 4, maxLength: 4 }), fc.array(operation, { minLength: 1, maxLength: 25 }), (firstDays, operations) => {
        run += 1;
        const ids = firstDays.map((day, i) => {
          const service = createService({ actor: programme, organisationId: 2, input: { name: `Read model run ${run}.${i}`, category: null, description: null } });
          return createDeployment({ actor: programme, input: { serviceId: service.id, capabilityCode: "mig_view", status: "planned", effectiveOn: addDaysIso("2015-01-01", day), plannedGoLive: null, owner: null, notes: null } }).id;
        });
        for (const op of operations) {
          const id = ids[op.deployment]!;
          try {
            if (op.kind === "change") changeDeploymentStatus({ actor: programme, id, input: { status: op.status, effectiveOn: addDaysIso("2015-01-01", op.day), note: null } });
            else {
              const standing = getDeployment({ id })!.events.filter((e) => !e.voidedAt);
              if (standing.length) voidStatusEvent({ actor: programme, deploymentId: id, eventId: standing[op.pick % standing.length]!.id, input: { reason: "Recorded in error" } });
            }
          } catch (error) {
            if (!(error instanceof RolloutRuleError)) throw error;
          }
        }
        const incremental = intervalsTable();
        expect(intervalsByMigrationSql()).toEqual(incremental);
        rebuildDeploymentStatusIntervals(getDb());
        expect(intervalsTable()).toEqual(incremental);
      }),
      { numRuns: 40 },
    );
  }, 90_000);

  it("rebuilds the demo data's intervals to what the seed wrote, through the read-model registry", () => {
    const seeded = intervalsTable();
    expect(seeded.length).toBeGreaterThan(100);
    expect(rebuildReadModels().map((r) => r.name)).toContain("deployment status intervals");
    expect(intervalsTable()).toEqual(seeded);
  });
});
