import { Link } from "@remix-run/react";
import { HeatCell } from "~/components/maturity/heat";
import { Table, Tag, WarningCallout } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { formatScore, scaleText } from "~/models/maturity.labels";
import type { OrganisationMaturity } from "~/models/maturity.server";

/**
 * An organisation's latest maturity assessment per framework on the organisation page, with the
 * "low maturity, roll-out at risk" flag. Feed it `getOrganisationMaturity({ organisationId, asAt })`;
 * it renders nothing for null.
 */
export function OrganisationMaturitySection({ maturity, odsCode }: { maturity: OrganisationMaturity | null | undefined; odsCode: string }) {
  if (!maturity || maturity.frameworks.length === 0) return null;
  return (
    <section aria-labelledby="organisation-maturity-heading">
      <h2 id="organisation-maturity-heading">Digital maturity</h2>
      {maturity.frameworks.map(({ framework, assessments, lowMaturity, atRisk }) => {
        const latest = assessments.at(-1)!;
        return (
          <div key={framework.code}>
            <h3>{framework.name}</h3>
            {atRisk ? (
              <WarningCallout heading="Low maturity, roll-out at risk" headingLevel={4}>
                <p>
                  The latest overall score is {Math.round(atRisk.percentOfScale)}% of the scale, below the {maturity.threshold}% threshold, with{" "}
                  {atRisk.deploymentsPlannedOrInProgress} {atRisk.deploymentsPlannedOrInProgress === 1 ? "deployment" : "deployments"} planned or in progress.
                </p>
              </WarningCallout>
            ) : null}
            <p>
              Overall {formatScore(latest.overallScore)} on a scale of {scaleText(framework)}, assessed {formatDate(latest.assessedOn)} by {latest.assessor}.{" "}
              {lowMaturity ? <Tag color="orange">Low maturity</Tag> : null}
            </p>
            <Table
              caption={`${framework.name} scores, ${formatDate(latest.assessedOn)}`}
              head={["Dimension", "Score"]}
              rows={latest.scores.map((s) => [s.name, <HeatCell key={s.code} score={s.score} scale={framework} />])}
              firstCellIsHeader
              compact
            />
          </div>
        );
      })}
      <p>
        <Link to={`/maturity/${odsCode}`}>Assessments over time, with evidence</Link>
      </p>
    </section>
  );
}
