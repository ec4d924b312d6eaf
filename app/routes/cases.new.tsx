import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BackLink, ErrorSummary } from "~/components/nhs";
import { AboutFields } from "~/components/cases/case-about-fields";
import { SectionForm } from "~/components/cases/case-form-parts";
import casesCss from "~/components/cases/cases.css?url";
import { formToObject } from "~/lib/forms";
import { redirectWithFlash } from "~/lib/flash.server";
import { actorFor, requireUser } from "~/lib/session.server";
import { CaseRuleError, caseFormOptions } from "~/models/cases.server";
import { startCase } from "~/models/cases.sections.server";
import type { CaseFormValues } from "~/models/cases.schema";
import { caseFormChoices } from "~/models/cases.labels";

export const meta: MetaFunction = () => [{ title: "Propose new sharing – Business cases – ShareBoard" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: casesCss }];

// Anyone signed in may propose new sharing: practitioners most often.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return { options: { ...caseFormOptions(), ...caseFormChoices("about") } };
}

/** The first section ("What and why") starts the draft; the rest are answered from its task list. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const values = formToObject(await request.formData()) as CaseFormValues;
  try {
    const result = startCase({ actor: actorFor(user, request, context), user, posted: values, complete: values.intent !== "later" });
    if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
    return redirectWithFlash(`/cases/${result.reference}/edit`, `Your draft has been saved as ${result.reference}. Answer the other sections in any order; you can come back at any time from Business cases.`);
  } catch (error) {
    if (error instanceof CaseRuleError && error.status === 400) return data({ errors: error.fieldErrors, values }, { status: 400 });
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
        <ErrorSummary errors={actionData?.errors} />
        <h1>
          <span className="nhsuk-caption-l">Business cases</span>
          Propose new sharing
        </h1>
        <p className="nhsuk-body-l">
          Tell the partnership what you would like to share, with whom and why. Start here; you then answer the other sections in any order from a task list, and each is
          saved as you go. An IG lead reviews the case once you submit it, and then the partnership board decides.
        </p>
        <h2 className="nhsuk-heading-m">What and why</h2>
        <SectionForm Fields={AboutFields} values={(actionData?.values as CaseFormValues) ?? {}} errors={actionData?.errors ?? {}} options={options} submitting={navigation.state === "submitting"} />
      </div>
    </div>
  );
}
