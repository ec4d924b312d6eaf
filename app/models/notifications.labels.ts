// Notifications: the kinds people can be told about, who gets each, and the labels people read,
// without zod, so the browser can have them (notifications.schema.ts re-exports these).
import { EMAIL_CHOICES, NOTIFICATION_KINDS, OUTBOX_STATUSES, type EmailChoice, type NotificationKind, type OutboxStatus, type Role } from "../../db/schema/enums";

export { EMAIL_CHOICES, NOTIFICATION_KINDS, OUTBOX_STATUSES, type EmailChoice, type NotificationKind, type OutboxStatus };

export type NotificationKindInfo = {
  label: string;
  /** Who gets it, in the words of the settings page and the README. */
  who: string;
  /** The roles that can receive it (a case's authors can hold any role). */
  roles: readonly Role[] | "any";
  /** The weekly digest itself cannot be gathered into a digest. */
  digestable: boolean;
};

export const NOTIFICATION_KIND_INFO: Record<NotificationKind, NotificationKindInfo> = {
  case_submitted: { label: "Business case submitted or resubmitted", who: "IG leads of the sponsoring and partner organisations", roles: ["ig_lead"], digestable: true },
  case_changes_requested: { label: "Changes requested to your business case", who: "The case's author and co-authors", roles: "any", digestable: true },
  case_approved: { label: "Your business case approved", who: "The case's author and co-authors", roles: "any", digestable: true },
  case_rejected: { label: "Your business case rejected", who: "The case's author and co-authors", roles: "any", digestable: true },
  case_deferred: { label: "Your business case deferred", who: "The case's author and co-authors", roles: "any", digestable: true },
  case_implemented: { label: "Your business case implemented", who: "The case's author and co-authors", roles: "any", digestable: true },
  case_board_review: { label: "Business case ready for the board", who: "Board members", roles: ["board"], digestable: true },
  case_waiting: { label: "Business case waiting past its service level", who: "Whoever should act: IG leads of its organisations at IG review, board members at board review", roles: ["ig_lead", "board"], digestable: true },
  signature_requested: { label: "Agreement waiting for your organisation's signature", who: "The IG lead of each party asked to sign", roles: ["ig_lead"], digestable: true },
  agreement_signed: { label: "Agreement signed by every party", who: "IG leads of every party and the programme team", roles: ["ig_lead", "programme"], digestable: true },
  cover_ending: { label: "Indemnity cover ending in 90, 30 or 7 days", who: "The CCG", roles: ["ccg"], digestable: true },
  cover_lapsed: { label: "Indemnity cover lapsed", who: "The CCG and the programme team", roles: ["ccg", "programme"], digestable: true },
  review_due: { label: "Agreement review due in 90, 30 or 7 days", who: "IG leads of the agreement's parties", roles: ["ig_lead"], digestable: true },
  review_overdue: { label: "Agreement review overdue", who: "IG leads of the agreement's parties", roles: ["ig_lead"], digestable: true },
  priority_endorsement_due: { label: "Priority due for re-endorsement", who: "Board members", roles: ["board"], digestable: true },
  opt_in_return_missing: { label: "A practice's opt-in return missing for last month", who: "The programme team", roles: ["programme"], digestable: true },
  weekly_digest: { label: "Weekly digest for the board", who: "Board members, every Monday: headline figures that changed, new exceptions, decisions waiting", roles: ["board"], digestable: false },
};

export const EMAIL_CHOICE_LABELS: Record<EmailChoice, string> = {
  immediate: "E-mail me straight away",
  digest: "Gather into my weekly digest e-mail",
  off: "Do not e-mail me",
};

export const OUTBOX_STATUS_LABELS: Record<OutboxStatus, string> = {
  kept: "Kept, not sent",
  pending: "Waiting to send",
  sending: "Sending",
  sent: "Sent",
  failed: "Failed",
};

export const OUTBOX_STATUS_COLOURS = { kept: "grey", pending: "blue", sending: "purple", sent: "green", failed: "red" } as const satisfies Record<OutboxStatus, string>;

/** The kinds a user with these roles can receive, in catalogue order. */
export function kindsFor(roles: readonly Role[]): NotificationKind[] {
  return NOTIFICATION_KINDS.filter((k) => {
    const r = NOTIFICATION_KIND_INFO[k].roles;
    return r === "any" || r.some((role) => roles.includes(role));
  });
}

/** The choices offered for a kind (the weekly digest is e-mailed or not). */
export function choicesFor(kind: NotificationKind): readonly EmailChoice[] {
  return NOTIFICATION_KIND_INFO[kind].digestable ? EMAIL_CHOICES : (["immediate", "off"] as const);
}
