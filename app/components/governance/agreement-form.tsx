import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { Button, Checkboxes, DateInput, ErrorSummary, Fieldset, Radios, Select, TextInput, Textarea } from "~/components/nhs";
import {
  AGREEMENT_PURPOSES,
  ARTICLE_6_BASES,
  ARTICLE_9_CONDITIONS,
  COMMON_LAW_BASES,
  CONSENT_MODELS,
  PARTY_ROLES,
} from "../../../db/schema/enums";
import {
  ARTICLE_6_LABELS,
  ARTICLE_9_LABELS,
  COMMON_LAW_LABELS,
  CONSENT_MODEL_LABELS,
  DEFAULT_REVIEW_INTERVAL_MONTHS,
  NO_ARTICLE_9,
  PARTY_ROLE_LABELS,
  PURPOSE_LABELS,
} from "~/models/agreements.labels";

/** What the form shows: strings as typed (or loaded), repeated fields as lists. */
export type AgreementFormValues = Record<string, string | string[] | undefined>;

export type AgreementFormOptions = {
  organisations: { id: number; name: string; odsCode: string }[];
  coverage: { value: string; label: string }[];
};

/** A new agreement starts from the usual direct-care position: 6(1)(e) with 9(2)(h). */
export const NEW_AGREEMENT_DEFAULTS: AgreementFormValues = {
  purpose: "direct_care",
  article6Basis: "6_1_e",
  article9Condition: "9_2_h",
  commonLawBasis: "implied_consent",
  consentModel: "opt_in_point_of_care",
  reviewIntervalMonths: String(DEFAULT_REVIEW_INTERVAL_MONTHS),
};

const text = (values: AgreementFormValues, name: string) => {
  const v = values[name];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
};
const list = (values: AgreementFormValues, name: string) => {
  const v = values[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

/** How many party rows to show: the ones filled in, plus blank ones to add more. */
export function partyRowCount(values: AgreementFormValues, extra = 0) {
  const all = list(values, "partyOrganisationId");
  return Math.max(all.length, all.filter(Boolean).length + 2, 4) + extra;
}

export function AgreementForm({
  mode,
  values,
  errors,
  options,
  rows,
  cancelHref,
  intro,
  beforeSubmit,
}: {
  mode: "new" | "edit";
  values: AgreementFormValues;
  errors: Record<string, string>;
  options: AgreementFormOptions;
  rows: number;
  cancelHref: string;
  intro?: ReactNode;
  /** Shown inside the form just above its buttons (a confirmation the save needs, say). */
  beforeSubmit?: ReactNode;
}) {
  const orgs = list(values, "partyOrganisationId");
  const roles = list(values, "partyRole");
  const organisationOptions = options.organisations.map((o) => ({ value: String(o.id), label: `${o.name} (${o.odsCode})` }));
  return (
    <>
      <ErrorSummary errors={errors} />
      {intro}
      <Form method="post" noValidate>
        <input type="hidden" name="rows" value={rows} />
        {mode === "new" ? (
          <TextInput
            id="reference"
            name="reference"
            label="Reference"
            hint="Letters, numbers and hyphens, for example ISA-006. Every version keeps this reference."
            width={10}
            code
            defaultValue={text(values, "reference")}
            error={errors.reference}
          />
        ) : null}
        <TextInput id="title" name="title" label="Title" defaultValue={text(values, "title")} error={errors.title} />
        <Radios
          id="purpose"
          name="purpose"
          label="Purpose of the sharing"
          legendSize="s"
          inline
          items={AGREEMENT_PURPOSES.map((p) => ({ value: p, label: PURPOSE_LABELS[p] }))}
          defaultValue={text(values, "purpose")}
          error={errors.purpose}
        />
        <Radios
          id="article6Basis"
          name="article6Basis"
          label="UK GDPR Article 6 lawful basis"
          legendSize="s"
          hint="Direct care is normally 6(1)(e) public task, with 9(2)(h) below."
          items={ARTICLE_6_BASES.map((b) => ({
            value: b,
            label: ARTICLE_6_LABELS[b],
            hint: b === "6_1_e" ? "Usual for direct care by public bodies" : b === "6_1_f" ? "Public authorities cannot rely on this for their tasks" : undefined,
          }))}
          small
          defaultValue={text(values, "article6Basis")}
          error={errors.article6Basis}
        />
        <Radios
          id="article9Condition"
          name="article9Condition"
          label="UK GDPR Article 9 condition for special category (health) data"
          legendSize="s"
          hint="Direct care is normally 9(2)(h)."
          items={[
            ...ARTICLE_9_CONDITIONS.map((c) => ({ value: c, label: ARTICLE_9_LABELS[c], hint: c === "9_2_h" ? "Usual for direct care" : undefined })),
            { divider: "or" },
            { value: NO_ARTICLE_9, label: "No special category data is shared" },
          ]}
          small
          defaultValue={text(values, "article9Condition")}
          error={errors.article9Condition}
        />
        <Radios
          id="commonLawBasis"
          name="commonLawBasis"
          label="How the common law duty of confidentiality is met"
          legendSize="s"
          items={COMMON_LAW_BASES.map((b) => ({ value: b, label: COMMON_LAW_LABELS[b] }))}
          small
          defaultValue={text(values, "commonLawBasis")}
          error={errors.commonLawBasis}
        />
        <Radios
          id="consentModel"
          name="consentModel"
          label="Consent model"
          legendSize="s"
          hint="Opt-in at the point of care is a local choice on top of the legal basis. The National Data Opt-out does not apply to direct care."
          items={CONSENT_MODELS.map((m) => ({ value: m, label: CONSENT_MODEL_LABELS[m] }))}
          small
          defaultValue={text(values, "consentModel")}
          error={errors.consentModel}
        />
        <Textarea
          id="dataItems"
          name="dataItems"
          label="Data items shared"
          hint="The minimum necessary: list what is shared and how (for example viewed through MIG, sent by EDT)."
          defaultValue={text(values, "dataItems")}
          error={errors.dataItems}
        />
        <Textarea id="retention" name="retention" label="Retention (optional)" rows={3} defaultValue={text(values, "retention")} error={errors.retention} />
        <TextInput
          id="reviewIntervalMonths"
          name="reviewIntervalMonths"
          label="Review interval in months"
          hint="From 1 to 60. The review falls due this long after the effective date; notice starts 90 days ahead."
          inputMode="numeric"
          width={3}
          defaultValue={text(values, "reviewIntervalMonths")}
          error={errors.reviewIntervalMonths}
        />
        <DateInput
          id="effectiveOn"
          name="effectiveOn"
          label="Effective date"
          hint="The agreement is in force from this date once every party has signed (or from the last signature, if later)."
          defaultValue={text(values, "effectiveOn")}
          error={errors.effectiveOn}
        />

        <div className={errors.parties ? "nhsuk-form-group nhsuk-form-group--error" : "nhsuk-form-group"}>
          <Fieldset legend="Parties and their roles" legendSize="s" describedBy={errors.parties ? "parties-hint parties-error" : "parties-hint"}>
            <div className="nhsuk-hint" id="parties-hint">
              At least two. Each party&apos;s own IG lead signs for it. Leave a row blank if you do not need it; for more rows, use “Add more party rows” at the end of the form.
            </div>
            {errors.parties ? (
              <span className="nhsuk-error-message" id="parties-error">
                <span className="nhsuk-u-visually-hidden">Error:</span> {errors.parties}
              </span>
            ) : null}
            {Array.from({ length: rows }, (_, i) => (
              <div className="sb-party-row" key={i}>
                <Select
                  id={i === 0 ? "parties" : `party-organisation-${i + 1}`}
                  name="partyOrganisationId"
                  label={`Organisation (party ${i + 1})`}
                  options={organisationOptions}
                  emptyOption="Choose an organisation"
                  defaultValue={orgs[i] ?? ""}
                />
                <Select
                  id={`party-role-${i + 1}`}
                  name="partyRole"
                  label={`Role (party ${i + 1})`}
                  options={PARTY_ROLES.map((r) => ({ value: r, label: PARTY_ROLE_LABELS[r] }))}
                  defaultValue={roles[i] || "joint_controller"}
                />
              </div>
            ))}
          </Fieldset>
        </div>

        <Checkboxes
          id="coverage"
          name="coverage"
          label="Services and deployments the agreement covers"
          legendSize="s"
          hint="Only services run by a party to the agreement. A live deployment needs an active agreement covering its service (or that capability at it)."
          small
          items={options.coverage}
          defaultValue={list(values, "coverage")}
          error={errors.coverage}
        />

        {beforeSubmit}
        <div className="nhsuk-button-group">
          <Button type="submit" name="intent" value="save">
            {mode === "new" ? "Create draft agreement" : "Save changes"}
          </Button>
          {/* After the main button, so pressing Enter in a field saves rather than adding rows. */}
          <Button type="submit" name="intent" value="add-party" variant="secondary" formNoValidate>
            Add more party rows
          </Button>
          <Link className="nhsuk-link" to={cancelHref}>
            Cancel
          </Link>
        </div>
      </Form>
    </>
  );
}
