import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BackLink, ErrorSummary } from "~/components/nhs";
import { CaseSectionForm } from "~/components/cases/case-form";
import { ExistingDeploymentsWarning } from "~/components/cases/existing-deployments-warning";
import { CaseEditErrorBoundary } from "~/components/cases/case-edit-error";
import casesCss from "~/components/cases/cases.css?url";
import { formToObject } from "~/lib/forms";
import { redirectWithFlash } from "~/lib/flash.server";
import { actorFor, requireUser } from "~/lib/session.server";
import { CaseRuleError, assertMayEditCase, caseFormOptions, getCaseForEdit } from "~/models/cases.server";
import { deploymentsAlreadyThere, saveCaseSection, throwCaseRefusal } from "~/models/cases.sections.server";
import { CO_AUTHORS_SECTION, findSection } from "~/models/cases.sections";
import type { CaseFormValues } from "~/models/cases.schema";
import { caseFormChoices } from "~/models/cases.labels";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.section.title ?? "Section"}: ${data?.kase.reference ?? "case"} – Business cases – ShareBoard` }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: casesCss }];

function sectionFor(slug: string) {
  const section = slug === CO_AUTHORS_SECTION.slug ? CO_AUTHORS_SECTION : findSection(slug);
  if (!section) throw new Response(`A business case has no section called ${slug}. Go back to the case's task list and choose a section from it.`, { status: 404 });
  return { slug: section.slug, title: section.title, optional: section.slug === CO_AUTHORS_SECTION.slug };
}

// Only the case's authors, while it is a draft or changes are requested; co-authors are the main author's to change.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const section = sectionFor(params.section!);
  try {
    const kase = getCaseForEdit({ user, reference: params.reference! });
    if (section.optional && !kase.isMainAuthor) throw new CaseRuleError(403, "Only the case's main author can change its co-authors.");
    return {
      section,
      kase: { reference: kase.reference, title: kase.title, version: kase.version, values: kase.values },
      options: { ...caseFormOptions(), ...caseFormChoices(section.slug) },
      existing: section.slug === "systems" ? deploymentsAlreadyThere({ pairs: kase.draft.proposedDeployments }) : [],
    };
  } catch (error) {
    throwCaseRefusal(error, user, request, context);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const reference = params.reference!;
  const actor = actorFor(user, request, context);
  // Permission first: only authors get as far as having their input checked (403 audited once otherwise).
  try {
    assertMayEditCase({ actor, user, reference });
  } catch (error) {
    if (error instanceof CaseRuleError) throw new Response(error.message, { status: error.status });
    throw error;
  }
  const section = sectionFor(params.section!);
  const values = formToObject(await request.formData()) as CaseFormValues;
  const version = Number(values.version);
  try {
    const result = saveCaseSection({ actor, user, reference, slug: section.slug, posted: values, expectedVersion: Number.isInteger(version) ? version : -1, complete: values.intent !== "later" });
    // A stale form (409) keeps what was typed and says what happened, rather than overwrite.
    if (!result.ok) return data({ errors: result.errors, values }, { status: result.stale ? 409 : 400 });
  } catch (error) {
    throwCaseRefusal(error, user, request, context);
  }
  return redirectWithFlash(
    `/cases/${reference}/edit`,
    values.intent === "later" ? `Your answers to “${section.title}” have been saved. You can come back to ${reference} at any time from Business cases.` : `Your answers to “${section.title}” have been saved.`,
  );
}

export default function CaseSectionPage() {
  const { section, kase, options, existing } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={`/cases/${kase.reference}/edit`}>Back to the sections of {kase.reference}</BackLink>
        <ErrorSummary errors={actionData?.errors} />
        <h1>
          <span className="nhsuk-caption-l">
            {kase.reference}: {kase.title}
          </span>
          {section.title}
        </h1>
        {section.slug === "systems" ? <ExistingDeploymentsWarning existing={existing} /> : null}
        <CaseSectionForm
          slug={section.slug}
          values={(actionData?.values as CaseFormValues) ?? kase.values}
          errors={actionData?.errors ?? {}}
          options={options}
          version={kase.version}
          optional={section.optional}
          submitting={navigation.state === "submitting"}
        />
      </div>
    </div>
  );
}

export const ErrorBoundary = CaseEditErrorBoundary;
