import type { ReactNode } from "react";
import { cx } from "./utils";

export interface SummaryListAction {
  href: string;
  text: ReactNode;
  /** Appended visually hidden, for example the row key: "Change<hidden> name</hidden>". */
  visuallyHiddenText?: string;
}

export interface SummaryListRow {
  key: ReactNode;
  value: ReactNode;
  actions?: SummaryListAction | readonly SummaryListAction[];
  className?: string;
}

export interface SummaryListProps {
  rows: readonly (SummaryListRow | null | undefined | false)[];
  noBorder?: boolean;
  noLastRowBorder?: boolean;
  className?: string;
  id?: string;
}

function ActionLink({ action }: { action: SummaryListAction }) {
  return (
    <a className="nhsuk-link" href={action.href}>
      {action.text}
      {action.visuallyHiddenText ? <span className="nhsuk-u-visually-hidden"> {action.visuallyHiddenText}</span> : null}
    </a>
  );
}

/** Summary list (`<dl class="nhsuk-summary-list">`) of key / value rows with optional actions. */
export function SummaryList({ rows, noBorder, noLastRowBorder, className, id }: SummaryListProps) {
  const list = rows.filter((row): row is SummaryListRow => !!row);
  const actionsOf = (row: SummaryListRow): readonly SummaryListAction[] =>
    !row.actions ? [] : Array.isArray(row.actions) ? row.actions : [row.actions as SummaryListAction];
  const anyActions = list.some((row) => actionsOf(row).length > 0);

  return (
    <dl
      className={cx(
        "nhsuk-summary-list",
        noBorder ? "nhsuk-summary-list--no-border" : noLastRowBorder && "nhsuk-summary-list--no-last-row-border",
        className,
      )}
      id={id}
    >
      {list.map((row, index) => {
        const actions = actionsOf(row);
        return (
          <div
            className={cx(
              "nhsuk-summary-list__row",
              anyActions && !actions.length && "nhsuk-summary-list__row--no-actions",
              row.className,
            )}
            key={index}
          >
            <dt className="nhsuk-summary-list__key">{row.key}</dt>
            <dd className="nhsuk-summary-list__value">{row.value}</dd>
            {actions.length === 1 ? (
              <dd className="nhsuk-summary-list__actions">
                <ActionLink action={actions[0]} />
              </dd>
            ) : actions.length > 1 ? (
              <dd className="nhsuk-summary-list__actions">
                <ul className="nhsuk-summary-list__actions-list">
                  {actions.map((action, actionIndex) => (
                    <li className="nhsuk-summary-list__actions-list-item" key={actionIndex}>
                      <ActionLink action={action} />
                    </li>
                  ))}
                </ul>
              </dd>
            ) : null}
          </div>
        );
      })}
    </dl>
  );
}
