import { Tag } from "~/components/nhs";
import { PRIVATE_PROVIDER_TAG } from "~/models/rollout.labels";

/** Marks a private organisation working under the NHS badge wherever it is named (roll-out, transparency, its own page). */
export function PrivateProviderTag() {
  return <Tag color="purple">{PRIVATE_PROVIDER_TAG}</Tag>;
}
