import { Link } from "@remix-run/react";
import { LineChartFigure } from "~/components/charts";
import { formatCount, formatPoints, formatRate } from "~/components/consent/format";
import { SummaryList, Tag } from "~/components/nhs";
import { formatMonth } from "~/lib/dates";
import type { OrganisationConsent } from "~/models/consent.server";

/**
 * A practice's own opt-in on the organisation page: latest return, changes, flags and its trend.
 * Feed it `getOrganisationConsent({ organisationId, asAt })`; it renders nothing for null.
 */
export function OrganisationConsentSection({ consent }: { consent: OrganisationConsent | null | undefined }) {
  if (!consent) return null;
  const { practice, target, trend } = consent;
  return (
    <section aria-labelledby="organisation-consent-heading">
      <h2 id="organisation-consent-heading">Consent to share (opt-in)</h2>
      <SummaryList
        rows={[
          {
            key: `Opt-in rate, ${formatMonth(practice.month)}`,
            value: (
              <>
                {formatRate(practice.rate)} of {formatCount(practice.registered)} registered patients (target {target}%){" "}
                {practice.belowTarget ? <Tag color="orange">Below target</Tag> : practice.rate !== null ? <Tag color="green">On target</Tag> : null}{" "}
                {practice.falling ? <Tag color="red">Falling 3 months</Tag> : null}{" "}
                {practice.returnMissing ? <Tag color="grey">Return missing</Tag> : null}
              </>
            ),
          },
          { key: "Opted in, declined, not yet asked", value: `${formatCount(practice.optedIn)}, ${formatCount(practice.declined)}, ${formatCount(practice.notAsked)}` },
          { key: "Change over 3 months", value: formatPoints(practice.change3) },
          { key: "Change over 12 months", value: formatPoints(practice.change12) },
          ...(practice.nationalOptOuts !== null
            ? [{ key: "National Data Opt-out (uses beyond individual care) — not part of the local opt-in", value: formatCount(practice.nationalOptOuts) }]
            : []),
        ]}
      />
      <LineChartFigure
        id={`organisation-opt-in-${practice.odsCode}`}
        caption={`${practice.name}: opt-in rate by month`}
        data={trend}
        xKey="month"
        xLabel="Month"
        series={[{ key: "rate", name: "Opt-in rate" }]}
        yLabel="Opted in (%)"
        yDomain={[0, 100]}
        formatX={(m) => formatMonth(String(m))}
        formatY={(v) => formatRate(v)}
        targets={[{ y: target, label: `Target ${target}%`, colour: "#d5281b" }]}
      />
      <p>
        <Link to={`/consent${practice.locality ? `?locality=${encodeURIComponent(practice.locality)}` : ""}#practices`}>
          Compare with other practices{practice.locality ? ` in ${practice.locality}` : ""}
        </Link>
      </p>
    </section>
  );
}
