import {
  ChartFigure,
  FiguresTable,
  Legend,
  assertFewSeries,
  formatCategory,
  formatNumber,
  seriesColour,
  type ChartBaseProps,
} from "./chart-parts";

export interface BarChartFigureProps<Row extends object> extends ChartBaseProps<Row> {
  /** Stack the series in one bar per category (the table then gets a Total column). */
  stacked?: boolean;
  /** Bars run left to right with the categories down the side: better for long names. */
  horizontal?: boolean;
  yDomain?: [number | "auto", number | "auto"];
  allowDecimals?: boolean;
}


/** A bar chart of categories by one or more series that renders on the server. */
export function BarChartFigure<Row extends object>({
  id,
  caption,
  description,
  data,
  xKey,
  xLabel,
  series,
  yLabel,
  formatX = formatCategory,
  formatY = formatNumber,
  targets = [],
  stacked = false,
  horizontal = false,
  yDomain = [0, "auto"],
  allowDecimals = false,
  width = 800,
  height,
}: BarChartFigureProps<Row>) {
  assertFewSeries(id, series.length);
  const bars = series.map((s, index) => ({ ...s, colour: seriesColour(index, s.colour) }));

  return (
    <ChartFigure
      id={id}
      caption={caption}
      description={description}
      legend={<Legend items={bars} shape="box" />}
      yLabel={yLabel}
      drawing={{ kind: "bar", props: { id, caption, data, xKey, series, formatX, formatY, targets, stacked, horizontal, yDomain, allowDecimals, width, height } }}
      chartKey={{ kind: "bar", id, caption, data, xKey, series, targets, stacked, horizontal, yDomain, allowDecimals, width, height, formatX: String(formatX), formatY: String(formatY) }}
      table={
        <FiguresTable
          caption={caption}
          data={data}
          xKey={xKey}
          xLabel={xLabel}
          series={series}
          formatX={formatX}
          formatY={formatY}
          withTotal={stacked && series.length > 1}
        />
      }
      notes={targets.map((t) => `${t.label} (${formatY(t.y)})`)}
    />
  );
}
