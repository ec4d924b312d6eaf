import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Button, DateInput, Radios, Textarea } from "~/components/nhs";
import { DeploymentFormPage } from "~/components/rollout/deployment-form-page";
import { DeploymentStatusTag } from "~/components/rollout/tags";
import { formatDate } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { handleForm, notFound } from "~/lib/form-action.server";
import { actorFor, requireRole } from "~/lib/session.server";
import { useFormResult } from "~/lib/use-form-result";
import { changeDeploymentStatus, deploymentOfParam, RolloutRuleError } from "~/models/rollout.server";
import { StatusChangeSchema } from "~/models/rollout.schema";
import { DEPLOYMENT_STATUS_LABELS } from "~/models/rollout.labels";
import { getReportingDate } from "~/models/settings.server";
import { DEPLOYMENT_STATUSES } from "../../db/schema/enums";

export const meta: MetaFunction = () => [{ title: "Change a deployment's status – ShareBoard" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, "programme", context);
  return { deployment: deploymentOfParam(params.deploymentId) ?? notFound(), reportingDate: getReportingDate() };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "programme", context);
  const deployment = deploymentOfParam(params.deploymentId) ?? notFound();
  return handleForm(
    request,
    StatusChangeSchema,
    (input) => {
      const result = changeDeploymentStatus({ actor: actorFor(user, request, context), id: deployment.id, input }) ?? notFound();
      const label = DEPLOYMENT_STATUS_LABELS[input.status].toLowerCase();
      const onReportingDate = result.statusOnReportingDate;
      const message =
        onReportingDate === input.status
          ? `${deployment.serviceName} is now ${label} (from ${formatDate(input.effectiveOn)}).`
          : `Recorded: ${label} from ${formatDate(input.effectiveOn)}. A later change is on record, so its status as at the reporting date is ${
              onReportingDate ? DEPLOYMENT_STATUS_LABELS[onReportingDate].toLowerCase() : "not recorded"
            }.`;
      return redirectWithFlash(`/rollout/deployments/${deployment.id}`, message);
    },
    { ruleErrors: [RolloutRuleError] },
  );
}

export default function ChangeStatus() {
  const { deployment: d, reportingDate } = useLoaderData<typeof loader>();
  const { errors, values, submitting } = useFormResult({ effectiveOn: reportingDate });
  return (
    <DeploymentFormPage deployment={d} title="Change status" errors={errors}>
      <p>
        {d.currentStatus ? (
          <>
            Status as at the reporting date: <DeploymentStatusTag status={d.currentStatus} />
          </>
        ) : (
          <>No status on record: record its first status.</>
        )}
      </p>
      <Form method="post" noValidate>
        <Radios id="status" name="status" label="New status" defaultValue={values.status ?? ""} error={errors.status} items={DEPLOYMENT_STATUSES.map((s) => ({ value: s, label: DEPLOYMENT_STATUS_LABELS[s] }))} />
        <DateInput
          id="effectiveOn"
          name="effectiveOn"
          label="Date of the change"
          hint={`The day it took effect: on or after the deployment's first status${d.intervals[0] ? ` (${formatDate(d.intervals[0].validFrom)})` : ""} and on or before the reporting date (${formatDate(
            reportingDate,
          )}). A status recorded in error is corrected from the deployment's history, not here.`}
          defaultValue={values.effectiveOn ?? reportingDate}
          error={errors.effectiveOn}
        />
        <Textarea id="note" name="note" label="Note (optional)" hint="Why it changed, for the history" rows={3} defaultValue={values.note ?? ""} error={errors.note} />
        <Button type="submit" disabled={submitting}>
          Save status
        </Button>
      </Form>
    </DeploymentFormPage>
  );
}
