import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useMemo } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { LineChartFigure } from "~/components/charts";
import { DataTable } from "~/components/data-table";
import { AsAtForm, FilterForm, FilterSelect } from "~/components/filter-form";
import { Button, ErrorSummary, Checkboxes } from "~/components/nhs";
import { PrivateProviderTag } from "~/components/private-provider-tag";
import { DeploymentStatusTag, LateTag } from "~/components/rollout/tags";
import { formatDate, formatMonth } from "~/lib/dates";
import { hasAnyRole } from "~/lib/permissions";
import { dataTableModel } from "~/lib/data-table.server";
import { keptText } from "~/lib/data-version.server";
import { readJsonText } from "~/lib/json-text";
import { requireUser } from "~/lib/session.server";
import { rolloutRegister } from "~/models/rollout-page.server";
import type { DeploymentRow } from "~/models/rollout.server";
import { deploymentListQuery } from "~/models/rollout.schema";
import { DEPLOYMENT_STATUS_LABELS, ORGANISATION_TYPE_LABELS } from "~/models/rollout.labels";
import { resolveAsAt } from "~/models/settings.server";
import { DEPLOYMENT_STATUSES, ORGANISATION_TYPES } from "../../db/schema/enums";

export const meta: MetaFunction = () => [{ title: "Roll-out – ShareBoard" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const searchParams = new URL(request.url).searchParams;
  const { asAt, reportingDate, error } = resolveAsAt(searchParams);
  const { filters, sort, page, pageSize } = deploymentListQuery(searchParams);
  const register = rolloutRegister({ asAt, filters, sort, page, pageSize });
  return {
    asAt,
    reportingDate,
    asAtError: error,
    canEdit: hasAnyRole(user.roles, ["programme"]),
    filters,
    sort,
    page,
    pageSize,
    // The register's figures and table, as one JSON text kept with them (read back once by the page):
    // encoded value by value, Remix would write their thousands of values nationally on every request.
    register: keptText(register, "rollout-page", (kept) => ({ ...kept, tableModel: dataTableModel(columns, kept.deployments.rows) })),
  };
}

type Row = DeploymentRow;
const column = createColumnHelper<Row>();
const columns = [
  column.accessor("organisationName", {
    id: "organisation",
    header: "Organisation",
    cell: (info) => (
      <>
        <Link to={`/organisations/${encodeURIComponent(info.row.original.odsCode)}`}>{info.getValue()}</Link>
        {info.row.original.privateProvider ? (
          <>
            {" "}
            <PrivateProviderTag />
          </>
        ) : null}
      </>
    ),
  }),
  column.accessor("serviceName", {
    id: "service",
    header: "Service",
    cell: (info) => <Link to={`/rollout/deployments/${info.row.original.id}`}>{info.getValue()}</Link>,
  }),
  column.accessor("capabilityName", { id: "capability", header: "Capability" }),
  column.accessor("status", {
    id: "status",
    header: "Status",
    cell: (info) => (
      <>
        <DeploymentStatusTag status={info.getValue()} />
        {info.row.original.late ? (
          <>
            {" "}
            <LateTag />
          </>
        ) : null}
      </>
    ),
  }),
  column.accessor("plannedGoLive", { id: "plannedGoLive", header: "Planned go-live", cell: (info) => formatDate(info.getValue()) || "Not set" }),
  column.accessor("actualGoLive", { id: "actualGoLive", header: "Went live", cell: (info) => formatDate(info.getValue()) || "Not yet" }),
  column.accessor("owner", { id: "owner", header: "Owner", cell: (info) => info.getValue() ?? "" }),
];

export default function Rollout() {
  const loaded = useLoaderData<typeof loader>();
  const data = useMemo(() => ({ ...loaded, ...readJsonText(loaded.register) }), [loaded]);
  const [searchParams] = useSearchParams();
  const { summary, chart, usage, asAt } = data;
  const csvHref = `/rollout.csv${searchParams.toString() ? `?${searchParams}` : ""}`;
  const markers = chart.milestones
    .filter((m) => m.targetValue !== null && chart.data.some((d) => d.month === m.month))
    .map((m) => ({ x: m.month, y: m.targetValue!, label: `Target ${m.targetValue}` }));
  const upcoming = chart.milestones.filter((m) => !chart.data.some((d) => d.month === m.month) && m.dueOn > asAt);
  return (
    <>
      <ErrorSummary errors={data.asAtError ? { asAt: data.asAtError } : null} />
      <h1>
        <span className="nhsuk-caption-l">As at {formatDate(asAt)}</span>
        Roll-out
      </h1>
      <p className="nhsuk-body-l">
        Every deployment of a capability at a service, with its status as it stood at the end of the as-at date. Late means the planned
        go-live date had passed and it had not gone live.
      </p>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-one-half">
          <AsAtForm defaultValue={data.reportingDate} />
        </div>
        <div className="nhsuk-grid-column-one-half">
          {data.canEdit ? (
            <div className="nhsuk-button-group">
              <Button href="/rollout/deployments/new" variant="secondary">
                Add a deployment
              </Button>
              <Link to="/rollout/usage/import">Import usage figures</Link>
            </div>
          ) : null}
          <p>
            <Link to={`/rollout/milestones${asAt !== data.reportingDate ? `?asAt=${asAt}` : ""}`}>Milestones and priorities</Link>
          </p>
        </div>
      </div>

      <h2>Where the roll-out stands</h2>
      <div className="sb-figures" data-testid="rollout-figures">
        <Figure value={chart.servicesLive} label={`services live: ${chart.capabilityName}`} testId="services-live" />
        <Figure value={summary.byStatus.in_progress ?? 0} label="deployments in progress" />
        <Figure value={summary.late} label="deployments late" />
        <Figure value={usage.inMonth.toLocaleString("en-GB")} label={`record views in ${formatMonth(usage.month)} (${usage.toDate.toLocaleString("en-GB")} to date)`} />
      </div>

      <LineChartFigure
        id="services-live-chart"
        caption={`Services live by month: ${chart.capabilityName}`}
        description={`Cumulative count at the end of each month (the last month up to ${formatDate(asAt)}), with the milestone targets.`}
        data={chart.data}
        xKey="month"
        xLabel="Month"
        series={[{ key: "servicesLive", name: "Services live" }]}
        yLabel="Services"
        formatX={(m) => formatMonth(String(m))}
        markers={markers}
      />
      {upcoming.length ? (
        <ul>
          {upcoming.map((m) => (
            <li key={m.title}>
              Next milestone: {m.title} by {formatDate(m.dueOn)} ({chart.servicesLive} of {m.targetValue} now).
            </li>
          ))}
        </ul>
      ) : null}

      <h2>Deployments</h2>
      <FilterForm fields={["capability", "status", "locality", "organisationType", "late"]} legend="Filter deployments">
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-quarter">
            <FilterSelect id="capability" name="capability" label="Capability" emptyOption="All" value={data.filters.capability ?? ""} options={data.capabilities.map((c) => ({ value: c.code, label: c.name }))} />
          </div>
          <div className="nhsuk-grid-column-one-quarter">
            <FilterSelect id="status" name="status" label="Status" emptyOption="All" value={data.filters.status ?? ""} options={DEPLOYMENT_STATUSES.map((s) => ({ value: s, label: DEPLOYMENT_STATUS_LABELS[s] }))} />
          </div>
          <div className="nhsuk-grid-column-one-quarter">
            <FilterSelect id="locality" name="locality" label="Locality" emptyOption="All" value={data.filters.locality ?? ""} options={data.localities.map((l) => ({ value: l, label: l }))} />
          </div>
          <div className="nhsuk-grid-column-one-quarter">
            <FilterSelect id="organisationType" name="organisationType" label="Organisation type" emptyOption="All" value={data.filters.organisationType ?? ""} options={ORGANISATION_TYPES.map((t) => ({ value: t, label: ORGANISATION_TYPE_LABELS[t] }))} />
          </div>
        </div>
        <Checkboxes
          key={String(data.filters.late)}
          id="late"
          name="late"
          label="Lateness"
          small
          defaultValue={data.filters.late ? ["yes"] : []}
          items={[{ value: "yes", label: "Only late deployments" }]}
        />
      </FilterForm>
      <DataTable
        caption={`Deployments as at ${formatDate(asAt)}`}
        columns={columns}
        model={data.tableModel}
        total={data.deployments.total}
        sort={data.sort}
        page={data.page}
        pageSize={data.pageSize}
        noun={{ one: "deployment", other: "deployments" }}
        emptyMessage="No deployments match these filters as at this date."
      />
      <p>
        <a href={csvHref} download>
          Download these deployments as CSV
        </a>
      </p>
    </>
  );
}

function Figure({ value, label, testId }: { value: string | number; label: string; testId?: string }) {
  return (
    <div className="sb-figure" data-testid={testId}>
      <span className="sb-figure__value">{value}</span>
      <span className="sb-figure__label">{label}</span>
    </div>
  );
}
