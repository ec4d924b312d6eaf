import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { BackLink, Button, DateInput, ErrorSummary, Radios, Textarea } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, refuse, requireRole } from "~/lib/session.server";
import { mayReviewAgreement, recordAgreementReview, reviewFormFor } from "~/models/agreement-reviews.server";
import { ReviewSchema } from "~/models/agreements.schema";
import { REVIEW_OUTCOME_LABELS } from "~/models/agreements.labels";
import { runGovernance } from "~/models/governance-errors.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Record a review of ${data?.form.reference ?? "agreement"} – ShareBoard` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ig_lead", context);
  const reference = params.reference!;
  // The model says whether this IG lead's organisation is a party to the version in force (403 / 404 / 409 otherwise).
  const result = runGovernance(() => reviewFormFor({ user, reference }), { user, request, context });
  if (!result.ok) throw new Response("Not found", { status: 404 });
  return { form: result.value, defaults: { reviewedOn: result.value.reportingDate } as Record<string, string> };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "ig_lead", context);
  const reference = params.reference!;
  // Permission first: only an IG lead of a party to the version in force records its review.
  if (!mayReviewAgreement({ user, reference })) refuse(user, request, "reviewing an agreement their organisation is not party to", context);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const parsed = parseWith(ReviewSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  const result = runGovernance(() => recordAgreementReview({ actor: actorFor(user, request, context), user, reference, input: parsed.data }), { user, request, context });
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  const { version, nextReviewOn, outcome } = result.value;
  const href = `/agreements/${encodeURIComponent(reference)}`;
  if (outcome === "new_version_needed") {
    // The review is done; the change itself is a new version every party signs again.
    return redirectWithFlash(
      `${href}/edit`,
      `The review of ${reference} was recorded; the next review is due on ${formatDate(nextReviewOn)}. Now make the new version: change what needs to change and save. Version ${version} stays in force until every party signs the new one.`,
    );
  }
  return redirectWithFlash(href, `The review of ${reference} was recorded: no change needed. The next review is due on ${formatDate(nextReviewOn)}.`);
}

export default function ReviewAgreementPage() {
  const { form, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const values: Record<string, string> = { ...defaults, ...(actionData?.values ?? {}) };
  const href = `/agreements/${encodeURIComponent(form.reference)}`;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={href}>Back to {form.reference}</BackLink>
        <ErrorSummary errors={errors} />
        <h1>
          <span className="nhsuk-caption-l">
            {form.reference} version {form.version}
          </span>
          Record a review
        </h1>
        <p>
          {form.title}. Its review date is {formatDate(form.reviewOn)}. Recording the review sets the next review date {form.reviewIntervalMonths} months after the
          date of the review.
        </p>
        <Form method="post" noValidate>
          <DateInput
            id="reviewedOn"
            name="reviewedOn"
            label="Date of the review"
            hint={`Between ${formatDate(form.earliest)} and the reporting date, ${formatDate(form.reportingDate)}`}
            defaultValue={values.reviewedOn}
            error={errors.reviewedOn}
          />
          <Radios
            id="outcome"
            name="outcome"
            label="Outcome"
            legendSize="s"
            items={[
              { value: "no_change", label: REVIEW_OUTCOME_LABELS.no_change, hint: "The agreement still says what the parties do: it stays in force as signed" },
              {
                value: "new_version_needed",
                label: REVIEW_OUTCOME_LABELS.new_version_needed,
                hint: "Something material has changed: you will be taken to change the agreement, and every party signs the new version",
              },
            ]}
            defaultValue={values.outcome}
            error={errors.outcome}
          />
          <Textarea
            id="note"
            name="note"
            label="Note"
            hint="What was checked, and what needs to change if a new version is needed"
            rows={4}
            defaultValue={values.note}
            error={errors.note}
          />
          <div className="nhsuk-button-group">
            <Button type="submit">Record the review</Button>
            <Link to={href}>Cancel</Link>
          </div>
        </Form>
      </div>
    </div>
  );
}
