import { Form } from "@remix-run/react";
import type { ComponentType } from "react";
import { Button } from "~/components/nhs";
import type { CaseChoice, CaseFormValues } from "~/models/cases.labels";

// What every section of the case form shares: its props, the value helpers and the form around its
// questions. Each section's questions are elsewhere (case-form.tsx; the first in case-about-fields.tsx).

export type CaseFormOptions = {
  organisations: { id: number; name: string; odsCode: string; type: string }[];
  services: { id: number; name: string; organisationName: string }[];
  capabilities: { id: number; name: string }[];
  /** The shown section's answers in words, by field name, and the Caldicott principles (caseFormChoices). */
  choices: Record<string, CaseChoice[]>;
  principles: { key: string; text: string }[];
};

export const str = (values: CaseFormValues, key: string) => {
  const v = values[key];
  return typeof v === "string" ? v : Array.isArray(v) ? (v[0] ?? "") : "";
};
export const arr = (values: CaseFormValues, key: string) => {
  const v = values[key];
  return Array.isArray(v) ? v : typeof v === "string" && v ? [v] : [];
};
/** A question's answers, as the loader sent them with its section. */
export const choicesFor = (options: CaseFormOptions, field: string) => {
  const list = options.choices[field];
  if (!list) throw new Error(`No answers were sent for the question ${field}: its section's loader must send caseFormChoices(slug).`);
  return list;
};

export type FieldsProps = { values: CaseFormValues; errors: Record<string, string>; options: CaseFormOptions };

/**
 * One section of the business case as a plain form around its questions (`Fields`). "Save and
 * continue" needs the section's questions answered; "Save and come back later" keeps whatever is entered.
 */
export function SectionForm({
  Fields,
  values,
  errors,
  options,
  version,
  submitting,
  optional,
}: FieldsProps & { Fields: ComponentType<FieldsProps>; version?: number; submitting?: boolean; optional?: boolean }) {
  return (
    <Form method="post" noValidate key={version ?? "new"}>
      {version !== undefined ? <input type="hidden" name="version" value={version} /> : null}
      <Fields values={values} errors={errors} options={options} />
      <div className="nhsuk-button-group">
        <Button name="intent" value="continue" disabled={submitting}>
          Save and continue
        </Button>
        {optional ? null : (
          <Button name="intent" value="later" variant="secondary" disabled={submitting}>
            Save and come back later
          </Button>
        )}
      </div>
    </Form>
  );
}
