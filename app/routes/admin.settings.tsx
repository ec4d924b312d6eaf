import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { Button, DateInput, ErrorSummary, TextInput } from "~/components/nhs";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { getSettings, updateSettings } from "~/models/settings.server";
import { SettingsFormSchema } from "~/models/settings.schema";

export const meta: MetaFunction = () => [{ title: "Settings – Admin – ShareBoard" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, "admin", context);
  return { settings: getSettings() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "admin", context);
  const form = await request.formData();
  const parsed = parseWith(SettingsFormSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values: formToObject(form) as Record<string, string> }, { status: 400 });
  updateSettings(actorFor(user, request, context), parsed.data);
  return redirectWithFlash("/admin/settings", "Settings saved. Every page now uses them.");
}

export default function Settings() {
  const { settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result?.errors ?? {};
  const value = (key: keyof typeof settings) => (result?.values?.[key] ?? String(settings[key])) as string;
  return (
    <>
      <h1>Settings</h1>
      <AdminNav />
      <ErrorSummary errors={errors} />
      <Form method="post" noValidate>
        <TextInput id="partnership_name" name="partnership_name" label="Partnership name" defaultValue={value("partnership_name")} error={errors.partnership_name} />
        <DateInput
          id="reporting_date"
          name="reporting_date"
          label="Reporting date"
          hint="Everything due, late or expiring is judged against this date. Leave it empty to use today's date."
          defaultValue={value("reporting_date")}
          error={errors.reporting_date}
        />
        <TextInput id="opt_in_target_percent" name="opt_in_target_percent" label="Borough opt-in target (%)" width={4} inputMode="decimal" defaultValue={value("opt_in_target_percent")} error={errors.opt_in_target_percent} />
        <TextInput
          id="maturity_low_threshold_percent"
          name="maturity_low_threshold_percent"
          label="Low digital maturity threshold (% of the framework's scale)"
          hint="An organisation whose overall score is below this share of the scale, with roll-out planned, is flagged as at risk"
          width={4}
          inputMode="decimal"
          defaultValue={value("maturity_low_threshold_percent")}
          error={errors.maturity_low_threshold_percent}
        />
        <TextInput id="case_sla_working_days" name="case_sla_working_days" label="Business case service level (working days per stage)" width={4} inputMode="numeric" defaultValue={value("case_sla_working_days")} error={errors.case_sla_working_days} />
        <TextInput id="indemnity_warning_days" name="indemnity_warning_days" label="Warn about indemnity cover ending within (days)" width={4} inputMode="numeric" defaultValue={value("indemnity_warning_days")} error={errors.indemnity_warning_days} />
        <TextInput id="agreement_review_notice_days" name="agreement_review_notice_days" label="Agreement review notice (days before the review date)" width={4} inputMode="numeric" defaultValue={value("agreement_review_notice_days")} error={errors.agreement_review_notice_days} />
        <Button type="submit">Save settings</Button>
      </Form>
    </>
  );
}
