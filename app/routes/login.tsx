import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { Button, ErrorSummary, TextInput } from "~/components/nhs";
import { parseWith } from "~/lib/forms";
import { anonymousActor, clientIp } from "~/lib/request.server";
import { getCurrentUser, safeRedirect, signInAndRedirect } from "~/lib/session.server";
import { SignInSchema } from "~/models/auth.schema";
import { attemptSignIn } from "~/models/sign-in.server";

export const meta: MetaFunction = () => [{ title: "Sign in – ShareBoard" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request);
  if (user) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const parsed = parseWith(SignInSchema, form);
  const email = String(form.get("email") ?? "");
  if (!parsed.ok) return data({ errors: parsed.errors, email }, { status: 400 });
  const result = await attemptSignIn({
    email: parsed.data.email,
    password: parsed.data.password,
    ip: clientIp(request, context),
    actor: anonymousActor(request, context),
  });
  if (result.kind === "throttled") {
    const minutes = result.retryAfterSeconds > 60;
    const wait = minutes ? `${Math.ceil(result.retryAfterSeconds / 60)} minutes` : `${result.retryAfterSeconds} seconds`;
    return data(
      { errors: { email: `Too many sign-in attempts. Wait ${wait}, then try again.` }, email },
      { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } },
    );
  }
  if (result.kind === "invalid") {
    return data({ errors: { email: "Enter a correct email address and password" }, email }, { status: 400 });
  }
  return signInAndRedirect({ request, userId: result.userId, redirectTo: safeRedirect(parsed.data.redirectTo), context });
}

export default function Login() {
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const errors: Record<string, string> = actionData?.errors ?? {};
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        <h1>Sign in to ShareBoard</h1>
        <p>
          ShareBoard tracks the roll-out, governance and consent of the partnership&apos;s shared care record. Sign in with the
          account your administrator gave you.
        </p>
        <Form method="post" noValidate>
          <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
          <TextInput
            id="email"
            name="email"
            label="Email address"
            type="email"
            autoComplete="username"
            spellCheck={false}
            defaultValue={actionData?.email ?? ""}
            error={errors.email}
          />
          <TextInput
            id="password"
            name="password"
            label="Password"
            type="password"
            autoComplete="current-password"
            error={errors.password}
          />
          <Button type="submit" disabled={navigation.state === "submitting"}>
            Sign in
          </Button>
        </Form>
        <p>
          Not part of the partnership? <Link to="/transparency">See how local health and care services share your record</Link>.
        </p>
      </div>
    </div>
  );
}
