import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { BackLink, Button, DateInput, ErrorSummary, Radios, TextInput, Textarea } from "~/components/nhs";
import { redirectWithFlash } from "~/lib/flash.server";
import { formToObject, parseWith } from "~/lib/forms";
import { requireRole } from "~/lib/session.server";
import { AGREEMENT_MANAGERS, agreementManagerAction, requireAgreementManager } from "~/lib/agreement-access.server";
import { dpiaFor, saveDpia } from "~/models/agreement-changes.server";
import { DpiaSchema } from "~/models/agreements.schema";
import { DPIA_STATUS_LABELS, RISK_LABELS } from "~/models/agreements.labels";
import { runGovernance } from "~/models/governance-errors.server";
import { DPIA_STATUSES, RISK_LEVELS } from "../../db/schema/enums";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `DPIA for ${data?.reference ?? "agreement"} – ShareBoard` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, AGREEMENT_MANAGERS, context);
  const reference = params.reference!;
  const found = dpiaFor({ reference });
  if (!found) throw new Response("Not found", { status: 404 });
  requireAgreementManager(user, reference, { request, context });
  const d = found.dpia;
  return {
    reference,
    version: found.agreement.version,
    title: found.agreement.title,
    values: {
      reference: d?.reference ?? "",
      status: d?.status ?? "not_started",
      notRequiredReason: d?.notRequiredReason ?? "",
      completedOn: d?.completedOn ?? "",
      residualRisk: d?.residualRisk ?? "",
      icoConsultedOn: d?.icoConsultedOn ?? "",
      notes: d?.notes ?? "",
    } as Record<string, string>,
  };
}

export async function action(args: ActionFunctionArgs) {
  const { request, context } = args;
  const { user, reference, form, actor } = await agreementManagerAction(args);
  const values = formToObject(form) as Record<string, string>;
  const parsed = parseWith(DpiaSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  const result = runGovernance(() => saveDpia({ actor, user, reference, input: parsed.data }), { user, request, context });
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  return redirectWithFlash(`/agreements/${encodeURIComponent(reference)}`, `The DPIA for ${reference} was saved.`);
}

export default function DpiaPage() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const values = actionData?.values ?? loaded.values;
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
          Data protection impact assessment
        </h1>
        <p>
          A DPIA is needed before processing likely to be high risk, such as large-scale sharing of health data. Revisit it when the purpose, method or
          parties change.
        </p>
        <Form method="post" noValidate>
          <TextInput id="reference" name="reference" label="DPIA reference" width={20} code defaultValue={values.reference} error={errors.reference} />
          <Radios
            id="status"
            name="status"
            label="Status"
            legendSize="s"
            items={DPIA_STATUSES.map((s) => ({ value: s, label: DPIA_STATUS_LABELS[s] }))}
            defaultValue={values.status}
            error={errors.status}
          />
          <Textarea
            id="notRequiredReason"
            name="notRequiredReason"
            label="If not required, why"
            rows={3}
            defaultValue={values.notRequiredReason}
            error={errors.notRequiredReason}
          />
          <DateInput id="completedOn" name="completedOn" label="Date completed" hint="Only for a completed DPIA" defaultValue={values.completedOn} error={errors.completedOn} />
          <Radios
            id="residualRisk"
            name="residualRisk"
            label="Residual risk after mitigation"
            legendSize="s"
            hint="If high risk remains, the ICO must be consulted before processing starts."
            inline
            items={RISK_LEVELS.map((r) => ({ value: r, label: RISK_LABELS[r] }))}
            defaultValue={values.residualRisk}
            error={errors.residualRisk}
          />
          <DateInput id="icoConsultedOn" name="icoConsultedOn" label="Date the ICO was consulted (if it was)" defaultValue={values.icoConsultedOn} error={errors.icoConsultedOn} />
          <Textarea id="notes" name="notes" label="Notes (optional)" rows={4} defaultValue={values.notes} error={errors.notes} />
          <div className="nhsuk-button-group">
            <Button type="submit">Save the DPIA</Button>
            <Link to={href}>Cancel</Link>
          </div>
        </Form>
      </div>
    </div>
  );
}
