// Isomorphic: statistical disclosure control for public figures. A figure about fewer than 10
// patients could identify someone, so it is never published as a number.

export const SUPPRESSION_THRESHOLD = 10;
export const SUPPRESSED_TEXT = "fewer than 10";

/** A count for publication: "fewer than 10" for 0–9 (and for anything that is not a whole count), else the number. */
export function suppressSmallNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < SUPPRESSION_THRESHOLD) return SUPPRESSED_TEXT;
  return Math.round(n).toLocaleString("en-GB");
}

/**
 * A percentage for publication, or null when either count behind it is under the threshold
 * (a rate of a small group, or a rate of a few people within a large one, gives the small count away).
 */
export function suppressedRate(part: number, whole: number): number | null {
  if (whole < SUPPRESSION_THRESHOLD || part < SUPPRESSION_THRESHOLD || whole - part < SUPPRESSION_THRESHOLD) return null;
  return Math.round((part / whole) * 1000) / 10;
}
