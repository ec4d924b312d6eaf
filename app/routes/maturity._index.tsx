import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { createColumnHelper, type ColumnDef } from "@tanstack/react-table";
import { useMemo } from "react";
import { DataTable } from "~/components/data-table";
import { AsAtForm, FilterForm } from "~/components/filter-form";
import { HeatCell, HeatLegend } from "~/components/maturity/heat";
import { ErrorSummary, InsetText, Select, Tag, WarningCallout } from "~/components/nhs";
import { formatDate, formatMonth, monthOf } from "~/lib/dates";
import { dataTableModel } from "~/lib/data-table.server";
import { keptText } from "~/lib/data-version.server";
import { readJsonText } from "~/lib/json-text";
import { requireUser } from "~/lib/session.server";
import { parseMaturityQuery } from "~/models/maturity.schema";
import { formatScore, ORGANISATION_TYPE_LABELS, scaleText } from "~/models/maturity.labels";
import { maturityRegister, type HeatMapRow } from "~/models/maturity.server";
import { resolveAsAt } from "~/models/settings.server";

export const meta: MetaFunction = () => [{ title: "Digital maturity – ShareBoard" }];


export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const { asAt, reportingDate, error: asAtError } = resolveAsAt(url.searchParams);
  const { frameworkCode, organisationType, locality, table } = parseMaturityQuery(url.searchParams);
  const register = maturityRegister({ asAt, frameworkCode, organisationType, locality, ...table });
  if (!register) throw new Response("No maturity frameworks are set up yet", { status: 404 });
  return {
    asAt,
    reportingDate,
    asAtError,
    organisationType,
    locality,
    // The register's figures and heat map, as one JSON text kept with them (read back once by the
    // page): encoded value by value, Remix would write their thousands of values nationally on every request.
    register: keptText(register, "maturity-page", (kept) => ({ ...kept, tableModel: dataTableModel(heatColumnsOf(kept.framework), kept.heatMap.rows) })),
    table,
    canAssess: user.roles.includes("programme") || user.roles.includes("ig_lead"),
    canAddFramework: user.roles.includes("admin"),
  };
}

type Scale = { scaleMin: number; scaleMax: number };
const column = createColumnHelper<HeatMapRow>();

// The loader's columns for a framework from the figures cache (the same object while its data is
// unchanged), so the table's model is built once per framework and heat map, not on every request.
const heatColumnsByFramework = new WeakMap<object, ColumnDef<HeatMapRow, any>[]>();
function heatColumnsOf(framework: Parameters<typeof heatColumns>[0]) {
  let columns = heatColumnsByFramework.get(framework);
  if (!columns) heatColumnsByFramework.set(framework, (columns = heatColumns(framework)));
  return columns;
}

// Dimensions are data, so the columns are built per framework (and memoised on its code).
function heatColumns(framework: Scale & { dimensions: { code: string; name: string }[] }): ColumnDef<HeatMapRow, any>[] {
  return [
    column.accessor("name", {
      header: "Organisation",
      cell: ({ row }) => (
        <>
          <Link to={`/maturity/${row.original.odsCode}`}>{row.original.name}</Link>
          <br />
          <span className="nhsuk-body-s nhsuk-u-secondary-text-colour">
            {ORGANISATION_TYPE_LABELS[row.original.type]}, {formatMonth(monthOf(row.original.assessedOn))}
          </span>
          {row.original.atRisk ? (
            <>
              <br />
              <Tag color="red">Low maturity, roll-out at risk</Tag>
            </>
          ) : row.original.lowMaturity ? (
            <>
              <br />
              <Tag color="orange">Low maturity</Tag>
            </>
          ) : null}
        </>
      ),
    }),
    column.accessor("overallScore", {
      id: "overall",
      header: "Overall",
      sortDescFirst: true,
      meta: { numeric: true },
      cell: ({ getValue }) => <HeatCell score={getValue()} scale={framework} />,
    }),
    ...framework.dimensions.map((d) =>
      column.display({
        id: `dimension-${d.code}`,
        header: d.name,
        meta: { numeric: true },
        cell: ({ row }) => <HeatCell score={row.original.scores[d.code] ?? null} scale={framework} />,
      }),
    ),
  ];
}

export default function Maturity() {
  const { asAt, reportingDate, asAtError, organisationType, locality, register, table, canAssess, canAddFramework } = useLoaderData<typeof loader>();
  const { frameworks, framework, heatMap, average, atRisk, localities, tableModel } = useMemo(() => readJsonText(register), [register]);
  const [searchParams] = useSearchParams();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const columns = useMemo(() => heatColumns(framework), [framework.code]);
  const csvParams = new URLSearchParams(searchParams);
  csvParams.delete("page");
  csvParams.delete("pageSize");
  csvParams.set("framework", framework.code);

  return (
    <>
      <ErrorSummary errors={asAtError ? { asAt: asAtError } : null} />
      <h1>
        <span className="nhsuk-caption-l">Maturity</span>
        Digital maturity of the partners
      </h1>
      <p className="nhsuk-body-l">
        How ready each organisation is for shared records, scored against national digital maturity frameworks. Low maturity where roll-out is
        planned puts that roll-out at risk.
      </p>
      <div className="nhsuk-button-group">
        {canAssess ? (
          <Link className="nhsuk-button nhsuk-button--secondary" to={`/maturity/assess?framework=${framework.code}`}>
            Record an assessment
          </Link>
        ) : null}
        {canAddFramework ? (
          <Link className="nhsuk-button nhsuk-button--secondary" to="/maturity/frameworks/new">
            Add a framework
          </Link>
        ) : null}
      </div>
      <AsAtForm defaultValue={asAt} max={reportingDate} />

      {atRisk.length ? (
        <WarningCallout heading="Low maturity, roll-out at risk" headingLevel={2}>
          <p>
            These organisations scored below {heatMap.threshold}% of the scale in their latest assessment and have roll-out planned or in progress at{" "}
            {formatDate(asAt)}:
          </p>
          <ul>
            {atRisk.map((r) => (
              <li key={`${r.organisationId}-${r.frameworkCode}`}>
                <Link to={`/maturity/${r.odsCode}`}>{r.name}</Link>: {r.frameworkName} {formatScore(r.overallScore)} ({Math.round(r.percentOfScale)}% of
                the scale, {formatDate(r.assessedOn)}), {r.deploymentsPlannedOrInProgress} {r.deploymentsPlannedOrInProgress === 1 ? "deployment" : "deployments"}{" "}
                planned or in progress
              </li>
            ))}
          </ul>
        </WarningCallout>
      ) : (
        <InsetText>No organisation with low maturity has roll-out planned or in progress at {formatDate(asAt)}.</InsetText>
      )}

      <h2>{framework.name}</h2>
      <p>
        {framework.description ? `${framework.description} ` : ""}Scale {scaleText(framework)}. The overall score is the mean of the dimensions.
        {average && average.overall !== null
          ? ` Across the ${average.organisations} organisations assessed, the average overall score is ${formatScore(average.overall)}.`
          : ""}
      </p>
      <FilterForm fields={["framework", "organisationType", "locality"]} legend="Choose the framework and filter organisations">
        <div className="sb-filter-row">
          <Select key={`framework-${framework.code}`} id="framework" name="framework" label="Framework" defaultValue={framework.code} options={frameworks.map((f) => ({ value: f.code, label: f.name }))} />
          <Select
            key={`type-${organisationType ?? ""}`}
            id="organisationType"
            name="organisationType"
            label="Organisation type"
            defaultValue={organisationType ?? ""}
            options={[{ value: "", label: "All types" }, ...Object.entries(ORGANISATION_TYPE_LABELS).map(([value, label]) => ({ value, label }))]}
          />
          <Select
            key={`locality-${locality ?? ""}`}
            id="locality"
            name="locality"
            label="Locality"
            defaultValue={locality ?? ""}
            options={[{ value: "", label: "All localities" }, ...localities.map((l) => ({ value: l, label: l }))]}
          />
        </div>
      </FilterForm>
      <HeatLegend scale={framework} />
      <DataTable
        caption={`${framework.name}: each organisation's latest assessment on or before ${formatDate(asAt)} (type and month assessed under each name)`}
        columns={columns}
        model={tableModel}
        sort={table.sort}
        total={heatMap.total}
        page={table.page}
        pageSize={table.pageSize}
        noun={{ one: "organisation", other: "organisations" }}
        emptyMessage={`No organisation matching these filters had a ${framework.name} assessment on or before ${formatDate(asAt)}.`}
      />
      <p>
        <a href={`/maturity.csv?${csvParams.toString()}`} download>
          Download this heat map as CSV
        </a>
      </p>
    </>
  );
}
