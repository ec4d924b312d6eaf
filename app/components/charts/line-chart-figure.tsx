import {
  ChartFigure,
  FiguresTable,
  Legend,
  assertFewSeries,
  seriesMarker,
  type MarkerShape,
  formatCategory,
  formatNumber,
  seriesColour,
  type ChartBaseProps,
} from "./chart-parts";

/**
 * A milestone on the x axis (a go-live, a deadline). Without `y` it is a vertical line;
 * with `y` it is a dot at that value, for a target to reach by a date.
 */
export interface TargetMarker {
  x: string | number;
  y?: number;
  label: string;
  colour?: string;
}

export interface LineChartFigureProps<Row extends object> extends ChartBaseProps<Row> {
  /** Fixed y range, for example [0, 100] for percentages; "auto" lets recharts choose that end. */
  yDomain?: [number | "auto", number | "auto"];
  markers?: readonly TargetMarker[];
  /** Whole numbers only on the y axis (default), or allow 0.5 steps and the like. */
  allowDecimals?: boolean;
}

/** A line chart (one or more series over months or other categories) that renders on the server. */
export function LineChartFigure<Row extends object>({
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
  markers = [],
  yDomain = [0, "auto"],
  allowDecimals = false,
  width = 800,
  height = 320,
}: LineChartFigureProps<Row>) {
  assertFewSeries(id, series.length);
  const lines = series.map((s, index) => ({ ...s, colour: seriesColour(index, s.colour), marker: seriesMarker(index, s.marker) as MarkerShape }));

  const notes = [
    ...targets.map((t) => `${t.label} (${formatY(t.y)})`),
    ...markers.map((m) => `${m.label} (${formatX(m.x)}${m.y === undefined ? "" : `, ${formatY(m.y)}`})`),
  ];

  return (
    <ChartFigure
      id={id}
      caption={caption}
      description={description}
      legend={<Legend items={lines} shape="line" />}
      yLabel={yLabel}
      drawing={{ kind: "line", props: { id, caption, data, xKey, series, formatX, formatY, targets, markers, yDomain, allowDecimals, width, height } }}
      chartKey={{ kind: "line", id, caption, data, xKey, series, targets, markers, yDomain, allowDecimals, width, height, formatX: String(formatX), formatY: String(formatY) }}
      table={
        <FiguresTable caption={caption} data={data} xKey={xKey} xLabel={xLabel} series={series} formatX={formatX} formatY={formatY} />
      }
      notes={notes}
    />
  );
}
