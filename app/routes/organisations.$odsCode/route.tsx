import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AsAtForm } from "~/components/filter-form";
import { BackLink, ErrorSummary } from "~/components/nhs";
import { PrivateProviderTag } from "~/components/private-provider-tag";
import { OrganisationDetailsSection, ServicesSection, UsageSection } from "~/components/organisation/rollout-sections";
import { formatDate } from "~/lib/dates";
import { hasAnyRole } from "~/lib/permissions";
import { INDEMNITY_READERS } from "~/lib/route-access";
import { requireUser } from "~/lib/session.server";
import { organisationHistory } from "~/models/organisation-history.server";
import { isValidOn } from "~/models/temporal";
import { getOrganisationByOdsCode } from "~/models/organisations.server";
import { listDeployments, listServicesOf, usageForOrganisation } from "~/models/rollout.server";
import { ORGANISATION_TYPE_LABELS } from "~/models/rollout.labels";
import { resolveAsAt } from "~/models/settings.server";
import { getOrganisationConsent } from "~/models/consent.server";
import { getOrganisationGovernance } from "~/models/governance.server";
import { OrganisationGovernanceSection } from "~/components/organisation/governance-section";
import { getOrganisationMaturity } from "~/models/maturity.server";
import { OrganisationConsentSection } from "~/components/organisation/consent-section";
import { OrganisationMaturitySection } from "~/components/organisation/maturity-section";
import { OrganisationExceptionsSection } from "~/components/organisation/exceptions-section";
import { listExceptionsWithAcknowledgements } from "~/models/exception-acknowledgements.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.organisation.name ?? "Organisation"} – ShareBoard` }];

/**
 * One organisation on one screen. The loader returns the organisation, the as-at date, the
 * viewer's roles and one entry under `sections` per section; a new section (agreements, indemnity,
 * opt-in, maturity) adds its entry there and its component in SECTION_ORDER below.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const organisation = params.odsCode ? getOrganisationByOdsCode({ odsCode: params.odsCode }) : null;
  if (!organisation) throw new Response("Not found", { status: 404 });
  const { asAt, reportingDate, error } = resolveAsAt(new URL(request.url).searchParams);
  const canEdit = hasAnyRole(user.roles, ["programme"]);
  const history = organisationHistory({ organisationId: organisation.id });
  // The name it had on the as-at date, when that is not its name now (figures below use it).
  const nameThen = history.names.find((p) => isValidOn(p, asAt))?.name ?? organisation.name;
  return {
    organisation,
    nameThen: nameThen === organisation.name ? null : nameThen,
    asAt,
    reportingDate,
    asAtError: error,
    roles: user.roles,
    sections: {
      details: { canEdit, history },
      exceptions: listExceptionsWithAcknowledgements({ asAt, organisationId: organisation.id }),
      services: {
        canEdit,
        services: listServicesOf({ organisationId: organisation.id }),
        deployments: listDeployments({ asAt, organisationId: organisation.id, sort: { id: "service", desc: false } }).rows,
      },
      usage: usageForOrganisation({ organisationId: organisation.id, asAt }),
      governance: getOrganisationGovernance({ organisationId: organisation.id, asAt, mayReadIndemnity: hasAnyRole(user.roles, INDEMNITY_READERS) }),
      consent: getOrganisationConsent({ organisationId: organisation.id, asAt }),
      maturity: getOrganisationMaturity({ organisationId: organisation.id, asAt }),
    },
  };
}

type PageData = ReturnType<typeof useLoaderData<typeof loader>>;

/**
 * The page's sections in order, each with the heading its contents link uses (`anchor` when the
 * section's own heading id differs) and, for sections only some organisations have, when to show it.
 */
const SECTION_ORDER: { id: string; title: string; anchor?: string; show?: (data: PageData) => boolean; render: (data: PageData) => JSX.Element }[] = [
  { id: "details", title: "Details", render: (d) => <OrganisationDetailsSection organisation={d.organisation} canEdit={d.sections.details.canEdit} history={d.sections.details.history} /> },
  {
    id: "exceptions",
    title: "Exceptions",
    anchor: "organisation-exceptions-heading",
    show: (d) => d.sections.exceptions.length > 0,
    render: (d) => <OrganisationExceptionsSection exceptions={d.sections.exceptions} asAt={d.asAt} />,
  },
  {
    id: "services",
    title: "Services and deployments",
    render: (d) => <ServicesSection organisation={d.organisation} asAt={d.asAt} {...d.sections.services} />,
  },
  { id: "usage", title: "Usage", render: (d) => <UsageSection usage={d.sections.usage} /> },
  {
    id: "governance",
    title: "Governance: agreements and indemnity",
    anchor: "organisation-governance",
    show: (d) => Boolean(d.sections.governance),
    render: (d) => (d.sections.governance ? <OrganisationGovernanceSection governance={d.sections.governance} /> : <></>),
  },
  {
    id: "consent",
    title: "Consent to share (opt-in)",
    anchor: "organisation-consent-heading",
    show: (d) => Boolean(d.sections.consent),
    render: (d) => <OrganisationConsentSection consent={d.sections.consent} />,
  },
  {
    id: "maturity",
    title: "Digital maturity",
    anchor: "organisation-maturity-heading",
    show: (d) => Boolean(d.sections.maturity),
    render: (d) => <OrganisationMaturitySection maturity={d.sections.maturity} odsCode={d.organisation.odsCode} />,
  },
];

export default function OrganisationPage() {
  const data = useLoaderData<typeof loader>();
  const { organisation } = data;
  const sections = SECTION_ORDER.filter((s) => !s.show || s.show(data));
  return (
    <>
      <BackLink href="/organisations">Organisations</BackLink>
      <ErrorSummary errors={data.asAtError ? { asAt: data.asAtError } : null} />
      <h1>
        <span className="nhsuk-caption-l">
          {ORGANISATION_TYPE_LABELS[organisation.type]} · {organisation.odsCode}
        </span>
        {organisation.name}
      </h1>
      {organisation.nhsBadgedPrivate ? (
        <p>
          <PrivateProviderTag /> A private organisation working under the NHS badge. The CCG indemnifies the GP practices whose records its services view.
        </p>
      ) : null}
      <p>Statuses are as at {formatDate(data.asAt)}.</p>
      {data.nameThen ? (
        <p>
          On {formatDate(data.asAt)} it was known as <strong>{data.nameThen}</strong>: figures and exceptions for that date use that name.
        </p>
      ) : null}
      <AsAtForm defaultValue={data.reportingDate} />
      <nav aria-label="On this page" className="nhsuk-contents-list">
        <h2 className="nhsuk-u-visually-hidden">Contents</h2>
        <ol className="nhsuk-contents-list__list">
          {sections.map((s) => (
            <li className="nhsuk-contents-list__item" key={s.id}>
              <a className="nhsuk-contents-list__link" href={`#${s.anchor ?? s.id}`}>
                {s.title}
              </a>
            </li>
          ))}
        </ol>
      </nav>
      {sections.map((s) => (
        <div key={s.id}>{s.render(data)}</div>
      ))}
    </>
  );
}
