import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/nhs";
import { CaseTaskList } from "~/components/cases/case-task-list";
import { ExistingDeploymentsWarning } from "~/components/cases/existing-deployments-warning";
import { CaseEditErrorBoundary } from "~/components/cases/case-edit-error";
import { CaseStateTag } from "~/components/cases/case-state-tag";
import casesCss from "~/components/cases/cases.css?url";
import { requireUser } from "~/lib/session.server";
import { getCaseTaskList, throwCaseRefusal } from "~/models/cases.sections.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.kase.reference ?? "Case"}: sections – Business cases – ShareBoard` }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: casesCss }];

// Only the case's authors, and only while it is a draft or changes are requested (the model's rule).
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  try {
    const kase = getCaseTaskList({ user, reference: params.reference! });
    return { kase: { reference: kase.reference, title: kase.title, state: kase.state, isMainAuthor: kase.isMainAuthor, coAuthors: kase.coAuthorEmails.length, sections: kase.sections, completed: kase.completed, existing: kase.existing } };
  } catch (error) {
    throwCaseRefusal(error, user, request, context);
  }
}

export default function CaseTaskListPage() {
  const { kase } = useLoaderData<typeof loader>();
  const total = kase.sections.length;
  const complete = kase.completed === total;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={`/cases/${kase.reference}`}>Back to {kase.reference}</BackLink>
        <h1>
          <span className="nhsuk-caption-l">{kase.reference}</span>
          {kase.title}
        </h1>
        <p>
          <CaseStateTag state={kase.state} />{" "}
          {kase.state === "changes_requested" ? (
            <>
              The IG lead asked for changes: see the note on the <Link to={`/cases/${kase.reference}#history`}>case&apos;s history</Link>.
            </>
          ) : (
            "Only you and your co-authors can change this case. Anyone signed in to ShareBoard can read it."
          )}
        </p>
        <h2 className="nhsuk-heading-m">
          {complete ? "Every section is complete" : `You have completed ${kase.completed} of ${total} sections`}
        </h2>
        <p>Answer the sections in any order. Each one is saved when you leave it, so you can come back at any time from Business cases.</p>
        <ExistingDeploymentsWarning existing={kase.existing} changeHref={`/cases/${kase.reference}/edit/systems`} />
        <CaseTaskList reference={kase.reference} sections={kase.sections} coAuthors={kase.isMainAuthor ? { count: kase.coAuthors } : undefined} />
        <h2 className="nhsuk-heading-m">Submit for IG review</h2>
        {complete ? (
          <p>Check your answers before you submit the case. An IG lead then reviews it, and the partnership board decides.</p>
        ) : (
          <p>You can submit once every section is complete. You can check your answers so far at any time.</p>
        )}
        <Link className={`nhsuk-button${complete ? "" : " nhsuk-button--secondary"}`} to={`/cases/${kase.reference}/edit/check-answers`}>
          Check your answers{complete ? " and submit" : ""}
        </Link>
      </div>
    </div>
  );
}

export const ErrorBoundary = CaseEditErrorBoundary;
