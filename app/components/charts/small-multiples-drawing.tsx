import { CartesianGrid, Line, LineChart, ReferenceLine, XAxis, YAxis } from "recharts";
import {
  AXIS_COLOUR,
  AxisTick,
  GRID_COLOUR,
  Marker,
  SERIES_COLOURS,
  TEXT_COLOUR,
  roundedLinearCurve,
} from "./chart-parts";
import type { SmallMultiplesFigureProps } from "./small-multiples-figure";

const PANEL_WIDTH = 300;
const PANEL_HEIGHT = 170;
const HIGHLIGHT = SERIES_COLOURS[0]!;
const REFERENCE_COLOUR = "#768692";

/** The recharts drawing of a SmallMultiplesFigure, from the figure's props with its defaults applied (loaded by the browser only when it draws live). */
export function SmallMultiplesDrawing<Row extends object>({ id, data, xKey, panels, formatX, formatY, targets, yDomain, allowDecimals, reference }: Required<Pick<SmallMultiplesFigureProps<Row>, "id" | "data" | "xKey" | "panels" | "formatX" | "formatY" | "targets" | "yDomain" | "allowDecimals">> & Pick<SmallMultiplesFigureProps<Row>, "reference">) {
  const showMarkers = data.length <= 24;
  const chart = (
    <ul className="sb-small-multiples">
      {panels.map((panel, index) => {
        const panelId = `${id}-${index}`;
        return (
          <li key={String(panel.key)} className="sb-small-multiples__panel">
            <p className="sb-small-multiples__title" id={`${panelId}-title`}>
              {panel.name}
            </p>
            <LineChart id={panelId} width={PANEL_WIDTH} height={PANEL_HEIGHT} data={data as Row[]} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} role="img" aria-labelledby={`${panelId}-title`}>
              <CartesianGrid vertical={false} stroke={GRID_COLOUR} />
              <XAxis
                dataKey={xKey}
                ticks={data.length > 1 ? [data[0]![xKey] as string, data.at(-1)![xKey] as string] : undefined}
                interval={0}
                tick={<AxisTick format={formatX} maxChars={10} />}
                stroke={AXIS_COLOUR}
                tickLine={false}
                height={24}
                padding={{ left: 8, right: 8 }}
              />
              <YAxis
                domain={yDomain}
                ticks={[yDomain[0], (yDomain[0] + yDomain[1]) / 2, yDomain[1]]}
                interval={0}
                allowDecimals={allowDecimals}
                tick={<AxisTick format={formatY} />}
                stroke={AXIS_COLOUR}
                tickLine={false}
                width={52}
              />
              {targets.map((t) => (
                <ReferenceLine key={`target-${t.y}`} y={t.y} stroke={t.colour ?? TEXT_COLOUR} strokeDasharray="4 3" strokeWidth={1} />
              ))}
              {reference ? (
                <Line
                  type={roundedLinearCurve}
                  dataKey={reference.key}
                  name={reference.name}
                  stroke={REFERENCE_COLOUR}
                  strokeWidth={2}
                  strokeDasharray="5 3"
                  dot={false}
                  activeDot={false}
                  isAnimationActive={false}
                />
              ) : null}
              <Line
                type={roundedLinearCurve}
                dataKey={panel.key}
                name={panel.name}
                stroke={HIGHLIGHT}
                strokeWidth={3}
                dot={
                  showMarkers
                    ? (props: { cx?: number; cy?: number; index?: number; value?: unknown }) =>
                        props.cx === undefined || props.cy === undefined || props.value === null || props.value === undefined ? (
                          <g key={props.index} />
                        ) : (
                          <Marker key={props.index} shape="circle" cx={props.cx} cy={props.cy} colour={HIGHLIGHT} size={3.5} />
                        )
                    : false
                }
                activeDot={false}
                isAnimationActive={false}
              />
            </LineChart>
          </li>
        );
      })}
    </ul>
  );
  return chart;
}
