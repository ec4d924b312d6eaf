import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, toCsv } from "~/lib/csv.server";
import { parseWith } from "~/lib/forms";
import { parseTableQuery } from "~/lib/table-query";
import { requireUser } from "~/lib/session.server";
import { MATURITY_SORTS, MaturityQuerySchema, ORGANISATION_TYPE_LABELS } from "~/models/maturity.schema";
import { listFrameworks, maturityHeatMap } from "~/models/maturity.server";
import { resolveAsAt } from "~/models/settings.server";

/** The heat map for one framework, every organisation in it, with the page's as-at date, filters and sort. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const url = new URL(request.url);
  const { asAt } = resolveAsAt(url.searchParams);
  const query = parseWith(MaturityQuerySchema, url.searchParams);
  const frameworks = listFrameworks();
  const framework = frameworks.find((f) => f.code === (query.ok ? query.data.framework : undefined)) ?? frameworks[0];
  if (!framework) throw new Response("No maturity frameworks are set up yet", { status: 404 });
  const { sort } = parseTableQuery(url.searchParams, { sortable: MATURITY_SORTS, defaultSort: { id: "overall", desc: true } });
  const heatMap = maturityHeatMap({
    frameworkCode: framework.code,
    asAt,
    organisationType: (query.ok && query.data.organisationType) || null,
    locality: (query.ok && query.data.locality) || null,
    sort,
  })!;
  const rows = heatMap.rows.map((r) => ({
    odsCode: r.odsCode,
    name: r.name,
    type: ORGANISATION_TYPE_LABELS[r.type],
    locality: r.locality,
    framework: framework.code,
    assessedOn: r.assessedOn,
    overall: Math.round(r.overallScore * 100) / 100,
    percent: Math.round(r.percentOfScale * 10) / 10,
    lowMaturity: r.lowMaturity,
    atRisk: r.atRisk,
    ...Object.fromEntries(framework.dimensions.map((d) => [`d_${d.code}`, r.scores[d.code]])),
  })) as Record<string, unknown>[];
  const csv = toCsv(rows, [
    { key: "odsCode", header: "ods_code" },
    { key: "name", header: "organisation" },
    { key: "type", header: "type" },
    { key: "locality", header: "locality" },
    { key: "framework", header: "framework" },
    { key: "assessedOn", header: "assessed_on" },
    { key: "overall", header: "overall_score" },
    { key: "percent", header: "percent_of_scale" },
    ...framework.dimensions.map((d) => ({ key: `d_${d.code}`, header: d.name })),
    { key: "lowMaturity", header: "low_maturity" },
    { key: "atRisk", header: "low_maturity_roll_out_at_risk" },
  ]);
  return csvResponse(`maturity-${framework.code}-${asAt}`, csv);
}
