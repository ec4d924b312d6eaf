import { SummaryList, Table, WarningCallout } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import {
  ARTICLE_6_LABELS,
  ARTICLE_9_LABELS,
  COMMON_LAW_LABELS,
  CONSENT_MODEL_LABELS,
  DPIA_STATUS_LABELS,
  PARTY_ROLE_LABELS,
  PURPOSE_LABELS,
  RISK_LABELS,
  dpiaShortfall,
  type AgreementPurpose,
  type Article6Basis,
  type Article9Condition,
  type DpiaForSigning,
  type PartyRole,
} from "~/models/agreements.labels";

type Terms = {
  reference: string;
  version: number;
  purpose: AgreementPurpose;
  article6Basis: Article6Basis;
  article9Condition: Article9Condition | null;
  commonLawBasis: keyof typeof COMMON_LAW_LABELS;
  consentModel: keyof typeof CONSENT_MODEL_LABELS;
  dataItems: string;
};
type Party = { organisationName: string; odsCode: string; role: PartyRole };
type Coverage = { serviceName: string; organisationName: string; odsCode: string; capabilityName: string | null };

/** The legal terms of an agreement as summary-list rows: the sign page and the agreement page show the same wording. */
export function agreementTermRows(terms: Omit<Terms, "reference" | "version">) {
  return [
    { key: "Purpose", value: PURPOSE_LABELS[terms.purpose] },
    { key: "UK GDPR Article 6 basis", value: ARTICLE_6_LABELS[terms.article6Basis] },
    { key: "UK GDPR Article 9 condition", value: terms.article9Condition ? ARTICLE_9_LABELS[terms.article9Condition] : "No special category data" },
    { key: "Common law duty of confidentiality", value: COMMON_LAW_LABELS[terms.commonLawBasis] },
    { key: "Consent model", value: CONSENT_MODEL_LABELS[terms.consentModel] },
    { key: "Data items", value: <p className="sb-pre-line">{terms.dataItems}</p> },
  ];
}

/** What a party agrees to when it signs: purpose, legal basis, parties, coverage and data items. */
export function AgreementTerms({ terms, parties, coverage }: { terms: Terms; parties: readonly Party[]; coverage: readonly Coverage[] }) {
  return (
    <>
      <SummaryList
        rows={[
          ...agreementTermRows(terms),
          {
            key: "Parties",
            value: (
              <ul className="nhsuk-list">
                {parties.map((p) => (
                  <li key={p.odsCode}>
                    {p.organisationName} ({p.odsCode}), {PARTY_ROLE_LABELS[p.role].toLowerCase()}
                  </li>
                ))}
              </ul>
            ),
          },
        ]}
      />
      {coverage.length ? (
        <Table
          caption={`Services ${terms.reference} version ${terms.version} covers`}
          head={["Service", "Organisation", "Covers"]}
          responsive
          rows={coverage.map((c) => [c.serviceName, `${c.organisationName} (${c.odsCode})`, c.capabilityName ? `${c.capabilityName} only` : "Every capability"])}
        />
      ) : (
        <p>No services are listed: this version covers no deployment.</p>
      )}
    </>
  );
}

type Dpia = NonNullable<DpiaForSigning> & { completedOn: string | null; notRequiredReason: string | null };

/** The DPIA's status and residual risk, with a warning when it should have stopped the agreement being sent for signature. */
export function DpiaStatus({ dpia }: { dpia: Dpia | null }) {
  const shortfall = dpiaShortfall(dpia);
  return (
    <>
      {shortfall ? (
        <WarningCallout heading={shortfall.kind === "high_risk_without_ico" ? "High residual risk without ICO consultation" : "The DPIA is not complete"} headingLevel={3}>
          <p>
            {shortfall.fact} It should be settled before the agreement is signed: ask the agreement&apos;s owner to finish it, or decline to sign and say
            why.
          </p>
        </WarningCallout>
      ) : null}
      {dpia ? (
        <SummaryList
          rows={[
            { key: "DPIA reference", value: dpia.reference },
            { key: "DPIA status", value: DPIA_STATUS_LABELS[dpia.status] },
            dpia.status === "not_required" ? { key: "Why not required", value: dpia.notRequiredReason } : null,
            dpia.completedOn ? { key: "Completed", value: formatDate(dpia.completedOn) } : null,
            { key: "Residual risk", value: dpia.residualRisk ? RISK_LABELS[dpia.residualRisk] : "Not assessed" },
            dpia.residualRisk === "high" ? { key: "ICO consulted", value: dpia.icoConsultedOn ? formatDate(dpia.icoConsultedOn) : "Not recorded" } : null,
          ]}
        />
      ) : null}
    </>
  );
}
