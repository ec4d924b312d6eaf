import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/nhs";
import { ServiceForm } from "~/components/organisation/service-form";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { getService, RolloutRuleError, updateService } from "~/models/rollout.server";
import { ServiceSchema } from "~/models/rollout.schema";

export const meta: MetaFunction = () => [{ title: "Edit a service – ShareBoard" }];

/** The service, only under the organisation in the address. */
function serviceOr404(params: { odsCode?: string; serviceId?: string }) {
  const id = Number(params.serviceId);
  const service = Number.isInteger(id) && id > 0 ? getService({ id }) : null;
  if (!service || service.odsCode !== params.odsCode?.toUpperCase()) throw new Response("Not found", { status: 404 });
  return service;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, "programme", context);
  return { service: serviceOr404(params) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "programme", context);
  const service = serviceOr404(params);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const parsed = parseWith(ServiceSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  try {
    updateService({ actor: actorFor(user, request, context), id: service.id, input: parsed.data });
    return redirectWithFlash(`/organisations/${encodeURIComponent(service.odsCode)}#services`, `${parsed.data.name} has been updated.`);
  } catch (error) {
    if (error instanceof RolloutRuleError) return data({ errors: { [error.field]: error.message }, values }, { status: 400 });
    throw error;
  }
}

export default function EditService() {
  const { service } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={`/organisations/${encodeURIComponent(service.odsCode)}`}>{service.organisationName}</BackLink>
        <h1>
          <span className="nhsuk-caption-l">{service.organisationName}</span>
          Edit {service.name}
        </h1>
        <ServiceForm values={actionData?.values ?? { name: service.name, category: service.category, description: service.description }} errors={actionData?.errors ?? {}} submitLabel="Save changes" />
      </div>
    </div>
  );
}
