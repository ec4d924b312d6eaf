import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form } from "@remix-run/react";
import { BackLink, Button, ErrorSummary, Radios, TextInput, Textarea } from "~/components/nhs";
import { redirectWithFlash } from "~/lib/flash.server";
import { readForm, refusedForm } from "~/lib/form-action.server";
import { actorFor, requireRole } from "~/lib/session.server";
import { useFormResult } from "~/lib/use-form-result";
import { addMaturityFramework } from "~/models/maturity.server";

export const meta: MetaFunction = () => [{ title: "Add a maturity framework – ShareBoard" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, "admin", context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "admin", context);
  const { values } = await readForm(request);
  const result = addMaturityFramework({ actor: actorFor(user, request, context), input: values });
  if (!result.ok) return refusedForm(result.errors, values);
  return redirectWithFlash(`/maturity?framework=${encodeURIComponent(result.code)}`, `The framework has been added. Assessments can now be recorded against it.`);
}

export default function NewFramework() {
  const { errors, values, submitting } = useFormResult();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/maturity">Back to digital maturity</BackLink>
        <ErrorSummary errors={errors} />
        <h1>Add a maturity framework</h1>
        <p>A framework scores organisations on a set of dimensions, each on the same scale. Its dimensions cannot be changed once assessments use them.</p>
        <Form method="post" noValidate>
          <TextInput id="name" name="name" label="Name" hint="For example Digital Maturity Assessment 2019" defaultValue={values.name ?? ""} error={errors.name} />
          <TextInput id="code" name="code" label="Short code" hint="Lower-case letters, digits, hyphens or underscores, for example dma2019. It appears in addresses and CSV files." width={20} code defaultValue={values.code ?? ""} error={errors.code} />
          <Textarea id="description" name="description" label="Description (optional)" rows={3} defaultValue={values.description ?? ""} error={errors.description} />
          <TextInput id="scaleMin" name="scaleMin" label="Lowest score" inputMode="decimal" width={5} defaultValue={values.scaleMin ?? ""} error={errors.scaleMin} />
          <TextInput id="scaleMax" name="scaleMax" label="Highest score" inputMode="decimal" width={5} defaultValue={values.scaleMax ?? ""} error={errors.scaleMax} />
          <Radios
            id="wholeNumbers"
            name="wholeNumbers"
            label="Are scores whole numbers?"
            inline
            defaultValue={values.wholeNumbers ?? null}
            items={[
              { value: "yes", label: "Yes, whole levels only" },
              { value: "no", label: "No, part scores are allowed" },
            ]}
            error={errors.wholeNumbers}
          />
          <Textarea id="dimensions" name="dimensions" label="Dimensions" hint="One per line, in the order they should appear" rows={7} defaultValue={values.dimensions ?? ""} error={errors.dimensions} />
          <Button type="submit" disabled={submitting}>
            Add the framework
          </Button>
        </Form>
      </div>
    </div>
  );
}
