import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BackLink, Button, DateInput, ErrorSummary, Radios, Select, TextInput, Textarea } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { createDeployment, listCapabilities, RolloutRuleError, serviceOptions } from "~/models/rollout.server";
import { NewDeploymentSchema } from "~/models/rollout.schema";
import { DEPLOYMENT_STATUS_LABELS } from "~/models/rollout.labels";
import { getReportingDate } from "~/models/settings.server";
import { DEPLOYMENT_STATUSES } from "../../db/schema/enums";

export const meta: MetaFunction = () => [{ title: "Add a deployment – ShareBoard" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, "programme", context);
  const serviceId = new URL(request.url).searchParams.get("serviceId") ?? "";
  return { services: serviceOptions(), capabilities: listCapabilities(), reportingDate: getReportingDate(), serviceId };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "programme", context);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const parsed = parseWith(NewDeploymentSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  try {
    const deployment = createDeployment({ actor: actorFor(user, request, context), input: parsed.data });
    return redirectWithFlash(`/rollout/deployments/${deployment.id}`, "The deployment has been added.");
  } catch (error) {
    if (error instanceof RolloutRuleError) return data({ errors: { [error.field]: error.message }, values, existingHref: error.existingHref ?? null }, { status: 400 });
    throw error;
  }
}

export default function NewDeployment() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const values: Record<string, string> = actionData?.values ?? { serviceId: loaderData.serviceId, status: "planned", effectiveOn: loaderData.reportingDate };
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/rollout">Roll-out</BackLink>
        <ErrorSummary
          errors={errors}
          description={
            actionData && "existingHref" in actionData && actionData.existingHref ? (
              <Link to={actionData.existingHref}>Open the existing deployment to change its status</Link>
            ) : undefined
          }
        />
        <h1>Add a deployment</h1>
        <p>A deployment is one capability rolled out at one service. Its status history starts with the status and date you give here.</p>
        <Form method="post" noValidate>
          <Select
            id="serviceId"
            name="serviceId"
            label="Service"
            emptyOption="Choose a service"
            defaultValue={values.serviceId ?? ""}
            error={errors.serviceId}
            options={loaderData.services.map((s) => ({ value: String(s.id), label: `${s.organisationName} – ${s.name}` }))}
          />
          <Radios
            id="capabilityCode"
            name="capabilityCode"
            label="What is being rolled out?"
            defaultValue={values.capabilityCode ?? ""}
            error={errors.capabilityCode}
            items={loaderData.capabilities.map((c) => ({ value: c.code, label: c.name }))}
          />
          <DateInput id="plannedGoLive" name="plannedGoLive" label="Planned go-live date (optional)" defaultValue={values.plannedGoLive ?? ""} error={errors.plannedGoLive} />
          <TextInput id="owner" name="owner" label="Owner (optional)" hint="Who leads the deployment at the service" width={20} defaultValue={values.owner ?? ""} error={errors.owner} />
          <Radios
            id="status"
            name="status"
            label="First status"
            small
            defaultValue={values.status ?? "planned"}
            error={errors.status}
            items={DEPLOYMENT_STATUSES.map((s) => ({ value: s, label: DEPLOYMENT_STATUS_LABELS[s] }))}
          />
          <DateInput
            id="effectiveOn"
            name="effectiveOn"
            label="Date its first status starts"
            hint={`The day the deployment first had the status above; its history starts here, and later changes cannot be dated before it. No later than the reporting date, ${formatDate(loaderData.reportingDate)}`}
            defaultValue={values.effectiveOn ?? loaderData.reportingDate}
            error={errors.effectiveOn}
          />
          <Textarea id="notes" name="notes" label="Notes (optional)" rows={3} defaultValue={values.notes ?? ""} error={errors.notes} />
          <Button type="submit" disabled={navigation.state === "submitting"}>
            Add deployment
          </Button>
        </Form>
      </div>
    </div>
  );
}
