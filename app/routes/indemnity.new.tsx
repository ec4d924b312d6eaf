import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { CoverForm } from "~/components/governance/cover-form";
import { BackLink } from "~/components/nhs";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { practicesForCover } from "~/models/indemnity.server";
import { createCover } from "~/models/indemnity-changes.server";
import { NewCoverSchema } from "~/models/indemnity.schema";
import { DEFAULT_COVER_SCOPE } from "~/models/indemnity.labels";
import { runGovernance } from "~/models/governance-errors.server";
import { getReportingDate } from "~/models/settings.server";
import { addDaysIso, addMonthsIso } from "~/lib/dates";

export const meta: MetaFunction = () => [{ title: "Add indemnity cover – ShareBoard" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, "ccg", context);
  const startOn = getReportingDate();
  const practices = practicesForCover();
  // "Add cover" beside a practice in the register opens the form with that practice chosen.
  const chosen = new URL(request.url).searchParams.get("organisationId");
  const organisationId = practices.some((p) => String(p.id) === chosen) ? chosen! : "";
  return {
    organisations: practices,
    defaults: { organisationId, scope: DEFAULT_COVER_SCOPE, startOn, endOn: addDaysIso(addMonthsIso(startOn, 24), -1), status: "active" } as Record<string, string>,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "ccg", context);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const parsed = parseWith(NewCoverSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  const result = runGovernance(() => createCover({ actor: actorFor(user, request, context), user, input: parsed.data }), { user, request, context });
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  return redirectWithFlash("/indemnity", "The cover was added to the register.");
}

export default function NewCover() {
  const { organisations, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/indemnity">Back to the indemnity register</BackLink>
        <h1>Add indemnity cover</h1>
        <CoverForm
          values={actionData?.values ?? defaults}
          errors={actionData?.errors ?? {}}
          organisations={organisations}
          submitLabel="Add cover"
          cancelHref="/indemnity"
        />
      </div>
    </div>
  );
}
