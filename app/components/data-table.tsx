import { Link, useSearchParams } from "@remix-run/react";
import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type Header,
  type RowData,
} from "@tanstack/react-table";
import { useId, type ReactNode } from "react";
import { Icon } from "~/components/nhs/Icon";
import { hrefWith, pageCount, sortParam, type TableSort } from "~/lib/table-query";

declare module "@tanstack/react-table" {
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Right-align the column's header and cells (figures). */
    numeric?: boolean;
  }
}

export interface DataTableProps<Row> {
  caption: ReactNode;
  /** Define at module level: a new array each render makes react-table rebuild every column. */
  columns: ColumnDef<Row, any>[];
  /** The current page of rows, already sorted and sliced by the server. */
  rows: Row[];
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

/**
 * A server-driven table: the loader sorts and pages, the URL holds the state, and the
 * header and pagination links work without JavaScript.
 */
export function DataTable<Row>({
  caption,
  columns,
  rows,
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
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    state: { sorting: [sort], pagination: { pageIndex: page - 1, pageSize } },
    pageCount: pages,
    rowCount: total,
  });

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

  const isNumeric = (header: Header<Row, unknown>) =>
    Boolean(header.column.columnDef.meta?.numeric) || numericColumns.includes(header.column.id);
  const sortable = table.getAllLeafColumns().some((column) => column.getCanSort());
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
              {table.getHeaderGroups().map((headerGroup) => (
                <tr className="nhsuk-table__row" key={headerGroup.id} role="row">
                  {headerGroup.headers.map((header) => (
                    <th
                      key={header.id}
                      className={isNumeric(header) ? "nhsuk-table__header nhsuk-table__header--numeric" : "nhsuk-table__header"}
                      scope="col"
                      role="columnheader"
                      colSpan={header.colSpan > 1 ? header.colSpan : undefined}
                      {...sortAttributes(header, sort)}
                    >
                      {header.isPlaceholder ? null : (
                        <SortableHeading header={header} sort={sort} searchParams={searchParams} />
                      )}
                    </th>
                  ))}
                </tr>
              ))}
            </thead>
            <tbody className="nhsuk-table__body" role="rowgroup">
              {table.getRowModel().rows.map((row) => (
                <tr className="nhsuk-table__row" key={row.id} role="row">
                  {row.getVisibleCells().map((cell) => {
                    const numeric =
                      Boolean(cell.column.columnDef.meta?.numeric) || numericColumns.includes(cell.column.id);
                    return (
                      <td
                        key={cell.id}
                        className={numeric ? "nhsuk-table__cell nhsuk-table__cell--numeric" : "nhsuk-table__cell"}
                        role="cell"
                      >
                        <span className="nhsuk-table__heading" aria-hidden="true">
                          {flexRender(cell.column.columnDef.header, headerContext(table, cell.column.id))}{" "}
                        </span>
                        {/* One block beside the column name on phones, however many parts the cell has. */}
                        <span className="sb-cell-value">{flexRender(cell.column.columnDef.cell, cell.getContext())}</span>
                      </td>
                    );
                  })}
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

function headerContext<Row>(table: ReturnType<typeof useReactTable<Row>>, columnId: string) {
  const header = table.getFlatHeaders().find((h) => h.column.id === columnId);
  return header!.getContext();
}

// aria-sort only on the sorted column: ARIA asks for one sorted header at a time, and
// nhsuk-frontend draws the "active column" underline on any header that has aria-sort.
function sortAttributes<Row>(header: Header<Row, unknown>, sort: TableSort) {
  if (header.isPlaceholder || !header.column.getCanSort()) return {};
  if (header.column.id !== sort.id) return { "data-sort": "" };
  return { "data-sort": "", "aria-sort": sort.desc ? ("descending" as const) : ("ascending" as const) };
}

function SortableHeading<Row>({
  header,
  sort,
  searchParams,
}: {
  header: Header<Row, unknown>;
  sort: TableSort;
  searchParams: URLSearchParams;
}) {
  const label = flexRender(header.column.columnDef.header, header.getContext());
  if (!header.column.getCanSort()) return <>{label}</>;
  const isCurrent = header.column.id === sort.id;
  // Clicking the sorted column flips it; any other column starts in its natural order.
  const nextDesc = isCurrent ? !sort.desc : Boolean(header.column.columnDef.sortDescFirst);
  return (
    <Link
      className="nhsuk-link"
      to={hrefWith(searchParams, { sort: sortParam({ id: header.column.id, desc: nextDesc }) })}
      preventScrollReset
    >
      {label}
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
