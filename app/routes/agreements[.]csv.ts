import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, toCsv } from "~/lib/csv.server";
import { requireUser } from "~/lib/session.server";
import { listAgreements } from "~/models/agreements.server";
import { AGREEMENT_STATUS_LABELS, parseAgreementQuery, PURPOSE_LABELS, REVIEW_STATE_LABELS } from "~/models/agreements.schema";
import { resolveAsAt } from "~/models/settings.server";

/** The register as CSV, with the page's filters and sort (every page, not just the one shown). */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const { filters, table } = parseAgreementQuery(new URL(request.url).searchParams);
  const { asAt } = resolveAsAt(new URL(request.url).searchParams);
  const { rows } = listAgreements({
    asAt,
    status: filters.status,
    purpose: filters.purpose,
    partyOdsCode: filters.party,
    reviewDue: filters.review,
    sort: table.sort,
    page: 1,
    pageSize: 100_000,
  });
  const csv = toCsv(
    rows.map((r) => ({
      ...r,
      purpose: PURPOSE_LABELS[r.purpose],
      status: AGREEMENT_STATUS_LABELS[r.status],
      reviewState: r.reviewState ? REVIEW_STATE_LABELS[r.reviewState] : "",
      asAt,
    })),
    [
      { key: "reference", header: "Reference" },
      { key: "version", header: "Version" },
      { key: "title", header: "Title" },
      { key: "purpose", header: "Purpose" },
      { key: "status", header: "Status" },
      { key: "parties", header: "Parties" },
      { key: "signed", header: "Signed" },
      { key: "declined", header: "Declined" },
      { key: "effectiveOn", header: "Effective date" },
      { key: "activatedOn", header: "In force from" },
      { key: "endedOn", header: "Ended on" },
      { key: "reviewOn", header: "Review date" },
      { key: "reviewState", header: "Review" },
      { key: "dpiaStatus", header: "DPIA status" },
      { key: "dpiaResidualRisk", header: "DPIA residual risk" },
      { key: "asAt", header: "As at" },
    ],
  );
  return csvResponse(`agreements-${asAt}.csv`, csv);
}
