import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireUser } from "~/lib/session.server";
import { formatDate } from "~/lib/dates";
import { ROLE_LABELS } from "~/lib/permissions";
import { getReportingDate } from "~/models/settings.server";
import { countPractices, countServicesLive } from "~/models/rollout.server";
import { countActiveAgreements } from "~/models/agreements.server";
import { countCasesByState } from "~/models/cases.server";

export const meta: MetaFunction = () => [{ title: "Home – ShareBoard" }];

const PIPELINE_STATES = ["submitted", "ig_review", "changes_requested", "board_review", "deferred"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const asAt = getReportingDate();
  const practices = countPractices({ asAt });
  const casesByState = countCasesByState();
  return {
    user: { name: user.name, organisationName: user.organisationName, roles: user.roles.map((r) => ROLE_LABELS[r]) },
    asAt,
    figures: {
      practicesSignedUp: practices.signedUp,
      practicesTotal: practices.total,
      servicesLive: countServicesLive({ asAt }),
      agreementsActive: countActiveAgreements(),
      casesInPipeline: PIPELINE_STATES.reduce((sum, s) => sum + (casesByState[s] ?? 0), 0),
    },
  };
}

export default function Home() {
  const { user, asAt, figures } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>
        <span className="nhsuk-caption-l">{user.organisationName}</span>
        Welcome, {user.name}
      </h1>
      <p className="nhsuk-body-l">
        Signed in as {user.roles.join(", ")}. Figures are as at the reporting date, <strong>{formatDate(asAt)}</strong>.
      </p>
      <h2>Where the programme stands</h2>
      <div className="sb-figures">
        <Figure value={`${figures.practicesSignedUp} of ${figures.practicesTotal}`} label="GP practices signed up" />
        <Figure value={figures.servicesLive} label="services with the detailed care record live" />
        <Figure value={figures.agreementsActive} label="active data sharing agreements" />
        <Figure value={figures.casesInPipeline} label="business cases in the pipeline" />
      </div>
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
