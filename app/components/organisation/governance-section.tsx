import { Link } from "@remix-run/react";
import { SummaryList, Table, Tag, WarningCallout } from "~/components/nhs";
import { AgreementStatusTag, CoverStatusTag, ReviewStateTag } from "~/components/governance/status-tags";
import { formatDate } from "~/lib/dates";
import { PARTY_ROLE_LABELS, SIGNATURE_STATUS_LABELS } from "~/models/agreements.schema";
import type { OrganisationGovernance } from "~/models/governance.server";

/**
 * An organisation's governance on its organisation page: the agreements it is party to (with its
 * signature and each agreement's review state) and the CCG's indemnity cover, with warnings.
 * Feed it `getOrganisationGovernance({ organisationId, asAt })`.
 */
export function OrganisationGovernanceSection({ governance }: { governance: OrganisationGovernance }) {
  const { agreements, indemnity, asAt } = governance;
  return (
    <section aria-labelledby="organisation-governance">
      <h2 id="organisation-governance">Governance</h2>
      <h3>Data sharing agreements</h3>
      {agreements.length ? (
        <Table
          caption={`Agreements this organisation is party to, as at ${formatDate(asAt)}`}
          head={["Agreement", "Role", "Status", "Its signature", "Review"]}
          rows={agreements.map((a) => [
            <Link key="a" to={`/agreements/${encodeURIComponent(a.reference)}?version=${a.version}`}>
              {a.reference} v{a.version}: {a.title}
            </Link>,
            PARTY_ROLE_LABELS[a.role],
            <AgreementStatusTag key="s" status={a.status} />,
            a.signatureStatus ? `${SIGNATURE_STATUS_LABELS[a.signatureStatus]}${a.signedOn && a.signatureStatus === "signed" ? ` ${formatDate(a.signedOn)}` : ""}` : "Not yet requested",
            <span key="r">
              {formatDate(a.reviewOn)} <ReviewStateTag state={a.reviewState} />
            </span>,
          ])}
        />
      ) : (
        <p>This organisation is not a party to any data sharing agreement.</p>
      )}

      <h3>Indemnity cover</h3>
      {!indemnity ? (
        <p>Indemnity cover is shown to the CCG, the partnership board and the programme team, who keep and read the indemnity register.</p>
      ) : !indemnity.needsCover && !indemnity.history.length ? (
        // Said without judging the organisation: an imported practice not yet active in the programme lands here too.
        <p>
          No indemnity cover is recorded for this organisation. The CCG records its cover for GP practices while they are active in the programme.
        </p>
      ) : (
        <>
          {indemnity.warnings.length ? (
            <WarningCallout heading="Indemnity needs attention" headingLevel={4}>
              <ul>
                {indemnity.warnings.map((w) => (
                  <li key={w.kind}>{w.text}</li>
                ))}
              </ul>
            </WarningCallout>
          ) : null}
          {indemnity.current ? (
            <SummaryList
              rows={[
                { key: "Cover in force", value: `${formatDate(indemnity.current.startOn)} to ${formatDate(indemnity.current.endOn)}` },
                { key: "Scope", value: indemnity.current.scope },
                { key: "Document", value: indemnity.current.documentReference ?? "Not recorded" },
                { key: "Signed by", value: indemnity.current.signedBy ?? "Not recorded" },
              ]}
            />
          ) : (
            <p>
              <Tag color="red">No cover in force</Tag> on {formatDate(asAt)}.
            </p>
          )}
          {indemnity.history.length ? (
            <Table
              caption="Every indemnity cover, newest first"
              head={["From", "To", "Status", "Document"]}
              rows={indemnity.history.map((c) => [formatDate(c.startOn), formatDate(c.endOn), <CoverStatusTag key="s" status={c.status} />, c.documentReference ?? ""])}
            />
          ) : null}
        </>
      )}
    </section>
  );
}
