import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { CoverForm } from "~/components/governance/cover-form";
import { BackLink } from "~/components/nhs";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { getCover, updateCover } from "~/models/indemnity.server";
import { CoverSchema } from "~/models/indemnity.schema";
import { runGovernance } from "~/models/governance-errors.server";
import { getReportingDate } from "~/models/settings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Change cover for ${data?.cover.organisationName ?? "an organisation"} – ShareBoard` }];

function coverId(raw: string | undefined) {
  if (!raw || !/^\d{1,9}$/.test(raw)) throw new Response("Not found", { status: 404 });
  return Number(raw);
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, "ccg", context);
  const cover = getCover({ id: coverId(params.coverId), asAt: getReportingDate() });
  if (!cover) throw new Response("Not found", { status: 404 });
  return {
    cover,
    values: {
      scope: cover.scope,
      startOn: cover.startOn,
      endOn: cover.endOn,
      status: cover.storedStatus,
      documentReference: cover.documentReference ?? "",
      signedBy: cover.signedBy ?? "",
    } as Record<string, string>,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "ccg", context);
  const id = coverId(params.coverId);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const parsed = parseWith(CoverSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  const result = runGovernance(() => updateCover({ actor: actorFor(user, request, context), user, coverId: id, input: parsed.data }), { user, request, context });
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  return redirectWithFlash("/indemnity", "The cover was changed.");
}

export default function EditCover() {
  const { cover, values } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/indemnity">Back to the indemnity register</BackLink>
        <h1>
          <span className="nhsuk-caption-l">
            {cover.organisationName} ({cover.odsCode})
          </span>
          Change indemnity cover
        </h1>
        <p>To extend cover for a new term, renew it instead: a renewal keeps this cover as history.</p>
        <CoverForm values={actionData?.values ?? values} errors={actionData?.errors ?? {}} submitLabel="Save changes" cancelHref="/indemnity" />
      </div>
    </div>
  );
}
