import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BackLink, Button, DateInput, ErrorSummary, TextInput, Textarea } from "~/components/nhs";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { getDeployment, updateDeployment } from "~/models/rollout.server";
import { DeploymentEditSchema } from "~/models/rollout.schema";

export const meta: MetaFunction = () => [{ title: "Edit a deployment – ShareBoard" }];

function deploymentOr404(raw: string | undefined) {
  const id = Number(raw);
  const deployment = Number.isInteger(id) && id > 0 ? getDeployment({ id }) : null;
  if (!deployment) throw new Response("Not found", { status: 404 });
  return deployment;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, "programme", context);
  return { deployment: deploymentOr404(params.deploymentId) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "programme", context);
  const deployment = deploymentOr404(params.deploymentId);
  const form = await request.formData();
  const values = formToObject(form) as Record<string, string>;
  const parsed = parseWith(DeploymentEditSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  updateDeployment({ actor: actorFor(user, request, context), id: deployment.id, input: parsed.data });
  return redirectWithFlash(`/rollout/deployments/${deployment.id}`, "The deployment has been updated.");
}

export default function EditDeployment() {
  const { deployment: d } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const values: Record<string, string> = actionData?.values ?? { plannedGoLive: d.plannedGoLive ?? "", owner: d.owner ?? "", notes: d.notes ?? "" };
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={`/rollout/deployments/${d.id}`}>Back to the deployment</BackLink>
        <ErrorSummary errors={errors} />
        <h1>
          <span className="nhsuk-caption-l">
            {d.capabilityName} at {d.serviceName}
          </span>
          Edit the plan, owner and notes
        </h1>
        <Form method="post" noValidate>
          <DateInput id="plannedGoLive" name="plannedGoLive" label="Planned go-live date (optional)" defaultValue={values.plannedGoLive ?? ""} error={errors.plannedGoLive} />
          <TextInput id="owner" name="owner" label="Owner (optional)" width={20} defaultValue={values.owner ?? ""} error={errors.owner} />
          <Textarea id="notes" name="notes" label="Notes (optional)" rows={3} defaultValue={values.notes ?? ""} error={errors.notes} />
          <Button type="submit" disabled={navigation.state === "submitting"}>
            Save changes
          </Button>
        </Form>
      </div>
    </div>
  );
}
