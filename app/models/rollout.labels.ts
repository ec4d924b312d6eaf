// The roll-out's labels people read, without zod, so the browser can have them (the forms'
// rules stay in rollout.schema.ts, which re-exports these).
import type { DEPLOYMENT_STATUSES, DSPT_STATUSES, ORGANISATION_TYPES } from "../../db/schema/enums";

/** Capabilities that let staff of a service view the GP record (EDT sends documents; it is not a view). */
export const RECORD_VIEWING_CAPABILITIES = ["mig_view", "two_way"] as const;

/** The tag that marks a private organisation working under the NHS badge, wherever it is named. */
export const PRIVATE_PROVIDER_TAG = "Private provider (NHS-funded)";

/** Labels people read for the stored enumerations. */
export const DEPLOYMENT_STATUS_LABELS: Record<(typeof DEPLOYMENT_STATUSES)[number], string> = {
  planned: "Planned",
  in_progress: "In progress",
  live: "Live",
  paused: "Paused",
  withdrawn: "Withdrawn",
};

export const ORGANISATION_TYPE_LABELS: Record<(typeof ORGANISATION_TYPES)[number], string> = {
  gp_practice: "GP practice",
  acute_trust: "Acute trust",
  mental_health_trust: "Mental health trust",
  community_provider: "Community provider",
  hospice: "Hospice",
  local_authority: "Local authority",
  ccg: "CCG",
  private_provider: "Private provider",
  other: "Other",
};

export const DSPT_STATUS_LABELS: Record<(typeof DSPT_STATUSES)[number], string> = {
  standards_exceeded: "Standards Exceeded",
  standards_met: "Standards Met",
  approaching_standards: "Approaching Standards",
  not_met: "Not Met",
  not_published: "Not published",
};
