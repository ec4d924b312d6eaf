export { LineChartFigure, type LineChartFigureProps, type TargetMarker } from "./line-chart-figure";
export { BarChartFigure, type BarChartFigureProps } from "./bar-chart-figure";
export {
  NHS_COLOURS,
  SERIES_COLOURS,
  formatNumber,
  type ChartSeries,
  type TargetLine,
  type NumberKey,
} from "./chart-parts";
export { SmallMultiplesFigure, type SmallMultiplesFigureProps } from "./small-multiples-figure";
export { MAX_SERIES, MARKER_SHAPES, spreadLabels } from "./chart-parts";
