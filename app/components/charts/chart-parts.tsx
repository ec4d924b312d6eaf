import type { ReactNode } from "react";
import type { LineProps } from "recharts";
import { Details } from "~/components/nhs/Details";
import { Table } from "~/components/nhs/Table";

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

/** Default series colours in order. Warm yellow is last: it is too pale on white for thin lines. */
export const SERIES_COLOURS: readonly string[] = Object.values(NHS_COLOURS);

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
  return colour ?? SERIES_COLOURS[index % SERIES_COLOURS.length];
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

export function Legend({ items, shape }: { items: readonly { name: string; colour: string; dash?: string }[]; shape: "line" | "box" }) {
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
              <line x1={0} y1={7} x2={24} y2={7} stroke={item.colour} strokeWidth={3} strokeDasharray={item.dash} />
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
  chart,
  table,
  notes,
}: {
  id: string;
  caption: string;
  description?: ReactNode;
  legend: ReactNode;
  yLabel?: string;
  chart: ReactNode;
  table: ReactNode;
  notes?: readonly string[];
}) {
  const captionId = `${id}-caption`;
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
      <div className="nhsuk-scroll" data-module="nhsuk-scroll">
        <div className="nhsuk-scroll__content" role="region" aria-labelledby={captionId}>
          {chart}
        </div>
      </div>
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
