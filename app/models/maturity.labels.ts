// How maturity scores and scales read, the assessment form's field names and the register's
// sorts, without zod, so the browser can have them (maturity.schema.ts re-exports these).

export type FrameworkScale = {
  code: string;
  name: string;
  scaleMin: number;
  scaleMax: number;
  wholeNumbers: boolean;
  dimensions: readonly { code: string; name: string }[];
};

/** 3, or 2.7 for a mean; whole-number scales never show a needless ".0". */
export function formatScore(score: number | null | undefined, decimals = 1) {
  if (score === null || score === undefined || !Number.isFinite(score)) return "";
  return Number.isInteger(score) ? String(score) : score.toFixed(decimals);
}

export function scaleText(framework: Pick<FrameworkScale, "scaleMin" | "scaleMax" | "wholeNumbers">) {
  return `${formatScore(framework.scaleMin)} to ${formatScore(framework.scaleMax)}${framework.wholeNumbers ? ", whole numbers" : ""}`;
}

/** Form field names for a dimension's score and evidence. */
export const scoreField = (dimensionCode: string) => `score_${dimensionCode}`;
export const evidenceField = (dimensionCode: string) => `evidence_${dimensionCode}`;

export const MATURITY_SORTS = ["overall", "name"] as const;
export type MaturitySort = (typeof MATURITY_SORTS)[number];

export { ORGANISATION_TYPE_LABELS } from "./rollout.labels";
