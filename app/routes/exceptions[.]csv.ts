import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, toCsv } from "~/lib/csv.server";
import { ROLE_LABELS } from "~/lib/permissions";
import { requireUser } from "~/lib/session.server";
import { listExceptionsWithAcknowledgements } from "~/models/exception-acknowledgements.server";
import { EXCEPTION_KIND_LABELS, SEVERITY_LABELS, parseExceptionQuery } from "~/models/exceptions.schema";
import { resolveAsAt } from "~/models/settings.server";

/** Every exception the /exceptions page's filters select (all pages), as CSV. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const { searchParams } = new URL(request.url);
  const { asAt } = resolveAsAt(searchParams);
  const { filters } = parseExceptionQuery(searchParams);
  const rows = listExceptionsWithAcknowledgements({ asAt, ...filters }).map((e) => ({
    severity: SEVERITY_LABELS[e.severity],
    kind: EXCEPTION_KIND_LABELS[e.kind],
    title: e.title,
    detail: e.detail,
    organisation: e.organisation?.name ?? "",
    odsCode: e.organisation?.odsCode ?? "",
    locality: e.organisation?.locality ?? "",
    record: e.record ?? "",
    actionRole: ROLE_LABELS[e.actionRole],
    dueOn: e.dueOn ?? "",
    link: e.href,
    acknowledged: e.acknowledgement ? `by ${e.acknowledgement.acknowledgedBy ?? "a former user"} on ${e.acknowledgement.acknowledgedOn}: ${e.acknowledgement.reason}` : "",
    reviewBy: e.acknowledgement?.reviewBy ?? "",
    asAt,
  }));
  const csv = toCsv(rows, [
    { key: "severity", header: "Severity" },
    { key: "kind", header: "Kind" },
    { key: "title", header: "Exception" },
    { key: "detail", header: "Detail" },
    { key: "organisation", header: "Organisation" },
    { key: "odsCode", header: "ODS code" },
    { key: "locality", header: "Locality" },
    { key: "record", header: "Record" },
    { key: "actionRole", header: "Who should act" },
    { key: "dueOn", header: "Due date" },
    { key: "link", header: "Link" },
    { key: "acknowledged", header: "Acknowledged" },
    { key: "reviewBy", header: "Acknowledged until (review by)" },
    { key: "asAt", header: "As at" },
  ]);
  return csvResponse(`exceptions-${asAt}.csv`, csv);
}
