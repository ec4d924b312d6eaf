import type { ReactNode } from "react";
import type { LineProps } from "recharts";
import { Details } from "~/components/nhs/Details";
import { Table } from "~/components/nhs/Table";
import { KeptChart, type ChartDrawing } from "./chart-markup";

// Shared pieces for the recharts wrappers. Everything drawn inside the SVG is plain
// <text>: recharts' own <Text> and automatic tick thinning measure text in the browser
// but not on the server, so using them would make the hydrated chart differ from the HTML.

export const NHS_COLOURS = {
  blue: "#005eb8",
  green: "#007f3b",
  purple: "#330072",
  red: "#d5281b",
  grey: "#4c6272",
  warmYellow: "#ffb81c",
} as const;

/**
 * Series colours in order: the Okabe–Ito colour-blind-safe hues, the orange darkened so every
 * colour has at least 3:1 contrast on white (WCAG 1.4.11). Colour is never the only cue: each
 * series also has its own marker shape and is named at the end of its line.
 */
export const SERIES_COLOURS: readonly string[] = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#212b32", "#8f6a00"];

/** More lines than this cannot be told apart: split the chart (see SmallMultiplesFigure). */
export const MAX_SERIES = SERIES_COLOURS.length;

export const MARKER_SHAPES = ["circle", "square", "triangle", "diamond", "triangle-down", "cross"] as const;
export type MarkerShape = (typeof MARKER_SHAPES)[number];

/** Refuses a chart nobody could read; the message says what to do instead. */
export function assertFewSeries(chartId: string, count: number) {
  if (count > MAX_SERIES) {
    throw new Error(`Chart "${chartId}" has ${count} series; at most ${MAX_SERIES} can be told apart. Use SmallMultiplesFigure (one small chart per series, sharing axes).`);
  }
}

/** A data point's marker: the series' shape in its colour, with a white edge so overlapping points stay visible. */
export function Marker({ shape, cx: rawX, cy: rawY, colour, size = 5 }: { shape: MarkerShape; cx: number; cy: number; colour: string; size?: number }) {
  // Rounded like the line paths (see roundedLinearCurve), so server and browser HTML agree.
  const cx = Math.round(rawX * 1000) / 1000;
  const cy = Math.round(rawY * 1000) / 1000;
  const common = { fill: colour, stroke: "#ffffff", strokeWidth: 1.5 };
  const r = size;
  switch (shape) {
    case "square":
      return <rect x={cx - r} y={cy - r} width={r * 2} height={r * 2} {...common} />;
    case "triangle":
      return <path d={`M${cx},${cy - r * 1.2}L${cx + r * 1.1},${cy + r * 0.8}L${cx - r * 1.1},${cy + r * 0.8}Z`} {...common} />;
    case "triangle-down":
      return <path d={`M${cx},${cy + r * 1.2}L${cx + r * 1.1},${cy - r * 0.8}L${cx - r * 1.1},${cy - r * 0.8}Z`} {...common} />;
    case "diamond":
      return <path d={`M${cx},${cy - r * 1.3}L${cx + r * 1.3},${cy}L${cx},${cy + r * 1.3}L${cx - r * 1.3},${cy}Z`} {...common} />;
    case "cross":
      return <path d={`M${cx - r},${cy - r}L${cx + r},${cy + r}M${cx + r},${cy - r}L${cx - r},${cy + r}`} stroke={colour} strokeWidth={3} fill="none" />;
    default:
      return <circle cx={cx} cy={cy} r={r} {...common} />;
  }
}

/**
 * Where to put each series' name at the right-hand end of its line: at the last point's height,
 * moved apart so no two overlap (at least `gap` pixels between them) and kept inside [top, bottom].
 */
export function spreadLabels(wanted: readonly number[], { gap = 16, top, bottom }: { gap?: number; top: number; bottom: number }) {
  const order = wanted.map((y, index) => ({ y, index })).sort((a, b) => a.y - b.y);
  const placed = order.map((o) => o.y);
  for (let i = 1; i < placed.length; i++) placed[i] = Math.max(placed[i]!, placed[i - 1]! + gap);
  // Pushed past the bottom: shift the whole run back up, keeping the gaps.
  const overflow = (placed.at(-1) ?? bottom) - bottom;
  if (overflow > 0) for (let i = placed.length - 1; i >= 0; i--) placed[i] = Math.min(placed[i]! - overflow, i < placed.length - 1 ? placed[i + 1]! - gap : Infinity);
  for (let i = 0; i < placed.length; i++) placed[i] = Math.max(placed[i]!, top + i * gap);
  const result: number[] = new Array(wanted.length);
  order.forEach((o, i) => (result[o.index] = Math.round(placed[i]! * 1000) / 1000));
  return result;
}

export const TEXT_COLOUR = "#212b32";
export const SECONDARY_TEXT_COLOUR = "#4c6272";
export const GRID_COLOUR = "#d8dde0";
export const AXIS_COLOUR = "#aeb7bd";

/** Keys of Row whose values are numbers (missing values allowed). */
export type NumberKey<Row> = {
  [K in keyof Row]-?: Row[K] extends number | null | undefined ? K : never;
}[keyof Row] &
  string;

export interface ChartSeries<Row> {
  key: NumberKey<Row>;
  name: string;
  colour?: string;
  /** Marker shape at each point; by default the series' place in MARKER_SHAPES. */
  marker?: MarkerShape;
  /** SVG dash pattern (for example "6 4") so lines can be told apart without colour. */
  dash?: string;
}

/** A horizontal line for a target or threshold, labelled on the chart. */
export interface TargetLine {
  y: number;
  label: string;
  colour?: string;
}

export interface ChartBaseProps<Row extends object> {
  /** Stable id: recharts derives clip-path ids from it, so server and client HTML match. */
  id: string;
  /** Says what the chart shows; also the SVG's accessible name. */
  caption: string;
  /** A sentence under the caption with the main message, if any. */
  description?: ReactNode;
  data: readonly Row[];
  xKey: keyof Row & string;
  /** Heading for the first column of the figures table, for example "Month". */
  xLabel: string;
  series: readonly ChartSeries<Row>[];
  /** What the numbers are, shown above the axis, for example "Practices". */
  yLabel?: string;
  formatX?: (value: string | number) => string;
  formatY?: (value: number) => string;
  targets?: readonly TargetLine[];
  width?: number;
  height?: number;
}

const numberFormat = new Intl.NumberFormat("en-GB");
export const formatNumber = (value: number) => numberFormat.format(value);
export const formatCategory = (value: string | number) => String(value);

export function seriesColour(index: number, colour?: string) {
  return colour ?? SERIES_COLOURS[index % SERIES_COLOURS.length]!;
}

export function seriesMarker(index: number, marker?: MarkerShape) {
  return marker ?? MARKER_SHAPES[index % MARKER_SHAPES.length]!;
}

/** Props recharts passes to a custom tick. */
interface TickProps {
  x?: number;
  y?: number;
  textAnchor?: "start" | "middle" | "end" | "inherit";
  verticalAnchor?: "start" | "middle" | "end";
  payload?: { value: string | number };
}

/** An axis tick as plain SVG text, shortened to `maxChars` (the full value is in the table). */
export function AxisTick({
  format,
  maxChars = 40,
  ...props
}: TickProps & { format: (value: never) => string; maxChars?: number }) {
  if (props.payload === undefined) return null;
  const text = (format as (value: string | number) => string)(props.payload.value);
  const shown = text.length > maxChars ? `${text.slice(0, Math.max(1, maxChars - 1))}…` : text;
  const dy = props.verticalAnchor === "start" ? "0.71em" : props.verticalAnchor === "end" ? "0" : "0.355em";
  return (
    <text x={props.x} y={props.y} dy={dy} textAnchor={props.textAnchor} fill={SECONDARY_TEXT_COLOUR} fontSize={14}>
      {shown}
    </text>
  );
}

/** Props recharts passes to custom label content (the reference line's box). */
interface LabelContentProps {
  viewBox?: { x?: number; y?: number; width?: number; height?: number };
}

/**
 * Label for a target line: above a horizontal line at its left end (where rising
 * series are usually lowest), or above the top of a vertical one.
 */
export function TargetLabel({ text, colour, viewBox }: LabelContentProps & { text: string; colour: string }) {
  if (!viewBox) return null;
  const { x = 0, y = 0, height = 0 } = viewBox;
  return height > 0 ? (
    <OutlinedText x={x} y={y - 6} anchor="middle" colour={colour} text={text} />
  ) : (
    <OutlinedText x={x + 6} y={y - 6} anchor="start" colour={colour} text={text} />
  );
}

/** Label for a milestone: at the top of its vertical line, staggered by `row` so neighbours don't overlap. */
export function MilestoneLabel({
  text,
  colour,
  row,
  chartWidth,
  viewBox,
}: LabelContentProps & { text: string; colour: string; row: number; chartWidth: number }) {
  if (!viewBox) return null;
  const { x = 0, y = 0 } = viewBox;
  // Labels near the right edge sit to the left of their line so they stay inside the SVG.
  const anchor = x > chartWidth * 0.6 ? "end" : "start";
  return <OutlinedText x={anchor === "end" ? x - 4 : x + 4} y={y - 6 - row * 18} anchor={anchor} colour={colour} text={text} />;
}

/** Label above a milestone dot. */
export function DotLabel({ text, colour, viewBox }: LabelContentProps & { text: string; colour: string }) {
  if (!viewBox) return null;
  const { x = 0, y = 0, width = 0 } = viewBox;
  return <OutlinedText x={x + width / 2} y={y - 6} anchor="middle" colour={colour} text={text} />;
}

// A white halo keeps labels readable where they cross grid lines or data.
function OutlinedText({ x, y, anchor, colour, text }: { x: number; y: number; anchor: "start" | "middle" | "end"; colour: string; text: string }) {
  return (
    <text
      x={x}
      y={y}
      textAnchor={anchor}
      fill={colour}
      fontSize={14}
      fontWeight={600}
      stroke="#ffffff"
      strokeWidth={4}
      strokeLinejoin="round"
      paintOrder="stroke"
    >
      {text}
    </text>
  );
}

export function Legend({ items, shape }: { items: readonly { name: string; colour: string; dash?: string; marker?: MarkerShape }[]; shape: "line" | "box" }) {
  if (items.length < 2) return null;
  return (
    <ul
      className="nhsuk-list nhsuk-body-s sb-chart__legend"
      style={{ display: "flex", flexWrap: "wrap", gap: "4px 24px", marginBottom: 8 }}
    >
      {items.map((item) => (
        <li key={item.name} style={{ display: "flex", alignItems: "center", gap: 8, marginBottom: 0 }}>
          <svg width={24} height={14} aria-hidden="true" focusable="false">
            {shape === "line" ? (
              <>
                <line x1={0} y1={7} x2={24} y2={7} stroke={item.colour} strokeWidth={3} strokeDasharray={item.dash} />
                {item.marker ? <Marker shape={item.marker} cx={12} cy={7} colour={item.colour} size={4} /> : null}
              </>
            ) : (
              <rect x={5} y={0} width={14} height={14} fill={item.colour} />
            )}
          </svg>
          {item.name}
        </li>
      ))}
    </ul>
  );
}

/**
 * The figure around a chart: caption, key, the chart in a horizontal scroll area for
 * narrow screens, and the same figures as a table for people who cannot see the chart.
 */
export function ChartFigure({
  id,
  caption,
  description,
  legend,
  yLabel,
  drawing,
  table,
  notes,
  scroll = true,
  chartKey,
}: {
  /** Everything that changes the drawing (figures, sizes, labels, formatters): the chart is drawn once per key and kept. */
  chartKey: unknown;
  /** Put the chart in a horizontal scroll area (a wide chart on a phone); small multiples wrap instead. */
  scroll?: boolean;
  id: string;
  caption: string;
  description?: ReactNode;
  legend: ReactNode;
  yLabel?: string;
  /** The recharts drawing (kind and props): drawn on the server and sent as SVG markup. */
  drawing: ChartDrawing;
  table: ReactNode;
  notes?: readonly string[];
}) {
  const captionId = `${id}-caption`;
  const chart = <KeptChart domId={`${id}-drawing`} cacheKey={JSON.stringify(chartKey)} drawing={drawing} />;
  return (
    <figure className="sb-chart" id={`${id}-figure`} style={{ margin: "0 0 32px" }}>
      <figcaption id={captionId} className="nhsuk-heading-s nhsuk-u-margin-bottom-2">
        {caption}
      </figcaption>
      {description ? <p className="nhsuk-body-s">{description}</p> : null}
      {legend}
      {yLabel ? (
        <p className="nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-margin-bottom-1">{yLabel}</p>
      ) : null}
      {scroll ? (
        <div className="nhsuk-scroll" data-module="nhsuk-scroll">
          <div className="nhsuk-scroll__content" role="region" aria-labelledby={captionId}>
            {chart}
          </div>
        </div>
      ) : (
        chart
      )}
      <Details summary="Show the figures as a table" className="nhsuk-u-margin-top-3">
        {table}
        {notes?.length ? (
          <>
            <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">Also shown on the chart:</p>
            <ul className="nhsuk-list nhsuk-list--bullet nhsuk-body-s">
              {notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          </>
        ) : null}
      </Details>
    </figure>
  );
}

/** The chart's figures as an NHS table: one row per x value, one column per series. */
export function FiguresTable<Row extends object>({
  caption,
  data,
  xKey,
  xLabel,
  series,
  formatX,
  formatY,
  withTotal = false,
}: {
  caption: string;
  data: readonly Row[];
  xKey: keyof Row & string;
  xLabel: string;
  series: readonly ChartSeries<Row>[];
  formatX: (value: string | number) => string;
  formatY: (value: number) => string;
  withTotal?: boolean;
}) {
  const value = (row: Row, key: keyof Row) => {
    const raw = row[key];
    return typeof raw === "number" && Number.isFinite(raw) ? raw : null;
  };
  const head = [xLabel, ...series.map((s) => s.name), ...(withTotal ? ["Total"] : [])];
  const rows = data.map((row) => {
    const values = series.map((s) => value(row, s.key));
    const cells = values.map((v) => (v === null ? "No data" : formatY(v)));
    const total = values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
    return [formatX(row[xKey] as string | number), ...cells, ...(withTotal ? [formatY(total)] : [])];
  });
  return (
    <Table
      caption={<span className="nhsuk-u-visually-hidden">{caption}</span>}
      head={head}
      rows={rows}
      numericColumns={head.map((_, index) => index).slice(1)}
      firstCellIsHeader
      compact
    />
  );
}

type CurveFactory = Exclude<NonNullable<LineProps["type"]>, string>;
type PathContext = Parameters<CurveFactory>[0];

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/**
 * d3's straight-line curve with points rounded to 3 decimals. The server loads recharts'
 * CommonJS build, whose vendored d3-shape writes full-precision paths, while the browser
 * gets the ES build, whose newer d3-shape rounds to 3 decimals: unrounded, the line's `d`
 * attribute differs and React reports a hydration mismatch. Rounding first makes both agree.
 */
export const roundedLinearCurve: CurveFactory = (context: PathContext) => {
  let line = Number.NaN;
  let point = 0;
  return {
    areaStart() {
      line = 0;
    },
    areaEnd() {
      line = Number.NaN;
    },
    lineStart() {
      point = 0;
    },
    lineEnd() {
      if (line || (line !== 0 && point === 1)) context.closePath();
      line = 1 - line;
    },
    point(x: number, y: number) {
      const [px, py] = [round3(x), round3(y)];
      if (point === 0) {
        point = 1;
        if (line) context.lineTo(px, py);
        else context.moveTo(px, py);
      } else {
        point = 2;
        context.lineTo(px, py);
      }
    },
  };
};

/** Ticks to skip between labels so about `maxLabels` fit (a fixed interval renders the same everywhere). */
export function tickInterval(count: number, maxLabels: number) {
  return Math.max(0, Math.ceil(count / Math.max(1, maxLabels)) - 1);
}
