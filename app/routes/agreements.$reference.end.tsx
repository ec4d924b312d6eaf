import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { BackLink, Button, DateInput, ErrorSummary, Radios, Textarea } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { requireRole } from "~/lib/session.server";
import { AGREEMENT_MANAGERS, agreementManagerAction, requireAgreementManager } from "~/lib/agreement-access.server";
import { activeVersionOf, endAgreement } from "~/models/agreement-changes.server";
import { EndAgreementSchema } from "~/models/agreements.schema";
import { runGovernance } from "~/models/governance-errors.server";
import { getReportingDate } from "~/models/settings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `End ${data?.reference ?? "agreement"} – ShareBoard` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, AGREEMENT_MANAGERS, context);
  const reference = params.reference!;
  const active = activeVersionOf({ reference });
  if (!active) throw new Response("Not found", { status: 404 });
  requireAgreementManager(user, reference, { request, context });
  return { reference, version: active.version, title: active.title, defaults: { endedOn: getReportingDate() } as Record<string, string> };
}

export async function action(args: ActionFunctionArgs) {
  const { request, context } = args;
  const { user, reference, form, actor } = await agreementManagerAction(args);
  const values = formToObject(form) as Record<string, string>;
  const parsed = parseWith(EndAgreementSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  const result = runGovernance(() => endAgreement({ actor, user, reference, input: parsed.data }), { user, request, context });
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  const { endedOn, status } = parsed.data;
  const message =
    endedOn > getReportingDate()
      ? `${reference} will be ${status === "expired" ? "expired" : "terminated"} from ${formatDate(endedOn)}. It stays in force until then, and from that date it covers nothing.`
      : `${reference} was recorded as ${status} from ${formatDate(endedOn)}. From that date it covers nothing.`;
  return redirectWithFlash(`/agreements/${encodeURIComponent(reference)}`, message);
}

export default function EndAgreementPage() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const values = { ...loaded.defaults, ...(actionData?.values ?? {}) };
  const href = `/agreements/${encodeURIComponent(loaded.reference)}`;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={href}>Back to {loaded.reference}</BackLink>
        <ErrorSummary errors={errors} />
        <h1>
          <span className="nhsuk-caption-l">
            {loaded.reference} version {loaded.version}
          </span>
          End the agreement
        </h1>
        <p>{loaded.title}. From the end date it no longer covers any deployment, and live sharing under it shows as an exception.</p>
        <Form method="post" noValidate>
          <Radios
            id="status"
            name="status"
            label="How it ended"
            legendSize="s"
            items={[
              { value: "expired", label: "Expired", hint: "It reached the end of its term" },
              { value: "terminated", label: "Terminated", hint: "The parties ended it early" },
            ]}
            defaultValue={values.status}
            error={errors.status}
          />
          <DateInput
            id="endedOn"
            name="endedOn"
            label="End date"
            hint={`The reporting date, ${formatDate(loaded.defaults.endedOn!)}, or later if it will end on a set date. It stays in force until then.`}
            defaultValue={values.endedOn} error={errors.endedOn} />
          <Textarea id="endReason" name="endReason" label="Why it ended" rows={3} defaultValue={values.endReason} error={errors.endReason} />
          <div className="nhsuk-button-group">
            <Button type="submit" variant="warning">
              End the agreement
            </Button>
            <Link to={href}>Cancel</Link>
          </div>
        </Form>
      </div>
    </div>
  );
}
