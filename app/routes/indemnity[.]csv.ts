import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, toCsv } from "~/lib/csv.server";
import { INDEMNITY_READERS } from "~/lib/route-access";
import { requireRole } from "~/lib/session.server";
import { listCovers, listPracticeCover } from "~/models/indemnity.server";
import { COVER_STATUS_LABELS, ORGANISATION_TYPE_LABELS, PRACTICE_COVER_STATE_LABELS, parseCoverQuery } from "~/models/indemnity.schema";
import { resolveAsAt } from "~/models/settings.server";

/**
 * The indemnity register as CSV, with the page's table, filters, sort and as-at date: every
 * practice's cover (the default) or, with `view=covers`, every cover record.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, INDEMNITY_READERS, context);
  const { searchParams } = new URL(request.url);
  const { asAt } = resolveAsAt(searchParams);
  const { view, filters, table, practiceFilters, practiceTable } = parseCoverQuery(searchParams);
  if (view === "practices") {
    const { rows } = listPracticeCover({ asAt, state: practiceFilters.cover, locality: practiceFilters.locality, sort: practiceTable.sort, page: 1, pageSize: 100_000 });
    const csv = toCsv(
      rows.map((r) => ({ ...r, state: PRACTICE_COVER_STATE_LABELS[r.state], asAt })),
      [
        { key: "organisationName", header: "Practice" },
        { key: "odsCode", header: "ODS code" },
        { key: "locality", header: "Locality" },
        { key: "state", header: "Cover" },
        { key: "startOn", header: "Cover in force from" },
        { key: "endOn", header: "Cover in force to" },
        { key: "signedEndOn", header: "Signed end date" },
        { key: "endedEarlyOn", header: "Ended early on" },
        { key: "documentReference", header: "Document reference" },
        { key: "lastCoverEndedOn", header: "Last cover ended" },
        { key: "coverId", header: "Cover number" },
        { key: "asAt", header: "As at" },
      ],
    );
    return csvResponse(`indemnity-practices-${asAt}.csv`, csv);
  }
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
    rows.map((r) => ({ ...r, organisationType: ORGANISATION_TYPE_LABELS[r.organisationType], status: COVER_STATUS_LABELS[r.status], counted: r.counted ? "Yes" : "No", asAt })),
    [
      { key: "organisationName", header: "Organisation" },
      { key: "odsCode", header: "ODS code" },
      { key: "organisationType", header: "Organisation type" },
      { key: "scope", header: "Scope" },
      { key: "startOn", header: "Start date" },
      { key: "endOn", header: "End date" },
      { key: "signedEndOn", header: "Signed end date" },
      { key: "endedEarlyOn", header: "Ended early on" },
      { key: "endedRecordedOn", header: "Ending recorded on" },
      { key: "endReason", header: "Why ended early" },
      { key: "status", header: "Status" },
      { key: "storedStatus", header: "Recorded status" },
      { key: "counted", header: "Counted" },
      { key: "notCountedReason", header: "Why not counted" },
      { key: "documentReference", header: "Document reference" },
      { key: "signedBy", header: "Signed by" },
      { key: "renewsCoverId", header: "Renews cover" },
      { key: "id", header: "Cover" },
      { key: "asAt", header: "As at" },
    ],
  );
  return csvResponse(`indemnity-${asAt}.csv`, csv);
}
