import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Button, ErrorSummary, Radios } from "~/components/nhs";
import { redirectWithFlash } from "~/lib/flash.server";
import { parseWith } from "~/lib/forms";
import { actorFor, requireUser } from "~/lib/session.server";
import { preferencesFor, savePreferences } from "~/models/notifications.server";
import { PreferencesFormSchema } from "~/models/notifications.schema";
import { EMAIL_CHOICE_LABELS } from "~/models/notifications.labels";

export const meta: MetaFunction = () => [{ title: "Notification settings – ShareBoard" }];

/** Every signed-in user chooses, for each kind they can receive, how it is e-mailed. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { preferences: preferencesFor({ user }), email: user.email };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = parseWith(PreferencesFormSchema, await request.formData());
  if (!parsed.ok) return data({ errors: parsed.errors }, { status: 400 });
  const { changed } = savePreferences({ actor: actorFor(user, request, context), user, choices: parsed.data });
  return redirectWithFlash("/settings/notifications", changed === 0 ? "Nothing changed: your notification settings are as they were." : "Your notification settings have been saved.");
}

export default function NotificationSettings() {
  const { preferences, email } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result?.errors ?? {};
  return (
    <>
      <h1>Notification settings</h1>
      <ErrorSummary errors={errors} />
      <p className="nhsuk-body-l">Choose how you hear about each thing ShareBoard tells you about.</p>
      <p>
        Everything always appears on your <Link to="/notifications">notifications page</Link>. These choices are only about e-mail to{" "}
        <strong>{email}</strong>: straight away, gathered into one weekly e-mail sent on Mondays, or not at all.
      </p>
      <Form method="post" noValidate>
        {preferences.map((p) => (
          <Radios
            key={p.kind}
            id={p.kind}
            name={p.kind}
            label={p.label}
            legendSize="s"
            hint={`Who gets it: ${p.who}.`}
            error={errors[p.kind]}
            defaultValue={p.email}
            items={p.choices.map((c) => ({ value: c, label: p.kind === "weekly_digest" && c === "immediate" ? "E-mail me the weekly digest" : EMAIL_CHOICE_LABELS[c] }))}
          />
        ))}
        <Button>Save settings</Button>
      </Form>
    </>
  );
}
