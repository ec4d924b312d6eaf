import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useMemo } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable } from "~/components/data-table";
import { AsAtForm, FilterForm, FilterSelect } from "~/components/filter-form";
import { Button, ErrorSummary, WarningCallout } from "~/components/nhs";
import { AgreementStatusTag, ReviewStateTag } from "~/components/governance/status-tags";
import { formatDate } from "~/lib/dates";
import { hasAnyRole } from "~/lib/permissions";
import { AGREEMENT_MANAGERS } from "~/lib/route-access";
import { dataTableModel } from "~/lib/data-table.server";
import { keptText } from "~/lib/data-version.server";
import { readJsonText } from "~/lib/json-text";
import { requireUser } from "~/lib/session.server";
import { agreementsRegister, type AgreementListRow } from "~/models/agreements.server";
import { agreementsRegisterQuery, parseAgreementQuery } from "~/models/agreements.schema";
import {
  AGREEMENT_STATUS_LABELS,
  EFFECTIVE_AGREEMENT_STATUSES,
  PURPOSE_LABELS,
  REVIEW_FILTER_LABELS,
  REVIEW_FILTERS,
} from "~/models/agreements.labels";
import { AGREEMENT_PURPOSES } from "../../db/schema/enums";
import { resolveAsAt } from "~/models/settings.server";

export const meta: MetaFunction = () => [{ title: "Data sharing agreements – ShareBoard" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { searchParams } = new URL(request.url);
  const { filters, table } = parseAgreementQuery(searchParams);
  const { asAt, reportingDate, error: asAtError } = resolveAsAt(searchParams);
  const register = agreementsRegister({ asAt, ...agreementsRegisterQuery({ filters, table }) });
  return {
    asAt,
    reportingDate,
    asAtError,
    // The register's figures and table, as one JSON text kept with them (read back once by the page):
    // encoded value by value, their ~4,700 values nationally took 0.7 ms of every request.
    register: keptText(register, "agreements-page", (kept) => ({ ...kept, tableModel: dataTableModel(columns, kept.rows) })),
    table,
    canCreate: hasAnyRole(user.roles, AGREEMENT_MANAGERS),
  };
}

type Row = AgreementListRow;
const column = createColumnHelper<Row>();
const columns = [
  column.accessor("reference", {
    header: "Reference",
    cell: ({ row }) => (
      <Link className="nhsuk-link" to={`/agreements/${encodeURIComponent(row.original.reference)}?version=${row.original.version}`}>
        {row.original.reference}
        <span className="sb-version"> v{row.original.version}</span>
      </Link>
    ),
  }),
  column.accessor("title", { header: "Title" }),
  column.accessor("purpose", { header: "Purpose", cell: ({ getValue }) => PURPOSE_LABELS[getValue()] }),
  column.accessor("status", {
    header: "Status",
    cell: ({ row }) => <AgreementStatusTag status={row.original.status} activatedOn={row.original.activatedOn} />,
  }),
  column.display({
    id: "signatures",
    header: "Signatures",
    enableSorting: false,
    cell: ({ row }) =>
      row.original.storedStatus === "draft" ? (
        "Not sent"
      ) : (
        <>
          {row.original.signed} of {row.original.parties} signed
          {row.original.declined ? <strong className="sb-declined">, {row.original.declined} declined</strong> : null}
        </>
      ),
  }),
  column.accessor("effectiveOn", { header: "Effective", cell: ({ getValue }) => formatDate(getValue()) }),
  column.accessor("reviewOn", {
    header: "Review",
    cell: ({ row }) => (
      <>
        {formatDate(row.original.reviewOn)} <ReviewStateTag state={row.original.reviewState} />
      </>
    ),
  }),
];

const FILTER_FIELDS = ["status", "purpose", "party", "review"] as const;

export default function AgreementsRegister() {
  const { asAt, reportingDate, asAtError, register, table, canCreate } = useLoaderData<typeof loader>();
  const { total, tableModel, parties, reviews, uncovered } = useMemo(() => readJsonText(register), [register]);
  const [searchParams] = useSearchParams();
  const csvHref = `/agreements.csv${searchParams.toString() ? `?${searchParams}` : ""}`;
  return (
    <>
      <h1>Data sharing agreements</h1>
      <p className="nhsuk-body-l">
        Every agreement, who it binds and who has signed, as at {asAt === reportingDate ? "the reporting date, " : ""}
        <strong>{formatDate(asAt)}</strong>.
      </p>
      <ErrorSummary errors={asAtError ? { asAt: asAtError } : {}} />
      <AsAtForm defaultValue={reportingDate} />
      {canCreate ? (
        <Button href="/agreements/new" variant="secondary">
          Create an agreement
        </Button>
      ) : null}

      {uncovered.total || reviews.due || reviews.overdue ? (
        <WarningCallout heading="Needs attention" headingLevel={2}>
          <ul>
            {uncovered.rows.map((d) => (
              <li key={d.deploymentId}>
                <strong>Sharing without an agreement:</strong> {d.serviceName} ({d.organisationName}) has had {d.capabilityName} live since{" "}
                {formatDate(d.liveSince)} and no active agreement covers it.
              </li>
            ))}
            {uncovered.total > uncovered.rows.length ? (
              <li>
                <Link to={`/exceptions?${new URLSearchParams({ asAt, kind: "sharing_without_agreement" })}`}>
                  {uncovered.total - uncovered.rows.length} more live deployments without an active agreement
                </Link>
              </li>
            ) : null}
            {reviews.overdue ? (
              <li>
                <Link to="?review=overdue">
                  {reviews.overdue} agreement{reviews.overdue === 1 ? "" : "s"} past {reviews.overdue === 1 ? "its" : "their"} review date
                </Link>
              </li>
            ) : null}
            {reviews.due ? (
              <li>
                <Link to="?review=due">
                  {reviews.due} agreement{reviews.due === 1 ? "" : "s"} due for review within the notice period
                </Link>
              </li>
            ) : null}
          </ul>
        </WarningCallout>
      ) : null}

      <FilterForm fields={FILTER_FIELDS} legend="Filter agreements">
        <div className="sb-filter-grid">
          <FilterSelect name="status" label="Status" emptyOption="Any (not superseded)" options={EFFECTIVE_AGREEMENT_STATUSES.map((s) => ({ value: s, label: AGREEMENT_STATUS_LABELS[s] }))} />
          <FilterSelect name="purpose" label="Purpose" emptyOption="Any purpose" options={AGREEMENT_PURPOSES.map((p) => ({ value: p, label: PURPOSE_LABELS[p] }))} />
          <FilterSelect name="party" label="Party organisation" emptyOption="Any organisation" options={parties.map((p) => ({ value: p.odsCode, label: `${p.name} (${p.odsCode})` }))} />
          <FilterSelect name="review" label="Review" emptyOption="Any" options={REVIEW_FILTERS.map((r) => ({ value: r, label: REVIEW_FILTER_LABELS[r] }))} />
        </div>
      </FilterForm>

      <DataTable
        caption="Data sharing agreements"
        columns={columns}
        model={tableModel}
        sort={table.sort}
        total={total}
        page={table.page}
        pageSize={table.pageSize}
        noun={{ one: "agreement", other: "agreements" }}
        emptyMessage="No agreements match these filters."
      />
      <p>
        <a className="nhsuk-link" href={csvHref} download>
          Download these agreements as CSV
        </a>
      </p>
    </>
  );
}
