import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { OrganisationForm } from "~/components/organisation/organisation-form";
import { BackLink } from "~/components/nhs";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { OrganisationSchema } from "~/models/organisations.schema";
import { createOrganisation, OrganisationRuleError } from "~/models/organisations.server";

export const meta: MetaFunction = () => [{ title: "Add an organisation – ShareBoard" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, "programme", context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "programme", context);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const parsed = parseWith(OrganisationSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  try {
    const organisation = createOrganisation({ actor: actorFor(user, request, context), input: parsed.data });
    return redirectWithFlash(`/organisations/${encodeURIComponent(organisation.odsCode)}`, `${organisation.name} has been added.`);
  } catch (error) {
    if (error instanceof OrganisationRuleError) return data({ errors: { [error.field]: error.message }, values }, { status: 400 });
    throw error;
  }
}

export default function NewOrganisation() {
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/organisations">Organisations</BackLink>
        <h1>Add an organisation</h1>
        <OrganisationForm values={actionData?.values ?? {}} errors={actionData?.errors ?? {}} submitLabel="Add organisation" />
      </div>
    </div>
  );
}
