import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, toCsv } from "~/lib/csv.server";
import { requireRole } from "~/lib/session.server";
import { listCovers } from "~/models/indemnity.server";
import { COVER_STATUS_LABELS, ORGANISATION_TYPE_LABELS, parseCoverQuery } from "~/models/indemnity.schema";
import { resolveAsAt } from "~/models/settings.server";

/** The indemnity register as CSV, with the page's filters, sort and as-at date. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, ["ccg", "board", "programme"], context);
  const { searchParams } = new URL(request.url);
  const { asAt } = resolveAsAt(searchParams);
  const { filters, table } = parseCoverQuery(searchParams);
  const { rows } = listCovers({
    asAt,
    status: filters.status,
    expiringWithinDays: filters.expiringWithin,
    organisationType: filters.type,
    sort: table.sort,
    page: 1,
    pageSize: 100_000,
  });
  const csv = toCsv(
    rows.map((r) => ({ ...r, organisationType: ORGANISATION_TYPE_LABELS[r.organisationType], status: COVER_STATUS_LABELS[r.status], asAt })),
    [
      { key: "organisationName", header: "Organisation" },
      { key: "odsCode", header: "ODS code" },
      { key: "organisationType", header: "Organisation type" },
      { key: "scope", header: "Scope" },
      { key: "startOn", header: "Start date" },
      { key: "endOn", header: "End date" },
      { key: "status", header: "Status" },
      { key: "storedStatus", header: "Recorded status" },
      { key: "documentReference", header: "Document reference" },
      { key: "signedBy", header: "Signed by" },
      { key: "renewsCoverId", header: "Renews cover" },
      { key: "id", header: "Cover" },
      { key: "asAt", header: "As at" },
    ],
  );
  return csvResponse(`indemnity-${asAt}.csv`, csv);
}
