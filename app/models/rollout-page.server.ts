// What the roll-out page shows, gathered from the roll-out, milestone and organisation models. Kept
// apart from rollout.server.ts because the milestones it charts are themselves worked out from it.
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { getDb, type DbOrTx } from "~/lib/db.server";
import { monthOf } from "~/lib/dates";
import type { TableSort } from "~/lib/table-query";
import { listMilestoneProgress } from "./milestones.server";
import { listLocalities } from "./organisations.server";
import type { DeploymentSort } from "./rollout.schema";
import {
  countServicesLive,
  deploymentSummary,
  earliestStatusEventDate,
  listCapabilities,
  listDeployments,
  servicesLiveByMonth,
  usageTotals,
  type DeploymentFilters,
} from "./rollout.server";

/**
 * The roll-out page as at `asAt` for one filter and page: a page of deployments, the summary, the
 * chart of services live by month with its milestones, usage and the filters' options. The same
 * for every reader, so it is kept until a table it read changes.
 */
export function rolloutRegister({
  db = getDb(),
  ...query
}: { asAt: string; filters: DeploymentFilters; sort: TableSort<DeploymentSort>; page: number; pageSize: number; db?: DbOrTx }) {
  return memoiseByDataVersion("rollout-register", query, db, () => computeRolloutRegister({ ...query, db }));
}

function computeRolloutRegister({ asAt, filters, sort, page, pageSize, db }: { asAt: string; filters: DeploymentFilters; sort: TableSort<DeploymentSort>; page: number; pageSize: number; db: DbOrTx }) {
  const capabilities = listCapabilities({ db });
  const chartCapability = capabilities.find((c) => c.code === (filters.capability ?? "mig_view")) ?? capabilities[0];
  const chartCode = chartCapability?.code ?? "mig_view";
  const first = earliestStatusEventDate({ db });
  const milestones = listMilestoneProgress({ asAt, db }).filter((m) => m.metric === "services_live" && (m.capabilityCode ?? "mig_view") === chartCode);
  const lastMonth = monthOf(asAt);
  const firstMonth = first && monthOf(first) <= lastMonth ? monthOf(first) : lastMonth;
  return {
    capabilities,
    localities: listLocalities({ db }),
    deployments: listDeployments({ asAt, ...filters, sort, page, pageSize, db }),
    summary: deploymentSummary({ asAt, capability: filters.capability, db }),
    chart: {
      capabilityName: chartCapability?.name ?? "",
      servicesLive: countServicesLive({ asAt, capabilityCode: chartCode, db }),
      data: servicesLiveByMonth({ capabilityCode: chartCode, from: firstMonth, to: lastMonth, asAt, db }),
      milestones: milestones.map((m) => ({ title: m.title, dueOn: m.dueOn, targetValue: m.targetValue, month: monthOf(m.dueOn) })),
    },
    usage: usageTotals({ asAt, capability: filters.capability, db }),
  };
}
