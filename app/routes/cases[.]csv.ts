import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, toCsv } from "~/lib/csv.server";
import { formatDate } from "~/lib/dates";
import { requireUser } from "~/lib/session.server";
import { listCases } from "~/models/cases.server";
import { CASE_STATE_LABELS, parseCaseListQuery } from "~/models/cases.schema";

// The same scope, filters and sort as /cases, every page.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const query = parseCaseListQuery(new URL(request.url).searchParams, user.roles);
  const result = listCases({ user, scope: query.scope, state: query.state, sponsor: query.sponsor, q: query.q, sort: query.table.sort, pageSize: null });
  const rows = result.rows.map((r) => ({
    reference: r.reference,
    title: r.title,
    state: CASE_STATE_LABELS[r.state],
    sponsor: r.sponsorName ?? "",
    author: r.authorName,
    since: r.stateChangedAt.slice(0, 10),
    waiting: r.waitingWorkingDays,
    overSla: r.waitingWorkingDays === null ? "" : r.overSla ? "Yes" : "No",
    targetGoLive: r.targetGoLive ?? "",
  }));
  const csv = toCsv(rows, [
    { key: "reference", header: "Reference" },
    { key: "title", header: "Title" },
    { key: "state", header: "State" },
    { key: "sponsor", header: "Sponsoring organisation" },
    { key: "author", header: "Author" },
    { key: "since", header: "In this state since" },
    { key: "waiting", header: `Working days waiting (to ${formatDate(result.asAt)})` },
    { key: "overSla", header: `Over the service level of ${result.sla} working days` },
    { key: "targetGoLive", header: "Target go-live" },
  ]);
  return csvResponse(`business-cases-${query.scope}-${result.asAt}`, csv);
}
