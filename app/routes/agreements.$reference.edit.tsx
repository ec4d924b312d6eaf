import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { AgreementForm, partyRowCount, type AgreementFormValues } from "~/components/governance/agreement-form";
import { BackLink, InsetText } from "~/components/nhs";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, refuse, requireRole } from "~/lib/session.server";
import { agreementFormOptions, agreementFormValues, mayManageAgreement } from "~/models/agreements.server";
import { updateAgreement } from "~/models/agreement-changes.server";
import { AgreementSchema } from "~/models/agreements.schema";
import { runGovernance } from "~/models/governance-errors.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Change ${data?.reference ?? "agreement"} – ShareBoard` }];

const MANAGERS = ["ig_lead", "programme"] as const;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, MANAGERS, context);
  const reference = params.reference!;
  const current = agreementFormValues({ reference });
  if (!current) throw new Response("Not found", { status: 404 });
  if (!mayManageAgreement({ user, reference })) refuse(user, request, "not a party to this agreement", context);
  if (["expired", "terminated", "superseded"].includes(current.row.status)) {
    throw new Response(`Version ${current.row.version} of ${reference} has ended (${current.row.status}): it can no longer change.`, { status: 409 });
  }
  return { reference, version: current.row.version, status: current.row.status, values: current.values as AgreementFormValues, options: agreementFormOptions() };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, MANAGERS, context);
  const reference = params.reference!;
  // Permission first: an IG lead who is not party to the agreement (nor created it) is refused before any input is checked.
  if (!mayManageAgreement({ user, reference })) refuse(user, request, "not a party to this agreement", context);
  const form = await request.formData();
  const values = formToObject(form) as AgreementFormValues;
  if (form.get("intent") === "add-party") return data({ errors: {} as Record<string, string>, values, rows: partyRowCount(values, 3) });
  const parsed = parseWith(AgreementSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values, rows: partyRowCount(values) }, { status: 400 });
  const result = runGovernance(() => updateAgreement({ actor: actorFor(user, request, context), user, reference, input: parsed.data }), { user, request, context });
  if (!result.ok) return data({ errors: result.errors, values, rows: partyRowCount(values) }, { status: 400 });
  const { version, outcome } = result.value;
  const message =
    outcome === "new_version"
      ? `That was a material change, so version ${version} of ${reference} was created as a draft. Send it for signature; version ${version - 1} stays in force until it is signed.`
      : outcome === "signatures_reset"
        ? `${reference} was changed materially, so every party's signature has been requested again.`
        : `${reference} was saved.`;
  return redirectWithFlash(`/agreements/${encodeURIComponent(reference)}`, message);
}

export default function EditAgreement() {
  const { reference, version, status, values, options } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const shown = actionData?.values ?? values;
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
        errors={actionData?.errors ?? {}}
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
          ) : status === "awaiting_signatures" ? (
            <InsetText>
              <p>This version is waiting for signatures. Changing its purpose, legal basis, consent model, data items, parties or coverage asks every party to sign again.</p>
            </InsetText>
          ) : null
        }
      />
    </>
  );
}
