import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Button, MonthInput, TextInput } from "~/components/nhs";
import { DeploymentFormPage } from "~/components/rollout/deployment-form-page";
import { formatMonth, monthOf } from "~/lib/dates";
import { formatMonthExample } from "~/lib/month-field";
import { redirectWithFlash } from "~/lib/flash.server";
import { handleForm, notFound } from "~/lib/form-action.server";
import { actorFor, requireRole } from "~/lib/session.server";
import { useFormResult } from "~/lib/use-form-result";
import { deploymentOfParam, recordUsage, RolloutRuleError } from "~/models/rollout.server";
import { UsageSchema } from "~/models/rollout.schema";
import { getReportingDate } from "~/models/settings.server";

export const meta: MetaFunction = () => [{ title: "Record usage – ShareBoard" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, "programme", context);
  return { deployment: deploymentOfParam(params.deploymentId) ?? notFound(), reportingMonth: monthOf(getReportingDate()) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "programme", context);
  const deployment = deploymentOfParam(params.deploymentId) ?? notFound();
  return handleForm(
    request,
    UsageSchema,
    (input) => {
      const result = recordUsage({ actor: actorFor(user, request, context), deploymentId: deployment.id, input });
      return redirectWithFlash(
        `/rollout/deployments/${deployment.id}`,
        result.changed ? `${input.views.toLocaleString("en-GB")} record views saved for ${formatMonth(input.month)}.` : `No change: ${formatMonth(input.month)} already had that figure.`,
      );
    },
    { ruleErrors: [RolloutRuleError] },
  );
}

export default function RecordUsage() {
  const { deployment: d, reportingMonth } = useLoaderData<typeof loader>();
  const { errors, values, submitting } = useFormResult({ month: reportingMonth });
  return (
    <DeploymentFormPage deployment={d} title="Record usage" errors={errors}>
      <p>Enter the number of records viewed in a month. A figure for a month already recorded replaces it.</p>
      <Form method="post" noValidate>
        <MonthInput
          id="month"
          name="month"
          label="Which month is the figure for?"
          hint={`Up to the reporting month, ${formatMonth(reportingMonth)}. For example, ${formatMonthExample(reportingMonth)}`}
          defaultValue={values.month ?? ""}
          error={errors.month}
        />
        <TextInput id="views" name="views" label="Record views" width={10} inputMode="numeric" defaultValue={values.views ?? ""} error={errors.views} />
        <Button type="submit" disabled={submitting}>
          Save figure
        </Button>
      </Form>
    </DeploymentFormPage>
  );
}
