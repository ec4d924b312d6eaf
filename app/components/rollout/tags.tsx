import { Tag, type TagColour } from "~/components/nhs";
import type { DeploymentStatus } from "../../../db/schema/enums";
import { DEPLOYMENT_STATUS_LABELS } from "~/models/rollout.labels";

const STATUS_COLOURS: Record<DeploymentStatus, TagColour> = {
  planned: "grey",
  in_progress: "blue",
  live: "green",
  paused: "yellow",
  withdrawn: "white",
};

/** A deployment's status as an NHS tag; the text says it, the colour only helps. */
export function DeploymentStatusTag({ status }: { status: DeploymentStatus }) {
  return <Tag color={STATUS_COLOURS[status]}>{DEPLOYMENT_STATUS_LABELS[status]}</Tag>;
}

export function LateTag() {
  return <Tag color="red">Late</Tag>;
}

export const MILESTONE_STATES = {
  met: ["Met", "green"],
  met_late: ["Met late", "yellow"],
  missed: ["Missed", "red"],
  in_progress: ["Not yet due", "blue"],
  not_met: ["Not met", "red"],
  not_measured: ["Not measured", "grey"],
} as const satisfies Record<string, readonly [string, TagColour]>;

export function MilestoneStateTag({ state }: { state: keyof typeof MILESTONE_STATES }) {
  const [text, colour] = MILESTONE_STATES[state];
  return <Tag color={colour}>{text}</Tag>;
}

export const ENDORSEMENT_STATES = {
  endorsed: ["Endorsed", "green"],
  due_soon: ["Re-endorsement due soon", "yellow"],
  overdue: ["Re-endorsement overdue", "red"],
  never: ["Never endorsed", "grey"],
} as const satisfies Record<string, readonly [string, TagColour]>;

export function EndorsementStateTag({ state }: { state: keyof typeof ENDORSEMENT_STATES }) {
  const [text, colour] = ENDORSEMENT_STATES[state];
  return <Tag color={colour}>{text}</Tag>;
}
