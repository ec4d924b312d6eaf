import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, toCsv } from "~/lib/csv.server";
import { requireUser } from "~/lib/session.server";
import { organisationListQuery } from "~/models/organisations.schema";
import { listOrganisations } from "~/models/organisations.server";
import { DSPT_STATUS_LABELS, ORGANISATION_TYPE_LABELS } from "~/models/rollout.schema";
import { resolveAsAt } from "~/models/settings.server";

/** The organisations table as CSV: the same filters, sort and as-at date as the page, every row. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const searchParams = new URL(request.url).searchParams;
  const { asAt, error } = resolveAsAt(searchParams);
  if (error) throw new Response(error, { status: 400 });
  const { filters, sort } = organisationListQuery(searchParams);
  const { rows } = listOrganisations({ asAt, ...filters, sort });
  const csv = toCsv(
    rows.map((r) => ({
      ...r,
      asAt,
      type: ORGANISATION_TYPE_LABELS[r.type],
      dsptStatus: r.dsptStatus ? DSPT_STATUS_LABELS[r.dsptStatus as keyof typeof DSPT_STATUS_LABELS] : null,
    })),
    [
      { key: "asAt", header: "As at" },
      { key: "odsCode", header: "ODS code" },
      { key: "name", header: "Name" },
      { key: "type", header: "Type" },
      { key: "locality", header: "Locality" },
      { key: "signedUpOn", header: "Signed up" },
      { key: "listSize", header: "List size" },
      { key: "dsptStatus", header: "DSPT status" },
      { key: "dsptYear", header: "DSPT year" },
      { key: "liveDeployments", header: "Live deployments" },
    ],
  );
  return csvResponse(`organisations-as-at-${asAt}`, csv);
}
