import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiEndpoint } from "~/lib/api.server";
import { DeploymentsEndpoint } from "~/models/api.schema";
import { listDeployments } from "~/models/rollout.server";
import { getReportingDate } from "~/models/settings.server";

export async function loader(args: LoaderFunctionArgs) {
  return apiEndpoint(args, DeploymentsEndpoint, ({ query }) => {
    const { page, pageSize, asAt = getReportingDate(), late, ...filters } = query;
    const { rows, total } = listDeployments({ asAt, ...filters, late: late === undefined ? null : late === "true", page, pageSize });
    return { asAt, page, pageSize, total, data: rows.map(({ id, ...row }) => ({ deploymentId: id, ...row })) };
  });
}
