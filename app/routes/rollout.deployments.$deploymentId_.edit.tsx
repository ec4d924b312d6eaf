import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Button, DateInput, TextInput, Textarea } from "~/components/nhs";
import { DeploymentFormPage } from "~/components/rollout/deployment-form-page";
import { redirectWithFlash } from "~/lib/flash.server";
import { handleForm, notFound } from "~/lib/form-action.server";
import { actorFor, requireRole } from "~/lib/session.server";
import { useFormResult } from "~/lib/use-form-result";
import { deploymentOfParam, updateDeployment } from "~/models/rollout.server";
import { DeploymentEditSchema } from "~/models/rollout.schema";

export const meta: MetaFunction = () => [{ title: "Edit a deployment – ShareBoard" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, "programme", context);
  return { deployment: deploymentOfParam(params.deploymentId) ?? notFound() };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "programme", context);
  const deployment = deploymentOfParam(params.deploymentId) ?? notFound();
  return handleForm(request, DeploymentEditSchema, (input) => {
    updateDeployment({ actor: actorFor(user, request, context), id: deployment.id, input });
    return redirectWithFlash(`/rollout/deployments/${deployment.id}`, "The deployment has been updated.");
  });
}

export default function EditDeployment() {
  const { deployment: d } = useLoaderData<typeof loader>();
  const { errors, values, submitting } = useFormResult({ plannedGoLive: d.plannedGoLive ?? "", owner: d.owner ?? "", notes: d.notes ?? "" });
  return (
    <DeploymentFormPage deployment={d} title="Edit the plan, owner and notes" errors={errors}>
      <Form method="post" noValidate>
        <DateInput id="plannedGoLive" name="plannedGoLive" label="Planned go-live date (optional)" defaultValue={values.plannedGoLive ?? ""} error={errors.plannedGoLive} />
        <TextInput id="owner" name="owner" label="Owner (optional)" width={20} defaultValue={values.owner ?? ""} error={errors.owner} />
        <Textarea id="notes" name="notes" label="Notes (optional)" rows={3} defaultValue={values.notes ?? ""} error={errors.notes} />
        <Button type="submit" disabled={submitting}>
          Save changes
        </Button>
      </Form>
    </DeploymentFormPage>
  );
}
