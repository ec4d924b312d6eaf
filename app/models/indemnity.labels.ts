// The indemnity register's labels, colours, bands, sorts and views, without zod, so the browser
// can have them (indemnity.schema.ts re-exports these beside the inputs and filters).
import type { INDEMNITY_STATUSES } from "../../db/schema/enums";
import { formatDate } from "~/lib/dates";

/**
 * A cover's status as it stands on a date: "active" only between its start and end dates,
 * "upcoming" before its start, and after its end "renewed" (a later cover follows it) or
 * "lapsed" (none does). Pending and revoked covers never cover anything.
 */
export const EFFECTIVE_COVER_STATUSES = ["active", "upcoming", "pending", "lapsed", "renewed", "revoked"] as const;
export type EffectiveCoverStatus = (typeof EFFECTIVE_COVER_STATUSES)[number];

export const COVER_STATUS_LABELS: Record<EffectiveCoverStatus, string> = {
  active: "Active",
  upcoming: "Starts later",
  pending: "Pending",
  lapsed: "Lapsed",
  renewed: "Ended, renewed",
  revoked: "Revoked",
};

export const COVER_STATUS_COLOURS = {
  active: "green",
  upcoming: "blue",
  pending: "yellow",
  lapsed: "red",
  renewed: "grey",
  revoked: "red",
} as const satisfies Record<EffectiveCoverStatus, string>;

export const STORED_COVER_STATUS_LABELS: Record<(typeof INDEMNITY_STATUSES)[number], string> = {
  pending: "Pending (not yet signed)",
  active: "Active (signed)",
  lapsed: "Lapsed",
  revoked: "Revoked",
};

/**
 * A member practice's cover as it stands on a date: in force, in force but ending within 90 days
 * with no renewal, lapsed (it had cover; none is in force), or none recorded by then.
 */
export const PRACTICE_COVER_STATES = ["covered", "expiring", "lapsed", "none"] as const;
export type PracticeCoverState = (typeof PRACTICE_COVER_STATES)[number];

export const PRACTICE_COVER_STATE_LABELS: Record<PracticeCoverState, string> = {
  covered: "Covered",
  expiring: "Covered, ending within 90 days",
  lapsed: "No cover: lapsed",
  none: "No cover recorded",
};

export const PRACTICE_COVER_STATE_COLOURS = { covered: "green", expiring: "yellow", lapsed: "red", none: "red" } as const satisfies Record<PracticeCoverState, string>;

/**
 * A practice's private viewers are named in its line of the register when there are this few.
 * Every member practice's record is viewed by the same services, so a longer list is named once, above.
 */
export const PRIVATE_NAMED_PER_PRACTICE = 5;

/** The warning bands for cover coming to an end. */
export const EXPIRY_BANDS = [7, 30, 90] as const;

export const DEFAULT_COVER_SCOPE = "Sharing for direct care via MIG and EDT";

export const COVER_SORTS = ["organisation", "type", "startOn", "endOn", "status"] as const;
export type CoverSort = (typeof COVER_SORTS)[number];

export const PRACTICE_COVER_SORTS = ["practice", "locality", "cover", "endOn"] as const;
export type PracticeCoverSort = (typeof PRACTICE_COVER_SORTS)[number];

/** The register's two tables: every member practice's cover (the default), or every cover row. */
export const REGISTER_VIEWS = ["practices", "covers"] as const;
export type RegisterView = (typeof REGISTER_VIEWS)[number];

export { ORGANISATION_TYPE_LABELS } from "./rollout.labels";

/** A cover's end in words: its signed end date, and the early ending (when known on the date shown) with when it was recorded and why. */
export function coverEndText(cover: { endOn: string; signedEndOn: string | null; endedEarlyOn: string | null; endedRecordedOn: string | null; endReason: string | null }) {
  if (!cover.endedEarlyOn) return formatDate(cover.endOn);
  const recorded = cover.endedRecordedOn ? ` (recorded ${formatDate(cover.endedRecordedOn)})` : "";
  return `Signed to ${formatDate(cover.signedEndOn ?? cover.endOn)}; ended early on ${formatDate(cover.endedEarlyOn)}${recorded}${cover.endReason ? `: ${cover.endReason}` : ""}`;
}

/** A cover's period in words: "1 April 2015 to 31 March 2017", or its start then its signed end and early ending. */
export function coverPeriodText(cover: { startOn: string; endOn: string; signedEndOn: string | null; endedEarlyOn: string | null; endedRecordedOn: string | null; endReason: string | null }) {
  return cover.endedEarlyOn ? `From ${formatDate(cover.startOn)}. ${coverEndText(cover)}` : `${formatDate(cover.startOn)} to ${formatDate(cover.endOn)}`;
}
