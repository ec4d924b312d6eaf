import { renderToStaticMarkup } from "react-dom/server";
import { StaticRouter } from "react-router-dom/server";
import { describe, expect, it } from "vitest";
import { ChartMarkupContext } from "~/components/charts/chart-markup";
import { chartMarkup } from "~/lib/chart-markup.server";
import { OrganisationConsentSection } from "~/components/organisation/consent-section";
import { OrganisationMaturitySection } from "~/components/organisation/maturity-section";
import type { OrganisationConsent } from "~/models/consent.server";
import type { OrganisationMaturity } from "~/models/maturity.server";

// As the server renders a page: charts drawn by the renderer entry.server.tsx provides.
const render = (node: React.ReactNode) =>
  renderToStaticMarkup(
    <ChartMarkupContext.Provider value={chartMarkup}>
      <StaticRouter location="/organisations/P92017">{node}</StaticRouter>
    </ChartMarkupContext.Provider>,
  );

const consent: OrganisationConsent = {
  target: 60,
  practice: {
    organisationId: 1, odsCode: "P92017", name: "Lilford Park Practice", locality: "Leigh", month: "2016-10", registered: 1000, optedIn: 440, declined: 10, notAsked: 550,
    nationalOptOuts: 12, rate: 44, change3: -6, change12: 14, belowTarget: true, falling: true, returnMissing: false,
  },
  trend: [
    { month: "2016-09", registered: 1000, optedIn: 460, declined: 10, notAsked: 530, nationalOptOuts: null, rate: 46 },
    { month: "2016-10", registered: 1000, optedIn: 440, declined: 10, notAsked: 550, nationalOptOuts: 12, rate: 44 },
  ],
};

const framework = { id: 1, code: "wgll", name: "What Good Looks Like", description: null, scaleMin: 1, scaleMax: 5, wholeNumbers: true, dimensions: [{ id: 1, code: "well_led", name: "Well led", position: 1 }] };
const maturity: OrganisationMaturity = {
  threshold: 50,
  frameworks: [
    {
      framework,
      lowMaturity: true,
      atRisk: { organisationId: 1, odsCode: "WLHSP", name: "Hospice", frameworkCode: "wgll", frameworkName: "What Good Looks Like", assessedOn: "2016-06-13", overallScore: 2, percentOfScale: 25, deploymentsPlannedOrInProgress: 3 },
      assessments: [{ id: 1, assessedOn: "2016-06-13", assessor: "Lead", overallScore: 2, percentOfScale: 25, scores: [{ code: "well_led", name: "Well led", score: 2, evidence: "Some" }] }],
    },
  ],
};

describe("organisation page sections", () => {
  it("render nothing when there is nothing to show", () => {
    expect(render(<OrganisationConsentSection consent={null} />)).toBe("");
    expect(render(<OrganisationMaturitySection maturity={null} odsCode="RRF" />)).toBe("");
  });

  it("show a practice's opt-in in a labelled section, the national opt-out labelled apart", () => {
    const html = render(<OrganisationConsentSection consent={consent} />);
    expect(html).toMatch(/<section aria-labelledby="organisation-consent-heading"><h2 id="organisation-consent-heading">Consent to share \(opt-in\)<\/h2>/);
    expect(html).toContain("44.0% of 1,000 registered patients (target 60%)");
    expect(html).toContain("Below target");
    expect(html).toContain("Falling 3 months");
    expect(html).toContain("National Data Opt-out (uses beyond individual care) — not part of the local opt-in");
  });

  it("show the latest maturity with the roll-out-at-risk warning", () => {
    const html = render(<OrganisationMaturitySection maturity={maturity} odsCode="WLHSP" />);
    expect(html).toMatch(/<section aria-labelledby="organisation-maturity-heading"><h2 id="organisation-maturity-heading">Digital maturity<\/h2>/);
    expect(html).toContain("Low maturity, roll-out at risk");
    expect(html).toContain("3 deployments planned or in progress");
    expect(html).toContain('href="/maturity/WLHSP"');
  });
});
