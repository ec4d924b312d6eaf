import { Link } from "@remix-run/react";
import { Button, SummaryList, Table } from "~/components/nhs";
import { DeploymentStatusTag, LateTag } from "~/components/rollout/tags";
import { formatDate, formatMonth } from "~/lib/dates";
import type { Organisation } from "~/models/organisations.server";
import type { DeploymentRow, listServicesOf, usageForOrganisation } from "~/models/rollout.server";
import { DSPT_STATUS_LABELS, ORGANISATION_TYPE_LABELS } from "~/models/rollout.schema";
import { OrganisationSection } from "./section";

const STATUS_LABELS: Record<string, string> = { active: "Active", closed: "Closed", dormant: "Dormant", proposed: "Proposed" };

export function OrganisationDetailsSection({ organisation, canEdit }: { organisation: Organisation; canEdit: boolean }) {
  const edit = canEdit ? { href: `/organisations/${encodeURIComponent(organisation.odsCode)}/edit`, text: "Change", visuallyHiddenText: "organisation details" } : undefined;
  return (
    <OrganisationSection id="details" title="Details">
      <SummaryList
        rows={[
          { key: "ODS code", value: organisation.odsCode, actions: edit },
          { key: "Type", value: ORGANISATION_TYPE_LABELS[organisation.type] },
          { key: "Locality", value: organisation.locality ?? "Not recorded" },
          organisation.nhsBadgedPrivate ? { key: "NHS badge", value: "A private organisation working under the NHS badge" } : null,
          organisation.listSize !== null ? { key: "Registered list size", value: organisation.listSize.toLocaleString("en-GB") } : null,
          { key: "Signed up to the programme", value: formatDate(organisation.signedUpOn) || "Not signed up" },
          {
            key: "DSPT status",
            value: organisation.dsptStatus ? `${DSPT_STATUS_LABELS[organisation.dsptStatus]}${organisation.dsptYear ? ` (${organisation.dsptYear})` : ""}` : "Not recorded",
          },
          { key: "Status", value: `${STATUS_LABELS[organisation.status] ?? organisation.status}${organisation.closedOn ? ` (closed ${formatDate(organisation.closedOn)})` : ""}` },
          organisation.postcode ? { key: "Postcode", value: organisation.postcode } : null,
          organisation.commissionerCode ? { key: "Commissioner", value: organisation.commissionerCode } : null,
          organisation.openedOn ? { key: "Opened", value: formatDate(organisation.openedOn) } : null,
        ]}
      />
    </OrganisationSection>
  );
}

export function ServicesSection({
  organisation,
  services,
  deployments,
  asAt,
  canEdit,
}: {
  organisation: Organisation;
  services: ReturnType<typeof listServicesOf>;
  deployments: DeploymentRow[];
  asAt: string;
  canEdit: boolean;
}) {
  const base = `/organisations/${encodeURIComponent(organisation.odsCode)}`;
  return (
    <OrganisationSection
      id="services"
      title="Services and deployments"
      actions={
        canEdit ? (
          <Button href={`${base}/services/new`} variant="secondary" small>
            Add a service
          </Button>
        ) : null
      }
    >
      {services.length === 0 ? <p>{organisation.name} has no services in the programme yet.</p> : null}
      {services.map((service) => {
        const rows = deployments.filter((d) => d.serviceId === service.id);
        return (
          <div key={service.id} className="nhsuk-u-margin-bottom-6">
            <h3>
              {service.name}
              {service.category ? <span className="nhsuk-caption-m">{service.category}</span> : null}
            </h3>
            {service.description ? <p>{service.description}</p> : null}
            {rows.length ? (
              <Table
                caption={`Deployments at ${service.name} as at ${formatDate(asAt)}`}
                captionSize="s"
                head={["Capability", "Status", "Planned go-live", "Went live", "Owner"]}
                rows={rows.map((d) => [
                  <Link key="c" to={`/rollout/deployments/${d.id}`}>
                    {d.capabilityName}
                  </Link>,
                  <span key="s">
                    <DeploymentStatusTag status={d.status} />
                    {d.late ? (
                      <>
                        {" "}
                        <LateTag />
                      </>
                    ) : null}
                  </span>,
                  formatDate(d.plannedGoLive) || "Not set",
                  formatDate(d.actualGoLive) || "Not yet",
                  d.owner ?? "",
                ])}
              />
            ) : (
              <p>{service.deployments > 0 ? "No deployment had started by this date." : "No deployments yet."}</p>
            )}
            {canEdit ? (
              <ul className="nhsuk-list">
                <li>
                  <Link to={`/rollout/deployments/new?serviceId=${service.id}`}>
                    Add a deployment<span className="nhsuk-u-visually-hidden"> at {service.name}</span>
                  </Link>
                </li>
                <li>
                  <Link to={`${base}/services/${service.id}/edit`}>
                    Edit service<span className="nhsuk-u-visually-hidden"> {service.name}</span>
                  </Link>
                </li>
              </ul>
            ) : null}
          </div>
        );
      })}
    </OrganisationSection>
  );
}

export function UsageSection({ usage, asAt }: { usage: ReturnType<typeof usageForOrganisation>; asAt: string }) {
  return (
    <OrganisationSection id="usage" title="Usage">
      <p>
        Record views a month through the organisation&apos;s deployments: {usage.totalViews.toLocaleString("en-GB")} in all up to {formatMonth(asAt.slice(0, 7))}.
      </p>
      {usage.rows.length ? (
        <Table
          caption="Record views by month (last 12 months)"
          captionSize="s"
          head={["Month", "Service", "Capability", { content: "Record views", format: "numeric" }]}
          rows={usage.rows.map((r) => [formatMonth(r.month), r.serviceName, r.capabilityName, { content: r.views.toLocaleString("en-GB"), format: "numeric" }])}
        />
      ) : (
        <p>No usage figures recorded for the last 12 months.</p>
      )}
    </OrganisationSection>
  );
}
