import type { ReactNode } from "react";
import { Form, Link } from "@remix-run/react";
import { Button, DateInput, ErrorSummary, Radios, Select, TextInput, Textarea } from "~/components/nhs";
import { INDEMNITY_STATUSES } from "../../../db/schema/enums";
import { STORED_COVER_STATUS_LABELS } from "~/models/indemnity.labels";

/** The CCG's form for indemnity cover: new cover (with the organisation), a renewal, or a change. */
export function CoverForm({
  values,
  errors,
  organisations,
  submitLabel,
  cancelHref,
  intent,
  withErrorSummary = true,
  children,
}: {
  values: Record<string, string>;
  errors: Record<string, string>;
  /** Given for new cover only: the GP practices the CCG indemnifies. */
  organisations?: { id: number; name: string; odsCode: string }[];
  submitLabel: string;
  cancelHref: string;
  /** Sent as the form's `intent` when the page has more than one form. */
  intent?: string;
  /** False when the page shows one error summary for all its forms. */
  withErrorSummary?: boolean;
  /** More fields, after the cover's own and before the buttons. */
  children?: ReactNode;
}) {
  return (
    <>
      {withErrorSummary ? <ErrorSummary errors={errors} /> : null}
      <Form method="post" noValidate>
        {intent ? <input type="hidden" name="intent" value={intent} /> : null}
        {organisations ? (
          <Select
            id="organisationId"
            name="organisationId"
            label="GP practice"
            hint="The CCG indemnifies GP practices against claims of illegal sharing, not the organisations that view their records"
            emptyOption="Choose a practice"
            options={organisations.map((o) => ({ value: String(o.id), label: `${o.name} (${o.odsCode})` }))}
            defaultValue={values.organisationId ?? ""}
            error={errors.organisationId}
          />
        ) : null}
        <Textarea id="scope" name="scope" label="What the cover indemnifies" rows={2} defaultValue={values.scope} error={errors.scope} />
        <DateInput id="startOn" name="startOn" label="Start date" defaultValue={values.startOn} error={errors.startOn} />
        <DateInput id="endOn" name="endOn" label="End date" hint="The last day of cover, as signed" defaultValue={values.endOn} error={errors.endOn} />
        <Radios
          id="status"
          name="status"
          label="Status"
          legendSize="s"
          items={INDEMNITY_STATUSES.map((s) => ({ value: s, label: STORED_COVER_STATUS_LABELS[s] }))}
          defaultValue={values.status}
          error={errors.status}
        />
        <TextInput id="documentReference" name="documentReference" label="Document reference (optional)" width={20} code defaultValue={values.documentReference} error={errors.documentReference} />
        <TextInput id="signedBy" name="signedBy" label="Signed for the CCG by" hint="Name and role. Needed for active cover." defaultValue={values.signedBy} error={errors.signedBy} />
        {children}
        <div className="nhsuk-button-group">
          <Button type="submit">{submitLabel}</Button>
          <Link to={cancelHref}>Cancel</Link>
        </div>
      </Form>
    </>
  );
}
