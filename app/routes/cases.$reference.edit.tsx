import { data, type ActionFunctionArgs, type AppLoadContext, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, useActionData, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { BackLink, ErrorSummary } from "~/components/nhs";
import { CaseForm, CompletenessPanel } from "~/components/cases/case-form";
import { CaseStateTag } from "~/components/cases/case-state-tag";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import casesCss from "~/components/cases/cases.css?url";
import { formToObject } from "~/lib/forms";
import { redirectWithFlash } from "~/lib/flash.server";
import { actorFor, refuse, requireUser } from "~/lib/session.server";
import type { SignedInUser } from "~/models/users.server";
import { CaseRuleError, assertMayEditCase, caseFormOptions, getCaseForEdit, updateCase } from "~/models/cases.server";
import { missingForSubmission, parseCaseForm, type CaseFormValues } from "~/models/cases.schema";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Edit ${data?.kase.reference ?? "case"} – Business cases – ShareBoard` }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: casesCss }];

/** 404 and 403 (audited) go to the error boundary; 409 (not editable now) too, with the reason. */
function thrown(error: unknown, user: SignedInUser, request: Request, context?: AppLoadContext): never {
  if (error instanceof CaseRuleError && error.status === 403) refuse(user, request, error.message, context);
  if (error instanceof CaseRuleError && error.status !== 400) throw new Response(error.message, { status: error.status });
  throw error;
}

// Only the case's author and co-authors, and only while it is a draft or changes are requested.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  try {
    return { kase: getCaseForEdit({ user, reference: params.reference! }), options: caseFormOptions() };
  } catch (error) {
    thrown(error, user, request, context);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const reference = params.reference!;
  // Permission first: only authors and co-authors get as far as having their input checked (403 audited once otherwise).
  try {
    assertMayEditCase({ actor: actorFor(user, request, context), user, reference });
  } catch (error) {
    if (error instanceof CaseRuleError && error.status !== 400) throw new Response(error.message, { status: error.status });
    throw error;
  }
  const values = formToObject(await request.formData()) as CaseFormValues;
  const submit = values.intent === "submit";
  const version = Number(values.version);
  const parsed = parseCaseForm(values);
  if (!parsed.ok) return data({ errors: parsed.errors, values, incomplete: false }, { status: 400 });
  if (submit) {
    const missing = missingForSubmission(parsed.draft);
    if (missing.length) return data({ errors: Object.fromEntries(missing.map((m) => [m.field, m.text])), values, incomplete: true }, { status: 400 });
  }
  try {
    updateCase({ actor: actorFor(user, request, context), user, reference, expectedVersion: Number.isInteger(version) ? version : -1, draft: parsed.draft, submit });
  } catch (error) {
    if (error instanceof CaseRuleError && error.status === 400) return data({ errors: error.fieldErrors, values, incomplete: false }, { status: 400 });
    // A stale form: keep what was typed and say what happened, rather than overwrite.
    if (error instanceof CaseRuleError && error.status === 409) return data({ errors: { _form: error.message }, values, incomplete: false }, { status: 409 });
    // updateCase has already audited a 403; this one only shows the page.
    if (error instanceof CaseRuleError && error.status === 403) throw new Response(error.message, { status: 403 });
    thrown(error, user, request, context);
  }
  return submit
    ? redirectWithFlash(`/cases/${reference}`, `${reference} has been submitted for IG review.`)
    : redirectWithFlash(`/cases/${reference}/edit`, "Your changes have been saved.");
}

export default function EditCase() {
  const { kase, options } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={`/cases/${kase.reference}`}>Back to {kase.reference}</BackLink>
        <ErrorSummary
          errors={actionData?.errors}
          title={actionData?.incomplete ? "This case cannot be submitted yet" : "There is a problem"}
          description={actionData?.incomplete ? "Nothing has been saved. Answer these questions, or choose Save draft to keep your work and come back later." : undefined}
        />
        <h1>
          <span className="nhsuk-caption-l">{kase.reference}</span>
          Edit: {kase.title}
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
        <CompletenessPanel missing={kase.missing} />
        <CaseForm
          values={(actionData?.values as CaseFormValues) ?? kase.values}
          errors={actionData?.errors ?? {}}
          options={options}
          version={kase.version}
          showCoAuthors={kase.isMainAuthor}
          submitting={navigation.state === "submitting"}
        />
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 409) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <h1>This case cannot be changed now</h1>
          <p>{String(error.data)}</p>
          <p>
            <Link to=".." relative="path">
              Go back to the case
            </Link>
          </p>
        </div>
      </div>
    );
  }
  return <GeneralErrorBoundary />;
}
