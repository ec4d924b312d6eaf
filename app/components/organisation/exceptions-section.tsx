import { Link } from "@remix-run/react";
import { Table, Tag } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { ROLE_LABELS } from "~/lib/permissions";
import { AcknowledgementMarker } from "~/components/board/exceptions-list";
import type { AcknowledgedException } from "~/models/exception-acknowledgements.labels";
import { EXCEPTION_KIND_LABELS, SEVERITY_COLOURS, SEVERITY_LABELS } from "~/models/exceptions.labels";

/**
 * The exceptions that concern one organisation (its own, and reviews of agreements it is party
 * to), most severe first, each marked when it is acknowledged. Feed it
 * `listExceptionsWithAcknowledgements({ asAt, organisationId })`; it renders nothing when there are none.
 */
export function OrganisationExceptionsSection({ exceptions, asAt }: { exceptions: AcknowledgedException[]; asAt: string }) {
  if (!exceptions.length) return null;
  return (
    <section aria-labelledby="organisation-exceptions-heading">
      <h2 id="organisation-exceptions-heading">Exceptions</h2>
      <Table
        caption={`What needs attention at this organisation as at ${formatDate(asAt)}, most severe first`}
        head={["Severity", "Exception", "Who should act", "Due"]}
        rows={exceptions.map((e) => [
          <Tag key="s" color={SEVERITY_COLOURS[e.severity]}>
            {SEVERITY_LABELS[e.severity]}
          </Tag>,
          <span key="t">
            <span className="nhsuk-u-visually-hidden">{EXCEPTION_KIND_LABELS[e.kind]}: </span>
            <Link to={e.href}>{e.title}</Link>
            <AcknowledgementMarker acknowledgement={e.acknowledgement} />
          </span>,
          ROLE_LABELS[e.actionRole],
          e.dueOn ? formatDate(e.dueOn) : "",
        ])}
      />
    </section>
  );
}
