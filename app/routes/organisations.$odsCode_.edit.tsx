import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { OrganisationForm } from "~/components/organisation/organisation-form";
import { BackLink } from "~/components/nhs";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { OrganisationSchema } from "~/models/organisations.schema";
import { getOrganisationByOdsCode, OrganisationRuleError, updateOrganisation } from "~/models/organisations.server";
import { getReportingDate } from "~/models/settings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Edit ${data?.organisation.name ?? "organisation"} – ShareBoard` }];

function organisationOr404(odsCode: string | undefined) {
  const organisation = odsCode ? getOrganisationByOdsCode({ odsCode }) : null;
  if (!organisation) throw new Response("Not found", { status: 404 });
  return organisation;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, "programme", context);
  return { organisation: organisationOr404(params.odsCode), reportingDate: getReportingDate() };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "programme", context);
  const organisation = organisationOr404(params.odsCode);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const parsed = parseWith(OrganisationSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  try {
    const after = updateOrganisation({ actor: actorFor(user, request, context), id: organisation.id, input: parsed.data });
    if (!after) throw new Response("Not found", { status: 404 });
    return redirectWithFlash(`/organisations/${encodeURIComponent(after.odsCode)}`, `${after.name} has been updated.`);
  } catch (error) {
    if (error instanceof OrganisationRuleError) return data({ errors: { [error.field]: error.message }, values }, { status: 400 });
    throw error;
  }
}

export default function EditOrganisation() {
  const { organisation, reportingDate } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={`/organisations/${encodeURIComponent(organisation.odsCode)}`}>{organisation.name}</BackLink>
        <h1>
          <span className="nhsuk-caption-l">{organisation.name}</span>
          Edit organisation details
        </h1>
        <OrganisationForm values={actionData?.values ?? organisation} errors={actionData?.errors ?? {}} submitLabel="Save changes" reportingDate={reportingDate} />
      </div>
    </div>
  );
}
