import { createElement, type ComponentType } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import type { ChartDrawing, ChartKind } from "~/components/charts/chart-markup";
import { BarChartDrawing } from "~/components/charts/bar-chart-drawing";
import { LineChartDrawing } from "~/components/charts/line-chart-drawing";
import { SmallMultiplesDrawing } from "~/components/charts/small-multiples-drawing";
import { byteBudget } from "~/lib/env.server";

// The SVG markup of each chart, by its figures (the key a chart component builds from every prop
// that changes the drawing). Bounded in bytes like the figures cache: least recently used out first.

const DRAWINGS: Record<ChartKind, ComponentType<object>> = {
  line: LineChartDrawing as ComponentType<object>,
  bar: BarChartDrawing as ComponentType<object>,
  "small-multiples": SmallMultiplesDrawing as ComponentType<object>,
};

export function chartCacheBudgetBytes() {
  return byteBudget("SHAREBOARD_CHART_CACHE_MAX_BYTES");
}

const cache = new Map<string, string>();
let cachedBytes = 0;
const sizeOf = (key: string, markup: string) => 2 * (key.length + markup.length) + 64;

/** The chart's markup, drawn now only if these figures have not been drawn before (or were dropped). */
export function chartMarkup(key: string, drawing: ChartDrawing): string {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const markup = renderToStaticMarkup(createElement(DRAWINGS[drawing.kind], drawing.props));
  const bytes = sizeOf(key, markup);
  const budget = chartCacheBudgetBytes();
  if (bytes > budget / 4) return markup;
  for (const [oldestKey, oldest] of cache) {
    if (cachedBytes + bytes <= budget) break;
    cache.delete(oldestKey);
    cachedBytes -= sizeOf(oldestKey, oldest);
  }
  cache.set(key, markup);
  cachedBytes += bytes;
  return markup;
}

/** Bytes and entries held now (for tests). */
export function chartCacheStats() {
  return { bytes: cachedBytes, entries: cache.size, budget: chartCacheBudgetBytes() };
}
