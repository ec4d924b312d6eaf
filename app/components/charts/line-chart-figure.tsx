import { CartesianGrid, Line, LineChart, ReferenceDot, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import {
  AXIS_COLOUR,
  AxisTick,
  ChartFigure,
  DotLabel,
  FiguresTable,
  GRID_COLOUR,
  Legend,
  MilestoneLabel,
  SECONDARY_TEXT_COLOUR,
  TEXT_COLOUR,
  TargetLabel,
  formatCategory,
  formatNumber,
  roundedLinearCurve,
  seriesColour,
  tickInterval,
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

const MARGIN = { top: 24, right: 24, bottom: 8, left: 8 };

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
  const lines = series.map((s, index) => ({ ...s, colour: seriesColour(index, s.colour) }));
  const milestoneRows = markers.filter((m) => m.y === undefined).length > 1 ? 2 : 1;
  const chart = (
    <LineChart
      id={id}
      width={width}
      height={height}
      data={data as Row[]}
      margin={{ ...MARGIN, top: MARGIN.top + (milestoneRows - 1) * 18 }}
      role="img"
      aria-label={caption}
    >
      <CartesianGrid vertical={false} stroke={GRID_COLOUR} />
      <XAxis
        dataKey={xKey}
        interval={tickInterval(data.length, Math.floor(width / 90))}
        tick={<AxisTick format={formatX} maxChars={14} />}
        stroke={AXIS_COLOUR}
        tickLine={false}
        height={28}
        padding={{ left: 16, right: 16 }}
      />
      <YAxis
        domain={yDomain}
        interval={0}
        allowDecimals={allowDecimals}
        tick={<AxisTick format={formatY} />}
        stroke={AXIS_COLOUR}
        tickLine={false}
        width={64}
      />
      <Tooltip
        isAnimationActive={false}
        formatter={(value) => (typeof value === "number" ? formatY(value) : String(value))}
        labelFormatter={(label) => formatX(label as string | number)}
        contentStyle={{ border: `1px solid ${AXIS_COLOUR}`, color: TEXT_COLOUR }}
      />
      {targets.map((target) => (
        <ReferenceLine
          key={`target-${target.y}-${target.label}`}
          y={target.y}
          stroke={target.colour ?? TEXT_COLOUR}
          strokeDasharray="8 4"
          strokeWidth={2}
          ifOverflow="extendDomain"
          label={<TargetLabel text={target.label} colour={target.colour ?? TEXT_COLOUR} />}
        />
      ))}
      {markers.map((marker, index) =>
        marker.y === undefined ? (
          <ReferenceLine
            key={`marker-${marker.x}-${marker.label}`}
            x={marker.x}
            stroke={marker.colour ?? SECONDARY_TEXT_COLOUR}
            strokeDasharray="2 3"
            strokeWidth={2}
            label={
              <MilestoneLabel
                text={marker.label}
                colour={marker.colour ?? SECONDARY_TEXT_COLOUR}
                row={index % milestoneRows}
                chartWidth={width}
              />
            }
          />
        ) : (
          <ReferenceDot
            key={`marker-${marker.x}-${marker.label}`}
            x={marker.x}
            y={marker.y}
            r={6}
            fill="#ffffff"
            stroke={marker.colour ?? TEXT_COLOUR}
            strokeWidth={3}
            ifOverflow="extendDomain"
            label={<DotLabel text={marker.label} colour={marker.colour ?? TEXT_COLOUR} />}
          />
        ),
      )}
      {lines.map((line) => (
        <Line
          key={line.key}
          type={roundedLinearCurve}
          dataKey={line.key}
          name={line.name}
          stroke={line.colour}
          strokeWidth={3}
          strokeDasharray={line.dash}
          dot={data.length <= 24 ? { r: 3, fill: line.colour, strokeWidth: 0 } : false}
          activeDot={{ r: 5 }}
          isAnimationActive={false}
        />
      ))}
    </LineChart>
  );

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
      chart={chart}
      table={
        <FiguresTable caption={caption} data={data} xKey={xKey} xLabel={xLabel} series={series} formatX={formatX} formatY={formatY} />
      }
      notes={notes}
    />
  );
}
