import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BackLink, ErrorSummary } from "~/components/nhs";
import { CaseForm } from "~/components/cases/case-form";
import casesCss from "~/components/cases/cases.css?url";
import { formToObject } from "~/lib/forms";
import { redirectWithFlash } from "~/lib/flash.server";
import { actorFor, requireUser } from "~/lib/session.server";
import { CaseRuleError, caseFormOptions, createCase } from "~/models/cases.server";
import { missingForSubmission, parseCaseForm, type CaseFormValues } from "~/models/cases.schema";

export const meta: MetaFunction = () => [{ title: "Propose new sharing – Business cases – ShareBoard" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: casesCss }];

// Anyone signed in may propose new sharing: practitioners most often.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return { options: caseFormOptions() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const values = formToObject(await request.formData()) as CaseFormValues;
  const submit = values.intent === "submit";
  const parsed = parseCaseForm(values);
  if (!parsed.ok) return data({ errors: parsed.errors, values, incomplete: false }, { status: 400 });
  if (submit) {
    // Nothing is saved when a submission is incomplete: the form comes back as typed, with what is missing.
    const missing = missingForSubmission(parsed.draft);
    if (missing.length) return data({ errors: Object.fromEntries(missing.map((m) => [m.field, m.text])), values, incomplete: true }, { status: 400 });
  }
  try {
    const result = createCase({ actor: actorFor(user, request, context), user, draft: parsed.draft, submit });
    return submit
      ? redirectWithFlash(`/cases/${result.reference}`, `${result.reference} has been submitted for IG review.`)
      : redirectWithFlash(`/cases/${result.reference}/edit`, `Your draft has been saved as ${result.reference}. You can come back to it at any time from Business cases.`);
  } catch (error) {
    if (error instanceof CaseRuleError && error.status === 400) return data({ errors: error.fieldErrors, values, incomplete: false }, { status: 400 });
    throw error;
  }
}

export default function NewCase() {
  const { options } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/cases">Business cases</BackLink>
        <ErrorSummary
          errors={actionData?.errors}
          title={actionData?.incomplete ? "This case cannot be submitted yet" : "There is a problem"}
          description={actionData?.incomplete ? "Nothing has been saved. Answer these questions, or choose Save draft to keep your work and come back later." : undefined}
        />
        <h1>
          <span className="nhsuk-caption-l">Business cases</span>
          Propose new sharing
        </h1>
        <p className="nhsuk-body-l">
          Tell the partnership what you would like to share, with whom and why. You can save a draft at any point and come back to it; an IG lead reviews the case once you
          submit it, and then the partnership board decides.
        </p>
        <CaseForm values={(actionData?.values as CaseFormValues) ?? {}} errors={actionData?.errors ?? {}} options={options} showCoAuthors submitting={navigation.state === "submitting"} />
      </div>
    </div>
  );
}
