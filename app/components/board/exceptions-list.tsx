import { Link } from "@remix-run/react";
import { Tag } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { ROLE_LABELS } from "~/lib/permissions";
import { EXCEPTION_KIND_LABELS, SEVERITY_LABELS, type ExceptionSeverity, type ProgrammeException } from "~/models/exceptions.schema";

const SEVERITY_COLOURS: Record<ExceptionSeverity, "red" | "orange" | "yellow"> = { high: "red", medium: "orange", low: "yellow" };

export function SeverityTag({ severity }: { severity: ExceptionSeverity }) {
  return <Tag color={SEVERITY_COLOURS[severity]}>{SEVERITY_LABELS[severity]}</Tag>;
}

/** Exceptions, most severe first, as a table: severity, what, who should act, when. */
export function ExceptionsTable({ exceptions, caption, links = true }: { exceptions: readonly ProgrammeException[]; caption: string; links?: boolean }) {
  return (
    <table className="nhsuk-table sb-exceptions-table" data-testid="exceptions-table">
      <caption className="nhsuk-table__caption nhsuk-table__caption--s">{caption}</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th scope="col" className="nhsuk-table__header">Severity</th>
          <th scope="col" className="nhsuk-table__header">Exception</th>
          <th scope="col" className="nhsuk-table__header">Who should act</th>
          <th scope="col" className="nhsuk-table__header">Due</th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {exceptions.map((e) => (
          <tr key={e.id} className="nhsuk-table__row">
            <td className="nhsuk-table__cell">
              <SeverityTag severity={e.severity} />
            </td>
            <td className="nhsuk-table__cell">
              <span className="sb-exception__kind">{EXCEPTION_KIND_LABELS[e.kind]}</span>
              <br />
              {links ? <Link to={e.href}>{e.title}</Link> : e.title}
            </td>
            <td className="nhsuk-table__cell">{ROLE_LABELS[e.actionRole]}</td>
            <td className="nhsuk-table__cell">{e.dueOn ? formatDate(e.dueOn) : "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
