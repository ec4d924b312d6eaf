import type { ReactNode } from "react";
import { Checkboxes, DateInput, Details, Radios, Select, TextInput, Textarea } from "~/components/nhs";
import { rowCount } from "~/models/cases.labels";
import { AboutFields } from "./case-about-fields";
import { arr, choicesFor, SectionForm, str, type FieldsProps } from "./case-form-parts";

// The task list and the existing-deployments warning are their own modules, so the pages that show
// them without a form (the task list, check your answers) do not load every section's questions.
export { CaseTaskList } from "./case-task-list";
export { ExistingDeploymentsWarning, type ExistingDeploymentView } from "./existing-deployments-warning";
export type { CaseFormOptions } from "./case-form-parts";

const SCORES = ["1", "2", "3", "4", "5"].map((v) => ({ value: v, label: v }));
const LIKELIHOOD_HINT = "1 rare, 5 almost certain";
const IMPACT_HINT = "1 negligible, 5 severe";

const orgOption = (o: { id: number; name: string; odsCode: string }) => ({ value: String(o.id), label: `${o.name} (${o.odsCode})` });

function OrganisationFields({ values, errors, options }: FieldsProps) {
  const partners = options.organisations.filter((o) => o.type !== "gp_practice");
  const practices = options.organisations.filter((o) => o.type === "gp_practice");
  const chosen = arr(values, "partnerOrganisationIds");
  const practicesChosen = practices.filter((p) => chosen.includes(String(p.id))).length;
  return (
    <>
      <Select
        id="sponsorOrganisationId"
        name="sponsorOrganisationId"
        label="Sponsoring organisation"
        hint="The organisation that leads the proposal and will answer the board's questions."
        options={options.organisations.map(orgOption)}
        emptyOption="Choose an organisation"
        defaultValue={str(values, "sponsorOrganisationId")}
        error={errors.sponsorOrganisationId}
      />
      <Checkboxes
        id="partnerOrganisationIds"
        name="partnerOrganisationIds"
        label="Partner organisations that would share"
        hint="Tick every organisation whose records would be seen or sent, and every organisation whose staff would see or receive them. GP practices are listed below."
        items={partners.map(orgOption)}
        defaultValue={chosen}
        error={errors.partnerOrganisationIds}
        small
      />
      <Details summary={`GP practices (${practicesChosen} of ${practices.length} chosen)`} open={practicesChosen > 0 || undefined}>
        <Checkboxes id="partnerPractices" name="partnerOrganisationIds" label="GP practices that would share" items={practices.map(orgOption)} defaultValue={chosen} small />
      </Details>
    </>
  );
}

function SystemsFields({ values, errors, options }: FieldsProps) {
  const deploymentRows = rowCount(values, "deployment");
  return (
    <>
      <Radios id="direction" name="direction" label="Which way would records flow?" hint="Most proposals are one way: for example, a service viewing the GP record." items={choicesFor(options, "direction")} defaultValue={str(values, "direction")} error={errors.direction} />
      <Checkboxes id="systems" name="systems" label="Which systems would it use?" hint="Tick all that apply." items={choicesFor(options, "systems")} defaultValue={arr(values, "systems")} error={errors.systems} />
      <h2 className="nhsuk-heading-m">Services that would start using the shared record</h2>
      <p className="nhsuk-hint">
        If the board approves, the programme team can create a planned deployment for each service listed here. Leave the rows empty if the sharing is not with a particular
        service. Three empty rows are shown; save and come back to get more.
      </p>
      {Array.from({ length: deploymentRows }, (_, i) => i + 1).map((n) => (
        <fieldset className="nhsuk-fieldset sb-case-row" key={`deployment-${n}`}>
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Service {n}</legend>
          <div className="sb-case-row__pair">
            <Select
              id={`deployment-${n}-serviceId`}
              name={`deployment-${n}-serviceId`}
              label="Service"
              options={options.services.map((s) => ({ value: String(s.id), label: `${s.name} (${s.organisationName})` }))}
              emptyOption="No service"
              defaultValue={str(values, `deployment-${n}-serviceId`)}
              error={errors[`deployment-${n}-serviceId`]}
            />
            <Select
              id={`deployment-${n}-capabilityId`}
              name={`deployment-${n}-capabilityId`}
              label="What it would use"
              options={options.capabilities.map((c) => ({ value: String(c.id), label: c.name }))}
              emptyOption="Choose"
              defaultValue={str(values, `deployment-${n}-capabilityId`)}
              error={errors[`deployment-${n}-capabilityId`]}
            />
          </div>
        </fieldset>
      ))}
    </>
  );
}

function DataFields({ values, errors }: FieldsProps) {
  return (
    <>
      <Textarea id="dataItems" name="dataItems" label="Which information would be shared?" hint="List the items, for example problems, medications, allergies, care plans. Share only what is needed (Caldicott principle 3)." defaultValue={str(values, "dataItems")} error={errors.dataItems} />
      <Textarea id="benefit" name="benefit" label="How would patients and local people benefit?" hint="For example safer prescribing, fewer repeated questions, fewer avoidable admissions." defaultValue={str(values, "benefit")} error={errors.benefit} />
    </>
  );
}

function InvolvementFields({ values, errors }: FieldsProps) {
  return (
    <>
      <Textarea id="clinicianInvolvement" name="clinicianInvolvement" label="How have clinicians been involved?" hint="Who designed or tested the proposal, and who supports it." defaultValue={str(values, "clinicianInvolvement")} error={errors.clinicianInvolvement} />
      <Textarea id="publicInvolvement" name="publicInvolvement" label="How have patients and the public been involved?" hint="For example a patient forum, Healthwatch or a patient participation group, and what they said." defaultValue={str(values, "publicInvolvement")} error={errors.publicInvolvement} />
    </>
  );
}

function LawfulBasisFields({ values, errors, options }: FieldsProps) {
  return (
    <>
      <Radios
        id="article6Basis"
        name="article6Basis"
        label="UK GDPR Article 6 basis"
        hint="For direct care by NHS and council services this is normally Article 6(1)(e), public task."
        items={choicesFor(options, "article6Basis")}
        defaultValue={str(values, "article6Basis")}
        error={errors.article6Basis}
        small
      />
      <Radios
        id="article9Condition"
        name="article9Condition"
        label="UK GDPR Article 9 condition (health information is special category data)"
        hint="For direct care this is normally Article 9(2)(h)."
        items={choicesFor(options, "article9Condition")}
        defaultValue={str(values, "article9Condition")}
        error={errors.article9Condition}
        small
      />
      <Radios
        id="commonLawBasis"
        name="commonLawBasis"
        label="Common law duty of confidentiality"
        hint="For direct care the duty is normally met by implied consent: patients expect the people caring for them to share what is needed."
        items={choicesFor(options, "commonLawBasis")}
        defaultValue={str(values, "commonLawBasis")}
        error={errors.commonLawBasis}
        small
      />
    </>
  );
}

function ConsentDpiaFields({ values, errors, options }: FieldsProps) {
  return (
    <>
      <Radios
        id="consentModel"
        name="consentModel"
        label="How would patients' consent be asked?"
        hint="The partnership asks patients at the point of care before their record is viewed. This local choice is not the National Data Opt-out."
        items={choicesFor(options, "consentModel")}
        defaultValue={str(values, "consentModel")}
        error={errors.consentModel}
      />
      <Radios
        id="dpiaNeeded"
        name="dpiaNeeded"
        label="Is a data protection impact assessment (DPIA) needed?"
        hint="A DPIA is needed before processing likely to be high risk, such as health information on a large scale. Ask your IG lead if you are not sure."
        items={[
          { value: "yes", label: "Yes" },
          { value: "no", label: "No" },
        ]}
        defaultValue={str(values, "dpiaNeeded")}
        error={errors.dpiaNeeded}
        inline
      />
      <Radios id="dpiaStatus" name="dpiaStatus" label="Where is the DPIA up to?" hint="If no DPIA is needed, choose 'Not required'." items={choicesFor(options, "dpiaStatus")} defaultValue={str(values, "dpiaStatus")} error={errors.dpiaStatus} />
    </>
  );
}

function RiskFields({ values, errors }: FieldsProps) {
  const riskRows = rowCount(values, "risk");
  return (
    <>
      <p className="nhsuk-hint">Score each risk for likelihood and impact from 1 to 5; the score is likelihood × impact (up to 25). Three empty rows are shown; save and come back to get more.</p>
      {Array.from({ length: riskRows }, (_, i) => i + 1).map((n) => {
        const l = Number(str(values, `risk-${n}-likelihood`));
        const m = Number(str(values, `risk-${n}-impact`));
        return (
          <fieldset className="nhsuk-fieldset sb-case-row" key={`risk-${n}`}>
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Risk {n}</legend>
            <Textarea id={`risk-${n}-description`} name={`risk-${n}-description`} label="What could go wrong?" rows={2} defaultValue={str(values, `risk-${n}-description`)} error={errors[`risk-${n}-description`]} />
            <div className="sb-case-row__pair">
              <Select id={`risk-${n}-likelihood`} name={`risk-${n}-likelihood`} label="Likelihood" hint={LIKELIHOOD_HINT} options={SCORES} emptyOption="Choose" defaultValue={str(values, `risk-${n}-likelihood`)} error={errors[`risk-${n}-likelihood`]} />
              <Select id={`risk-${n}-impact`} name={`risk-${n}-impact`} label="Impact" hint={IMPACT_HINT} options={SCORES} emptyOption="Choose" defaultValue={str(values, `risk-${n}-impact`)} error={errors[`risk-${n}-impact`]} />
            </div>
            {l && m ? <p className="sb-case-score">Score when last saved: {l} × {m} = {l * m}</p> : null}
            <Textarea id={`risk-${n}-mitigation`} name={`risk-${n}-mitigation`} label="How will it be reduced?" rows={2} defaultValue={str(values, `risk-${n}-mitigation`)} error={errors[`risk-${n}-mitigation`]} />
          </fieldset>
        );
      })}
    </>
  );
}

function CaldicottFields({ values, errors, options }: FieldsProps) {
  return (
    <>
      <p className="nhsuk-hint">Confirm in a sentence or two how the proposal meets each of the 8 principles.</p>
      {options.principles.map(({ key: k, text }) => (
        <Textarea
          key={k}
          id={`caldicott-${k}`}
          name={`caldicott-${k}`}
          label={`Principle ${k}: ${text}`}
          labelClassName="nhsuk-label--s"
          rows={2}
          defaultValue={str(values, `caldicott-${k}`)}
          error={errors[`caldicott-${k}`]}
        />
      ))}
    </>
  );
}

function GoLiveFields({ values, errors }: FieldsProps) {
  return (
    <DateInput id="targetGoLive" name="targetGoLive" label="When would you like the sharing to start?" hint="Allow time for IG review, the board and set-up: usually at least three months." defaultValue={str(values, "targetGoLive")} error={errors.targetGoLive} />
  );
}

function CoAuthorFields({ values, errors }: FieldsProps) {
  return (
    <TextInput
      id="coAuthorEmails"
      name="coAuthorEmails"
      label="Email addresses of people writing this case with you"
      hint="They can edit and submit the case with you. Separate addresses with commas; leave it empty for none. People who write a case cannot review or decide it."
      spellCheck={false}
      defaultValue={str(values, "coAuthorEmails")}
      error={errors.coAuthorEmails}
    />
  );
}

const SECTION_FIELDS: Record<string, (props: FieldsProps) => ReactNode> = {
  about: AboutFields,
  organisations: OrganisationFields,
  systems: SystemsFields,
  data: DataFields,
  involvement: InvolvementFields,
  "lawful-basis": LawfulBasisFields,
  "consent-dpia": ConsentDpiaFields,
  risks: RiskFields,
  caldicott: CaldicottFields,
  "go-live": GoLiveFields,
  "co-authors": CoAuthorFields,
};

/** One section of the business case, chosen by its slug, as a plain form (see SectionForm). */
export function CaseSectionForm({ slug, ...props }: FieldsProps & { slug: string; version?: number; submitting?: boolean; optional?: boolean }) {
  return <SectionForm Fields={SECTION_FIELDS[slug]!} {...props} />;
}
