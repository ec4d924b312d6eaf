import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/nhs";
import { ServiceForm } from "~/components/organisation/service-form";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { getOrganisationByOdsCode } from "~/models/organisations.server";
import { createService, RolloutRuleError } from "~/models/rollout.server";
import { ServiceSchema } from "~/models/rollout.schema";

export const meta: MetaFunction = () => [{ title: "Add a service – ShareBoard" }];

function organisationOr404(odsCode: string | undefined) {
  const organisation = odsCode ? getOrganisationByOdsCode({ odsCode }) : null;
  if (!organisation) throw new Response("Not found", { status: 404 });
  return organisation;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, "programme", context);
  const organisation = organisationOr404(params.odsCode);
  return { organisation: { name: organisation.name, odsCode: organisation.odsCode } };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "programme", context);
  const organisation = organisationOr404(params.odsCode);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const parsed = parseWith(ServiceSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  try {
    const service = createService({ actor: actorFor(user, request, context), organisationId: organisation.id, input: parsed.data });
    return redirectWithFlash(`/organisations/${encodeURIComponent(organisation.odsCode)}#services`, `${service.name} has been added. Add a deployment to roll a capability out to it.`);
  } catch (error) {
    if (error instanceof RolloutRuleError) return data({ errors: { [error.field]: error.message }, values }, { status: 400 });
    throw error;
  }
}

export default function NewService() {
  const { organisation } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={`/organisations/${encodeURIComponent(organisation.odsCode)}`}>{organisation.name}</BackLink>
        <h1>
          <span className="nhsuk-caption-l">{organisation.name}</span>
          Add a service
        </h1>
        <ServiceForm values={actionData?.values ?? {}} errors={actionData?.errors ?? {}} submitLabel="Add service" />
      </div>
    </div>
  );
}
