import { isValidElement, useId, type ReactNode } from "react";
import { cx } from "./utils";

export interface TableCellObject {
  content: ReactNode;
  /** Right-align numbers (nhsuk-table__cell--numeric / nhsuk-table__header--numeric). */
  format?: "numeric";
  className?: string;
  colSpan?: number;
  rowSpan?: number;
}

/** A cell is any ReactNode, or an object with `content` and options. */
export type TableCell = ReactNode | TableCellObject;

export interface TableProps {
  caption?: ReactNode;
  captionSize?: "s" | "m" | "l" | "xl";
  head?: readonly TableCell[];
  rows: readonly (readonly TableCell[])[];
  /** Zero-based column indexes to right-align as numbers (header and cells). */
  numericColumns?: readonly number[];
  /** Render the first cell of each body row as `<th scope="row">`. */
  firstCellIsHeader?: boolean;
  /**
   * Stack cells on small screens (nhsuk-table--responsive, the default so no page scrolls sideways on a phone): adds explicit ARIA
   * table roles and a hidden-from-AT heading label in each cell, as v10 does.
   */
  responsive?: boolean;
  /** Wrap in nhsuk-scroll so wide tables scroll horizontally (keyboard focusable, labelled by the caption). */
  scroll?: boolean;
  /** Accessible name for the scroll region when there is no caption. */
  scrollLabel?: string;
  compact?: boolean;
  striped?: boolean;
  noBorder?: boolean;
  className?: string;
  id?: string;
}

function isCellObject(cell: TableCell): cell is TableCellObject {
  return (
    typeof cell === "object" &&
    cell !== null &&
    !Array.isArray(cell) &&
    !isValidElement(cell) &&
    "content" in (cell as object)
  );
}

function normalise(cell: TableCell): TableCellObject {
  return isCellObject(cell) ? cell : { content: cell as ReactNode };
}

/**
 * Simple table (v10 nhsuk-table markup). For sorting/filtering use the
 * separate data table component.
 */
export function Table({
  caption,
  captionSize,
  head,
  rows,
  numericColumns = [],
  firstCellIsHeader,
  responsive = true,
  scroll,
  scrollLabel,
  compact,
  striped,
  noBorder,
  className,
  id,
}: TableProps) {
  const headCells = (head ?? []).map(normalise);
  const isNumeric = (cell: TableCellObject, column: number) =>
    cell.format === "numeric" || numericColumns.includes(column) || headCells[column]?.format === "numeric";
  const generatedId = `table${useId().replace(/:/g, "-")}`;
  const captionId = scroll && caption ? `${id ?? generatedId}-caption` : undefined;

  const table = (
    <table
      className={cx(
        "nhsuk-table",
        compact && "nhsuk-table--compact",
        responsive && "nhsuk-table--responsive",
        noBorder && "nhsuk-table--no-border",
        striped && "nhsuk-table--striped",
        className,
      )}
      id={id}
      role={responsive ? "table" : undefined}
    >
      {caption ? (
        <caption className={cx("nhsuk-table__caption", captionSize && `nhsuk-table__caption--${captionSize}`)} id={captionId}>
          {caption}
        </caption>
      ) : null}
      {headCells.length ? (
        <thead className="nhsuk-table__head" role={responsive ? "rowgroup" : undefined}>
          <tr className="nhsuk-table__row" role={responsive ? "row" : undefined}>
            {headCells.map((cell, column) => (
              <th
                key={column}
                className={cx("nhsuk-table__header", isNumeric(cell, column) && "nhsuk-table__header--numeric", cell.className)}
                scope="col"
                role={responsive ? "columnheader" : undefined}
                colSpan={responsive ? undefined : cell.colSpan}
                rowSpan={cell.rowSpan}
              >
                {cell.content}
              </th>
            ))}
          </tr>
        </thead>
      ) : null}
      <tbody className="nhsuk-table__body">
        {rows.map((row, rowIndex) => (
          <tr className="nhsuk-table__row" role={responsive ? "row" : undefined} key={rowIndex}>
            {row.map((raw, column) => {
              const cell = normalise(raw);
              const asHeader = firstCellIsHeader && column === 0;
              const Tag = asHeader ? "th" : "td";
              const base = asHeader ? "nhsuk-table__header" : "nhsuk-table__cell";
              const heading = responsive ? headCells[column]?.content : undefined;
              return (
                <Tag
                  key={column}
                  className={cx(base, isNumeric(cell, column) && `${base}--numeric`, cell.className)}
                  scope={asHeader ? "row" : undefined}
                  role={responsive ? (asHeader ? "rowheader" : "cell") : undefined}
                  colSpan={responsive ? undefined : cell.colSpan}
                  rowSpan={cell.rowSpan}
                >
                  {heading !== undefined && heading !== null ? (
                    <>
                      <span className="nhsuk-table__heading" aria-hidden="true">
                        {heading}{" "}
                      </span>
                      {cell.content}
                    </>
                  ) : (
                    cell.content
                  )}
                </Tag>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );

  if (!scroll) return table;
  return (
    <div className="nhsuk-scroll" data-module="nhsuk-scroll">
      {/* tabIndex so keyboard users can scroll without JavaScript (nhsuk-frontend's script manages it when present). */}
      <div className="nhsuk-scroll__content" role="region"
        aria-labelledby={captionId}
        aria-label={captionId ? undefined : (scrollLabel ?? "Table")}
        tabIndex={0}
      >
        {table}
      </div>
    </div>
  );
}
