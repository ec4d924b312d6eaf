import { Tag } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import {
  AGREEMENT_STATUS_COLOURS,
  AGREEMENT_STATUS_LABELS,
  REVIEW_STATE_LABELS,
  type EffectiveAgreementStatus,
  type ReviewState,
} from "~/models/agreements.labels";

// CoverStatusTag lives in its own module (cover-status-tag.tsx) so indemnity pages do not load the
// agreements' labels with it; re-exported here for pages that show both.
export { CoverStatusTag } from "./cover-status-tag";

/** An agreement's status on the page's date; a signed agreement not yet in force says from when. */
export function AgreementStatusTag({ status, activatedOn }: { status: EffectiveAgreementStatus; activatedOn?: string | null }) {
  const label = status === "signed" && activatedOn ? `Signed, effective from ${formatDate(activatedOn)}` : AGREEMENT_STATUS_LABELS[status];
  return <Tag color={AGREEMENT_STATUS_COLOURS[status]}>{label}</Tag>;
}

/** "Review due" or "Review overdue"; nothing when the review is not due (or the agreement is not in force). */
export function ReviewStateTag({ state }: { state: ReviewState | null | undefined }) {
  if (state === "due") return <Tag color="yellow">{REVIEW_STATE_LABELS.due}</Tag>;
  if (state === "overdue") return <Tag color="red">{REVIEW_STATE_LABELS.overdue}</Tag>;
  return null;
}
