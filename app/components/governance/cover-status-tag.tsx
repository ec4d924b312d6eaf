import { Tag } from "~/components/nhs";
import { COVER_STATUS_COLOURS, COVER_STATUS_LABELS, type EffectiveCoverStatus } from "~/models/indemnity.labels";

export function CoverStatusTag({ status }: { status: EffectiveCoverStatus }) {
  return <Tag color={COVER_STATUS_COLOURS[status]}>{COVER_STATUS_LABELS[status]}</Tag>;
}
