import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BackLink, Button, ErrorSummary, SummaryList } from "~/components/nhs";
import { ExistingDeploymentsWarning } from "~/components/cases/existing-deployments-warning";
import { CaseEditErrorBoundary } from "~/components/cases/case-edit-error";
import casesCss from "~/components/cases/cases.css?url";
import { formatDate } from "~/lib/dates";
import { formToObject } from "~/lib/forms";
import { redirectWithFlash } from "~/lib/flash.server";
import { actorFor, requireUser } from "~/lib/session.server";
import { CaseRuleError, assertMayActOnCase, caseFormOptions, transitionCase } from "~/models/cases.server";
import { getCaseTaskList, throwCaseRefusal } from "~/models/cases.sections.server";
import { CASE_SECTIONS } from "~/models/cases.sections";
import { FIELD_LABELS, describeValue } from "~/models/cases.labels";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Check your answers: ${data?.kase.reference ?? "case"} – Business cases – ShareBoard` }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: casesCss }];

// Only the case's authors, while it is a draft or changes are requested.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  try {
    const kase = getCaseTaskList({ user, reference: params.reference! });
    const { reference, title, version, isMainAuthor, coAuthorEmails, draft, sections, existing } = kase;
    return { kase: { reference, title, version, isMainAuthor, coAuthorEmails, sections, existing }, answers: answersInWords(draft, sections) };
  } catch (error) {
    throwCaseRefusal(error, user, request, context);
  }
}

/**
 * Every section's answers as the page lists them, in words (names, labels and dates, never codes), worked
 * out here so the browser needs neither the form's labels nor the lists of organisations and services (issue 11).
 */
function answersInWords(draft: ReturnType<typeof getCaseTaskList>["draft"], sections: { slug: string; status: string }[]) {
  const options = caseFormOptions();
  const lookups = {
    organisations: new Map(options.organisations.map((o) => [o.id, o.name])),
    services: new Map(options.services.map((s) => [s.id, `${s.name} (${s.organisationName})`])),
    capabilities: new Map(options.capabilities.map((c) => [c.id, c.name])),
  };
  const statusOf = new Map(sections.map((s) => [s.slug, s.status]));
  return CASE_SECTIONS.map((section) => ({
    slug: section.slug,
    title: section.title,
    complete: statusOf.get(section.slug) === "completed",
    answers: section.answers.map((key) => ({
      key,
      label: FIELD_LABELS[key] ?? key,
      value: key === "targetGoLive" && draft.targetGoLive ? formatDate(draft.targetGoLive) : describeValue(key, draft[key], lookups),
    })),
  }));
}

type SummaryItem = { href?: string; text: string };
const incompleteItems = (reference: string, sections: { slug: string; title: string; status: string }[]) =>
  sections.filter((s) => s.status !== "completed").map((s) => ({ href: `/cases/${reference}/edit/${s.slug}`, text: `Complete “${s.title}”`, section: s.title }));

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const reference = params.reference!;
  const actor = actorFor(user, request, context);
  // Permission first: only authors may submit (403 audited once otherwise).
  try {
    assertMayActOnCase({ actor, user, reference, action: "submit" });
  } catch (error) {
    if (error instanceof CaseRuleError) throw new Response(error.message, { status: error.status });
    throw error;
  }
  const values = formToObject(await request.formData());
  const version = Number(values.version);
  let kase: ReturnType<typeof getCaseTaskList>;
  try {
    kase = getCaseTaskList({ user, reference });
  } catch (error) {
    throwCaseRefusal(error, user, request, context);
  }
  // One line per unfinished section, each linked to it: not every missing answer again.
  const incomplete = incompleteItems(reference, kase.sections).map(({ href, text }): SummaryItem => ({ href, text }));
  if (incomplete.length) return data({ errors: incomplete, title: "This case cannot be submitted yet" }, { status: 400 });
  try {
    transitionCase({ actor, user, reference, action: "submit", expectedVersion: Number.isInteger(version) ? version : -1 });
  } catch (error) {
    if (error instanceof CaseRuleError && (error.status === 400 || error.status === 409)) return data({ errors: [{ text: error.message }] as SummaryItem[], title: "Nothing was submitted" }, { status: error.status });
    throwCaseRefusal(error, user, request, context);
  }
  return redirectWithFlash(`/cases/${reference}`, `${reference} has been submitted for IG review.`);
}

export default function CheckAnswersPage() {
  const { kase, answers } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const incomplete = incompleteItems(kase.reference, kase.sections);
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={`/cases/${kase.reference}/edit`}>Back to the sections of {kase.reference}</BackLink>
        <ErrorSummary errors={actionData?.errors} title={actionData?.title} />
        <h1>
          <span className="nhsuk-caption-l">
            {kase.reference}: {kase.title}
          </span>
          Check your answers before submitting
        </h1>
        <ExistingDeploymentsWarning existing={kase.existing} changeHref={`/cases/${kase.reference}/edit/systems`} />
        {answers.map((section) => (
          <section key={section.slug} aria-labelledby={`answers-${section.slug}`}>
            <h2 className="nhsuk-heading-m" id={`answers-${section.slug}`}>
              {section.title}
              {section.complete ? null : <span className="nhsuk-caption-m">Not complete yet</span>}
            </h2>
            <SummaryList
              rows={section.answers.map((answer) => ({
                key: answer.label,
                value: <span className="sb-pre-wrap">{answer.value}</span>,
                actions: { href: `/cases/${kase.reference}/edit/${section.slug}`, text: "Change", visuallyHiddenText: answer.label.toLowerCase() },
              }))}
            />
          </section>
        ))}
        {kase.isMainAuthor ? (
          <section aria-labelledby="answers-co-authors">
            <h2 className="nhsuk-heading-m" id="answers-co-authors">
              Co-authors
            </h2>
            <SummaryList
              rows={[{ key: "Co-authors", value: kase.coAuthorEmails.length ? kase.coAuthorEmails.join(", ") : "None", actions: { href: `/cases/${kase.reference}/edit/co-authors`, text: "Change", visuallyHiddenText: "co-authors" } }]}
            />
          </section>
        ) : null}
        <h2 className="nhsuk-heading-m">Now submit the case for IG review</h2>
        {incomplete.length ? (
          <>
            <p>You can submit once every section is complete. Still to complete:</p>
            <ul className="nhsuk-list nhsuk-list--bullet">
              {incomplete.map((item) => (
                <li key={item.href}>
                  <Link to={item.href!}>{item.section}</Link>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <>
            <p>An IG lead reviews the case, then the partnership board decides. You cannot change the case while it is being reviewed, unless the IG lead asks for changes.</p>
            <Form method="post">
              <input type="hidden" name="version" value={kase.version} />
              <Button disabled={navigation.state === "submitting"}>Submit for IG review</Button>
            </Form>
          </>
        )}
      </div>
    </div>
  );
}

export const ErrorBoundary = CaseEditErrorBoundary;
