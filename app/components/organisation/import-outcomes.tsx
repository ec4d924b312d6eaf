import { Tag } from "~/components/nhs";
import type { ImportSummary } from "~/models/organisation-import.server";

const OUTCOME_TAGS = {
  new: { text: "New", color: "green" },
  updated: { text: "Updated", color: "blue" },
  skipped: { text: "Skipped", color: "grey" },
  rejected: { text: "Rejected", color: "red" },
} as const;

/** Every line of an organisations file and what importing it does: new, updated (each field old → new), skipped or rejected (with the reason). */
export function ImportOutcomes({ preview }: { preview: Pick<ImportSummary, "rows" | "rowsTotal"> }) {
  if (!preview.rowsTotal) return null;
  return (
    <div className="nhsuk-table-container">
      <table className="nhsuk-table" data-testid="import-outcomes">
        <caption className="nhsuk-table__caption nhsuk-table__caption--s">
          What happens to each line
          {preview.rowsTotal > preview.rows.length ? ` (the first ${preview.rows.length.toLocaleString("en-GB")} of ${preview.rowsTotal.toLocaleString("en-GB")} lines)` : ""}
        </caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th scope="col" className="nhsuk-table__header nhsuk-table__header--numeric">
              Line
            </th>
            <th scope="col" className="nhsuk-table__header">
              Organisation
            </th>
            <th scope="col" className="nhsuk-table__header">
              Outcome
            </th>
            <th scope="col" className="nhsuk-table__header">
              What changes, or why not
            </th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {preview.rows.map((row) => (
            <tr key={row.line} className="nhsuk-table__row" data-outcome={row.outcome} data-ods-code={row.odsCode ?? ""}>
              <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{row.line}</td>
              <td className="nhsuk-table__cell">
                {row.odsCode ? <code>{row.odsCode}</code> : null} {row.name ?? ""}
              </td>
              <td className="nhsuk-table__cell">
                <Tag color={OUTCOME_TAGS[row.outcome].color}>{OUTCOME_TAGS[row.outcome].text}</Tag>
              </td>
              <td className="nhsuk-table__cell">
                {row.outcome === "new" ? (
                  <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                    {row.facts.map((f) => (
                      <li key={f}>{f}</li>
                    ))}
                  </ul>
                ) : row.outcome === "updated" ? (
                  <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                    {row.changes.map((c) => (
                      <li key={c.field}>
                        {c.label}: {c.from} → {c.to}
                      </li>
                    ))}
                    {row.facts.map((f) => (
                      <li key={f}>{f}</li>
                    ))}
                  </ul>
                ) : (
                  row.reason
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
