import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { AgreementForm, partyRowCount, type AgreementFormValues } from "~/components/governance/agreement-form";
import { BackLink, Checkboxes, InsetText, WarningCallout } from "~/components/nhs";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { requireRole } from "~/lib/session.server";
import { AGREEMENT_MANAGERS, agreementManagerAction, requireAgreementManager } from "~/lib/agreement-access.server";
import { agreementFormOptions, agreementFormValues } from "~/models/agreements.server";
import { updateAgreement } from "~/models/agreement-changes.server";
import { answersGivenToLatest } from "~/models/agreement-signing.server";
import { inSentence, listInWords } from "~/lib/words";
import { AgreementSchema } from "~/models/agreements.schema";
import { AGREEMENT_STATUS_LABELS } from "~/models/agreements.labels";
import { getReportingDate } from "~/models/settings.server";
import { formatDate } from "~/lib/dates";
import { runGovernance } from "~/models/governance-errors.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Change ${data?.reference ?? "agreement"} – ShareBoard` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, AGREEMENT_MANAGERS, context);
  const reference = params.reference!;
  const current = agreementFormValues({ reference });
  if (!current) throw new Response("Not found", { status: 404 });
  requireAgreementManager(user, reference, { request, context });
  if (["expired", "terminated", "superseded"].includes(current.row.status)) {
    const how = inSentence(AGREEMENT_STATUS_LABELS[current.row.status as keyof typeof AGREEMENT_STATUS_LABELS]);
    const ending = current.row.endedOn && current.row.endedOn > getReportingDate() ? `is recorded as ending on ${formatDate(current.row.endedOn)}` : "has ended";
    throw new Response(`Version ${current.row.version} of ${reference} ${ending} (${how}): it can no longer change.`, { status: 409 });
  }
  return {
    reference,
    version: current.row.version,
    status: current.row.status,
    answers: answersGivenToLatest({ reference }),
    values: current.values as AgreementFormValues,
    options: agreementFormOptions(),
  };
}

export async function action(args: ActionFunctionArgs) {
  const { request, context } = args;
  const { user, reference, form, actor } = await agreementManagerAction(args);
  const values = formToObject(form) as AgreementFormValues;
  if (form.get("intent") === "add-party") return data({ errors: {} as Record<string, string>, values, rows: partyRowCount(values, 3) });
  const parsed = parseWith(AgreementSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values, rows: partyRowCount(values) }, { status: 400 });
  // A material change after some parties answered needs everyone to sign again: the model refuses it until this box is ticked.
  const resignConfirmed = form.get("confirmResign") === "yes";
  const result = runGovernance(() => updateAgreement({ actor, user, reference, input: parsed.data, resignConfirmed }), { user, request, context });
  if (!result.ok) return data({ errors: result.errors, values, rows: partyRowCount(values) }, { status: 400 });
  const { version, outcome } = result.value;
  const message = {
    new_version: `That was a material change, so version ${version} of ${reference} was created as a draft. Send it for signature; version ${version - 1} stays in force until it is signed.`,
    new_version_sent: `That was a material change, so version ${version} of ${reference} was sent to every party to sign. Version ${version - 1} and the signatures it was given stay in its history.`,
    new_version_draft: `That was a material change, so version ${version} of ${reference} was created, as a draft: its DPIA does not allow sending it yet. Update the DPIA, then send it for signature.`,
    signatures_reset: `${reference} was changed materially, so every party's signature has been requested again.`,
    updated: `${reference} was saved.`,
  }[outcome];
  return redirectWithFlash(`/agreements/${encodeURIComponent(reference)}`, message);
}

export default function EditAgreement() {
  const { reference, version, status, answers, values, options } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const shown = actionData?.values ?? values;
  const errors: Record<string, string> = actionData?.errors ?? {};
  const answered = [
    answers.signed.length ? `${listInWords(answers.signed)} ${answers.signed.length === 1 ? "has" : "have"} signed it` : "",
    answers.declined.length ? `${listInWords(answers.declined)} declined it` : "",
  ].filter(Boolean);
  return (
    <>
      <BackLink href={`/agreements/${encodeURIComponent(reference)}`}>Back to {reference}</BackLink>
      <h1>
        <span className="nhsuk-caption-l">
          {reference} version {version}
        </span>
        Change the agreement
      </h1>
      <AgreementForm
        mode="edit"
        values={shown}
        errors={errors}
        options={options}
        rows={actionData?.rows ?? partyRowCount(shown)}
        cancelHref={`/agreements/${encodeURIComponent(reference)}`}
        intro={
          status === "active" ? (
            <InsetText>
              <p>
                This version is signed. Changing its purpose, legal basis, consent model, data items, parties or coverage creates version{" "}
                {version + 1}, which every party must sign again; this version stays in force until then. Title, retention and the review interval
                (from the next review) change in place.
              </p>
            </InsetText>
          ) : status === "awaiting_signatures" && answered.length ? (
            <WarningCallout heading="Some parties have already answered">
              <p>
                {answered.join(", and ")}. Changing its purpose, legal basis, consent model, data items, parties or coverage makes version {version + 1}, which
                every party must sign again; this version and its signatures stay in the history. Title, retention and the review interval change in place.
              </p>
            </WarningCallout>
          ) : status === "awaiting_signatures" ? (
            <InsetText>
              <p>This version is waiting for signatures. Changing its purpose, legal basis, consent model, data items, parties or coverage asks every party to sign again.</p>
            </InsetText>
          ) : null
        }
        beforeSubmit={
          errors.confirmResign ? (
            <Checkboxes
              id="confirmResign"
              name="confirmResign"
              label="Every party must sign again"
              legendSize="s"
              items={[{ value: "yes", label: `Save the change as version ${version + 1} and ask every party to sign it` }]}
              defaultValue={[]}
              error={errors.confirmResign}
            />
          ) : null
        }
      />
    </>
  );
}
