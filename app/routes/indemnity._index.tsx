import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useMemo } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable } from "~/components/data-table";
import { AsAtForm, FilterForm, FilterSelect } from "~/components/filter-form";
import { Button, ErrorSummary, Table, Tag, TextInput, WarningCallout, type TagColour } from "~/components/nhs";
import { PrivateProviderTag } from "~/components/private-provider-tag";
import { formatDate } from "~/lib/dates";
import { INDEMNITY_READERS } from "~/lib/route-access";
import { hrefWith } from "~/lib/table-query";
import { dataTableModel } from "~/lib/data-table.server";
import { keptText } from "~/lib/data-version.server";
import { readJsonText } from "~/lib/json-text";
import { requireRole } from "~/lib/session.server";
import {
  indemnityRegister,
  type CoverListRow,
  type PracticeCoverRow,
} from "~/models/indemnity.server";
import { coverRegisterQuery, parseCoverQuery } from "~/models/indemnity.schema";
import {
  COVER_STATUS_COLOURS,
  COVER_STATUS_LABELS,
  coverEndText,
  coverPeriodText,
  EFFECTIVE_COVER_STATUSES,
  ORGANISATION_TYPE_LABELS,
  PRACTICE_COVER_STATES,
  PRACTICE_COVER_STATE_COLOURS,
  PRACTICE_COVER_STATE_LABELS,
} from "~/models/indemnity.labels";
import { resolveAsAt } from "~/models/settings.server";

export const meta: MetaFunction = () => [{ title: "Indemnity register – ShareBoard" }];


export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, INDEMNITY_READERS, context);
  const { searchParams } = new URL(request.url);
  const { asAt, reportingDate, error } = resolveAsAt(searchParams);
  const parsed = parseCoverQuery(searchParams);
  const { view, table, practiceTable } = parsed;
  // Who asks changes only what they may do; the figures are the same for every reader, kept until a table they read changes.
  const register = indemnityRegister({ asAt, query: coverRegisterQuery(parsed) });
  const canEdit = user.roles.includes("ccg");
  return {
    asAt,
    reportingDate,
    asAtError: error,
    view,
    practiceTable,
    coverTable: table,
    // The register's figures and its table as this reader sees it (the CCG's columns differ), as one
    // JSON text kept with the figures (read back once by the page): encoded value by value, their
    // ~3,600 values nationally took 0.6 ms of every request.
    register: keptText(register, canEdit ? "indemnity-page:ccg" : "indemnity-page", (kept) => ({
      ...kept,
      // The register's one table on this view, modelled with the columns this reader sees.
      practiceModel: kept.practiceRows ? dataTableModel(canEdit ? practiceCcgColumns : practiceColumns, inWords(kept.practiceRows.rows, practiceWords)) : null,
      coverModel: kept.coverRows ? dataTableModel(canEdit ? ccgColumns : baseColumns, inWords(kept.coverRows.rows, coverWords)) : null,
      filterOptions: {
        cover: PRACTICE_COVER_STATES.map((s) => ({ value: s, label: PRACTICE_COVER_STATE_LABELS[s] })),
        status: EFFECTIVE_COVER_STATUSES.map((s) => ({ value: s, label: COVER_STATUS_LABELS[s] })),
        type: kept.types.map((t) => ({ value: t, label: ORGANISATION_TYPE_LABELS[t] })),
      },
    })),
    canEdit,
  };
}

// The words the register's cells show (types, periods, status tags) are worked out here, so the
// browser needs none of the indemnity labels (issue 11). Once per rows array: the rows come from
// the figures cache, and the same array keeps its table model (dataTableModel) while data is unchanged.
type PracticeRow = PracticeCoverRow & { coverTag: { label: string; colour: TagColour }; periodText: string | null };
type CoverRow = CoverListRow & { typeLabel: string; endText: string; statusTag: { label: string; colour: TagColour } };

const practiceWords = (r: PracticeCoverRow) => ({
  coverTag: { label: PRACTICE_COVER_STATE_LABELS[r.state], colour: PRACTICE_COVER_STATE_COLOURS[r.state] },
  periodText: r.startOn && r.endOn ? coverPeriodText({ ...r, startOn: r.startOn, endOn: r.endOn }) : null,
});
const coverWords = (r: CoverListRow) => ({
  typeLabel: ORGANISATION_TYPE_LABELS[r.organisationType],
  endText: coverEndText(r),
  statusTag: { label: COVER_STATUS_LABELS[r.status], colour: COVER_STATUS_COLOURS[r.status] },
});

const rowsInWords = new WeakMap<object, object[]>();
function inWords<Row extends object, Words extends object>(rows: Row[], words: (row: Row) => Words): (Row & Words)[] {
  const kept = rowsInWords.get(rows) as (Row & Words)[] | undefined;
  if (kept) return kept;
  const made = rows.map((r) => ({ ...r, ...words(r) }));
  rowsInWords.set(rows, made);
  return made;
}

const plural = (n: number, one: string) => `${n} ${n === 1 ? one : `${one}s`}`;

const practiceColumn = createColumnHelper<PracticeRow>();
const practiceColumns = [
  practiceColumn.accessor("organisationName", {
    id: "practice",
    header: "Practice",
    cell: ({ row }) => (
      <>
        <Link to={`/organisations/${row.original.odsCode}`}>{row.original.organisationName}</Link> <span className="sb-ods">({row.original.odsCode})</span>
      </>
    ),
  }),
  practiceColumn.accessor("locality", { header: "Locality", cell: ({ getValue }) => getValue() ?? "" }),
  practiceColumn.accessor("state", {
    id: "cover",
    header: "Cover",
    cell: ({ row }) => (
      <>
        <Tag color={row.original.coverTag.colour}>{row.original.coverTag.label}</Tag>
        {row.original.state === "lapsed" && row.original.lastCoverEndedOn ? <> ended {formatDate(row.original.lastCoverEndedOn)}</> : null}
      </>
    ),
  }),
  practiceColumn.accessor("endOn", {
    header: "Cover in force",
    cell: ({ row: { original: r } }) => r.periodText ?? "None",
  }),
];
const practiceCcgColumns = [
  ...practiceColumns,
  practiceColumn.display({
    id: "actions",
    header: "Actions",
    cell: ({ row }) =>
      row.original.coverId ? (
        <ul className="nhsuk-list sb-actions">
          <li>
            <Link to={`/indemnity/${row.original.coverId}/renew`}>
              Renew<span className="nhsuk-u-visually-hidden"> cover for {row.original.organisationName}</span>
            </Link>
          </li>
          <li>
            <Link to={`/indemnity/${row.original.coverId}/edit`}>
              Change<span className="nhsuk-u-visually-hidden"> cover for {row.original.organisationName}</span>
            </Link>
          </li>
        </ul>
      ) : (
        <Link to={`/indemnity/new?organisationId=${row.original.organisationId}`}>
          Add cover<span className="nhsuk-u-visually-hidden"> for {row.original.organisationName}</span>
        </Link>
      ),
  }),
];

const column = createColumnHelper<CoverRow>();
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
  column.accessor("organisationType", { id: "type", header: "Type", cell: ({ row }) => row.original.typeLabel }),
  column.accessor("startOn", { header: "Start", cell: ({ getValue }) => formatDate(getValue()) }),
  column.accessor("endOn", { header: "End", cell: ({ row }) => row.original.endText }),
  column.accessor("status", {
    header: "Status",
    cell: ({ row }) => (
      <>
        <Tag color={row.original.statusTag.colour}>{row.original.statusTag.label}</Tag>
        {row.original.counted ? null : (
          <>
            {" "}
            <Tag color="grey">Not counted: not a practice</Tag>
          </>
        )}
      </>
    ),
  }),
  column.accessor("documentReference", { header: "Document", enableSorting: false, cell: ({ getValue }) => getValue() ?? "" }),
];
const ccgColumns = [
  ...baseColumns,
  column.display({
    id: "actions",
    header: "Actions",
    cell: ({ row }) => (
      <ul className="nhsuk-list sb-actions">
        {row.original.counted && row.original.status !== "revoked" && row.original.status !== "renewed" ? (
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

const PRACTICE_FILTER_FIELDS = ["cover", "locality"] as const;
const COVER_FILTER_FIELDS = ["status", "expiringWithin", "type"] as const;

export default function IndemnityRegister() {
  const loaded = useLoaderData<typeof loader>();
  const d = useMemo(() => ({ ...loaded, ...readJsonText(loaded.register) }), [loaded]);
  const [searchParams] = useSearchParams();
  const csvHref = `/indemnity.csv${searchParams.toString() ? `?${searchParams}` : ""}`;
  // Switching table drops the other table's filters, sort and page.
  const viewHref = (view: "practices" | "covers") =>
    hrefWith(searchParams, { view: view === "covers" ? "covers" : null, sort: null, pageSize: null, cover: null, locality: null, status: null, expiringWithin: null, type: null });
  return (
    <>
      <ErrorSummary errors={d.asAtError ? { asAt: d.asAtError } : null} />
      <h1>Indemnity register</h1>
      <p className="nhsuk-body-l">
        The CCG indemnifies GP practices against claims of illegal sharing. That matters most where a practice&apos;s record can be viewed by private organisations working
        under the NHS badge. Cover as at <strong>{formatDate(d.asAt)}</strong>.
      </p>
      <AsAtForm defaultValue={d.reportingDate} />
      {d.canEdit ? (
        <Button href="/indemnity/new" variant="secondary">
          Add cover for a practice
        </Button>
      ) : null}

      <div className="sb-figures">
        <Figure value={`${d.practices.covered} of ${d.practices.total}`} label="GP practices with cover in force" />
        <Figure value={d.viewableWithoutCoverTotal} label="practices whose record can be viewed without cover" />
        {d.expiring.withinBand.map(({ band, count }) => (
          <Figure key={band} value={count} label={`cover expiring within ${band} days`} />
        ))}
        <Figure value={d.lapsed.length} label="practices whose cover lapsed" />
      </div>

      <h2 id="viewable-without-cover">Practices whose record can be viewed without cover</h2>
      <p>
        On {formatDate(d.asAt)}, {plural(d.viewers.services, "service")} could view the record of every member practice through the shared record
        {d.viewers.privateServices ? (
          <>
            , {d.viewers.privateServices} of them run by private providers working under the NHS badge:{" "}
            {d.viewers.privateOrganisations.map((o, i) => (
              <span key={o.odsCode}>
                {i ? ", " : ""}
                {o.organisationName} ({plural(o.services, "service")})
              </span>
            ))}
          </>
        ) : null}
        .
      </p>
      {d.viewableWithoutCover.length ? (
        <WarningCallout heading="Records viewable with no indemnity in force" headingLevel={3} id="viewable-without-cover-list">
          <ul>
            {d.viewableWithoutCover.map((p) => (
              <li key={p.organisationId}>
                <strong>
                  <Link to={`/organisations/${p.odsCode}`}>{p.organisationName}</Link> ({p.odsCode})
                </strong>
                : {plural(p.services, "service")} ({p.privateServices} private) can view its record
                {/* The model names a practice's private viewers only when there are few (PRIVATE_NAMED_PER_PRACTICE). */}
                {p.privateOrganisationCount > p.privateOrganisations.length ? (
                  <>, among them the {p.privateOrganisationCount} private providers named above</>
                ) : p.privateOrganisations.length ? (
                  <>
                    , among them{" "}
                    {p.privateOrganisations.map((o, i) => (
                      <span key={o.odsCode}>
                        {i ? ", " : ""}
                        {o.organisationName} <PrivateProviderTag />
                      </span>
                    ))}
                  </>
                ) : null}
                ; {p.lastCoverEndedOn ? `cover ended on ${formatDate(p.lastCoverEndedOn)}` : "no cover recorded"}.
                {d.canEdit ? (
                  <>
                    {" "}
                    <Link to={`/indemnity/new?organisationId=${p.organisationId}`}>
                      Add cover<span className="nhsuk-u-visually-hidden"> for {p.organisationName}</span>
                    </Link>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
          {d.viewableWithoutCoverTotal > d.viewableWithoutCover.length ? (
            <p>
              And {d.viewableWithoutCoverTotal - d.viewableWithoutCover.length} more:{" "}
              <Link to={`?${new URLSearchParams({ asAt: d.asAt, cover: "lapsed" })}#register`}>practices whose cover lapsed</Link> and{" "}
              <Link to={`?${new URLSearchParams({ asAt: d.asAt, cover: "none" })}#register`}>practices with no cover recorded</Link>.
            </p>
          ) : null}
        </WarningCallout>
      ) : (
        <p>Every member practice whose record can be viewed has cover in force.</p>
      )}

      <h2 id="expiring">Cover expiring within 90 days</h2>
      {d.expiring.total ? (
        <Table
          caption="Practices' cover in force that ends within 90 days and has not been renewed, soonest first"
          head={["Practice", "Ends", { content: "Days left", format: "numeric" }, "Warning", ...(d.canEdit ? ["Action"] : [])]}
          rows={d.expiring.soonest.map((c) => [
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
        <p>No practice&apos;s cover ends within 90 days without a renewal.</p>
      )}
      {d.expiring.total > d.expiring.soonest.length ? (
        <p>
          The {d.expiring.soonest.length} soonest of {d.expiring.total}:{" "}
          <Link to={`?${new URLSearchParams({ asAt: d.asAt, cover: "expiring", sort: "endOn" })}#register`}>every practice whose cover is expiring</Link>.
        </p>
      ) : null}

      <h2 id="lapsed">Lapsed cover</h2>
      {d.lapsed.length ? (
        <Table
          caption="Member practices whose cover has ended with none in force"
          head={["Practice", "Cover ended"]}
          rows={d.lapsed.map((o) => [`${o.organisationName} (${o.odsCode})`, o.endedOn ? formatDate(o.endedOn) : ""])}
        />
      ) : (
        <p>No practice&apos;s cover has lapsed.</p>
      )}

      <h2 id="register">{d.view === "practices" ? "Every practice's cover" : "Every cover record"}</h2>
      <ul className="nhsuk-list sb-view-switch" aria-label="Register tables">
        <li>
          {d.view === "practices" ? <strong aria-current="page">Every practice&apos;s cover</strong> : <Link to={`${viewHref("practices")}#register`}>Every practice&apos;s cover</Link>}
        </li>
        <li>
          {d.view === "covers" ? <strong aria-current="page">Every cover record</strong> : <Link to={`${viewHref("covers")}#register`}>Every cover record (history)</Link>}
        </li>
      </ul>
      {d.practiceRows ? (
        <>
          <p>Each GP practice that was an active member of the partnership on {formatDate(d.asAt)}, with its cover as it stood that day.</p>
          <FilterForm fields={PRACTICE_FILTER_FIELDS} legend="Filter practices">
            <div className="sb-filter-grid">
              <FilterSelect name="cover" label="Cover" emptyOption="Any" options={d.filterOptions.cover} />
              <FilterSelect name="locality" label="Locality" emptyOption="Any locality" options={d.localities.map((l) => ({ value: l, label: l }))} />
            </div>
          </FilterForm>
          <DataTable
            caption={`Practices' indemnity cover as at ${formatDate(d.asAt)}`}
            columns={d.canEdit ? practiceCcgColumns : practiceColumns}
            model={d.practiceModel!}
            sort={d.practiceTable.sort}
            total={d.practiceRows.total}
            page={d.practiceTable.page}
            pageSize={d.practiceTable.pageSize}
            noun={{ one: "practice", other: "practices" }}
            emptyMessage="No practice matches these filters."
          />
        </>
      ) : null}
      {d.coverRows ? (
        <>
          <p>
            Renewals are new rows, so each practice&apos;s history stays in the register. Cover once recorded for an organisation that is not a GP practice is kept as
            history and marked &quot;Not counted&quot;. The scope, who signed and why a cover is not counted are in the CSV download.
          </p>
          <FilterForm fields={COVER_FILTER_FIELDS} legend="Filter cover">
            <div className="sb-filter-grid">
              <FilterSelect name="status" label="Status" emptyOption="Any status" options={d.filterOptions.status} />
              <TextInput
                key={`within-${searchParams.get("expiringWithin") ?? ""}`}
                id="filter-expiring"
                name="expiringWithin"
                label="Expiring within (days)"
                inputMode="numeric"
                width={4}
                defaultValue={searchParams.get("expiringWithin") ?? ""}
              />
              <FilterSelect name="type" label="Organisation type" emptyOption="Any type" options={d.filterOptions.type} />
            </div>
          </FilterForm>
          <DataTable
            caption="Indemnity cover, including renewed and lapsed cover"
            columns={d.canEdit ? ccgColumns : baseColumns}
            model={d.coverModel!}
            sort={d.coverTable.sort}
            total={d.coverRows.total}
            page={d.coverTable.page}
            pageSize={d.coverTable.pageSize}
            noun={{ one: "cover", other: "covers" }}
            emptyMessage="No cover matches these filters."
          />
        </>
      ) : null}
      <p>
        <a className="nhsuk-link" href={csvHref} download>
          {d.view === "practices" ? "Download every practice's cover as CSV" : "Download this cover as CSV"}
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
