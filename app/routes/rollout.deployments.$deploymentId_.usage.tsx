import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BackLink, Button, ErrorSummary, TextInput } from "~/components/nhs";
import { formatMonth, monthOf } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { getDeployment, recordUsage, RolloutRuleError } from "~/models/rollout.server";
import { UsageSchema } from "~/models/rollout.schema";
import { getReportingDate } from "~/models/settings.server";

export const meta: MetaFunction = () => [{ title: "Record usage – ShareBoard" }];

function deploymentOr404(raw: string | undefined) {
  const id = Number(raw);
  const deployment = Number.isInteger(id) && id > 0 ? getDeployment({ id }) : null;
  if (!deployment) throw new Response("Not found", { status: 404 });
  return deployment;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, "programme", context);
  return { deployment: deploymentOr404(params.deploymentId), reportingMonth: monthOf(getReportingDate()) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "programme", context);
  const deployment = deploymentOr404(params.deploymentId);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const parsed = parseWith(UsageSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  try {
    const result = recordUsage({ actor: actorFor(user, request, context), deploymentId: deployment.id, input: parsed.data });
    return redirectWithFlash(
      `/rollout/deployments/${deployment.id}`,
      result.changed ? `${parsed.data.views.toLocaleString("en-GB")} record views saved for ${formatMonth(parsed.data.month)}.` : `No change: ${formatMonth(parsed.data.month)} already had that figure.`,
    );
  } catch (error) {
    if (error instanceof RolloutRuleError) return data({ errors: { [error.field]: error.message }, values }, { status: 400 });
    throw error;
  }
}

export default function RecordUsage() {
  const { deployment: d, reportingMonth } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const values: Record<string, string> = actionData?.values ?? { month: reportingMonth };
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={`/rollout/deployments/${d.id}`}>Back to the deployment</BackLink>
        <ErrorSummary errors={errors} />
        <h1>
          <span className="nhsuk-caption-l">
            {d.capabilityName} at {d.serviceName}
          </span>
          Record usage
        </h1>
        <p>Enter the number of records viewed in a month. A figure for a month already recorded replaces it.</p>
        <Form method="post" noValidate>
          <TextInput id="month" name="month" label="Month" hint={`As YYYY-MM, up to ${reportingMonth}`} width={10} defaultValue={values.month ?? ""} error={errors.month} />
          <TextInput id="views" name="views" label="Record views" width={10} inputMode="numeric" defaultValue={values.views ?? ""} error={errors.views} />
          <Button type="submit" disabled={navigation.state === "submitting"}>
            Save figure
          </Button>
        </Form>
      </div>
    </div>
  );
}
