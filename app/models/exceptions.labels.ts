// What an exception is, how bad, and who should act, in the words people read: without zod, so
// the browser can have them (exceptions.schema.ts re-exports these beside the URL filters).
import type { OrganisationType, Role } from "../../db/schema/enums";

export const EXCEPTION_KINDS = [
  "sharing_without_agreement",
  "sharing_without_cover",
  "cover_expiring",
  "agreement_review_overdue",
  "agreement_review_due",
  "dpia_high_risk_without_ico",
  "deployment_late",
  "opt_in_falling",
  "opt_in_below_target",
  "low_maturity_rollout_planned",
  "case_waiting_past_sla",
  "priority_endorsement_due",
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export const EXCEPTION_KIND_LABELS: Record<ExceptionKind, string> = {
  sharing_without_agreement: "Live sharing without an active agreement",
  sharing_without_cover: "Practice's record viewable without indemnity cover",
  cover_expiring: "Indemnity cover expiring",
  agreement_review_overdue: "Agreement review overdue",
  agreement_review_due: "Agreement review due",
  dpia_high_risk_without_ico: "High-risk DPIA without ICO consultation",
  deployment_late: "Deployment late",
  opt_in_falling: "Opt-in falling three months running",
  opt_in_below_target: "Opt-in below target",
  low_maturity_rollout_planned: "Low digital maturity, roll-out planned",
  case_waiting_past_sla: "Business case waiting past the service level",
  priority_endorsement_due: "Priority due for re-endorsement",
};

export const SEVERITIES = ["high", "medium", "low"] as const;
export type ExceptionSeverity = (typeof SEVERITIES)[number];
export const SEVERITY_LABELS: Record<ExceptionSeverity, string> = { high: "High", medium: "Medium", low: "Low" };

export type ExceptionOrganisation = { odsCode: string; name: string; type: OrganisationType; locality: string | null };

export type ProgrammeException = {
  /** Stable key, e.g. "cover_expiring:P92031:12". */
  id: string;
  kind: ExceptionKind;
  severity: ExceptionSeverity;
  /** One line a board member understands, e.g. "Cover for Leigh Surgery ends in 4 days". */
  title: string;
  detail: string;
  /** The organisation it concerns, or null for partnership-wide ones (agreements, priorities). */
  organisation: ExceptionOrganisation | null;
  /** The record it concerns, e.g. "ISA-001 v1", "BC-2016-007". */
  record: string | null;
  /** Where to look: a page every role that sees the exception can open. */
  href: string;
  /** Where the acting role acts, when that is a page only they may open (e.g. renewing cover). */
  actionHref?: string;
  /** The role that should act. */
  actionRole: Role;
  /** The date it fell or falls due, when there is one. */
  dueOn: string | null;
};

export const SEVERITY_RANK: Record<ExceptionSeverity, number> = { high: 0, medium: 1, low: 2 };

/** Tag colours for severities: high red, medium orange, low yellow. */
export const SEVERITY_COLOURS: Record<ExceptionSeverity, "red" | "orange" | "yellow"> = { high: "red", medium: "orange", low: "yellow" };

export const EXCEPTION_FILTER_FIELDS = ["kind", "severity", "role", "locality", "organisationType", "acknowledged"] as const;

/** The /exceptions "Acknowledged" filter's choices, as they appear in the URL (`acknowledged=yes|no`). */
export const ACKNOWLEDGED_FILTER_OPTIONS = [
  { value: "no", label: "Not acknowledged" },
  { value: "yes", label: "Acknowledged" },
] as const;
