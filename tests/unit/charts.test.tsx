import { renderToStaticMarkup as renderStatic } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BarChartFigure, LineChartFigure, SmallMultiplesFigure, spreadLabels } from "~/components/charts";
import { ChartMarkupContext } from "~/components/charts/chart-markup";
import { chartCacheStats, chartMarkup } from "~/lib/chart-markup.server";

/** Renders as the server does: charts drawn by the kept-markup renderer entry.server.tsx provides. */
const renderToStaticMarkup = (element: React.ReactElement) => renderStatic(<ChartMarkupContext.Provider value={chartMarkup}>{element}</ChartMarkupContext.Provider>);

interface MonthlyUptake {
  month: string;
  signedUp: number;
  live: number | null;
}

const uptake: MonthlyUptake[] = [
  { month: "2024-10", signedUp: 40, live: 10 },
  { month: "2024-11", signedUp: 55, live: 21 },
  { month: "2024-12", signedUp: 61, live: null },
  { month: "2025-01", signedUp: 72.5, live: 38 },
];

const percent = (value: number) => `${value}%`;
const monthName = (value: string | number) =>
  new Date(`${value}-01T00:00:00Z`).toLocaleDateString("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });

const lineChart = () =>
  renderToStaticMarkup(
    <LineChartFigure
      id="uptake"
      caption="Practices signed up and live, by month"
      data={uptake}
      xKey="month"
      xLabel="Month"
      series={[
        { key: "signedUp", name: "Signed up" },
        { key: "live", name: "Live", dash: "6 4" },
      ]}
      formatX={monthName}
      formatY={percent}
      yDomain={[0, 100]}
      targets={[{ y: 80, label: "Target 80%" }]}
      markers={[{ x: "2024-12", label: "Go-live" }, { x: "2025-01", y: 90, label: "March goal" }]}
    />,
  );

/** Text of each body row of the figures table. */
const tableRows = (html: string) =>
  [...html.slice(html.indexOf("<tbody")).matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    // Each cell also carries its column's name for phones (aria-hidden); the figures follow it.
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      cell[1].replace(/<span class="nhsuk-table__heading"[^>]*>[\s\S]*?<\/span>/, "").replace(/<[^>]+>/g, ""),
    ),
  );

describe("LineChartFigure", () => {
  it("renders the chart as an SVG on the server, named by its caption", () => {
    const html = lineChart();
    expect(html).toMatch(/<figure[^>]*>\s*<figcaption[^>]*>Practices signed up and live, by month<\/figcaption>/);
    expect(html).toMatch(/<svg id="uptake" role="img" aria-label="Practices signed up and live, by month"[^>]*width="800" height="320"/);
    expect(html).toContain('clipPath id="uptake-clip"');
    expect(html.match(/class="recharts-curve recharts-line-curve"/g)).toHaveLength(2);
    expect(html).not.toContain("recharts-responsive-container");
  });

  it("draws the axes with formatted ticks, the target line and milestones with their labels", () => {
    const html = lineChart();
    expect(html).toContain(">Oct 2024</text>");
    expect(html).toContain(">100%</text>");
    expect(html).toContain(">Target 80%</text>");
    expect(html).toContain(">Go-live</text>");
    expect(html).toContain(">March goal</text>");
    expect(html).toContain("recharts-reference-line");
    expect(html).toContain("recharts-reference-dot");
  });

  it("gives the figures as a table in a details element, with missing values said in words", () => {
    const html = lineChart();
    expect(html).toMatch(/<details class="nhsuk-details[^"]*"><summary[^>]*><span[^>]*>Show the figures as a table<\/span>/);
    expect(html).toMatch(/<th class="nhsuk-table__header" scope="col" role="columnheader">Month<\/th>/);
    expect(tableRows(html)).toEqual([
      ["Oct 2024", "40%", "10%"],
      ["Nov 2024", "55%", "21%"],
      ["Dec 2024", "61%", "No data"],
      ["Jan 2025", "72.5%", "38%"],
    ]);
    expect(html).toContain("<li>Target 80% (80%)</li>");
    expect(html).toContain("<li>Go-live (Dec 2024)</li>");
  });

  it("tells series apart without colour: a key, a marker shape per series and each name at its line's end", () => {
    const html = lineChart();
    expect(html).toMatch(/sb-chart__legend[\s\S]*Signed up[\s\S]*Live/);
    // Colour-blind-safe palette (Okabe–Ito): blue, then vermillion.
    expect(html).toContain('stroke="#0072b2"');
    expect(html).toContain('stroke="#d55e00"');
    // First series circles, second squares (one missing month has no marker).
    const dots = html.slice(html.indexOf("recharts-line-dots"));
    expect(dots.match(/<circle [^>]*fill="#0072b2"/g)).toHaveLength(4);
    expect(html.match(/<rect [^>]*fill="#d55e00"/g)!.length).toBeGreaterThanOrEqual(3);
    expect(html).toMatch(/<g class="sb-chart__end-labels"><text[^>]*>Signed up<\/text><text[^>]*>Live<\/text><\/g>/);
  });

  it("refuses more than 6 series, pointing to small multiples", () => {
    const many = Array.from({ length: 7 }, (_, i) => ({ key: `s${i}` as never, name: `Series ${i}` }));
    expect(() => renderToStaticMarkup(<LineChartFigure id="busy" caption="Busy" data={[]} xKey={"month" as never} xLabel="Month" series={many} />)).toThrow(
      /7 series; at most 6[\s\S]*SmallMultiplesFigure/,
    );
  });

  it("rounds line paths to 3 decimals, as the browser build of d3 does, so hydration matches", () => {
    const html = lineChart();
    const paths = [...html.matchAll(/class="recharts-curve recharts-line-curve"[^>]*d="([^"]+)"/g)].map((m) => m[1]);
    expect(paths).toHaveLength(2);
    for (const d of paths) {
      expect(d).toMatch(/^M[\d.]+,[\d.]+L/);
      expect(d).not.toMatch(/\.\d{4}/);
    }
    expect(lineChart()).toBe(html);
  });
});

describe("BarChartFigure", () => {
  const agreements = [
    { locality: "North", signed: 12, awaiting: 3 },
    { locality: "South and the very long named locality of somewhere", signed: 7, awaiting: 5 },
  ];

  it("stacks the series and adds a total to the table", () => {
    const html = renderToStaticMarkup(
      <BarChartFigure
        id="agreements"
        caption="Agreements by locality"
        data={agreements}
        xKey="locality"
        xLabel="Locality"
        series={[
          { key: "signed", name: "Signed" },
          { key: "awaiting", name: "Awaiting signature" },
        ]}
        stacked
      />,
    );
    expect(html).toMatch(/<svg id="agreements" role="img" aria-label="Agreements by locality"/);
    expect(html.match(/class="recharts-rectangle"/g)).toHaveLength(4);
    expect(tableRows(html)).toEqual([
      ["North", "12", "3", "15"],
      ["South and the very long named locality of somewhere", "7", "5", "12"],
    ]);
    // Long names are shortened on the axis but whole in the table.
    expect(html).toMatch(/>South and the very long[^<]*…<\/text>/);
  });

  it("lays bars out horizontally with room for every category", () => {
    const html = renderToStaticMarkup(
      <BarChartFigure
        id="by-locality"
        caption="Practices live by locality"
        data={agreements}
        xKey="locality"
        xLabel="Locality"
        series={[{ key: "signed", name: "Signed" }]}
        targets={[{ y: 10, label: "Target" }]}
        horizontal
      />,
    );
    expect(html).toMatch(/<svg id="by-locality" role="img"[^>]*width="800"/);
    expect(html).not.toContain("sb-chart__legend");
    expect(html).toContain(">Target</text>");
    expect(html).toContain(">North</text>");
  });
});

describe("line-end labels", () => {
  it("keep each series' own height when there is room and move apart when they would overlap", () => {
    expect(spreadLabels([50, 150], { gap: 16, top: 0, bottom: 300 })).toEqual([50, 150]);
    // Three lines ending on the same value: labels are stacked 16px apart, in their order.
    expect(spreadLabels([100, 100, 100], { gap: 16, top: 0, bottom: 300 })).toEqual([100, 116, 132]);
    // Near the bottom edge they move up instead of leaving the chart.
    expect(spreadLabels([295, 298], { gap: 16, top: 0, bottom: 300 })).toEqual([284, 300]);
  });
});

describe("SmallMultiplesFigure", () => {
  const rows = [
    { month: "2016-09", borough: 50, a: 40, b: 60, c: 60 },
    { month: "2016-10", borough: 52, a: 45, b: 61, c: 61 },
  ];
  const html = renderToStaticMarkup(
    <SmallMultiplesFigure
      id="by-locality"
      caption="Opt-in by locality"
      data={rows}
      xKey="month"
      xLabel="Month"
      panels={[
        { key: "a", name: "Atherton" },
        { key: "b", name: "Leigh" },
        { key: "c", name: "Wigan Central" },
      ]}
      reference={{ key: "borough", name: "Borough" }}
      yDomain={[0, 100]}
      formatY={(v) => `${v}%`}
    />,
  );

  it("draws one small chart per series on the same scales, each named, against the reference in grey", () => {
    const svgs = [...html.matchAll(/<svg id="by-locality-(\d)" role="img" aria-labelledby="by-locality-\d-title"/g)];
    expect(svgs).toHaveLength(3);
    expect(html).toMatch(/id="by-locality-2-title">Wigan Central</);
    // Every panel has the same y axis, 0% to 100%.
    expect(html.match(/>100%<\/text>/g)).toHaveLength(3);
    expect(html.match(/stroke="#768692"/g)!.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain("Every chart has the same scales (0% to 100%, 2016-09 to 2016-10)");
  });

  it("keeps every figure in one table", () => {
    expect(tableRows(html)).toEqual([
      ["2016-09", "50%", "40%", "60%", "60%"],
      ["2016-10", "52%", "45%", "61%", "61%"],
    ]);
  });
});

describe("charts drawn once per set of figures on the server", () => {
  const withCache = renderToStaticMarkup;
  const figure = (live: number) => (
    <LineChartFigure id="kept" caption="Kept chart" data={uptake.map((u) => ({ ...u, live }))} xKey="month" xLabel="Month" series={[{ key: "live", name: "Live" }]} />
  );

  it("sends the recharts drawing as kept markup, and draws it again only when the figures change", () => {
    const before = chartCacheStats().entries;
    const first = withCache(figure(10));
    expect(first).toMatch(/<div id="kept-drawing" class="sb-chart__drawing"><div class="recharts-wrapper"/);
    expect(first).toContain("<svg");
    expect(chartCacheStats().entries).toBe(before + 1);
    expect(withCache(figure(10))).toBe(first);
    expect(chartCacheStats().entries).toBe(before + 1);
    const changed = withCache(figure(20));
    expect(changed).not.toBe(first);
    expect(chartCacheStats().entries).toBe(before + 2);
  });

  it("refuses to render a chart on the server without the renderer, rather than send an empty figure", () => {
    expect(() => renderStatic(figure(1))).toThrow(/ChartMarkupContext/);
  });

  it("keeps at most its budget in bytes", () => {
    process.env.SHAREBOARD_CHART_CACHE_MAX_BYTES = String(200_000);
    try {
      for (let i = 0; i < 60; i++) withCache(figure(i));
      expect(chartCacheStats().bytes).toBeLessThanOrEqual(200_000);
      expect(chartCacheStats().entries).toBeLessThan(60);
    } finally {
      delete process.env.SHAREBOARD_CHART_CACHE_MAX_BYTES;
    }
  });
});
