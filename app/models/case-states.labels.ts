// A business case's states in words and colours, and which states each reviewer's queue holds.
// Without zod and apart from the rest of cases.labels.ts, which re-exports all of this.

import type { Role } from "../../db/schema/enums";
import { CASE_STATES, type CaseState } from "../../db/schema/enums";

export { CASE_STATES, type CaseState };

export const CASE_STATE_LABELS: Record<CaseState, string> = {
  draft: "Draft",
  submitted: "Submitted",
  ig_review: "IG review",
  changes_requested: "Changes requested",
  board_review: "Board review",
  approved: "Approved",
  rejected: "Rejected",
  deferred: "Deferred",
  withdrawn: "Withdrawn",
  implemented: "Implemented",
};

export const CASE_STATE_COLOURS = {
  draft: "grey",
  submitted: "blue",
  ig_review: "purple",
  changes_requested: "orange",
  board_review: "purple",
  approved: "green",
  rejected: "red",
  deferred: "yellow",
  withdrawn: "grey",
  implemented: "aqua-green",
} as const satisfies Record<CaseState, string>;

/** The states each role's review queue holds. */
export function queueStatesFor(roles: readonly Role[]): CaseState[] {
  const states: CaseState[] = [];
  if (roles.includes("ig_lead")) states.push("submitted", "ig_review");
  if (roles.includes("board")) states.push("board_review");
  return states;
}
