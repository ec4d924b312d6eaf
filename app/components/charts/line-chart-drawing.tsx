import { CartesianGrid, Customized, Line, LineChart, ReferenceDot, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import {
  AXIS_COLOUR,
  AxisTick,
  DotLabel,
  GRID_COLOUR,
  Marker,
  MilestoneLabel,
  SECONDARY_TEXT_COLOUR,
  seriesMarker,
  spreadLabels,
  type MarkerShape,
  TEXT_COLOUR,
  TargetLabel,
  roundedLinearCurve,
  seriesColour,
  tickInterval,
} from "./chart-parts";
import type { LineChartFigureProps } from "./line-chart-figure";

const MARGIN = { top: 24, right: 24, bottom: 8, left: 8 };
const LABEL_CHAR_WIDTH = 7.5;

type EndLabel = { key: string; name: string; colour: string };

/** What recharts hands a <Customized> child: the laid-out lines and the plot area. */
type ChartState = {
  formattedGraphicalItems?: { item: { props: { dataKey?: unknown } }; props: { points?: { x: number; y: number | null; value?: unknown }[] } }[];
  offset?: { top: number; left: number; width: number; height: number };
};

/** Each series' name at the end of its line, moved apart so none overlap: lines are told apart without colour or a key. */
function EndLabels({ labels, formattedGraphicalItems = [], offset }: ChartState & { labels: readonly EndLabel[] }) {
  if (!offset) return null;
  const ends = labels
    .map((label) => {
      const item = formattedGraphicalItems.find((g) => g.item.props.dataKey === label.key);
      const last = [...(item?.props.points ?? [])].reverse().find((p) => p.y !== null && p.y !== undefined && p.value !== null && p.value !== undefined);
      return last ? { ...label, y: last.y as number, x: last.x } : null;
    })
    .filter((e): e is EndLabel & { x: number; y: number } => e !== null);
  const ys = spreadLabels(
    ends.map((e) => e.y),
    { gap: 17, top: offset.top + 6, bottom: offset.top + offset.height },
  );
  return (
    <g className="sb-chart__end-labels">
      {ends.map((e, i) => (
        <text key={e.key} x={offset.left + offset.width + 8} y={ys[i]} dy="0.35em" fill={e.colour} fontSize={14} fontWeight={600}>
          {e.name}
        </text>
      ))}
    </g>
  );
}

/** The recharts drawing of a LineChartFigure, from the figure's props with its defaults applied (loaded by the browser only when it draws live). */
export function LineChartDrawing<Row extends object>({ id, caption, data, xKey, series, formatX, formatY, targets, markers, yDomain, allowDecimals, width, height }: Required<Pick<LineChartFigureProps<Row>, "id" | "caption" | "data" | "xKey" | "series" | "formatX" | "formatY" | "targets" | "markers" | "yDomain" | "allowDecimals" | "width" | "height">>) {
  const lines = series.map((s, index) => ({ ...s, colour: seriesColour(index, s.colour), marker: seriesMarker(index, s.marker) as MarkerShape }));
  // With two or more lines, each is named at its end: room on the right for the longest name.
  const labelled = lines.length > 1;
  const labelRoom = labelled ? Math.ceil(Math.max(...lines.map((l) => l.name.length)) * LABEL_CHAR_WIDTH) + 16 : 0;
  const showMarkers = data.length <= 36;
  const milestoneRows = markers.filter((m) => m.y === undefined).length > 1 ? 2 : 1;
  const chart = (
    <LineChart
      id={id}
      width={width}
      height={height}
      data={data as Row[]}
      margin={{ ...MARGIN, top: MARGIN.top + (milestoneRows - 1) * 18, right: MARGIN.right + labelRoom }}
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
          dot={
            showMarkers
              ? (props: { cx?: number; cy?: number; index?: number; value?: unknown }) =>
                  props.cx === undefined || props.cy === undefined || props.value === null || props.value === undefined ? (
                    <g key={`${line.key}-${props.index}`} />
                  ) : (
                    <Marker key={`${line.key}-${props.index}`} shape={line.marker} cx={props.cx} cy={props.cy} colour={line.colour} size={4} />
                  )
              : false
          }
          activeDot={{ r: 5 }}
          isAnimationActive={false}
        />
      ))}
      {labelled ? <Customized component={<EndLabels labels={lines.map((l) => ({ key: l.key, name: l.name, colour: l.colour }))} />} /> : null}
    </LineChart>
  );
  return chart;
}
