import { Link } from "@remix-run/react";
import { Tag } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { ROLE_LABELS } from "~/lib/permissions";
import type { ReactNode } from "react";
import type { Role } from "~/lib/permissions";
import { EXCEPTION_KIND_LABELS, SEVERITY_COLOURS, SEVERITY_LABELS, type ExceptionSeverity, type ProgrammeException } from "~/models/exceptions.labels";
import { acknowledgementText, type AcknowledgedException, type ExceptionAcknowledgement, type ExceptionLine, type ExceptionsTableRow } from "~/models/exception-acknowledgements.labels";

export function SeverityTag({ severity }: { severity: ExceptionSeverity }) {
  return <Tag color={SEVERITY_COLOURS[severity]}>{SEVERITY_LABELS[severity]}</Tag>;
}

/**
 * The grey "Acknowledged" tag and who acknowledged it, why and until when, on a new line under an
 * exception's title; nothing when it is not acknowledged. The board pack, the dashboard and an
 * organisation's page all use it, so the marker reads the same everywhere.
 */
export function AcknowledgementMarker({ acknowledgement }: { acknowledgement?: ExceptionAcknowledgement | null }) {
  if (!acknowledgement) return null;
  return (
    <span className="sb-exception__acknowledgement" data-testid="acknowledgement">
      <br />
      <Tag color="grey">Acknowledged</Tag> {acknowledgementText(acknowledgement).replace(/^Acknowledged /, "")}
    </span>
  );
}

const HEADINGS = ["Severity", "Exception", "Who should act", "Due"] as const;

/** The NHS responsive table both lists use: on phones each row stacks and each cell shows its column's name. */
function ExceptionsTableFrame({ caption, testId, children }: { caption: string; testId: string; children: ReactNode }) {
  return (
    <table className="nhsuk-table nhsuk-table--responsive sb-exceptions-table" data-testid={testId} role="table">
      <caption className="nhsuk-table__caption nhsuk-table__caption--s">{caption}</caption>
      <thead className="nhsuk-table__head" role="rowgroup">
        <tr className="nhsuk-table__row" role="row">
          {HEADINGS.map((heading) => (
            <th key={heading} scope="col" className="nhsuk-table__header" role="columnheader">
              {heading}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="nhsuk-table__body" role="rowgroup">
        {children}
      </tbody>
    </table>
  );
}

/** One row: severity, the kind of exception and what it is (`children`), who should act, when. */
function ExceptionRow({ severity, kind, actionRole, dueOn, children }: Pick<ProgrammeException, "severity" | "kind" | "dueOn"> & { actionRole: Role; children: ReactNode }) {
  const cells: ReactNode[] = [
    <SeverityTag key="severity" severity={severity} />,
    // One block beside the column name on phones, not three squeezed flex items.
    <span key="what" className="sb-exception__what">
      <span className="sb-exception__kind">{EXCEPTION_KIND_LABELS[kind]}</span>
      <br />
      {children}
    </span>,
    ROLE_LABELS[actionRole],
    dueOn ? formatDate(dueOn) : "—",
  ];
  return (
    <tr className="nhsuk-table__row" role="row">
      {cells.map((cell, index) => (
        <td key={HEADINGS[index]} className="nhsuk-table__cell" role="cell">
          <span className="nhsuk-table__heading" aria-hidden="true">
            {HEADINGS[index]}{" "}
          </span>
          {cell}
        </td>
      ))}
    </tr>
  );
}

/** Exceptions, most severe first, as a table: severity, what (marked when acknowledged), who should act, when. */
export function ExceptionsTable({
  exceptions,
  caption,
  links = true,
}: {
  exceptions: readonly ExceptionsTableRow[];
  caption: string;
  links?: boolean;
}) {
  return (
    <ExceptionsTableFrame caption={caption} testId="exceptions-table">
      {exceptions.map((e) => (
        <ExceptionRow key={e.id} severity={e.severity} kind={e.kind} actionRole={e.actionRole} dueOn={e.dueOn}>
          {links ? <Link to={e.href}>{e.title}</Link> : e.title}
          <AcknowledgementMarker acknowledgement={e.acknowledgement} />
        </ExceptionRow>
      ))}
    </ExceptionsTableFrame>
  );
}

/**
 * The board pack's exceptions as lines, most severe first: an exception (marked when it is
 * acknowledged) or one line for many low-severity exceptions of one kind, linking to them all.
 */
export function ExceptionLinesTable({ lines, caption }: { lines: readonly ExceptionLine<AcknowledgedException>[]; caption: string }) {
  return (
    <ExceptionsTableFrame caption={caption} testId="exception-lines-table">
      {lines.map((line) =>
        line.type === "exception" ? (
          <ExceptionRow key={line.id} severity={line.exception.severity} kind={line.exception.kind} actionRole={line.exception.actionRole} dueOn={line.exception.dueOn}>
            <Link to={line.exception.href}>{line.exception.title}</Link>
            <AcknowledgementMarker acknowledgement={line.exception.acknowledgement} />
          </ExceptionRow>
        ) : (
          <ExceptionRow key={line.id} severity="low" kind={line.kind} actionRole={line.actionRole} dueOn={null}>
            <Link to={line.href}>{line.title}</Link>
            {line.acknowledged ? ` (${line.acknowledged} acknowledged)` : ""}
          </ExceptionRow>
        ),
      )}
    </ExceptionsTableFrame>
  );
}
