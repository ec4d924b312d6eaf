import { Tag } from "~/components/nhs";
import { CASE_STATE_COLOURS, CASE_STATE_LABELS, type CaseState } from "~/models/cases.labels";

/** A business case's state as an NHS tag, in words that make sense without the colour. */
export function CaseStateTag({ state }: { state: CaseState }) {
  return <Tag color={CASE_STATE_COLOURS[state]}>{CASE_STATE_LABELS[state]}</Tag>;
}
