import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BackLink, Button, SummaryList, Table } from "~/components/nhs";
import { DeploymentStatusTag, LateTag } from "~/components/rollout/tags";
import { formatDate, formatMonth } from "~/lib/dates";
import { hasAnyRole } from "~/lib/permissions";
import { requireUser } from "~/lib/session.server";
import { getDeployment, usageForDeployment } from "~/models/rollout.server";
import { resolveAsAt } from "~/models/settings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? `${data.deployment.capabilityName} at ${data.deployment.serviceName}` : "Deployment"} – ShareBoard` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = Number(params.deploymentId);
  const { asAt } = resolveAsAt(new URL(request.url).searchParams);
  const deployment = Number.isInteger(id) && id > 0 ? getDeployment({ id, asAt }) : null;
  if (!deployment) throw new Response("Not found", { status: 404 });
  return { deployment, usage: usageForDeployment({ deploymentId: id }), canEdit: hasAnyRole(user.roles, ["programme"]) };
}

export default function DeploymentPage() {
  const { deployment: d, usage, canEdit } = useLoaderData<typeof loader>();
  const base = `/rollout/deployments/${d.id}`;
  return (
    <>
      <BackLink href={`/organisations/${encodeURIComponent(d.odsCode)}#services`}>{d.organisationName}</BackLink>
      <h1>
        <span className="nhsuk-caption-l">
          {d.organisationName} · {d.serviceName}
        </span>
        {d.capabilityName}
      </h1>
      <p>
        {d.statusAsAt ? (
          <>
            As at {formatDate(d.asAt)}: <DeploymentStatusTag status={d.statusAsAt} />
            {d.late ? (
              <>
                {" "}
                <LateTag />
              </>
            ) : null}
          </>
        ) : (
          <>Not yet recorded as at {formatDate(d.asAt)}.</>
        )}
      </p>
      {canEdit ? (
        <div className="nhsuk-button-group">
          <Button href={`${base}/status`}>Change status</Button>
          <Button href={`${base}/usage`} variant="secondary">
            Record usage
          </Button>
          <Link to={`${base}/edit`}>Edit plan, owner and notes</Link>
        </div>
      ) : null}
      <h2>Details</h2>
      <SummaryList
        rows={[
          { key: "Organisation", value: <Link to={`/organisations/${encodeURIComponent(d.odsCode)}`}>{d.organisationName}</Link> },
          { key: "Service", value: d.serviceName },
          { key: "Capability", value: d.capabilityName },
          { key: "Current status", value: <DeploymentStatusTag status={d.status} /> },
          { key: "Planned go-live", value: formatDate(d.plannedGoLive) || "Not set" },
          { key: "Went live", value: formatDate(d.actualGoLive) || "Not yet" },
          { key: "Owner", value: d.owner ?? "Not recorded" },
          d.notes ? { key: "Notes", value: d.notes } : null,
        ]}
      />
      <h2>Status history</h2>
      <Table
        caption="Every status change, in date order"
        captionSize="s"
        head={["From", "Status", "Note"]}
        rows={d.events.map((e) => [formatDate(e.effectiveOn), <DeploymentStatusTag key={e.id} status={e.status} />, e.note ?? ""])}
      />
      <h2>Usage</h2>
      {usage.length ? (
        <Table
          caption="Record views by month"
          captionSize="s"
          head={["Month", { content: "Record views", format: "numeric" }]}
          rows={usage.map((u) => [formatMonth(u.month), { content: u.views.toLocaleString("en-GB"), format: "numeric" }])}
        />
      ) : (
        <p>No usage figures recorded.</p>
      )}
    </>
  );
}
