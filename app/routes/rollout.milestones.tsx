import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AsAtForm } from "~/components/filter-form";
import { BackLink, ErrorSummary, Table } from "~/components/nhs";
import { EndorsementStateTag, MilestoneStateTag } from "~/components/rollout/tags";
import { formatDate } from "~/lib/dates";
import { hasAnyRole } from "~/lib/permissions";
import { requireUser } from "~/lib/session.server";
import { ENDORSEMENT_NOTICE_DAYS, listMilestoneProgress, listPriorities } from "~/models/milestones.server";
import { resolveAsAt } from "~/models/settings.server";

export const meta: MetaFunction = () => [{ title: "Milestones and priorities – ShareBoard" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { asAt, reportingDate, error } = resolveAsAt(new URL(request.url).searchParams);
  return {
    asAt,
    reportingDate,
    asAtError: error,
    canEndorse: hasAnyRole(user.roles, ["board"]),
    milestones: listMilestoneProgress({ asAt }),
    priorities: listPriorities({ asAt }),
    noticeDays: ENDORSEMENT_NOTICE_DAYS,
  };
}

const value = (v: number | null, unit: string) => (v === null ? "No figure" : `${v.toLocaleString("en-GB")}${unit}`);

export default function Milestones() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <BackLink href="/rollout">Roll-out</BackLink>
      <ErrorSummary errors={data.asAtError ? { asAt: data.asAtError } : null} />
      <h1>
        <span className="nhsuk-caption-l">As at {formatDate(data.asAt)}</span>
        Milestones and priorities
      </h1>
      <AsAtForm defaultValue={data.reportingDate} />
      <h2>Milestones</h2>
      <p>Progress is measured from the roll-out, sign-up and opt-in records as they stood at the end of the as-at date.</p>
      <Table
        caption="Milestones and progress against their targets"
        captionSize="s"
        scroll
        head={["Milestone", "Due", { content: "Target", format: "numeric" }, { content: "On the due date", format: "numeric" }, { content: "As at", format: "numeric" }, "Progress"]}
        rows={data.milestones.map((m) => [
          <span key="t">
            <strong>{m.title}</strong>
            {m.description ? <span className="nhsuk-body-s nhsuk-u-display-block nhsuk-u-secondary-text-colour">{m.description}</span> : null}
          </span>,
          formatDate(m.dueOn),
          { content: m.targetValue === null ? "None" : `${m.targetValue.toLocaleString("en-GB")}${m.unit}`, format: "numeric" },
          { content: m.dueOn < data.asAt ? value(m.valueAtDue, m.unit) : "Not yet due", format: "numeric" },
          { content: value(m.value, m.unit), format: "numeric" },
          <span key="s">
            <MilestoneStateTag state={m.state} />
            {m.percentOfTarget !== null ? <span className="nhsuk-u-display-block nhsuk-body-s">{m.percentOfTarget}% of target</span> : null}
          </span>,
        ])}
      />
      <p>
        <a href={`/rollout/milestones.csv?asAt=${data.asAt}`}>Download the milestones as CSV</a>
      </p>
      <h2>Programme priorities</h2>
      <p>
        The board endorses each priority again at its interval. A re-endorsement shows as due soon from {data.noticeDays} days before its due date.
      </p>
      <Table
        caption="Priorities with their last endorsement"
        captionSize="s"
        scroll
        head={["Priority", "Last endorsed", "Minute", "Re-endorsement due", "Status", ...(data.canEndorse ? ["Action"] : [])]}
        rows={data.priorities.map((p) => [
          <span key="t">
            <strong>{p.title}</strong>
            {p.description ? <span className="nhsuk-body-s nhsuk-u-display-block nhsuk-u-secondary-text-colour">{p.description}</span> : null}
          </span>,
          formatDate(p.lastEndorsedOn) || "Never",
          p.minuteReference ?? "",
          formatDate(p.dueOn) || "Now",
          <EndorsementStateTag key="s" state={p.state} />,
          ...(data.canEndorse
            ? [
                <Link key="a" to={`/rollout/priorities/${p.id}/endorse`}>
                  Record endorsement<span className="nhsuk-u-visually-hidden"> of {p.title}</span>
                </Link>,
              ]
            : []),
        ])}
      />
      <p>
        <a href={`/rollout/priorities.csv?asAt=${data.asAt}`}>Download the priorities as CSV</a>
      </p>
    </>
  );
}
