import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable } from "~/components/data-table";
import { AsAtForm, FilterForm, FilterSelect } from "~/components/filter-form";
import { ErrorSummary, Tag } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { hrefWith } from "~/lib/table-query";
import { ROLE_LABELS } from "~/lib/permissions";
import { dataTableModel } from "~/lib/data-table.server";
import { requireUser } from "~/lib/session.server";
import { acknowledgeableIds, exceptionsPage } from "~/models/exception-acknowledgements.server";
import { acknowledgeHref, acknowledgementText, type AcknowledgedException } from "~/models/exception-acknowledgements.labels";
import { parseExceptionQuery } from "~/models/exceptions.schema";
import {
  ACKNOWLEDGED_FILTER_OPTIONS,
  EXCEPTION_FILTER_FIELDS,
  EXCEPTION_KIND_LABELS,
  EXCEPTION_KINDS,
  SEVERITIES,
  SEVERITY_COLOURS,
  SEVERITY_LABELS,
} from "~/models/exceptions.labels";
import { ORGANISATION_TYPE_LABELS } from "~/models/rollout.labels";
import { resolveAsAt } from "~/models/settings.server";
import { ORGANISATION_TYPES, ROLES } from "../../db/schema/enums";

export const meta: MetaFunction = () => [{ title: "Exceptions – ShareBoard" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { searchParams } = new URL(request.url);
  const { asAt, reportingDate, error } = resolveAsAt(searchParams);
  const { filters, table } = parseExceptionQuery(searchParams);
  const { counts, total, rows, localities } = exceptionsPage({ asAt, ...filters, page: table.page, pageSize: table.pageSize });
  const pageRows = withAcknowledgeLinks(rows, { asAt, reportingDate, user, returnTo: `/exceptions?${searchParams}` });
  return {
    asAt,
    reportingDate,
    asAtError: error,
    counts,
    total,
    tableModel: dataTableModel(COLUMNS, pageRows),
    table,
    localities,
  };
}

type ExceptionRow = AcknowledgedException & { acknowledgeHref: string | null };

/** An "Acknowledge" link on the rows this user may acknowledge (only at the reporting date: acknowledging is done today). */
function withAcknowledgeLinks(rows: AcknowledgedException[], { asAt, reportingDate, user, returnTo }: { asAt: string; reportingDate: string; user: Parameters<typeof acknowledgeableIds>[0]["user"]; returnTo: string }): ExceptionRow[] {
  const may = asAt === reportingDate ? acknowledgeableIds({ exceptions: rows, asAt, user }) : new Set<string>();
  // The page's rows come from the figures cache (the same array while the exceptions are unchanged):
  // the same rows with the same links are the same array too, so the table's model is built once.
  const key = `${returnTo}\n${rows.filter((e) => may.has(e.id)).map((e) => e.id).join("\n")}`;
  let byLinks = linkedRows.get(rows);
  if (!byLinks) linkedRows.set(rows, (byLinks = new Map()));
  const kept = byLinks.get(key);
  if (kept) return kept;
  const linked = rows.map((e) => ({ ...e, acknowledgeHref: may.has(e.id) ? acknowledgeHref(e.id, returnTo) : null }));
  if (byLinks.size >= 100) byLinks.clear();
  byLinks.set(key, linked);
  return linked;
}

const linkedRows = new WeakMap<object, Map<string, ExceptionRow[]>>();

const column = createColumnHelper<ExceptionRow>();
const COLUMNS = [
  column.accessor("severity", {
    header: "Severity",
    enableSorting: false,
    cell: ({ getValue }) => <Tag color={SEVERITY_COLOURS[getValue()]}>{SEVERITY_LABELS[getValue()]}</Tag>,
  }),
  column.accessor("title", {
    header: "Exception",
    enableSorting: false,
    cell: ({ row }) => (
      <>
        <span className="nhsuk-caption-m sb-exception-kind">{EXCEPTION_KIND_LABELS[row.original.kind]}</span>
        <Link to={row.original.href}>{row.original.title}</Link>
        <p className="nhsuk-body-s nhsuk-u-margin-bottom-0">{row.original.detail}</p>
        {row.original.acknowledgement ? (
          <p className="nhsuk-body-s nhsuk-u-margin-bottom-0 nhsuk-u-margin-top-1" data-testid="acknowledgement">
            <Tag color="grey">Acknowledged</Tag> {acknowledgementText(row.original.acknowledgement).replace(/^Acknowledged /, "")}
          </p>
        ) : null}
        {row.original.acknowledgeHref ? (
          <p className="nhsuk-body-s nhsuk-u-margin-bottom-0 nhsuk-u-margin-top-1">
            <Link to={row.original.acknowledgeHref}>
              {row.original.acknowledgement ? "Acknowledge again" : "Acknowledge"}
              <span className="nhsuk-u-visually-hidden"> this exception: {row.original.title}</span>
            </Link>
          </p>
        ) : null}
      </>
    ),
  }),
  column.accessor("organisation", {
    header: "Organisation",
    enableSorting: false,
    cell: ({ getValue }) => {
      const o = getValue();
      return o ? <Link to={`/organisations/${o.odsCode}`}>{o.name}</Link> : "Partnership-wide";
    },
  }),
  column.accessor("record", { header: "Record", enableSorting: false, cell: ({ getValue }) => getValue() ?? "" }),
  column.accessor("actionRole", { header: "Who should act", enableSorting: false, cell: ({ getValue }) => ROLE_LABELS[getValue()] }),
  column.accessor("dueOn", { header: "Due", enableSorting: false, cell: ({ getValue }) => (getValue() ? formatDate(getValue()) : "") }),
];

export default function ExceptionsPage() {
  const d = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const csvHref = `/exceptions.csv${searchParams.toString() ? `?${searchParams}` : ""}`;
  return (
    <>
      <ErrorSummary errors={d.asAtError ? { asAt: d.asAtError } : null} />
      <h1>Exceptions</h1>
      <p className="nhsuk-body-l">
        What needs attention as at <strong>{formatDate(d.asAt)}</strong>, most severe first. Every exception is worked out from the data; none is typed in.
      </p>
      <AsAtForm defaultValue={d.reportingDate} />
      <div className="sb-figures" aria-label="Exceptions by severity" role="group">
        {SEVERITIES.map((s) => (
          <div className="sb-figure" key={s}>
            <span className="sb-figure__value">
              <Link to={hrefWith(searchParams, { severity: s })} aria-label={`${d.counts[s]} ${SEVERITY_LABELS[s].toLowerCase()} severity: show only these`}>
                {d.counts[s]}
              </Link>
            </span>
            <span className="sb-figure__label">
              <Tag color={SEVERITY_COLOURS[s]}>{SEVERITY_LABELS[s]}</Tag> severity
            </span>
          </div>
        ))}
      </div>
      <FilterForm fields={EXCEPTION_FILTER_FIELDS} legend="Filter exceptions">
        <div className="sb-filter-grid">
          <FilterSelect name="kind" label="Kind" emptyOption="Any kind" options={EXCEPTION_KINDS.map((k) => ({ value: k, label: EXCEPTION_KIND_LABELS[k] }))} />
          <FilterSelect name="severity" label="Severity" emptyOption="Any severity" options={SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABELS[s] }))} />
          <FilterSelect name="role" label="Who should act" emptyOption="Anyone" options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
          <FilterSelect name="locality" label="Locality" emptyOption="Any locality" options={d.localities.map((l) => ({ value: l, label: l }))} />
          <FilterSelect id="filter-organisation-type" name="organisationType" label="Organisation type" emptyOption="Any type" options={ORGANISATION_TYPES.map((t) => ({ value: t, label: ORGANISATION_TYPE_LABELS[t] }))} />
          <FilterSelect name="acknowledged" label="Acknowledged" emptyOption="Acknowledged or not" options={[...ACKNOWLEDGED_FILTER_OPTIONS]} />
        </div>
      </FilterForm>
      <p className="nhsuk-body-s">
        Partnership-wide exceptions (business cases and priorities) concern every locality and type, so filtering by locality or organisation type keeps them;
        an agreement&apos;s review shows when any of its parties is in the chosen group.
      </p>
      <DataTable
        caption={`Exceptions as at ${formatDate(d.asAt)}`}
        columns={COLUMNS}
        model={d.tableModel}
        sort={d.table.sort}
        total={d.total}
        page={d.table.page}
        pageSize={d.table.pageSize}
        noun={{ one: "exception", other: "exceptions" }}
        emptyMessage="No exceptions match these filters."
      />
      <p>
        <a href={csvHref} download>
          Download these exceptions as CSV
        </a>
      </p>
    </>
  );
}
