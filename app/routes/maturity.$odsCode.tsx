import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SmallMultiplesFigure } from "~/components/charts";
import { AsAtForm } from "~/components/filter-form";
import { HeatCell } from "~/components/maturity/heat";
import { BackLink, Details, ErrorSummary, InsetText, SummaryList, Table, Tag, WarningCallout } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { requireUser } from "~/lib/session.server";
import { formatScore, ORGANISATION_TYPE_LABELS, scaleText } from "~/models/maturity.labels";
import { findOrganisationByOdsCode, getOrganisationMaturity, mayAssess } from "~/models/maturity.server";
import { resolveAsAt } from "~/models/settings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.organisation.name ?? "Organisation"}: digital maturity – ShareBoard` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const organisation = findOrganisationByOdsCode({ odsCode: params.odsCode ?? "" });
  if (!organisation) throw new Response("Not found", { status: 404 });
  const { asAt, reportingDate, error: asAtError } = resolveAsAt(new URL(request.url).searchParams);
  return {
    organisation,
    asAt,
    reportingDate,
    asAtError,
    maturity: getOrganisationMaturity({ organisationId: organisation.id, asAt }),
    canAssess: mayAssess(user, organisation.id),
  };
}

const SHORT_DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

export default function OrganisationMaturityHistory() {
  const { organisation, asAt, reportingDate, asAtError, maturity, canAssess } = useLoaderData<typeof loader>();
  return (
    <>
      <BackLink href="/maturity">Back to digital maturity</BackLink>
      <ErrorSummary errors={asAtError ? { asAt: asAtError } : null} />
      <h1>
        <span className="nhsuk-caption-l">Digital maturity</span>
        {organisation.name}
      </h1>
      <p>
        {ORGANISATION_TYPE_LABELS[organisation.type]}
        {organisation.locality ? ` in ${organisation.locality}` : ""}, ODS code {organisation.odsCode}.{" "}
        <Link to={`/organisations/${organisation.odsCode}`}>Everything about this organisation</Link>
      </p>
      {canAssess ? (
        <p>
          <Link className="nhsuk-button nhsuk-button--secondary" to={`/maturity/assess?organisation=${organisation.odsCode}`}>
            Record an assessment
          </Link>
        </p>
      ) : null}
      <AsAtForm defaultValue={asAt} max={reportingDate} />
      {!maturity ? (
        <InsetText>No maturity assessment of {organisation.name} was recorded on or before {formatDate(asAt)}.</InsetText>
      ) : (
        maturity.frameworks.map(({ framework, assessments, lowMaturity, atRisk }) => {
          const latest = assessments.at(-1)!;
          const chartRows = assessments.map((a) => ({
            assessedOn: a.assessedOn,
            overall: a.overallScore,
            ...Object.fromEntries(a.scores.map((s, i) => [`d${i}`, s.score])),
          }));
          return (
            <section key={framework.code} aria-labelledby={`framework-${framework.code}`}>
              <h2 id={`framework-${framework.code}`}>{framework.name}</h2>
              {atRisk ? (
                <WarningCallout heading="Low maturity, roll-out at risk" headingLevel={3}>
                  <p>
                    The latest overall score is {Math.round(atRisk.percentOfScale)}% of the scale, below the {maturity.threshold}% threshold, and{" "}
                    {atRisk.deploymentsPlannedOrInProgress} {atRisk.deploymentsPlannedOrInProgress === 1 ? "deployment is" : "deployments are"} planned or in
                    progress.
                  </p>
                </WarningCallout>
              ) : null}
              <SummaryList
                rows={[
                  {
                    key: "Latest overall score",
                    value: (
                      <>
                        {formatScore(latest.overallScore)} on a scale of {scaleText(framework)} ({Math.round(latest.percentOfScale)}% of the scale){" "}
                        {lowMaturity ? <Tag color="orange">Low maturity</Tag> : null}
                      </>
                    ),
                  },
                  { key: "Assessed", value: `${formatDate(latest.assessedOn)} by ${latest.assessor}` },
                  { key: "Assessments on record", value: String(assessments.length) },
                ]}
              />
              {/* One small chart per dimension against the overall score: no overlapping lines hide each other. */}
              <SmallMultiplesFigure
                id={`maturity-${framework.code}`}
                caption={`${framework.name} scores at each assessment`}
                description="Each dimension's score against the overall score."
                data={chartRows}
                xKey="assessedOn"
                xLabel="Assessed on"
                panels={framework.dimensions.map((d, i) => ({ key: `d${i}`, name: d.name })) as never}
                reference={{ key: "overall" as never, name: "Overall" }}
                yLabel={`Score (${scaleText(framework)})`}
                yDomain={[framework.scaleMin, framework.scaleMax]}
                allowDecimals={!framework.wholeNumbers}
                formatX={(d) => SHORT_DATE.format(new Date(`${d}T00:00:00Z`))}
                formatY={(v) => formatScore(v)}
              />
              <h3>Assessments and evidence</h3>
              {[...assessments].reverse().map((a) => (
                <Details key={a.id} summary={`${formatDate(a.assessedOn)}: overall ${formatScore(a.overallScore)}, by ${a.assessor}`}>
                  <Table
                    caption={`${framework.name} assessment of ${formatDate(a.assessedOn)}`}
                    head={["Dimension", "Score", "Evidence"]}
                    rows={a.scores.map((s) => [s.name, <HeatCell key={s.code} score={s.score} scale={framework} />, s.evidence ?? ""])}
                    firstCellIsHeader
                  />
                </Details>
              ))}
            </section>
          );
        })
      )}
    </>
  );
}
