// How opt-in figures read on the page and in CSV files. Isomorphic.

const whole = new Intl.NumberFormat("en-GB");

export function formatCount(value: number | null | undefined) {
  return value === null || value === undefined ? "" : whole.format(value);
}

/** 60.5% (one decimal place); "No rate" when there is none (no return, or a zero list). */
export function formatRate(rate: number | null | undefined, none = "No rate") {
  return rate === null || rate === undefined ? none : `${rate.toFixed(1)}%`;
}

/** +0.6 points / −4.4 points (percentage points, a true minus sign); "No figure" when a month is missing. */
export function formatPoints(points: number | null | undefined, none = "No figure", unit = " points") {
  if (points === null || points === undefined) return none;
  const rounded = Math.round(points * 10) / 10;
  if (rounded === 0) return `0.0${unit}`;
  return `${rounded > 0 ? "+" : "\u2212"}${Math.abs(rounded).toFixed(1)}${unit}`;
}

/** Rounded for CSV cells: one decimal place, or empty. */
export function round1(value: number | null | undefined) {
  return value === null || value === undefined ? null : Math.round(value * 10) / 10;
}
