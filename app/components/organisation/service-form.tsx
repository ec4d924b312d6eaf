import { Form, useNavigation } from "@remix-run/react";
import { Button, ErrorSummary, TextInput, Textarea } from "~/components/nhs";

export function ServiceForm({ values, errors, submitLabel }: { values: Partial<Record<string, string | null>>; errors: Record<string, string>; submitLabel: string }) {
  const navigation = useNavigation();
  return (
    <Form method="post" noValidate>
      <ErrorSummary errors={errors} />
      <TextInput id="name" name="name" label="Service name" hint="For example, Extended access hub – Wigan" defaultValue={values.name ?? ""} error={errors.name} />
      <TextInput id="category" name="category" label="Category (optional)" hint="For example, Urgent care, Community nursing, Social care" width={20} defaultValue={values.category ?? ""} error={errors.category} />
      <Textarea id="description" name="description" label="Description (optional)" rows={3} defaultValue={values.description ?? ""} error={errors.description} />
      <Button type="submit" disabled={navigation.state === "submitting"}>
        {submitLabel}
      </Button>
    </Form>
  );
}
