import { createTable, getCoreRowModel, type ColumnDef } from "@tanstack/react-table";
import type { DataTableModel } from "~/components/data-table";

/**
 * The row model of a register's page, built by @tanstack/react-table in the loader: column ids,
 * header text, which columns sort and which way first, and each cell's value. The browser renders
 * it as plain rows with the route's own cell renderers (`DataTable`), so react-table's core (14 KiB
 * gzipped, every feature in one object) is not in any page's JavaScript. Sorting and paging were
 * always done by the server through links; nothing in the browser needed the table object.
 *
 * `columns` are the ones the page renders with (same array, same order); `rows` are the page's rows,
 * already sorted and sliced.
 */
export function dataTableModel<Row>(columns: ColumnDef<Row, any>[], rows: Row[]): DataTableModel<Row> {
  // A register's rows come from the figures cache, the same array while its data is unchanged, and
  // its columns are the route's constants: the model is built once for each such pair, not on every
  // request (it was an eighth of a register request's CPU). Held weakly: it goes with the rows.
  const byRows = models.get(columns);
  const kept = byRows?.get(rows);
  if (kept) return kept as DataTableModel<Row>;
  const model = buildModel(columns, rows);
  if (byRows) byRows.set(rows, model);
  else models.set(columns, new WeakMap([[rows, model]]));
  return model;
}

const models = new WeakMap<object, WeakMap<object, DataTableModel<any>>>();

function buildModel<Row>(columns: ColumnDef<Row, any>[], rows: Row[]): DataTableModel<Row> {
  const grouped = columns.find((c) => "columns" in c && c.columns);
  if (grouped) throw new Error(`DataTable has one header row: column ${grouped.id ?? String(grouped.header)} groups other columns; list them flat.`);
  const table = createTable<Row>({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    state: {},
    onStateChange: () => {},
    renderFallbackValue: null,
  });
  table.setOptions((prev) => ({ ...prev, state: table.initialState }));

  const headers = table.getFlatHeaders();
  return {
    columns: headers.map((header) => {
      const { column } = header;
      const def = column.columnDef;
      const text = typeof def.header === "function" ? def.header(header.getContext()) : def.header;
      if (text != null && typeof text !== "string" && typeof text !== "number")
        throw new Error(`DataTable headers are text: column ${column.id}'s header is not a string. Put anything richer in its cells.`);
      return {
        id: column.id,
        header: text == null ? "" : String(text),
        canSort: column.getCanSort(),
        sortDescFirst: Boolean(def.sortDescFirst),
        numeric: Boolean(def.meta?.numeric),
      };
    }),
    rows: table.getRowModel().rows.map((row) => ({
      id: row.id,
      original: row.original,
      values: row.getVisibleCells().map((cell) => cell.getValue() ?? null),
    })),
  };
}
