import type { LoaderFunctionArgs } from "@remix-run/node";
import { ENDORSEMENT_STATES } from "~/components/rollout/tags";
import { csvResponse, toCsv } from "~/lib/csv.server";
import { requireUser } from "~/lib/session.server";
import { listPriorities } from "~/models/milestones.server";
import { resolveAsAt } from "~/models/settings.server";

/** The priorities table of /rollout/milestones as CSV, as at the same date. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const { asAt } = resolveAsAt(new URL(request.url).searchParams);
  const rows = listPriorities({ asAt }).map((p) => ({
    title: p.title,
    lastEndorsedOn: p.lastEndorsedOn,
    minuteReference: p.minuteReference,
    dueOn: p.dueOn,
    status: ENDORSEMENT_STATES[p.state][0],
    asAt,
  }));
  const csv = toCsv(rows, [
    { key: "title", header: "Priority" },
    { key: "lastEndorsedOn", header: "Last endorsed" },
    { key: "minuteReference", header: "Minute" },
    { key: "dueOn", header: "Re-endorsement due" },
    { key: "status", header: "Status" },
    { key: "asAt", header: "As at date" },
  ]);
  return csvResponse(`priorities-${asAt}.csv`, csv);
}
