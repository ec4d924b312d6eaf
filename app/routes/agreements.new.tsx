import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { AgreementForm, NEW_AGREEMENT_DEFAULTS, partyRowCount, type AgreementFormValues } from "~/components/governance/agreement-form";
import { BackLink } from "~/components/nhs";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { AGREEMENT_MANAGERS } from "~/lib/route-access";
import { actorFor, requireRole } from "~/lib/session.server";
import { agreementFormOptions } from "~/models/agreements.server";
import { createAgreement } from "~/models/agreement-changes.server";
import { NewAgreementSchema } from "~/models/agreements.schema";
import { runGovernance } from "~/models/governance-errors.server";

export const meta: MetaFunction = () => [{ title: "Create an agreement – ShareBoard" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, AGREEMENT_MANAGERS, context);
  return { options: agreementFormOptions() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, AGREEMENT_MANAGERS, context);
  const form = await request.formData();
  const values = formToObject(form) as AgreementFormValues;
  if (form.get("intent") === "add-party") return data({ errors: {} as Record<string, string>, values, rows: partyRowCount(values, 3) });
  const parsed = parseWith(NewAgreementSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values, rows: partyRowCount(values) }, { status: 400 });
  const result = runGovernance(() => createAgreement({ actor: actorFor(user, request, context), user, input: parsed.data }), { user, request, context });
  if (!result.ok) return data({ errors: result.errors, values, rows: partyRowCount(values) }, { status: 400 });
  return redirectWithFlash(
    `/agreements/${encodeURIComponent(result.value.reference)}`,
    `${result.value.reference} was created as a draft. Check it, then send it for signature.`,
  );
}

export default function NewAgreement() {
  const { options } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const values = actionData?.values ?? NEW_AGREEMENT_DEFAULTS;
  return (
    <>
      <BackLink href="/agreements">Back to agreements</BackLink>
      <h1>Create a data sharing agreement</h1>
      <AgreementForm
        mode="new"
        values={values}
        errors={actionData?.errors ?? {}}
        options={options}
        rows={actionData?.rows ?? partyRowCount(values)}
        cancelHref="/agreements"
        intro={<p>It starts as a draft. When it is ready, send it for signature: every party&apos;s IG lead is asked to sign for their organisation.</p>}
      />
    </>
  );
}
