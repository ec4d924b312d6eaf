import type { LoaderFunctionArgs } from "@remix-run/node";
import { MILESTONE_STATES } from "~/components/rollout/tags";
import { csvResponse, toCsv } from "~/lib/csv.server";
import { requireUser } from "~/lib/session.server";
import { listMilestoneProgress } from "~/models/milestones.server";
import { resolveAsAt } from "~/models/settings.server";

/** The milestones table of /rollout/milestones as CSV, as at the same date. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const { asAt } = resolveAsAt(new URL(request.url).searchParams);
  const rows = listMilestoneProgress({ asAt }).map((m) => ({
    title: m.title,
    dueOn: m.dueOn,
    target: m.targetValue,
    valueAtDue: m.dueOn < asAt ? m.valueAtDue : null,
    value: m.value,
    unit: m.unit,
    progress: MILESTONE_STATES[m.state][0],
    asAt,
  }));
  const csv = toCsv(rows, [
    { key: "title", header: "Milestone" },
    { key: "dueOn", header: "Due" },
    { key: "target", header: "Target" },
    { key: "valueAtDue", header: "On the due date" },
    { key: "value", header: "As at" },
    { key: "unit", header: "Unit" },
    { key: "progress", header: "Progress" },
    { key: "asAt", header: "As at date" },
  ]);
  return csvResponse(`milestones-${asAt}.csv`, csv);
}
