import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BackLink, Button, SummaryList, Table, Tag } from "~/components/nhs";
import { DeploymentStatusTag, LateTag } from "~/components/rollout/tags";
import { formatDate, formatMonth } from "~/lib/dates";
import { hasAnyRole } from "~/lib/permissions";
import { requireUser } from "~/lib/session.server";
import { deploymentOfParam, usageForDeployment } from "~/models/rollout.server";
import { notFound } from "~/lib/form-action.server";
import { DEPLOYMENT_STATUS_LABELS } from "~/models/rollout.labels";
import { resolveAsAt } from "~/models/settings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? `${data.deployment.capabilityName} at ${data.deployment.serviceName}` : "Deployment"} – ShareBoard` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { asAt } = resolveAsAt(new URL(request.url).searchParams);
  const deployment = deploymentOfParam(params.deploymentId, { asAt }) ?? notFound();
  return { deployment, usage: usageForDeployment({ deploymentId: deployment.id }), canEdit: hasAnyRole(user.roles, ["programme"]) };
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
          { key: `Status as at ${formatDate(d.asAt)}`, value: d.statusAsAt ? <DeploymentStatusTag status={d.statusAsAt} /> : "Not yet recorded" },
          { key: "Planned go-live", value: formatDate(d.plannedGoLive) || "Not set" },
          { key: "Went live", value: formatDate(d.wentLiveOn) || `Not by ${formatDate(d.asAt)}` },
          { key: "Owner", value: d.owner ?? "Not recorded" },
          d.notes ? { key: "Notes", value: d.notes } : null,
        ]}
      />
      <h2>Status history</h2>
      <p>
        A status recorded in error is not deleted: it stays here, marked &ldquo;Recorded in error&rdquo; with the reason, and counts for nothing in any figure.
      </p>
      <Table
        caption="Every status change, in date order"
        captionSize="s"
        head={canEdit ? ["From", "Status", "Note", "Correction"] : ["From", "Status", "Note"]}
        rows={d.events.map((e) => {
          const cells = [
            e.voidedAt ? <s key="from">{formatDate(e.effectiveOn)}</s> : formatDate(e.effectiveOn),
            e.voidedAt ? (
              <span key="status">
                <Tag color="red">Recorded in error</Tag> <s>{DEPLOYMENT_STATUS_LABELS[e.status]}</s>
              </span>
            ) : (
              <DeploymentStatusTag key="status" status={e.status} />
            ),
            e.voidedAt ? (
              <span key="note">
                {e.note ? (
                  <>
                    {e.note}
                    <br />
                  </>
                ) : null}
                Recorded in error on {formatDate(e.voidedAt)}: {e.voidReason}
              </span>
            ) : (
              (e.note ?? "")
            ),
          ];
          if (!canEdit) return cells;
          return [
            ...cells,
            e.voidedAt ? (
              ""
            ) : (
              <Link key="void" to={`${base}/events/${e.id}/void`}>
                Mark as recorded in error<span className="nhsuk-u-visually-hidden">: {DEPLOYMENT_STATUS_LABELS[e.status].toLowerCase()} from {formatDate(e.effectiveOn)}</span>
              </Link>
            ),
          ];
        })}
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
