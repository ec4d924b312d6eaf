import {
  ChartFigure,
  FiguresTable,
  Marker,
  SERIES_COLOURS,
  TEXT_COLOUR,
  formatCategory,
  formatNumber,
  type ChartSeries,
  type NumberKey,
  type TargetLine,
} from "./chart-parts";

export interface SmallMultiplesFigureProps<Row extends object> {
  /** Stable id: each panel's clip-path ids derive from it. */
  id: string;
  caption: string;
  description?: string;
  data: readonly Row[];
  xKey: keyof Row & string;
  xLabel: string;
  /** One small chart per series, in this order. */
  panels: readonly ChartSeries<Row>[];
  /** Drawn in grey behind every panel for comparison (the borough, the overall score). */
  reference?: { key: NumberKey<Row>; name: string };
  yLabel?: string;
  /** Shared by every panel, so their heights compare: give both ends. */
  yDomain: [number, number];
  formatX?: (value: string | number) => string;
  formatY?: (value: number) => string;
  targets?: readonly TargetLine[];
  allowDecimals?: boolean;
}

const HIGHLIGHT = SERIES_COLOURS[0]!;
const REFERENCE_COLOUR = "#768692";

/**
 * Many series as small multiples: one small line chart per series, all on the same axes, each
 * drawn dark against the reference in grey. Ten overlapping lines cannot be read; ten small charts
 * can, and they wrap to one column on a phone. The figures are one table for all of them.
 */
export function SmallMultiplesFigure<Row extends object>({
  id,
  caption,
  description,
  data,
  xKey,
  xLabel,
  panels,
  reference,
  yLabel,
  yDomain,
  formatX = formatCategory,
  formatY = formatNumber,
  targets = [],
  allowDecimals = false,
}: SmallMultiplesFigureProps<Row>) {
  const first = data.length ? formatX(data[0]![xKey] as string | number) : "";
  const last = data.length ? formatX(data.at(-1)![xKey] as string | number) : "";

  const legend = (
    <ul className="nhsuk-list nhsuk-body-s sb-chart__legend" style={{ display: "flex", flexWrap: "wrap", gap: "4px 24px", marginBottom: 8 }}>
      <li style={{ display: "flex", alignItems: "center", gap: 8, marginBottom: 0 }}>
        <svg width={24} height={14} aria-hidden="true" focusable="false">
          <line x1={0} y1={7} x2={24} y2={7} stroke={HIGHLIGHT} strokeWidth={3} />
          <Marker shape="circle" cx={12} cy={7} colour={HIGHLIGHT} size={3.5} />
        </svg>
        The one named above each chart
      </li>
      {reference ? (
        <li style={{ display: "flex", alignItems: "center", gap: 8, marginBottom: 0 }}>
          <svg width={24} height={14} aria-hidden="true" focusable="false">
            <line x1={0} y1={7} x2={24} y2={7} stroke={REFERENCE_COLOUR} strokeWidth={2} strokeDasharray="5 3" />
          </svg>
          {reference.name} (grey dashed, for comparison)
        </li>
      ) : null}
      {targets.map((t) => (
        <li key={t.label} style={{ display: "flex", alignItems: "center", gap: 8, marginBottom: 0 }}>
          <svg width={24} height={14} aria-hidden="true" focusable="false">
            <line x1={0} y1={7} x2={24} y2={7} stroke={t.colour ?? TEXT_COLOUR} strokeWidth={1} strokeDasharray="4 3" />
          </svg>
          {t.label}
        </li>
      ))}
    </ul>
  );

  const tableSeries = [...(reference ? [{ key: reference.key, name: reference.name }] : []), ...panels];
  return (
    <ChartFigure
      id={id}
      caption={caption}
      description={
        <>
          {description ? `${description} ` : ""}Every chart has the same scales ({formatY(yDomain[0])} to {formatY(yDomain[1])}, {first} to {last}).
        </>
      }
      legend={legend}
      yLabel={yLabel}
      drawing={{ kind: "small-multiples", props: { id, data, xKey, panels, formatX, formatY, targets, yDomain, allowDecimals, reference } }}
      chartKey={{ kind: "small-multiples", id, data, xKey, panels, reference, targets, yDomain, allowDecimals, formatX: String(formatX), formatY: String(formatY) }}
      scroll={false}
      table={<FiguresTable caption={caption} data={data} xKey={xKey} xLabel={xLabel} series={tableSeries} formatX={formatX} formatY={formatY} />}
      notes={targets.map((t) => `${t.label} (${formatY(t.y)})`)}
    />
  );
}
