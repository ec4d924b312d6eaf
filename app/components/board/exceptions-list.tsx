import { Link } from "@remix-run/react";
import { Tag } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { ROLE_LABELS } from "~/lib/permissions";
import { EXCEPTION_KIND_LABELS, SEVERITY_LABELS, type ExceptionSeverity, type ProgrammeException } from "~/models/exceptions.labels";
import { acknowledgementText, type AcknowledgedException, type ExceptionLine } from "~/models/exception-acknowledgements.labels";

const SEVERITY_COLOURS: Record<ExceptionSeverity, "red" | "orange" | "yellow"> = { high: "red", medium: "orange", low: "yellow" };

export function SeverityTag({ severity }: { severity: ExceptionSeverity }) {
  return <Tag color={SEVERITY_COLOURS[severity]}>{SEVERITY_LABELS[severity]}</Tag>;
}

const HEADINGS = ["Severity", "Exception", "Who should act", "Due"] as const;

// The NHS responsive table: on phones each row stacks and each cell shows its column's name.
function CellHeading({ text }: { text: string }) {
  return (
    <span className="nhsuk-table__heading" aria-hidden="true">
      {text}{" "}
    </span>
  );
}

/** Exceptions, most severe first, as a table: severity, what, who should act, when. */
export function ExceptionsTable({ exceptions, caption, links = true }: { exceptions: readonly ProgrammeException[]; caption: string; links?: boolean }) {
  return (
    <table className="nhsuk-table nhsuk-table--responsive sb-exceptions-table" data-testid="exceptions-table" role="table">
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
        {exceptions.map((e) => (
          <tr key={e.id} className="nhsuk-table__row" role="row">
            <td className="nhsuk-table__cell" role="cell">
              <CellHeading text={HEADINGS[0]} />
              <SeverityTag severity={e.severity} />
            </td>
            <td className="nhsuk-table__cell" role="cell">
              <CellHeading text={HEADINGS[1]} />
              {/* One block beside the column name on phones, not three squeezed flex items. */}
              <span className="sb-exception__what">
                <span className="sb-exception__kind">{EXCEPTION_KIND_LABELS[e.kind]}</span>
                <br />
                {links ? <Link to={e.href}>{e.title}</Link> : e.title}
              </span>
            </td>
            <td className="nhsuk-table__cell" role="cell">
              <CellHeading text={HEADINGS[2]} />
              {ROLE_LABELS[e.actionRole]}
            </td>
            <td className="nhsuk-table__cell" role="cell">
              <CellHeading text={HEADINGS[3]} />
              {e.dueOn ? formatDate(e.dueOn) : "—"}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The board pack's exceptions as lines, most severe first: an exception (marked when it is
 * acknowledged) or one line for many low-severity exceptions of one kind, linking to them all.
 */
export function ExceptionLinesTable({ lines, caption }: { lines: readonly ExceptionLine<AcknowledgedException>[]; caption: string }) {
  return (
    <table className="nhsuk-table nhsuk-table--responsive sb-exceptions-table" data-testid="exception-lines-table" role="table">
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
        {lines.map((line) => {
          const e = line.type === "exception" ? line.exception : null;
          const group = line.type === "group" ? line : null;
          return (
            <tr key={line.id} className="nhsuk-table__row" role="row">
              <td className="nhsuk-table__cell" role="cell">
                <CellHeading text={HEADINGS[0]} />
                <SeverityTag severity={e?.severity ?? "low"} />
              </td>
              <td className="nhsuk-table__cell" role="cell">
                <CellHeading text={HEADINGS[1]} />
                <span className="sb-exception__what">
                  <span className="sb-exception__kind">{EXCEPTION_KIND_LABELS[e?.kind ?? group!.kind]}</span>
                  <br />
                  {e ? <Link to={e.href}>{e.title}</Link> : null}
                  {e?.acknowledgement ? (
                    <span className="sb-exception__acknowledgement" data-testid="acknowledgement">
                      <br />
                      <Tag color="grey">Acknowledged</Tag> {acknowledgementText(e.acknowledgement).replace(/^Acknowledged /, "")}
                    </span>
                  ) : null}
                  {group ? (
                    <>
                      <Link to={group.href}>{group.title}</Link>
                      {group.acknowledged ? ` (${group.acknowledged} acknowledged)` : ""}
                    </>
                  ) : null}
                </span>
              </td>
              <td className="nhsuk-table__cell" role="cell">
                <CellHeading text={HEADINGS[2]} />
                {ROLE_LABELS[e?.actionRole ?? group!.actionRole]}
              </td>
              <td className="nhsuk-table__cell" role="cell">
                <CellHeading text={HEADINGS[3]} />
                {e?.dueOn ? formatDate(e.dueOn) : "—"}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
