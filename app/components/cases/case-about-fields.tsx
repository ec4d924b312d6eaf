import { Radios, TextInput, Textarea } from "~/components/nhs";
import { choicesFor, str, type FieldsProps } from "./case-form-parts";

// The first section on its own, for the new-case page, which asks only this.
export function AboutFields({ values, errors, options }: FieldsProps) {
  return (
    <>
      <TextInput id="title" name="title" label="Title" hint="A short name for the proposal, for example 'Out of hours access to end of life care plans'." defaultValue={str(values, "title")} error={errors.title} />
      <Textarea id="summary" name="summary" label="What do you propose, and why?" hint="Say who would see or receive which records, and the problem this solves for patients and staff." defaultValue={str(values, "summary")} error={errors.summary} />
      <Radios
        id="purpose"
        name="purpose"
        label="What is the sharing for?"
        hint="Direct care means caring for the individual patient. Planning and research use information about groups of people and need a different legal basis."
        items={choicesFor(options, "purpose")}
        defaultValue={str(values, "purpose")}
        error={errors.purpose}
      />
    </>
  );
}
