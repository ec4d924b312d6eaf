import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Button, SummaryList, Textarea, WarningCallout } from "~/components/nhs";
import { DeploymentFormPage } from "~/components/rollout/deployment-form-page";
import { DeploymentStatusTag } from "~/components/rollout/tags";
import { formatDate } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { handleForm, notFound } from "~/lib/form-action.server";
import { actorFor, requireRole } from "~/lib/session.server";
import { useFormResult } from "~/lib/use-form-result";
import { deploymentOfParam, RolloutRuleError, voidStatusEvent } from "~/models/rollout.server";
import { VoidStatusEventSchema } from "~/models/rollout.schema";
import { DEPLOYMENT_STATUS_LABELS } from "~/models/rollout.labels";

export const meta: MetaFunction = () => [{ title: "Mark a status as recorded in error – ShareBoard" }];

function eventOr404(params: { deploymentId?: string; eventId?: string }) {
  const eventId = Number(params.eventId);
  const deployment = deploymentOfParam(params.deploymentId) ?? notFound();
  const event = deployment.events.find((e) => e.id === eventId) ?? notFound();
  return { deployment, event };
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, "programme", context);
  return eventOr404(params);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  // Only the programme team corrects roll-out history; anyone else is refused (403) and the refusal audited.
  const user = await requireRole(request, "programme", context);
  const { deployment, event } = eventOr404(params);
  return handleForm(
    request,
    VoidStatusEventSchema,
    (input) => {
      const result = voidStatusEvent({ actor: actorFor(user, request, context), deploymentId: deployment.id, eventId: event.id, input }) ?? notFound();
      const now = result.statusOnReportingDate ? `its status as at the reporting date is ${DEPLOYMENT_STATUS_LABELS[result.statusOnReportingDate].toLowerCase()}` : "it has no status on record: record its first status";
      return redirectWithFlash(`/rollout/deployments/${deployment.id}`, `The ${DEPLOYMENT_STATUS_LABELS[event.status].toLowerCase()} status from ${formatDate(event.effectiveOn)} is marked as recorded in error; ${now}.`);
    },
    { ruleErrors: [RolloutRuleError] },
  );
}

export default function VoidStatusEvent() {
  const { deployment: d, event } = useLoaderData<typeof loader>();
  const { errors, values, submitting } = useFormResult();
  return (
    <DeploymentFormPage deployment={d} title="Mark a status as recorded in error" errors={errors}>
      <SummaryList rows={[{ key: "Status", value: <DeploymentStatusTag status={event.status} /> }, { key: "From", value: formatDate(event.effectiveOn) }, event.note ? { key: "Note", value: event.note } : null]} />
      <WarningCallout heading="A correction, not a change">
        <p>
          Use this only when the status was never true: it was entered by mistake. It stays in the history marked &ldquo;Recorded in error&rdquo; with your reason, and every figure as at every date is worked out again
          without it. If the status really changed later, record a change of status instead.
        </p>
      </WarningCallout>
      <Form method="post" noValidate>
        <Textarea
          id="reason"
          name="reason"
          label="Why was this status recorded in error?"
          hint="For example: entered against the wrong service; the go-live was cancelled before it happened"
          rows={3}
          defaultValue={values.reason ?? ""}
          error={errors.reason}
        />
        <Button type="submit" disabled={submitting}>
          Mark as recorded in error
        </Button>
      </Form>
    </DeploymentFormPage>
  );
}
