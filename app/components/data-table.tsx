import { Link, useSearchParams } from "@remix-run/react";
import type { CellContext, ColumnDef, RowData } from "@tanstack/react-table";
import { createElement, useId, type ReactNode } from "react";
import { Icon } from "~/components/nhs/Icon";
import { hrefWith, pageCount, sortParam, type TableSort } from "~/lib/table-query";

declare module "@tanstack/react-table" {
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Right-align the column's header and cells (figures). */
    numeric?: boolean;
  }
}

/**
 * A page of a register as @tanstack/react-table models it, built in the loader by `dataTableModel`
 * (app/lib/data-table.server.ts): plain data, so the browser needs none of react-table's code.
 */
export interface DataTableModel<Row> {
  /** One per column, in the order of the column definitions. */
  columns: { id: string; header: string; canSort: boolean; sortDescFirst: boolean; numeric: boolean }[];
  /** The page's rows, already sorted and sliced by the server; `values[i]` is column i's value. */
  rows: { id: string; original: Row; values: unknown[] }[];
}

export interface DataTableProps<Row> {
  caption: ReactNode;
  /**
   * The column definitions the model was built from (same array). Their `cell` renderers draw the
   * cells, given `row.original`, `row.index`, `row.id`, `getValue()`, `renderValue()` and `column.id`.
   */
  columns: ColumnDef<Row, any>[];
  /** `dataTableModel(columns, rows)` from the loader. */
  model: DataTableModel<Row>;
  sort: TableSort;
  /** Rows across all pages, for "Showing 1 to 25 of 312" and the page count. */
  total: number;
  page: number;
  pageSize: number;
  /** What the rows are, plural ("organisations"); give `{ one, other }` when the singular differs. */
  noun: string | { one: string; other: string };
  /** Shown instead of the table when nothing matches. */
  emptyMessage: ReactNode;
  /** Column ids to right-align, as an alternative to `meta: { numeric: true }`. */
  numericColumns?: readonly string[];
}

type ModelColumn = DataTableModel<unknown>["columns"][number];

/**
 * A server-driven table: the loader sorts, pages and builds the row model, the URL holds the
 * state, and the header and pagination links work without JavaScript.
 */
export function DataTable<Row>({
  caption,
  columns,
  model,
  sort,
  total,
  page,
  pageSize,
  noun,
  emptyMessage,
  numericColumns = [],
}: DataTableProps<Row>) {
  const [searchParams] = useSearchParams();
  const captionId = useId();
  const pages = pageCount(total, pageSize);
  const { rows } = model;
  if (model.columns.length !== columns.length)
    throw new Error(`DataTable's model has ${model.columns.length} columns and its definitions ${columns.length}: build the model from the same columns.`);

  if (rows.length === 0) {
    return (
      <div className="sb-data-table sb-data-table--empty">
        {total > 0 ? (
          <p className="nhsuk-body">
            There is no page {page}.{" "}
            <Link className="nhsuk-link" to={hrefWith(searchParams, { page: pages > 1 ? String(pages) : null })}>
              Go to the last page (page {pages} of {pages})
            </Link>
          </p>
        ) : (
          <p className="nhsuk-body">{emptyMessage}</p>
        )}
      </div>
    );
  }

  const isNumeric = (column: ModelColumn) => column.numeric || numericColumns.includes(column.id);
  const sortable = model.columns.some((column) => column.canSort);
  const first = (page - 1) * pageSize + 1;
  const last = first + rows.length - 1;
  const nounText = typeof noun === "string" ? noun : total === 1 ? noun.one : noun.other;

  return (
    <div className="sb-data-table">
      <div className="nhsuk-scroll" data-module="nhsuk-scroll">
        <div className="nhsuk-scroll__content" role="region" aria-labelledby={captionId}>
          {/* NHS responsive table: on phones each row becomes a card whose cells carry their column's name. */}
          <table className={sortable ? "nhsuk-table nhsuk-table--responsive nhsuk-table--sortable" : "nhsuk-table nhsuk-table--responsive"} role="table">
            <caption className="nhsuk-table__caption" id={captionId}>
              {caption}
              {sortable ? <span className="nhsuk-u-visually-hidden"> (column headers with links sort the table)</span> : null}
            </caption>
            <thead className="nhsuk-table__head" role="rowgroup">
              <tr className="nhsuk-table__row" role="row">
                {model.columns.map((column) => (
                  <th
                    key={column.id}
                    className={isNumeric(column) ? "nhsuk-table__header nhsuk-table__header--numeric" : "nhsuk-table__header"}
                    scope="col"
                    role="columnheader"
                    {...sortAttributes(column, sort)}
                  >
                    <SortableHeading column={column} sort={sort} searchParams={searchParams} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="nhsuk-table__body" role="rowgroup">
              {rows.map((row, index) => (
                <tr className="nhsuk-table__row" key={row.id} role="row">
                  {model.columns.map((column, i) => (
                    <td
                      key={`${row.id}_${column.id}`}
                      className={isNumeric(column) ? "nhsuk-table__cell nhsuk-table__cell--numeric" : "nhsuk-table__cell"}
                      role="cell"
                    >
                      <span className="nhsuk-table__heading" aria-hidden="true">
                        {column.header}{" "}
                      </span>
                      {/* One block beside the column name on phones, however many parts the cell has. */}
                      <span className="sb-cell-value">{renderCell(columns[i]!, column, row, index, row.values[i] ?? null)}</span>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <p className="nhsuk-body-s sb-data-table__count" aria-live="polite">
        Showing {first.toLocaleString("en-GB")} to {last.toLocaleString("en-GB")} of {total.toLocaleString("en-GB")}{" "}
        {nounText}
      </p>
      <TablePagination page={page} pages={pages} searchParams={searchParams} />
    </div>
  );
}

/**
 * A cell as react-table's flexRender draws it: the column's `cell` as a component given the cell's
 * context (the parts of it a page can use here), or with no `cell`, the value as text.
 */
function renderCell<Row>(def: ColumnDef<Row, any>, column: ModelColumn, row: DataTableModel<Row>["rows"][number], index: number, value: unknown): ReactNode {
  const cell = def.cell;
  if (cell === undefined) return (value as { toString?: () => string } | null)?.toString?.() ?? null;
  if (typeof cell !== "function") return cell;
  const context = {
    row: { id: row.id, index, original: row.original },
    column: { id: column.id },
    getValue: () => value,
    renderValue: () => value,
  } as unknown as CellContext<Row, any>;
  return createElement(cell, context);
}

// aria-sort only on the sorted column: ARIA asks for one sorted header at a time, and
// nhsuk-frontend draws the "active column" underline on any header that has aria-sort.
function sortAttributes(column: ModelColumn, sort: TableSort) {
  if (!column.canSort) return {};
  if (column.id !== sort.id) return { "data-sort": "" };
  return { "data-sort": "", "aria-sort": sort.desc ? ("descending" as const) : ("ascending" as const) };
}

function SortableHeading({ column, sort, searchParams }: { column: ModelColumn; sort: TableSort; searchParams: URLSearchParams }) {
  if (!column.canSort) return <>{column.header}</>;
  const isCurrent = column.id === sort.id;
  // Clicking the sorted column flips it; any other column starts in its natural order.
  const nextDesc = isCurrent ? !sort.desc : column.sortDescFirst;
  return (
    <Link
      className="nhsuk-link"
      to={hrefWith(searchParams, { sort: sortParam({ id: column.id, desc: nextDesc }) })}
      preventScrollReset
    >
      {column.header}
      <span className="nhsuk-u-visually-hidden"> (sort {nextDesc ? "descending" : "ascending"})</span>
    </Link>
  );
}

function TablePagination({ page, pages, searchParams }: { page: number; pages: number; searchParams: URLSearchParams }) {
  if (pages <= 1) return null;
  const linkTo = (target: number) => hrefWith(searchParams, { page: target > 1 ? String(target) : null });
  return (
    <nav className="nhsuk-pagination" role="navigation" aria-label="Pagination">
      <ul className="nhsuk-list nhsuk-pagination__list">
        {page > 1 ? (
          <li className="nhsuk-pagination-item--previous">
            <Link className="nhsuk-pagination__link nhsuk-pagination__link--prev" to={linkTo(Math.min(page - 1, pages))} rel="prev">
              <span className="nhsuk-pagination__title">
                Previous<span className="nhsuk-u-visually-hidden"> page</span>
              </span>
              <span className="nhsuk-u-visually-hidden">:</span>
              <span className="nhsuk-pagination__page">
                Page {Math.min(page - 1, pages)} of {pages}
              </span>
              <Icon name="arrow-left" />
            </Link>
          </li>
        ) : null}
        {page < pages ? (
          <li className="nhsuk-pagination-item--next">
            <Link className="nhsuk-pagination__link nhsuk-pagination__link--next" to={linkTo(page + 1)} rel="next">
              <span className="nhsuk-pagination__title">
                Next<span className="nhsuk-u-visually-hidden"> page</span>
              </span>
              <span className="nhsuk-u-visually-hidden">:</span>
              <span className="nhsuk-pagination__page">
                Page {page + 1} of {pages}
              </span>
              <Icon name="arrow-right" />
            </Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
