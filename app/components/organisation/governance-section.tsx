import { Link } from "@remix-run/react";
import { SummaryList, Table, Tag, WarningCallout } from "~/components/nhs";
import { AgreementStatusTag, CoverStatusTag, ReviewStateTag } from "~/components/governance/status-tags";
import { formatDate } from "~/lib/dates";
import { PARTY_ROLE_LABELS, SIGNATURE_STATUS_LABELS } from "~/models/agreements.labels";
import { coverEndText, coverPeriodText } from "~/models/indemnity.labels";
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
      ) : !indemnity.isPractice ? (
        <>
          <p>
            The CCG indemnifies GP practices against claims of illegal sharing, not the organisations that view their records.
            {indemnity.privateProvider
              ? " This organisation is a private provider working under the NHS badge: the practices whose records its services can view need cover in force, and the indemnity register shows any that have none."
              : ""}
          </p>
          {indemnity.history.length ? <CoverHistory history={indemnity.history} caption="Cover once recorded for this organisation: kept as history, not counted" /> : null}
        </>
      ) : !indemnity.needsCover && !indemnity.history.length ? (
        // A practice imported or added but not an active member on this date: its record is not shared through the programme yet.
        <p>
          No indemnity cover is recorded for this practice. It was not an active member of the partnership on {formatDate(asAt)}, so its record was not shared through the
          programme then; the CCG records its cover when it joins.
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
                { key: "Cover in force", value: coverPeriodText(indemnity.current) },
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
          {indemnity.history.length ? <CoverHistory history={indemnity.history} caption="Every indemnity cover, newest first" /> : null}
        </>
      )}
    </section>
  );
}

function CoverHistory({ history, caption }: { history: NonNullable<OrganisationGovernance["indemnity"]>["history"]; caption: string }) {
  return (
    <Table
      caption={caption}
      head={["From", "To", "Status", "Document"]}
      rows={history.map((c) => [
        formatDate(c.startOn),
        coverEndText(c),
        <span key="s">
          <CoverStatusTag status={c.status} />
          {c.counted ? null : (
            <>
              {" "}
              <Tag color="grey">Not counted</Tag>
            </>
          )}
        </span>,
        c.documentReference ?? "",
      ])}
    />
  );
}
