// Notifications: telling people about what needs them, in the app and by e-mail. Every notice has
// an idempotency key (kind, record, threshold, recipient), unique in the database, and is written
// with INSERT … ON CONFLICT DO NOTHING, so a restart, a second worker or a repeated scan never
// tells anyone twice. In-app notices are always made; the e-mail follows the recipient's choice
// (straight away, in the weekly digest, or not at all). Never patient data: notices name cases,
// agreements, organisations and dates, nothing about any person's record.

import { and, asc, count, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import {
  agreementParties,
  agreementSignatures,
  agreements,
  businessCaseAuthors,
  businessCasePartners,
  businessCaseTransitions,
  businessCases,
  emailOutbox,
  notificationPreferences,
  notifications,
  organisations,
  userRoles,
  users,
} from "../../db/schema";
import type { EmailChoice, NotificationKind, Role } from "../../db/schema/enums";
import { getDb, preparedPerConnection, transaction, type DbOrTx } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";
import { formatDate } from "~/lib/dates";
import { getReportingDate, getSettings } from "~/models/settings.server";
import { choicesFor, kindsFor, NOTIFICATION_KIND_INFO } from "./notifications.schema";
import { composeEmail, enqueueEmail } from "./notification-mail.server";

export type NewNotification = {
  kind: NotificationKind;
  /** What it is about, e.g. "case:BC-2016-004". */
  recordKey: string;
  /** Which step or reminder, e.g. a transition id, "30", "lapsed". */
  threshold?: string;
  recipients: readonly number[];
  /** People never told about their own step. */
  exclude?: readonly number[];
  title: string;
  body: string;
  href: string;
  onDate?: string;
};

// ---------------------------------------------------------------------------------------------
// Recipients

function activeUsers(db: DbOrTx) {
  return isNull(users.disabledAt);
}

/** Active users holding a role, optionally only in some organisations. */
export function usersWithRole(db: DbOrTx, role: Role, organisationIds?: readonly number[]): number[] {
  if (organisationIds && organisationIds.length === 0) return [];
  return db
    .select({ id: users.id })
    .from(users)
    .innerJoin(userRoles, and(eq(userRoles.userId, users.id), eq(userRoles.role, role)))
    .where(and(activeUsers(db), organisationIds ? inArray(users.organisationId, [...organisationIds]) : undefined))
    .orderBy(asc(users.id))
    .all()
    .map((u) => u.id);
}

function caseAuthorIds(db: DbOrTx, caseId: number) {
  return db
    .select({ id: businessCaseAuthors.userId })
    .from(businessCaseAuthors)
    .innerJoin(users, eq(users.id, businessCaseAuthors.userId))
    .where(and(eq(businessCaseAuthors.caseId, caseId), activeUsers(db)))
    .all()
    .map((r) => r.id);
}

/** The sponsoring and partner organisations of a case. */
function caseOrganisationIds(db: DbOrTx, caseId: number, sponsorId: number | null) {
  const partners = db.select({ id: businessCasePartners.organisationId }).from(businessCasePartners).where(eq(businessCasePartners.caseId, caseId)).all();
  return [...new Set([...(sponsorId ? [sponsorId] : []), ...partners.map((p) => p.id)])];
}

export function preferenceOf(db: DbOrTx, userId: number, kind: NotificationKind): EmailChoice {
  const row = db.select({ email: notificationPreferences.email }).from(notificationPreferences).where(and(eq(notificationPreferences.userId, userId), eq(notificationPreferences.kind, kind))).get();
  return row?.email ?? "immediate";
}

// ---------------------------------------------------------------------------------------------
// Making notices

/**
 * Tells each recipient once: the in-app notice, and the e-mail when they chose "straight away".
 * Returns how many notices were new. Safe to call again with the same key: it does nothing.
 */
export function notify(tx: DbOrTx, n: NewNotification): number {
  const excluded = new Set(n.exclude ?? []);
  const recipients = [...new Set(n.recipients)].filter((id) => !excluded.has(id));
  if (!recipients.length) return 0;
  const onDate = n.onDate ?? getReportingDate(tx);
  let created = 0;
  for (const userId of recipients) {
    const emailChoice = preferenceOf(tx, userId, n.kind);
    const row = tx
      .insert(notifications)
      .values({ userId, kind: n.kind, recordKey: n.recordKey, threshold: n.threshold ?? "", title: n.title, body: n.body, href: n.href, onDate, emailChoice })
      .onConflictDoNothing({ target: [notifications.kind, notifications.recordKey, notifications.threshold, notifications.userId] })
      .returning()
      .get();
    if (!row) continue;
    created++;
    if (emailChoice === "immediate") {
      const user = tx.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, userId)).get();
      if (user) enqueueEmail(tx, { dedupeKey: `notification:${row.id}`, notificationId: row.id, userId, to: user.email, ...composeEmail(tx, { name: user.name, title: row.title, body: row.body, href: row.href }) });
    }
  }
  return created;
}

const CASE_STEP_KIND: Partial<Record<string, NotificationKind>> = {
  submit: "case_submitted",
  request_changes: "case_changes_requested",
  pass_to_board: "case_board_review",
  return_to_board: "case_board_review",
  approve: "case_approved",
  reject: "case_rejected",
  defer: "case_deferred",
  mark_implemented: "case_implemented",
};

/**
 * Called by the case workflow inside the step's transaction: tells the people the step concerns.
 * Submitted → IG leads of its organisations; a decision or changes requested → its authors;
 * to the board → board members. Nobody is told about their own step or asked to review their own case.
 */
export function notifyCaseStep(tx: DbOrTx, step: { caseId: number; action: string; transitionId: number; fromState: string; actorUserId: number; onDate?: string }) {
  const kind = CASE_STEP_KIND[step.action];
  if (!kind) return 0;
  const kase = tx.select().from(businessCases).where(eq(businessCases.id, step.caseId)).get();
  if (!kase) return 0;
  const authors = caseAuthorIds(tx, kase.id);
  const ref = kase.reference;
  const href = `/cases/${encodeURIComponent(ref)}`;
  const named = `${ref} "${kase.title}"`;
  const base = { kind, recordKey: `case:${ref}`, threshold: `step:${step.transitionId}`, href, exclude: [step.actorUserId], onDate: step.onDate };
  switch (kind) {
    case "case_submitted": {
      const resubmitted = step.fromState === "changes_requested";
      return notify(tx, {
        ...base,
        recipients: usersWithRole(tx, "ig_lead", caseOrganisationIds(tx, kase.id, kase.sponsorOrganisationId)),
        exclude: [step.actorUserId, ...authors],
        title: resubmitted ? `${ref} has been resubmitted for IG review` : `${ref} has been submitted for IG review`,
        body: `${named} ${resubmitted ? "has been changed and resubmitted" : "has been submitted"} for IG review. Your organisation sponsors it or is a partner in it. Start the IG review, or ask for changes.`,
      });
    }
    case "case_board_review":
      return notify(tx, {
        ...base,
        recipients: usersWithRole(tx, "board"),
        exclude: [step.actorUserId, ...authors],
        title: `${ref} is ready for a board decision`,
        body: `${named} has passed IG review and is waiting for the board to approve, reject or defer it. The IG recommendation is on the case.`,
      });
    case "case_changes_requested":
      return notify(tx, { ...base, recipients: authors, title: `Changes requested to ${ref}`, body: `The IG lead has asked for changes to ${named}. Read what needs to change on the case, edit it and resubmit it.` });
    case "case_approved":
      return notify(tx, { ...base, recipients: authors, title: `${ref} has been approved by the board`, body: `The partnership board has approved ${named}. The board's rationale is on the case. The programme team will plan the deployments.` });
    case "case_rejected":
      return notify(tx, { ...base, recipients: authors, title: `${ref} has been rejected by the board`, body: `The partnership board has rejected ${named}. The board's reasons are on the case.` });
    case "case_deferred":
      return notify(tx, { ...base, recipients: authors, title: `${ref} has been deferred by the board`, body: `The partnership board has deferred its decision on ${named}. The reasons, and when it may return to the board, are on the case.` });
    case "case_implemented":
      return notify(tx, { ...base, recipients: authors, title: `${ref} has been implemented`, body: `Every deployment for ${named} is live: the programme team has marked it as implemented.` });
    default:
      return 0;
  }
}

/**
 * Tells people about case steps already taken between two dates (inclusive), as if each had just
 * happened. The demo data uses it so its recent decisions show in the app; the keys are the same
 * as the live hook's, so a step is never told twice.
 */
export function notifyRecentCaseSteps({ from, to, db = getDb() }: { from: string; to: string; db?: DbOrTx }) {
  const steps = db
    .select({ id: businessCaseTransitions.id, caseId: businessCaseTransitions.caseId, fromState: businessCaseTransitions.fromState, toState: businessCaseTransitions.toState, actorId: businessCaseTransitions.actorId, at: businessCaseTransitions.at })
    .from(businessCaseTransitions)
    .where(and(sql`substr(${businessCaseTransitions.at}, 1, 10) >= ${from}`, sql`substr(${businessCaseTransitions.at}, 1, 10) <= ${to}`, isNotNull(businessCaseTransitions.fromState)))
    .orderBy(asc(businessCaseTransitions.at))
    .all();
  let created = 0;
  for (const s of steps) {
    const action = ACTION_FOR_STATE[s.toState];
    if (action) created += notifyCaseStep(db, { caseId: s.caseId, action, transitionId: s.id, fromState: s.fromState ?? "", actorUserId: s.actorId, onDate: s.at.slice(0, 10) });
  }
  return created;
}

const ACTION_FOR_STATE: Partial<Record<string, string>> = {
  submitted: "submit",
  changes_requested: "request_changes",
  board_review: "pass_to_board",
  approved: "approve",
  rejected: "reject",
  deferred: "defer",
  implemented: "mark_implemented",
};

function agreementLabel(row: { reference: string; version: number; title: string }) {
  return `${row.reference} version ${row.version} "${row.title}"`;
}

/**
 * Called when an agreement's signatures are requested (sent, re-sent after a decline or reset by
 * a material change): each party whose signature is waiting hears once per request.
 */
export function notifySignaturesRequested(tx: DbOrTx, { agreementId }: { agreementId: number }) {
  const row = tx.select().from(agreements).where(eq(agreements.id, agreementId)).get();
  if (!row) return 0;
  const waiting = tx
    .select({ signatureId: agreementSignatures.id, requestedAt: agreementSignatures.requestedAt, organisationId: agreementParties.organisationId })
    .from(agreementSignatures)
    .innerJoin(agreementParties, eq(agreementParties.id, agreementSignatures.partyId))
    .where(and(eq(agreementSignatures.agreementId, agreementId), eq(agreementSignatures.status, "requested")))
    .all();
  let created = 0;
  for (const w of waiting) {
    created += notify(tx, {
      kind: "signature_requested",
      recordKey: `agreement:${agreementId}`,
      threshold: `signature:${w.signatureId}:${w.requestedAt}`,
      recipients: usersWithRole(tx, "ig_lead", [w.organisationId]),
      title: `${row.reference} is waiting for your organisation's signature`,
      body: `${agreementLabel(row)} has been sent for signature. As your organisation's IG lead, sign it or decline it with a reason.`,
      href: `/agreements/${encodeURIComponent(row.reference)}/sign`,
    });
  }
  return created;
}

/** Called when the last party signs: the parties' IG leads and the programme team hear it is in force. */
export function notifyAgreementSigned(tx: DbOrTx, { agreementId }: { agreementId: number }) {
  const row = tx.select().from(agreements).where(eq(agreements.id, agreementId)).get();
  if (!row) return 0;
  const parties = tx.select({ id: agreementParties.organisationId }).from(agreementParties).where(eq(agreementParties.agreementId, agreementId)).all().map((p) => p.id);
  return notify(tx, {
    kind: "agreement_signed",
    recordKey: `agreement:${agreementId}`,
    recipients: [...usersWithRole(tx, "ig_lead", parties), ...usersWithRole(tx, "programme")],
    title: `${row.reference} has been signed by every party`,
    body: `Every party has signed ${agreementLabel(row)}. It is in force from ${formatDate(row.activatedOn ?? row.effectiveOn)}; its review is due on ${formatDate(row.reviewOn)}.`,
    href: `/agreements/${encodeURIComponent(row.reference)}`,
  });
}

// ---------------------------------------------------------------------------------------------
// Reading and marking as read (the user's own notices only: the WHERE clause is the rule)

const unreadOfUser = preparedPerConnection((db) =>
  db.select({ n: count() }).from(notifications).where(and(eq(notifications.userId, sql.placeholder("userId")), isNull(notifications.readAt))).prepare(),
);

export function unreadCount({ userId, db = getDb() }: { userId: number; db?: DbOrTx }): number {
  return unreadOfUser(db).get({ userId })!.n;
}

export function listNotifications({ userId, page = 1, pageSize = 50, db = getDb() }: { userId: number; page?: number; pageSize?: number; db?: DbOrTx }) {
  const total = db.select({ n: count() }).from(notifications).where(eq(notifications.userId, userId)).get()!.n;
  const rows = db
    .select({ id: notifications.id, kind: notifications.kind, title: notifications.title, body: notifications.body, href: notifications.href, onDate: notifications.onDate, readAt: notifications.readAt, createdAt: notifications.createdAt })
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(sql`${notifications.readAt} is not null`, desc(notifications.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  return { total, unread: unreadCount({ userId, db }), rows: rows.map((r) => ({ ...r, kindLabel: NOTIFICATION_KIND_INFO[r.kind].label })) };
}

/** Marks one of the user's notices as read; false when it is not theirs (or does not exist). */
export function markNotificationRead({ userId, notificationId, db = getDb() }: { userId: number; notificationId: number; db?: DbOrTx }): boolean {
  const row = db.select({ id: notifications.id, readAt: notifications.readAt }).from(notifications).where(and(eq(notifications.id, notificationId), eq(notifications.userId, userId))).get();
  if (!row) return false;
  if (!row.readAt) db.update(notifications).set({ readAt: new Date().toISOString() }).where(and(eq(notifications.id, notificationId), eq(notifications.userId, userId))).run();
  return true;
}

export function markAllNotificationsRead({ userId, db = getDb() }: { userId: number; db?: DbOrTx }): number {
  return db.update(notifications).set({ readAt: new Date().toISOString() }).where(and(eq(notifications.userId, userId), isNull(notifications.readAt))).run().changes;
}

// ---------------------------------------------------------------------------------------------
// Preferences

export function preferencesFor({ user, db = getDb() }: { user: { id: number; roles: readonly Role[] }; db?: DbOrTx }) {
  const saved = new Map(db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, user.id)).all().map((p) => [p.kind, p.email]));
  return kindsFor(user.roles).map((kind) => ({ kind, ...NOTIFICATION_KIND_INFO[kind], choices: choicesFor(kind), email: saved.get(kind) ?? ("immediate" as EmailChoice) }));
}

/** Saves the user's e-mail choices (audited: it changes what the system will send them). */
export function savePreferences({ actor, user, choices }: { actor: Actor; user: { id: number; roles: readonly Role[] }; choices: Partial<Record<NotificationKind, EmailChoice>> }) {
  const allowed = new Set(kindsFor(user.roles));
  return transaction((tx) => {
    const before = Object.fromEntries(preferencesFor({ user, db: tx }).map((p) => [p.kind, p.email]));
    const changed: Partial<Record<NotificationKind, EmailChoice>> = {};
    for (const [kind, email] of Object.entries(choices) as [NotificationKind, EmailChoice][]) {
      if (!allowed.has(kind) || before[kind] === email) continue;
      tx.insert(notificationPreferences)
        .values({ userId: user.id, kind, email })
        .onConflictDoUpdate({ target: [notificationPreferences.userId, notificationPreferences.kind], set: { email, updatedAt: new Date().toISOString() } })
        .run();
      changed[kind] = email;
    }
    if (Object.keys(changed).length) {
      audit(tx, actor, { action: "notification_preferences.update", entityType: "user", entityId: user.id, before: Object.fromEntries(Object.keys(changed).map((k) => [k, before[k]])), after: changed });
    }
    return { changed: Object.keys(changed).length };
  });
}

/** Organisation name by id (for wording). */
export function organisationName(db: DbOrTx, id: number | null) {
  if (!id) return null;
  return db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, id)).get()?.name ?? null;
}

export function partnershipName(db: DbOrTx) {
  return getSettings(db).partnership_name;
}
