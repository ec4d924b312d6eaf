import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { CoverForm } from "~/components/governance/cover-form";
import { BackLink, SummaryList } from "~/components/nhs";
import { CoverStatusTag } from "~/components/governance/cover-status-tag";
import { formatDate } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { getCover } from "~/models/indemnity.server";
import { renewalDefaults, renewCover } from "~/models/indemnity-changes.server";
import { CoverSchema } from "~/models/indemnity.schema";
import { coverPeriodText } from "~/models/indemnity.labels";
import { runGovernance } from "~/models/governance-errors.server";
import { getReportingDate } from "~/models/settings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Renew cover for ${data?.cover.organisationName ?? "an organisation"} – ShareBoard` }];

function coverId(raw: string | undefined) {
  if (!raw || !/^\d{1,9}$/.test(raw)) throw new Response("Not found", { status: 404 });
  return Number(raw);
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, "ccg", context);
  const cover = getCover({ id: coverId(params.coverId), asAt: getReportingDate() });
  if (!cover) throw new Response("Not found", { status: 404 });
  const defaults = renewalDefaults(cover);
  return { cover, defaults: { ...defaults, signedBy: "", documentReference: "" } as Record<string, string> };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "ccg", context);
  const id = coverId(params.coverId);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const parsed = parseWith(CoverSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  const result = runGovernance(() => renewCover({ actor: actorFor(user, request, context), user, coverId: id, input: parsed.data }), { user, request, context });
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  return redirectWithFlash("/indemnity", `The cover was renewed from ${formatDate(result.value.startOn)} to ${formatDate(result.value.endOn)}. The earlier cover is kept as history.`);
}

export default function RenewCover() {
  const { cover, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/indemnity">Back to the indemnity register</BackLink>
        <h1>
          <span className="nhsuk-caption-l">
            {cover.organisationName} ({cover.odsCode})
          </span>
          Renew indemnity cover
        </h1>
        <p>The renewal is a new cover; the current one stays in the register as history.</p>
        <SummaryList
          rows={[
            { key: "Current cover", value: coverPeriodText(cover) },
            { key: "Status", value: <CoverStatusTag status={cover.status} /> },
            { key: "Document", value: cover.documentReference ?? "Not recorded" },
          ]}
        />
        <h2>The renewal</h2>
        <CoverForm values={actionData?.values ?? defaults} errors={actionData?.errors ?? {}} submitLabel="Renew cover" cancelHref="/indemnity" />
      </div>
    </div>
  );
}
