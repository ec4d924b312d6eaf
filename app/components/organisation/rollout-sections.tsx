import { Link } from "@remix-run/react";
import { Button, SummaryList, Table } from "~/components/nhs";
import { DeploymentStatusTag, LateTag } from "~/components/rollout/tags";
import { addDaysIso, formatDate, formatMonth } from "~/lib/dates";
import type { Organisation } from "~/models/organisations.server";
import type { DeploymentRow, listServicesOf, usageForOrganisation } from "~/models/rollout.server";
import { DSPT_STATUS_LABELS, ORGANISATION_TYPE_LABELS } from "~/models/rollout.labels";
import { OrganisationSection } from "./section";
import { PrivateProviderTag } from "~/components/private-provider-tag";

const STATUS_LABELS: Record<string, string> = { active: "Active", closed: "Closed", dormant: "Dormant", proposed: "Proposed" };

type Period = { validFrom: string; validTo: string | null };
type History = { memberships: Period[]; statuses: (Period & { status: string })[]; names?: (Period & { name: string })[]; privateProvider?: (Period & { nhsBadgedPrivate: boolean })[] };

const periodText = (p: Period) => (p.validTo ? `${formatDate(p.validFrom)} to ${formatDate(p.validTo)}` : `from ${formatDate(p.validFrom)}`);
/** "until 31 March 2016" (the last day it held: valid_to is exclusive), or "from 1 April 2016" for the one holding now. */
const untilOrFrom = (p: Period) => (p.validTo ? `until ${formatDate(addDaysIso(p.validTo, -1))}` : `from ${formatDate(p.validFrom)}`);

export function OrganisationDetailsSection({ organisation, canEdit, history }: { organisation: Organisation; canEdit: boolean; history?: History }) {
  const edit = canEdit ? { href: `/organisations/${encodeURIComponent(organisation.odsCode)}/edit`, text: "Change", visuallyHiddenText: "organisation details" } : undefined;
  return (
    <OrganisationSection id="details" title="Details">
      <SummaryList
        rows={[
          { key: "ODS code", value: organisation.odsCode, actions: edit },
          { key: "Type", value: ORGANISATION_TYPE_LABELS[organisation.type] },
          { key: "Locality", value: organisation.locality ?? "Not recorded" },
          organisation.nhsBadgedPrivate ? { key: "NHS badge", value: <PrivateProviderTag /> } : null,
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
          history
            ? {
                key: "Member of the partnership",
                value: history.memberships.length ? (
                  <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                    {history.memberships.map((m) => (
                      <li key={m.validFrom}>{periodText(m)}</li>
                    ))}
                  </ul>
                ) : (
                  "Not a member on any date"
                ),
              }
            : null,
          history?.names && history.names.length > 1
            ? {
                key: "Name over time",
                value: (
                  <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                    {history.names.map((p) => (
                      <li key={p.validFrom}>
                        Known as {p.name} {untilOrFrom(p)}
                      </li>
                    ))}
                  </ul>
                ),
              }
            : null,
          history?.privateProvider && history.privateProvider.length > 1
            ? {
                key: "NHS badge over time",
                value: (
                  <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                    {history.privateProvider.map((p) => (
                      <li key={p.validFrom}>
                        {p.nhsBadgedPrivate ? "A private provider working under the NHS badge" : "Not a private provider under the NHS badge"} {untilOrFrom(p)}
                      </li>
                    ))}
                  </ul>
                ),
              }
            : null,
          history?.statuses.length
            ? {
                key: "Status over time",
                value: (
                  <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                    {history.statuses.map((p) => (
                      <li key={p.validFrom}>
                        {STATUS_LABELS[p.status] ?? p.status} {periodText(p)}
                      </li>
                    ))}
                  </ul>
                ),
              }
            : null,
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
      {deployments.length ? (
        <Table
          caption={`Deployments as at ${formatDate(asAt)}`}
          captionSize="s"
          scroll
          head={["Service", "Capability", "Status", "Planned go-live", "Went live", "Owner"]}
          rows={deployments.map((d) => [
            d.serviceName,
            <Link key="c" to={`/rollout/deployments/${d.id}`}>
              {d.capabilityName}
              <span className="nhsuk-u-visually-hidden"> at {d.serviceName}</span>
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
        <p>No deployment had started at {organisation.name} by {formatDate(asAt)}.</p>
      )}
      {services.length ? (
        <Table
          caption="Services"
          captionSize="s"
          head={["Service", "Category", { content: "Deployments", format: "numeric" }, ...(canEdit ? ["Actions"] : [])]}
          rows={services.map((service) => [
            service.name,
            service.category ?? "",
            { content: String(service.deployments), format: "numeric" },
            ...(canEdit
              ? [
                  <ul key="a" className="nhsuk-list nhsuk-u-margin-bottom-0">
                    <li>
                      <Link to={`/rollout/deployments/new?serviceId=${service.id}`}>
                        Add a deployment<span className="nhsuk-u-visually-hidden"> at {service.name}</span>
                      </Link>
                    </li>
                    <li>
                      <Link to={`${base}/services/${service.id}/edit`}>
                        Edit<span className="nhsuk-u-visually-hidden"> {service.name}</span>
                      </Link>
                    </li>
                  </ul>,
                ]
              : []),
          ])}
        />
      ) : (
        <p>{organisation.name} has no services in the programme yet.</p>
      )}
    </OrganisationSection>
  );
}

export function UsageSection({ usage }: { usage: ReturnType<typeof usageForOrganisation> }) {
  const n = (v: number) => ({ content: v.toLocaleString("en-GB"), format: "numeric" as const });
  return (
    <OrganisationSection id="usage" title="Usage">
      {usage.rows.length ? (
        <Table
          caption={`Record views through each deployment, up to ${formatMonth(usage.month)}`}
          captionSize="s"
          head={["Service", "Capability", { content: `In ${formatMonth(usage.month)}`, format: "numeric" }, { content: `${formatMonth(usage.firstMonth)} to ${formatMonth(usage.month)}`, format: "numeric" }, { content: "All months", format: "numeric" }]}
          rows={[
            ...usage.rows.map((r) => [r.serviceName, r.capabilityName, n(r.inMonth), n(r.last12Months), n(r.toDate)]),
            [<strong key="t">Total</strong>, "", n(usage.totals.inMonth), n(usage.totals.last12Months), n(usage.totals.toDate)],
          ]}
        />
      ) : (
        <p>No usage figures have been recorded for this organisation&apos;s deployments.</p>
      )}
    </OrganisationSection>
  );
}
