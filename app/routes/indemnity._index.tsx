import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable } from "~/components/data-table";
import { AsAtForm, FilterForm, FilterSelect } from "~/components/filter-form";
import { Button, ErrorSummary, Table, Tag, TextInput, WarningCallout } from "~/components/nhs";
import { CoverStatusTag } from "~/components/governance/status-tags";
import { formatDate } from "~/lib/dates";
import { INDEMNITY_READERS } from "~/lib/route-access";
import { requireRole } from "~/lib/session.server";
import {
  countPracticesWithActiveCover,
  coveredOrganisationTypes,
  coverExpiring,
  lapsedCover,
  listCovers,
  organisationsSharingWithoutCover,
  type CoverListRow,
} from "~/models/indemnity.server";
import { COVER_STATUS_LABELS, EFFECTIVE_COVER_STATUSES, EXPIRY_BANDS, ORGANISATION_TYPE_LABELS, parseCoverQuery } from "~/models/indemnity.schema";
import { resolveAsAt } from "~/models/settings.server";

export const meta: MetaFunction = () => [{ title: "Indemnity register – ShareBoard" }];


export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, INDEMNITY_READERS, context);
  const { searchParams } = new URL(request.url);
  const { asAt, reportingDate, error } = resolveAsAt(searchParams);
  const { filters, table } = parseCoverQuery(searchParams);
  const { total, rows } = listCovers({
    asAt,
    status: filters.status,
    expiringWithinDays: filters.expiringWithin,
    organisationType: filters.type,
    sort: table.sort,
    page: table.page,
    pageSize: table.pageSize,
  });
  return {
    asAt,
    reportingDate,
    asAtError: error,
    total,
    rows,
    table,
    types: coveredOrganisationTypes(),
    sharingWithoutCover: organisationsSharingWithoutCover({ asAt }),
    expiring: coverExpiring({ asAt, withinDays: 90 }),
    lapsed: lapsedCover({ asAt }),
    practices: countPracticesWithActiveCover({ asAt }),
    canEdit: user.roles.includes("ccg"),
  };
}

const column = createColumnHelper<CoverListRow>();
const baseColumns = [
  column.accessor("organisationName", {
    id: "organisation",
    header: "Organisation",
    cell: ({ row }) => (
      <>
        {row.original.organisationName} <span className="sb-ods">({row.original.odsCode})</span>
      </>
    ),
  }),
  column.accessor("organisationType", { id: "type", header: "Type", cell: ({ getValue }) => ORGANISATION_TYPE_LABELS[getValue()] }),
  column.accessor("startOn", { header: "Start", cell: ({ getValue }) => formatDate(getValue()) }),
  column.accessor("endOn", { header: "End", cell: ({ getValue }) => formatDate(getValue()) }),
  column.accessor("status", { header: "Status", cell: ({ getValue }) => <CoverStatusTag status={getValue()} /> }),
  column.accessor("documentReference", { header: "Document", enableSorting: false, cell: ({ getValue }) => getValue() ?? "" }),
];
const ccgColumns = [
  ...baseColumns,
  column.display({
    id: "actions",
    header: "Actions",
    cell: ({ row }) => (
      <ul className="nhsuk-list sb-actions">
        {row.original.status !== "revoked" && row.original.status !== "renewed" ? (
          <li>
            <Link to={`/indemnity/${row.original.id}/renew`}>
              Renew<span className="nhsuk-u-visually-hidden"> cover for {row.original.organisationName}</span>
            </Link>
          </li>
        ) : null}
        <li>
          <Link to={`/indemnity/${row.original.id}/edit`}>
            Change<span className="nhsuk-u-visually-hidden"> cover for {row.original.organisationName} from {formatDate(row.original.startOn)}</span>
          </Link>
        </li>
      </ul>
    ),
  }),
];

const FILTER_FIELDS = ["status", "expiringWithin", "type"] as const;

export default function IndemnityRegister() {
  const d = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const csvHref = `/indemnity.csv${searchParams.toString() ? `?${searchParams}` : ""}`;
  const within = (days: number) => d.expiring.filter((c) => c.daysLeft <= days).length;
  return (
    <>
      <ErrorSummary errors={d.asAtError ? { asAt: d.asAtError } : null} />
      <h1>Indemnity register</h1>
      <p className="nhsuk-body-l">
        The CCG indemnifies GP practices and NHS-badged private providers against claims arising from sharing records for direct care. Cover as at{" "}
        <strong>{formatDate(d.asAt)}</strong>.
      </p>
      <AsAtForm defaultValue={d.reportingDate} />
      {d.canEdit ? (
        <Button href="/indemnity/new" variant="secondary">
          Add cover
        </Button>
      ) : null}

      <div className="sb-figures">
        <Figure value={`${d.practices.covered} of ${d.practices.total}`} label="GP practices with cover in force" />
        <Figure value={d.sharingWithoutCover.length} label="organisations sharing without cover" />
        {EXPIRY_BANDS.map((band) => (
          <Figure key={band} value={within(band)} label={`cover expiring within ${band} days`} />
        ))}
        <Figure value={d.lapsed.length} label="organisations whose cover lapsed" />
      </div>

      <h2 id="sharing-without-cover">Sharing without cover</h2>
      {d.sharingWithoutCover.length ? (
        <WarningCallout heading="Live sharing with no indemnity in force" headingLevel={3}>
          <ul>
            {d.sharingWithoutCover.map((o) => (
              <li key={o.organisationId}>
                <strong>
                  {o.organisationName} ({o.odsCode})
                </strong>
                : {o.liveDeployments} live deployment{o.liveDeployments === 1 ? "" : "s"},{" "}
                {o.lastCoverEndedOn ? `cover ended on ${formatDate(o.lastCoverEndedOn)}` : "never covered"}.
              </li>
            ))}
          </ul>
        </WarningCallout>
      ) : (
        <p>Every practice and NHS-badged private provider with a live deployment has cover in force.</p>
      )}

      <h2 id="expiring">Cover expiring within 90 days</h2>
      {d.expiring.length ? (
        <Table
          caption="Cover in force that ends within 90 days and has not been renewed, soonest first"
          head={["Organisation", "Ends", { content: "Days left", format: "numeric" }, "Warning", ...(d.canEdit ? ["Action"] : [])]}
          rows={d.expiring.map((c) => [
            `${c.organisationName} (${c.odsCode})`,
            formatDate(c.endOn),
            { content: c.daysLeft, format: "numeric" },
            <Tag key="band" color={c.band === 7 ? "red" : c.band === 30 ? "orange" : "yellow"}>
              Expires within {c.band} days
            </Tag>,
            ...(d.canEdit
              ? [
                  <Link key="renew" to={`/indemnity/${c.coverId}/renew`}>
                    Renew<span className="nhsuk-u-visually-hidden"> cover for {c.organisationName}</span>
                  </Link>,
                ]
              : []),
          ])}
        />
      ) : (
        <p>No cover ends within 90 days without a renewal.</p>
      )}

      <h2 id="lapsed">Lapsed cover</h2>
      {d.lapsed.length ? (
        <Table
          caption="Organisations whose cover has ended with none in force"
          head={["Organisation", "Type", "Cover ended"]}
          rows={d.lapsed.map((o) => [`${o.organisationName} (${o.odsCode})`, ORGANISATION_TYPE_LABELS[o.organisationType], o.endedOn ? formatDate(o.endedOn) : ""])}
        />
      ) : (
        <p>No organisation&apos;s cover has lapsed.</p>
      )}

      <h2>Every cover</h2>
      <p>Renewals are new rows, so each organisation&apos;s history stays in the register. The scope and who signed each cover are in the CSV download.</p>
      <FilterForm fields={FILTER_FIELDS} legend="Filter cover">
        <div className="sb-filter-grid">
          <FilterSelect name="status" label="Status" emptyOption="Any status" options={EFFECTIVE_COVER_STATUSES.map((s) => ({ value: s, label: COVER_STATUS_LABELS[s] }))} />
          <TextInput
            key={`within-${searchParams.get("expiringWithin") ?? ""}`}
            id="filter-expiring"
            name="expiringWithin"
            label="Expiring within (days)"
            inputMode="numeric"
            width={4}
            defaultValue={searchParams.get("expiringWithin") ?? ""}
          />
          <FilterSelect name="type" label="Organisation type" emptyOption="Any type" options={d.types.map((t) => ({ value: t, label: ORGANISATION_TYPE_LABELS[t] }))} />
        </div>
      </FilterForm>
      <DataTable
        caption="Indemnity cover, including renewed and lapsed cover"
        columns={d.canEdit ? ccgColumns : baseColumns}
        rows={d.rows}
        sort={d.table.sort}
        total={d.total}
        page={d.table.page}
        pageSize={d.table.pageSize}
        noun={{ one: "cover", other: "covers" }}
        emptyMessage="No cover matches these filters."
      />
      <p>
        <a className="nhsuk-link" href={csvHref} download>
          Download this cover as CSV
        </a>
      </p>
    </>
  );
}

function Figure({ value, label }: { value: string | number; label: string }) {
  return (
    <div className="sb-figure">
      <span className="sb-figure__value">{value}</span>
      <span className="sb-figure__label">{label}</span>
    </div>
  );
}
