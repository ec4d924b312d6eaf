import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useMemo } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable } from "~/components/data-table";
import { AsAtForm, FilterForm, FilterSelect } from "~/components/filter-form";
import { Button, ErrorSummary, TextInput } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { hasAnyRole } from "~/lib/permissions";
import { dataTableModel } from "~/lib/data-table.server";
import { keptText } from "~/lib/data-version.server";
import { readJsonText } from "~/lib/json-text";
import { requireUser } from "~/lib/session.server";
import { organisationListQuery } from "~/models/organisations.schema";
import { organisationsRegister, type OrganisationRow } from "~/models/organisations.server";
import { DSPT_STATUS_LABELS, ORGANISATION_TYPE_LABELS } from "~/models/rollout.labels";
import { resolveAsAt } from "~/models/settings.server";
import { ORGANISATION_TYPES } from "../../db/schema/enums";

export const meta: MetaFunction = () => [{ title: "Organisations – ShareBoard" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const searchParams = new URL(request.url).searchParams;
  const { asAt, reportingDate, error } = resolveAsAt(searchParams);
  const { filters, sort, page, pageSize } = organisationListQuery(searchParams);
  const register = organisationsRegister({ asAt, ...filters, sort, page, pageSize });
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
    register: keptText(register, "organisations-page", (kept) => ({ ...kept, tableModel: dataTableModel(columns, kept.organisations.rows) })),
  };
}

const column = createColumnHelper<OrganisationRow>();
const columns = [
  column.accessor("odsCode", { id: "odsCode", header: "ODS code" }),
  column.accessor("name", {
    id: "name",
    header: "Name",
    cell: (info) => <Link to={`/organisations/${encodeURIComponent(info.row.original.odsCode)}`}>{info.getValue()}</Link>,
  }),
  column.accessor("type", { id: "type", header: "Type", cell: (info) => ORGANISATION_TYPE_LABELS[info.getValue()] }),
  column.accessor("locality", { id: "locality", header: "Locality", cell: (info) => info.getValue() ?? "" }),
  column.accessor("signedUpOn", { id: "signedUpOn", header: "Signed up", cell: (info) => formatDate(info.getValue()) || "Not signed up" }),
  column.accessor("listSize", {
    id: "listSize",
    header: "List size",
    meta: { numeric: true },
    cell: (info) => info.getValue()?.toLocaleString("en-GB") ?? "",
  }),
  column.accessor("dsptStatus", {
    id: "dsptStatus",
    header: "DSPT status",
    cell: (info) => {
      const value = info.getValue() as keyof typeof DSPT_STATUS_LABELS | null;
      return value ? `${DSPT_STATUS_LABELS[value]}${info.row.original.dsptYear ? ` (${info.row.original.dsptYear})` : ""}` : "Not recorded";
    },
  }),
  column.accessor("liveDeployments", { id: "liveDeployments", header: "Live deployments", meta: { numeric: true }, sortDescFirst: true }),
];

export default function Organisations() {
  const loaded = useLoaderData<typeof loader>();
  const data = useMemo(() => ({ ...loaded, ...readJsonText(loaded.register) }), [loaded]);
  const [searchParams] = useSearchParams();
  const csvHref = `/organisations.csv${searchParams.toString() ? `?${searchParams}` : ""}`;
  return (
    <>
      <ErrorSummary errors={data.asAtError ? { asAt: data.asAtError } : null} />
      <h1>
        <span className="nhsuk-caption-l">As at {formatDate(data.asAt)}</span>
        Organisations
      </h1>
      <p className="nhsuk-body-l">
        Every partner organisation. {data.practices.signedUp} of {data.practices.total} GP practices had signed up by {formatDate(data.asAt)}.
      </p>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-one-half">
          <AsAtForm defaultValue={data.reportingDate} />
        </div>
        {data.canEdit ? (
          <div className="nhsuk-grid-column-one-half">
            <div className="nhsuk-button-group">
              <Button href="/organisations/new" variant="secondary">
                Add an organisation
              </Button>
              <Link to="/organisations/import">Import organisations (epraccur.csv)</Link>
            </div>
          </div>
        ) : null}
      </div>
      <FilterForm fields={["q", "type", "locality"]} legend="Filter organisations">
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-third">
            <TextInput key={data.filters.q ?? ""} id="q" name="q" label="Name or ODS code" defaultValue={data.filters.q ?? ""} type="search" />
          </div>
          <div className="nhsuk-grid-column-one-third">
            <FilterSelect id="type" name="type" label="Type" emptyOption="All" value={data.filters.type ?? ""} options={ORGANISATION_TYPES.map((t) => ({ value: t, label: ORGANISATION_TYPE_LABELS[t] }))} />
          </div>
          <div className="nhsuk-grid-column-one-third">
            <FilterSelect id="locality" name="locality" label="Locality" emptyOption="All" value={data.filters.locality ?? ""} options={data.localities.map((l) => ({ value: l, label: l }))} />
          </div>
        </div>
      </FilterForm>
      <DataTable
        caption={`Partner organisations as at ${formatDate(data.asAt)}`}
        columns={columns}
        model={data.tableModel}
        total={data.organisations.total}
        sort={data.sort}
        page={data.page}
        pageSize={data.pageSize}
        noun={{ one: "organisation", other: "organisations" }}
        emptyMessage="No organisations match these filters."
      />
      <p>
        <a href={csvHref} download>
          Download these organisations as CSV
        </a>
      </p>
    </>
  );
}
