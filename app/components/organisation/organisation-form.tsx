import { Form, useNavigation } from "@remix-run/react";
import { Button, DateInput, ErrorSummary, Radios, Select, TextInput } from "~/components/nhs";
import { formatDate, formatDateExample } from "~/lib/dates";
import { DSPT_STATUS_LABELS, ORGANISATION_TYPE_LABELS } from "~/models/rollout.labels";
import { DSPT_STATUSES, ORGANISATION_STATUSES, ORGANISATION_TYPES } from "../../../db/schema/enums";

export type OrganisationFormValues = Partial<Record<string, string | number | boolean | null>>;

const STATUS_LABELS: Record<(typeof ORGANISATION_STATUSES)[number], string> = { active: "Active", closed: "Closed", dormant: "Dormant", proposed: "Proposed" };

/**
 * Add or edit an organisation (programme team). Values are what was saved or what was typed.
 * `reportingDate` (editing only) asks the date a new name or private-provider answer takes effect.
 */
export function OrganisationForm({ values, errors, submitLabel, reportingDate }: { values: OrganisationFormValues; errors: Record<string, string>; submitLabel: string; reportingDate?: string }) {
  const navigation = useNavigation();
  const text = (key: string) => (values[key] === null || values[key] === undefined ? "" : String(values[key]));
  return (
    <Form method="post" noValidate>
      <ErrorSummary errors={errors} />
      <TextInput id="odsCode" name="odsCode" label="ODS code" hint="A letter and 5 digits for a GP practice (P92001); 3 characters for a trust or CCG (RRF)" width={10} code defaultValue={text("odsCode")} error={errors.odsCode} autoComplete="off" spellCheck={false} />
      <TextInput id="name" name="name" label="Name" defaultValue={text("name")} error={errors.name} />
      <Select id="type" name="type" label="Type" emptyOption="Choose a type" defaultValue={text("type")} error={errors.type} options={ORGANISATION_TYPES.map((t) => ({ value: t, label: ORGANISATION_TYPE_LABELS[t] }))} />
      <TextInput id="locality" name="locality" label="Locality (optional)" width={20} defaultValue={text("locality")} error={errors.locality} />
      <Radios
        id="nhsBadgedPrivate"
        name="nhsBadgedPrivate"
        label="Is it a private organisation working under the NHS badge?"
        hint="For example a community pharmacy company or a GP federation run as a company, providing NHS-funded care. Pages mark it “Private provider (NHS-funded)”."
        error={errors.nhsBadgedPrivate}
        inline
        small
        defaultValue={values.nhsBadgedPrivate === true || values.nhsBadgedPrivate === "yes" ? "yes" : "no"}
        items={[
          { value: "yes", label: "Yes" },
          { value: "no", label: "No" },
        ]}
      />
      {reportingDate ? (
        <DateInput
          id="effectiveOn"
          name="effectiveOn"
          label="If you changed the name or the NHS badge answer, when did the change take effect?"
          hint={`Figures and reports for dates before this keep the old name and answer. From 1 January 2000 to the reporting date, ${formatDate(reportingDate)}. For example, ${formatDateExample(reportingDate)}`}
          defaultValue={text("effectiveOn") || reportingDate}
          error={errors.effectiveOn}
        />
      ) : null}
      <TextInput id="listSize" name="listSize" label="Registered list size (optional)" hint="GP practices only: patients on the practice list" width={10} inputMode="numeric" defaultValue={text("listSize")} error={errors.listSize} />
      <DateInput id="signedUpOn" name="signedUpOn" label="Date it signed up to the programme (optional)" defaultValue={text("signedUpOn")} error={errors.signedUpOn} />
      <Select id="dsptStatus" name="dsptStatus" label="DSPT status (optional)" emptyOption="Not recorded" defaultValue={text("dsptStatus")} error={errors.dsptStatus} options={DSPT_STATUSES.map((s) => ({ value: s, label: DSPT_STATUS_LABELS[s] }))} />
      <TextInput id="dsptYear" name="dsptYear" label="DSPT year (optional)" hint="For example, 2016/17" width={5} defaultValue={text("dsptYear")} error={errors.dsptYear} />
      <Select id="status" name="status" label="Status" defaultValue={text("status") || "active"} error={errors.status} options={ORGANISATION_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))} />
      <TextInput id="postcode" name="postcode" label="Postcode (optional)" width={10} autoComplete="postal-code" defaultValue={text("postcode")} error={errors.postcode} />
      <Button type="submit" disabled={navigation.state === "submitting"}>
        {submitLabel}
      </Button>
    </Form>
  );
}
