import { Bar, BarChart, CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import {
  AXIS_COLOUR,
  AxisTick,
  GRID_COLOUR,
  TEXT_COLOUR,
  TargetLabel,
  seriesColour,
  tickInterval,
} from "./chart-parts";
import type { BarChartFigureProps } from "./bar-chart-figure";

const MARGIN = { top: 24, right: 24, bottom: 8, left: 8 };
const CATEGORY_AXIS_WIDTH = 216;

/** The recharts drawing of a BarChartFigure, from the figure's props with its defaults applied (loaded by the browser only when it draws live). */
export function BarChartDrawing<Row extends object>({ id, caption, data, xKey, series, formatX, formatY, targets, stacked, horizontal, yDomain, allowDecimals, width, height }: Required<Pick<BarChartFigureProps<Row>, "id" | "caption" | "data" | "xKey" | "series" | "formatX" | "formatY" | "targets" | "stacked" | "horizontal" | "yDomain" | "allowDecimals" | "width">> & Pick<BarChartFigureProps<Row>, "height">) {
  const bars = series.map((s, index) => ({ ...s, colour: seriesColour(index, s.colour) }));
  // Horizontal charts grow with the number of categories so every name has room.
  const rowHeight = stacked || bars.length === 1 ? 36 : 12 + bars.length * 16;
  const chartHeight = height ?? (horizontal ? data.length * rowHeight + 60 : 320);
  // Column labels are cut to the width of their column; the table has them in full.
  const columnLabelChars = Math.max(4, Math.floor((width - 96) / Math.max(1, data.length) / 8));
  const categoryAxisProps = {
    dataKey: xKey,
    type: "category" as const,
    interval: horizontal ? 0 : tickInterval(data.length, Math.floor(width / 60)),
    tick: <AxisTick format={formatX} maxChars={horizontal ? 26 : columnLabelChars} />,
    stroke: AXIS_COLOUR,
    tickLine: false,
  };
  const valueAxisProps = {
    type: "number" as const,
    domain: yDomain,
    interval: 0,
    allowDecimals,
    tick: <AxisTick format={formatY} />,
    stroke: AXIS_COLOUR,
    tickLine: false,
  };

  const chart = (
    <BarChart
      id={id}
      width={width}
      height={chartHeight}
      data={data as Row[]}
      layout={horizontal ? "vertical" : "horizontal"}
      margin={MARGIN}
      barCategoryGap="20%"
      role="img"
      aria-label={caption}
    >
      <CartesianGrid horizontal={!horizontal} vertical={horizontal} stroke={GRID_COLOUR} />
      {horizontal ? (
        <>
          <XAxis {...valueAxisProps} height={28} />
          <YAxis {...categoryAxisProps} width={CATEGORY_AXIS_WIDTH} />
        </>
      ) : (
        <>
          <XAxis {...categoryAxisProps} height={28} />
          <YAxis {...valueAxisProps} width={64} />
        </>
      )}
      <Tooltip
        isAnimationActive={false}
        cursor={{ fill: "#f0f4f5" }}
        formatter={(value) => (typeof value === "number" ? formatY(value) : String(value))}
        labelFormatter={(label) => formatX(label as string | number)}
        contentStyle={{ border: `1px solid ${AXIS_COLOUR}`, color: TEXT_COLOUR }}
      />
      {bars.map((bar) => (
        <Bar
          key={bar.key}
          dataKey={bar.key}
          name={bar.name}
          fill={bar.colour}
          stackId={stacked ? "stack" : undefined}
          maxBarSize={48}
          isAnimationActive={false}
        />
      ))}
      {targets.map((target) => (
        <ReferenceLine
          key={`target-${target.y}-${target.label}`}
          {...(horizontal ? { x: target.y } : { y: target.y })}
          stroke={target.colour ?? TEXT_COLOUR}
          strokeDasharray="8 4"
          strokeWidth={2}
          ifOverflow="extendDomain"
          label={<TargetLabel text={target.label} colour={target.colour ?? TEXT_COLOUR} />}
        />
      ))}
    </BarChart>
  );
  return chart;
}
