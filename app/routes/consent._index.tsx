import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useMemo } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import { DataTable } from "~/components/data-table";
import { AsAtForm, FilterForm } from "~/components/filter-form";
import { LineChartFigure, SmallMultiplesFigure, type ChartSeries } from "~/components/charts";
import { ErrorSummary, InsetText, Select, Tag } from "~/components/nhs";
import { formatCount, formatPoints, formatRate } from "~/components/consent/format";
import { addMonthsToMonth, formatDate, formatMonth } from "~/lib/dates";
import { dataTableModel } from "~/lib/data-table.server";
import { keptText } from "~/lib/data-version.server";
import { readJsonText } from "~/lib/json-text";
import { requireUser } from "~/lib/session.server";
import { parseConsentQuery } from "~/models/consent.schema";
import { consentRegister, type PracticeOptIn } from "~/models/consent.server";
import { resolveAsAt } from "~/models/settings.server";

export const meta: MetaFunction = () => [{ title: "Consent to share: opt-in – ShareBoard" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const { asAt, reportingDate, error: asAtError } = resolveAsAt(url.searchParams);
  const { locality, flag, table } = parseConsentQuery(url.searchParams);
  const register = consentRegister({ asAt, locality, flag, sort: table.sort, page: table.page, pageSize: table.pageSize });
  return {
    asAt,
    reportingDate,
    asAtError,
    locality,
    flag,
    // The register's figures and table, as one JSON text kept with them (read back once by the
    // page): encoded value by value, their ~5,000 values nationally took 0.9 ms of every request.
    register: keptText(register, "consent-page", (kept) => ({ ...kept, tableModel: dataTableModel(columns, kept.practices.rows) })),
    table,
    canUpload: user.roles.includes("programme"),
  };
}

type PracticeRow = PracticeOptIn;
const column = createColumnHelper<PracticeRow>();
const columns = [
  column.accessor("name", {
    header: "Practice",
    cell: ({ row }) => (
      <>
        <Link to={`/organisations/${row.original.odsCode}`}>{row.original.name}</Link>
        <br />
        <span className="nhsuk-body-s nhsuk-u-secondary-text-colour">{row.original.odsCode}</span>
      </>
    ),
  }),
  column.accessor("locality", { header: "Locality", cell: ({ getValue }) => getValue() ?? "" }),
  column.accessor("month", { header: "Latest return", enableSorting: false, cell: ({ getValue }) => (getValue() ? formatMonth(getValue()) : "None") }),
  column.accessor("registered", { header: "Registered", meta: { numeric: true }, sortDescFirst: true, cell: ({ getValue }) => formatCount(getValue()) }),
  column.accessor("rate", { header: "Opt-in rate", meta: { numeric: true }, cell: ({ getValue }) => formatRate(getValue()) }),
  column.accessor("change3", { header: "3-month change (points)", meta: { numeric: true }, cell: ({ getValue }) => formatPoints(getValue(), "No return", "") }),
  column.accessor("change12", { header: "12-month change (points)", meta: { numeric: true }, cell: ({ getValue }) => formatPoints(getValue(), "No return", "") }),
  column.display({ id: "status", header: "Status", cell: ({ row }) => <PracticeTags practice={row.original} /> }),
];

function PracticeTags({ practice }: { practice: PracticeRow }) {
  const tags = [
    practice.belowTarget ? <Tag key="below" color="orange">Below target</Tag> : null,
    practice.falling ? <Tag key="falling" color="red">Falling 3 months</Tag> : null,
    practice.returnMissing ? <Tag key="missing" color="grey">Return missing</Tag> : null,
  ].filter(Boolean);
  if (!tags.length) return <Tag color="green">On target</Tag>;
  return <div className="sb-tag-list">{tags}</div>;
}

const FLAG_OPTIONS = [
  { value: "", label: "All practices" },
  { value: "below_target", label: "Below target" },
  { value: "falling", label: "Falling for 3 months" },
  { value: "attention", label: "Below target or falling" },
];

export default function Consent() {
  const { asAt, reportingDate, asAtError, locality, flag, register, table, canUpload } = useLoaderData<typeof loader>();
  const { borough, localityFigures, boroughTrend, byLocality, practices, tableModel, localities } = useMemo(() => readJsonText(register), [register]);
  const [searchParams] = useSearchParams();
  const monthText = borough.month ? formatMonth(borough.month) : null;
  const onTarget = borough.rate !== null && borough.rate >= borough.target;
  const localityNames = [...new Set(byLocality.map((p) => p.locality))];
  const localityRows = [...new Set(byLocality.map((p) => p.month))].map((month) => {
    const row: Record<string, string | number | null> = { month, borough: boroughTrend.find((b) => b.month === month)?.borough ?? null };
    localityNames.forEach((name, i) => (row[`l${i}`] = byLocality.find((p) => p.month === month && p.locality === name)?.rate ?? null));
    return row;
  });
  const csvParams = new URLSearchParams(searchParams);
  csvParams.delete("page");
  csvParams.delete("pageSize");

  return (
    <>
      <ErrorSummary errors={asAtError ? { asAt: asAtError } : null} />
      <h1>
        <span className="nhsuk-caption-l">Consent</span>
        Patients' consent to share their record
      </h1>
      <p className="nhsuk-body-l">
        Patients are asked at the point of care whether their detailed care record may be shared. Each GP practice sends a return every month:
        registered patients, how many opted in, declined or have not yet been asked.
      </p>
      {canUpload ? (
        <p>
          <Link className="nhsuk-button nhsuk-button--secondary" to="/consent/upload">
            Upload a monthly return
          </Link>
        </p>
      ) : null}
      <AsAtForm defaultValue={asAt} max={reportingDate} />

      <h2 id="borough">Borough opt-in{monthText ? `, ${monthText}` : ""}</h2>
      {borough.month === null ? (
        <InsetText>No practice had made a return on or before {formatDate(asAt)}.</InsetText>
      ) : (
        <>
          <p>
            Returns for {monthText} from <strong>{borough.practicesReturned} of {borough.practicesTotal}</strong> practices, the latest month with
            returns on or before {formatDate(asAt)}. A practice that has not returned for {monthText} is not counted.
          </p>
          <div className="sb-figures" data-testid="borough-figures">
            <div className="sb-figure">
              <span className="sb-figure__value" data-testid="borough-rate">{formatRate(borough.rate)}</span>
              <span className="sb-figure__label">
                opted in, against a target of {borough.target}%{" "}
                {borough.rate === null ? null : onTarget ? <Tag color="green">On target</Tag> : <Tag color="orange">Below target</Tag>}
              </span>
            </div>
            <Figure value={formatPoints(borough.changeOnMonth, "No figure", "")} label={`percentage points since ${formatMonth(addMonthsToMonth(borough.month, -1))}`} />
            <Figure value={formatPoints(borough.changeOnYear, "No figure", "")} label={`percentage points since ${formatMonth(addMonthsToMonth(borough.month, -12))}`} />
            <Figure value={formatCount(borough.registered)} label="registered patients" />
            <Figure value={formatCount(borough.optedIn)} label="opted in" />
            <Figure value={formatCount(borough.declined)} label="declined" />
            <Figure value={formatCount(borough.notAsked)} label="not yet asked" />
          </div>
          {localityFigures?.month ? (
            <p>
              {locality}: <strong>{formatRate(localityFigures.rate)}</strong> opted in ({formatCount(localityFigures.optedIn)} of{" "}
              {formatCount(localityFigures.registered)} patients, {localityFigures.practicesReturned} of {localityFigures.practicesTotal} practices);{" "}
              {formatPoints(localityFigures.changeOnMonth)} on the month before.
            </p>
          ) : null}
          {borough.nationalOptOuts ? (
            <section aria-labelledby="national-opt-out">
              <h3 id="national-opt-out">National Data Opt-out (uses beyond individual care) — not part of the local opt-in</h3>
              <p>
                {formatCount(borough.nationalOptOuts.total)} patients at the {borough.nationalOptOuts.practices} practices that reported it have
                registered a National Data Opt-out. It covers uses of their data beyond their own care (research and planning); it is not counted in,
                or added to, the local opt-in figures above.
              </p>
            </section>
          ) : null}
        </>
      )}

      <h2>Opt-in over time</h2>
      <LineChartFigure
        id="opt-in-trend"
        caption={locality ? `Opt-in rate by month: the borough and ${locality}` : "Borough opt-in rate by month"}
        description={`Opted in as a share of registered patients, with the ${borough.target}% target.`}
        data={boroughTrend}
        xKey="month"
        xLabel="Month"
        series={[{ key: "borough", name: "Borough" }, ...(locality ? [{ key: "locality" as const, name: locality, dash: "6 4" }] : [])]}
        yLabel="Opted in (%)"
        yDomain={[0, 100]}
        formatX={(m) => formatMonth(String(m))}
        formatY={(v) => formatRate(v)}
        targets={[{ y: borough.target, label: `Target ${borough.target}%`, colour: "#d5281b" }]}
      />
      <SmallMultiplesFigure
        id="opt-in-by-locality"
        caption="Opt-in rate by locality and month"
        description="One chart per locality (its practices taken together), each against the borough."
        data={localityRows}
        xKey="month"
        xLabel="Month"
        panels={localityNames.map((name, i) => ({ key: `l${i}`, name })) as ChartSeries<Record<string, number | null>>[] as never}
        reference={{ key: "borough" as never, name: "Borough" }}
        yLabel="Opted in (%)"
        yDomain={[0, 100]}
        formatX={(m) => formatMonth(String(m))}
        formatY={(v) => formatRate(v)}
        targets={[{ y: borough.target, label: `Target ${borough.target}%`, colour: "#d5281b" }]}
      />

      <h2 id="practices">Practices</h2>
      <p>
        Each practice's latest return on or before {formatDate(asAt)}, with the change in its rate (in percentage points) since its return 3 and
        12 months earlier. <strong>Falling 3 months</strong>: the rate fell in each of the last three months.
      </p>
      <FilterForm fields={["locality", "flag"]} legend="Filter practices">
        <div className="sb-filter-row">
          <Select
            key={`locality-${locality ?? ""}`}
            id="locality"
            name="locality"
            label="Locality"
            defaultValue={locality ?? ""}
            options={[{ value: "", label: "All localities" }, ...localities.map((l) => ({ value: l, label: l }))]}
          />
          <Select key={`flag-${flag ?? ""}`} id="flag" name="flag" label="Show" defaultValue={flag ?? ""} options={FLAG_OPTIONS} />
        </div>
      </FilterForm>
      <DataTable
        caption={`GP practices' opt-in${locality ? ` in ${locality}` : ""}`}
        columns={columns}
        model={tableModel}
        sort={table.sort}
        total={practices.total}
        page={table.page}
        pageSize={table.pageSize}
        noun={{ one: "practice", other: "practices" }}
        emptyMessage="No practices match these filters."
      />
      <p>
        <a href={`/consent.csv?${csvParams.toString()}`} download>
          Download these practices as CSV
        </a>
      </p>
    </>
  );
}

function Figure({ value, label }: { value: string; label: string }) {
  return (
    <div className="sb-figure">
      <span className="sb-figure__value">{value}</span>
      <span className="sb-figure__label">{label}</span>
    </div>
  );
}
