import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, toCsv } from "~/lib/csv.server";
import { requireUser } from "~/lib/session.server";
import { listDeployments } from "~/models/rollout.server";
import { DEPLOYMENT_STATUS_LABELS, ORGANISATION_TYPE_LABELS, deploymentListQuery } from "~/models/rollout.schema";
import { resolveAsAt } from "~/models/settings.server";

/** The deployments table as CSV: the same filters, sort and as-at date as the page, every row. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const searchParams = new URL(request.url).searchParams;
  const { asAt, error } = resolveAsAt(searchParams);
  if (error) throw new Response(error, { status: 400 });
  const { filters, sort } = deploymentListQuery(searchParams);
  const { rows } = listDeployments({ asAt, ...filters, sort });
  const csv = toCsv(
    rows.map((r) => ({
      ...r,
      organisationType: ORGANISATION_TYPE_LABELS[r.organisationType],
      status: DEPLOYMENT_STATUS_LABELS[r.status],
      late: r.late,
      privateProvider: r.privateProvider,
      asAt,
    })),
    [
      { key: "asAt", header: "As at" },
      { key: "odsCode", header: "ODS code" },
      { key: "organisationName", header: "Organisation" },
      { key: "organisationType", header: "Organisation type" },
      { key: "privateProvider", header: "Private provider (NHS-funded)" },
      { key: "locality", header: "Locality" },
      { key: "serviceName", header: "Service" },
      { key: "capabilityCode", header: "Capability code" },
      { key: "capabilityName", header: "Capability" },
      { key: "status", header: "Status" },
      { key: "statusSince", header: "Status since" },
      { key: "plannedGoLive", header: "Planned go-live" },
      { key: "actualGoLive", header: "Went live" },
      { key: "owner", header: "Owner" },
      { key: "late", header: "Late" },
    ],
  );
  return csvResponse(`deployments-as-at-${asAt}`, csv);
}
