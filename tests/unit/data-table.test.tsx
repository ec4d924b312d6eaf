import { createColumnHelper } from "@tanstack/react-table";
import { renderToStaticMarkup } from "react-dom/server";
import { StaticRouter } from "react-router-dom/server";
import { describe, expect, it } from "vitest";
import { DataTable, type DataTableProps } from "~/components/data-table";
import { dataTableModel } from "~/lib/data-table.server";

interface Organisation {
  name: string;
  locality: string;
  practices: number;
}

const column = createColumnHelper<Organisation>();
const columns = [
  column.accessor("name", { header: "Organisation" }),
  column.accessor("locality", { header: "Locality" }),
  column.accessor("practices", { header: "Practices", meta: { numeric: true }, sortDescFirst: true }),
  column.display({ id: "actions", header: "Actions", cell: ({ row }) => <a href={`/o/${row.index}`}>View</a> }),
];

const rows: Organisation[] = [
  { name: "Avon & Wessex <Trust>", locality: "North", practices: 12 },
  { name: "Bath Practice", locality: "South", practices: 3 },
];

function render(url: string, { rows: pageRows = rows, ...props }: Partial<DataTableProps<Organisation>> & { rows?: Organisation[] } = {}) {
  // As a loader does: the row model built on the server, sent as plain data (JSON here).
  const model = JSON.parse(JSON.stringify(dataTableModel(columns, pageRows)));
  const html = renderToStaticMarkup(
    <StaticRouter location={url}>
      <DataTable
        caption="Organisations"
        columns={columns}
        model={model}
        sort={{ id: "name", desc: false }}
        total={312}
        page={2}
        pageSize={25}
        noun="organisations"
        emptyMessage="No organisations match these filters."
        {...props}
      />
    </StaticRouter>,
  );
  return html;
}

/** The `<th>` whose text starts with `label`. */
function headerCell(html: string, label: string) {
  const match = [...html.matchAll(/<th\b[^>]*>[\s\S]*?<\/th>/g)].map((m) => m[0]).find((th) => th.replace(/<[^>]+>/g, "").startsWith(label));
  if (!match) throw new Error(`no header ${label}`);
  return match;
}

const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replaceAll("&amp;", "&"));

describe("DataTable", () => {
  it("renders NHS table markup with the rows, escaped", () => {
    const html = render("/organisations?locality=North&page=2");
    expect(html).toContain('<table class="nhsuk-table nhsuk-table--responsive nhsuk-table--sortable" role="table">');
    expect(html).toMatch(/<caption class="nhsuk-table__caption"[^>]*>Organisations/);
    expect(html).toContain('class="nhsuk-table__head"');
    expect(html).toContain("Avon &amp; Wessex &lt;Trust&gt;");
    expect(html).toContain('<td class="nhsuk-table__cell nhsuk-table__cell--numeric" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Practices </span><span class="sb-cell-value">12</span></td>');
    expect(headerCell(html, "Practices")).toContain("nhsuk-table__header--numeric");
  });

  it("makes sortable headers links that keep the filters and drop the page", () => {
    const html = render("/organisations?locality=North&page=2");
    expect(headerCell(html, "Organisation")).toContain('href="/organisations?locality=North&amp;sort=-name"');
    expect(headerCell(html, "Locality")).toContain('href="/organisations?locality=North&amp;sort=locality"');
    // Figures sort largest first on the first click.
    expect(headerCell(html, "Practices")).toContain('href="/organisations?locality=North&amp;sort=-practices"');
    expect(headerCell(html, "Actions")).not.toContain("href");
  });

  it("marks only the sorted column with aria-sort and says what each link does", () => {
    const html = render("/organisations", { sort: { id: "locality", desc: true } });
    expect(headerCell(html, "Locality")).toContain('aria-sort="descending"');
    expect(headerCell(html, "Locality")).toContain('<span class="nhsuk-u-visually-hidden"> (sort ascending)</span>');
    expect(headerCell(html, "Organisation")).not.toContain("aria-sort");
    expect(headerCell(html, "Organisation")).toContain("(sort ascending)");
    expect(headerCell(html, "Actions")).not.toContain("data-sort");
    expect(render("/organisations")).toMatch(/<th[^>]*aria-sort="ascending"[^>]*><a[^>]*>Organisation/);
  });

  it("says which rows are showing", () => {
    const html = render("/organisations?page=2");
    expect(html).toContain("Showing 26 to 27 of 312 organisations");
    expect(render("/organisations", { total: 1, page: 1, rows: rows.slice(0, 1), noun: { one: "organisation", other: "organisations" } })).toContain(
      "Showing 1 to 1 of 1 organisation",
    );
  });

  it("links to the previous and next pages, keeping the filters and sort", () => {
    const html = render("/organisations?locality=North&sort=-practices&page=2");
    const pagination = html.slice(html.indexOf('<nav class="nhsuk-pagination"'));
    expect(pagination).toContain("Page 1 of 13");
    expect(pagination).toContain("Page 3 of 13");
    expect(hrefs(pagination)).toEqual([
      "/organisations?locality=North&sort=-practices",
      "/organisations?locality=North&sort=-practices&page=3",
    ]);
    expect(pagination).toContain('rel="prev"');
    expect(pagination).toContain('rel="next"');
  });

  it("leaves out the link that goes nowhere", () => {
    const first = render("/organisations", { page: 1 });
    expect(first).not.toContain('rel="prev"');
    expect(first).toContain("Page 2 of 13");
    const last = render("/organisations?page=13", { page: 13 });
    expect(last).not.toContain('rel="next"');
    expect(render("/organisations", { page: 1, total: 2 })).not.toContain("nhsuk-pagination");
  });

  it("shows the empty message instead of a table when nothing matches", () => {
    const html = render("/organisations?locality=Nowhere", { rows: [], total: 0, page: 1 });
    expect(html).toContain("No organisations match these filters.");
    expect(html).not.toContain("<table");
  });

  it("offers the last page when the page asked for is past the end", () => {
    const html = render("/organisations?locality=North&page=40", { rows: [], page: 40 });
    expect(html).toContain("There is no page 40.");
    expect(hrefs(html)).toEqual(["/organisations?locality=North&page=13"]);
  });

  it("right-aligns columns named in numericColumns", () => {
    const html = render("/organisations", { numericColumns: ["locality"] });
    expect(html).toContain('<td class="nhsuk-table__cell nhsuk-table__cell--numeric" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Locality </span><span class="sb-cell-value">North</span></td>');
  });

  it("draws each cell with its column's renderer, given the row and its value", () => {
    const html = render("/organisations");
    expect(html).toContain('<span class="sb-cell-value"><a href="/o/1">View</a></span>');
    expect(html).toContain('<span class="nhsuk-table__heading" aria-hidden="true">Locality </span><span class="sb-cell-value">South</span>');
  });
});

describe("dataTableModel (built by react-table in the loader)", () => {
  it("takes ids, header text, sortability and values from react-table", () => {
    const model = dataTableModel(columns, rows);
    expect(model.columns).toEqual([
      { id: "name", header: "Organisation", canSort: true, sortDescFirst: false, numeric: false },
      { id: "locality", header: "Locality", canSort: true, sortDescFirst: false, numeric: false },
      { id: "practices", header: "Practices", canSort: true, sortDescFirst: true, numeric: true },
      { id: "actions", header: "Actions", canSort: false, sortDescFirst: false, numeric: false },
    ]);
    expect(model.rows.map((r) => [r.id, ...r.values])).toEqual([
      ["0", "Avon & Wessex <Trust>", "North", 12, null],
      ["1", "Bath Practice", "South", 3, null],
    ]);
    expect(model.rows[1]!.original).toBe(rows[1]);
  });

  it("follows react-table's rules: accessor functions, no sorting where switched off, the id as a missing header", () => {
    const model = dataTableModel<Organisation>(
      [
        column.accessor((o) => o.practices * 2, { id: "double", header: "Double" }),
        column.accessor("locality", { enableSorting: false }),
      ],
      rows,
    );
    expect(model.columns.map(({ id, header, canSort }) => ({ id, header, canSort }))).toEqual([
      { id: "double", header: "Double", canSort: true },
      { id: "locality", header: "locality", canSort: false },
    ]);
    expect(model.rows.map((r) => r.values[0])).toEqual([24, 6]);
  });

  it("refuses grouped columns and headers that are not text, saying what to do", () => {
    expect(() => dataTableModel([column.group({ id: "who", header: "Who", columns: [column.accessor("name", {})] })], rows)).toThrow(/list them flat/);
    expect(() => dataTableModel([column.accessor("name", { header: () => <b>Name</b> })], rows)).toThrow(/Put anything richer in its cells/);
  });
});
