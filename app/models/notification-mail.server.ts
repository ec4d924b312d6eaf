// E-mail for notifications: composing (plain text plus simple HTML), the outbox, and sending.
// With SMTP_URL set, messages wait in the outbox as "pending" and a sender delivers them over
// SMTP (nodemailer); without it they are "kept" in the outbox for admins to read, never sent.
// A sender claims one message with a single UPDATE, so two workers never send the same one; a
// failed send is retried with backoff and its last error kept; after the last try it is "failed".

import os from "node:os";
import { randomBytes } from "node:crypto";
import nodemailer, { type Transporter } from "nodemailer";
import { and, count, desc, eq, sql } from "drizzle-orm";
import { emailOutbox } from "../../db/schema";
import type { OutboxStatus } from "../../db/schema/enums";
import { getDb, type DbOrTx } from "~/lib/db.server";
import { getSettings } from "~/models/settings.server";

/** Minutes to wait before retry n (after the n-th failed attempt). */
export const RETRY_BACKOFF_MINUTES = [1, 5, 30, 120] as const;
/** A message is tried this many times before it is marked failed. */
export const MAX_ATTEMPTS = RETRY_BACKOFF_MINUTES.length + 1;
/** How long a sender's claim on a message lasts before another sender may take it over. */
export const CLAIM_LEASE_MS = 2 * 60_000;

export function appUrl() {
  return (process.env.APP_URL || `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, "");
}

export function mailFrom() {
  return process.env.MAIL_FROM || "ShareBoard <shareboard@localhost>";
}

export function smtpConfigured() {
  return Boolean(process.env.SMTP_URL);
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export type ComposedEmail = { subject: string; text: string; html: string };

/** One notice as an e-mail: greeting, what happened, what to do, the link, and how to change settings. */
export function composeEmail(db: DbOrTx, { name, title, body, href }: { name: string; title: string; body: string; href: string }): ComposedEmail {
  return composeMessage(db, { name, subject: title, paragraphs: [body], links: [{ text: "Open it in ShareBoard", href }] });
}

/** A message of paragraphs and links (the digest uses lists too), in plain text and simple HTML. */
export function composeMessage(
  db: DbOrTx,
  { name, subject, paragraphs, links = [], lists = [] }: { name: string; subject: string; paragraphs: string[]; links?: { text: string; href: string }[]; lists?: { heading: string; items: { text: string; href?: string }[] }[] },
): ComposedEmail {
  const base = appUrl();
  const partnership = getSettings(db).partnership_name;
  const settingsUrl = `${base}/settings/notifications`;
  const text = [
    `Dear ${name},`,
    ...paragraphs,
    ...lists.map((l) => [l.heading, ...l.items.map((i) => `- ${i.text}${i.href ? `\n  ${base}${i.href}` : ""}`)].join("\n")),
    ...links.map((l) => `${l.text}:\n${base}${l.href}`),
    `You get this e-mail because of your ShareBoard notification settings. To change them, go to:\n${settingsUrl}`,
    `ShareBoard, ${partnership}`,
  ].join("\n\n");
  const html = [
    `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    `<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #212b32; max-width: 640px;">`,
    `<p>Dear ${escapeHtml(name)},</p>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...lists.map(
      (l) =>
        `<h2 style="font-size: 19px;">${escapeHtml(l.heading)}</h2><ul>${l.items.map((i) => `<li>${i.href ? `<a href="${escapeHtml(base + i.href)}" style="color: #005eb8;">${escapeHtml(i.text)}</a>` : escapeHtml(i.text)}</li>`).join("")}</ul>`,
    ),
    ...links.map((l) => `<p><a href="${escapeHtml(base + l.href)}" style="color: #005eb8;">${escapeHtml(l.text)}</a></p>`),
    `<p style="font-size: 14px; color: #4c6272;">You get this e-mail because of your ShareBoard notification settings. <a href="${escapeHtml(settingsUrl)}" style="color: #005eb8;">Change your notification settings</a>.</p>`,
    `<p style="font-size: 14px; color: #4c6272;">ShareBoard, ${escapeHtml(partnership)}</p>`,
    `</body></html>`,
  ].join("\n");
  return { subject: `ShareBoard: ${subject}`, text, html };
}

/** Puts a message in the outbox once (its dedupe key is unique): pending with SMTP, kept without. */
export function enqueueEmail(
  tx: DbOrTx,
  m: { dedupeKey: string; notificationId?: number | null; userId: number | null; to: string } & ComposedEmail,
): boolean {
  const row = tx
    .insert(emailOutbox)
    .values({
      dedupeKey: m.dedupeKey,
      notificationId: m.notificationId ?? null,
      userId: m.userId,
      toAddress: m.to,
      subject: m.subject,
      textBody: m.text,
      htmlBody: m.html,
      status: smtpConfigured() ? "pending" : "kept",
    })
    .onConflictDoNothing({ target: emailOutbox.dedupeKey })
    .returning({ id: emailOutbox.id })
    .get();
  return Boolean(row);
}

export type MailTransport = Pick<Transporter, "sendMail"> & { close?: () => void };

/** The SMTP transport from SMTP_URL (e.g. smtp://user:pass@mail.example.org:587), or null when none is set. */
export function createMailTransport(url = process.env.SMTP_URL): MailTransport | null {
  if (!url) return null;
  // Reuse connections (a scan can queue dozens of messages) unless the URL says otherwise.
  const withPool = new URL(url);
  if (!withPool.searchParams.has("pool")) withPool.searchParams.set("pool", "true");
  return nodemailer.createTransport(withPool.toString());
}

export function newWorkerId() {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

/**
 * Claims the next message due, atomically: one UPDATE picks a pending message whose time has
 * come (or one whose sender's lease ran out) and marks it as this worker's.
 */
function claimNext(db: DbOrTx, workerId: string, now: Date) {
  const at = now.toISOString();
  const leaseEnds = new Date(now.getTime() + CLAIM_LEASE_MS).toISOString();
  const next = sql`(select ${emailOutbox.id} from ${emailOutbox} where (${emailOutbox.status} = 'pending' and ${emailOutbox.nextAttemptAt} <= ${at}) or (${emailOutbox.status} = 'sending' and ${emailOutbox.claimedUntil} < ${at}) order by ${emailOutbox.id} limit 1)`;
  return db
    .update(emailOutbox)
    .set({ status: "sending", claimedBy: workerId, claimedUntil: leaseEnds, attempts: sql`${emailOutbox.attempts} + 1` })
    .where(and(eq(emailOutbox.id, next), sql`(${emailOutbox.status} = 'pending' or ${emailOutbox.claimedUntil} < ${at})`))
    .returning()
    .get();
}

/**
 * Sends every message that is due, one claim at a time; returns what happened. Several workers
 * may run this at once on the same database: each message goes to exactly one of them.
 */
export async function deliverDueEmails({ transport, workerId = newWorkerId(), now = () => new Date(), limit = 100, db = getDb() }: { transport: MailTransport; workerId?: string; now?: () => Date; limit?: number; db?: DbOrTx }) {
  const result = { sent: 0, retrying: 0, failed: 0 };
  for (let i = 0; i < limit; i++) {
    const message = claimNext(db, workerId, now());
    if (!message) break;
    try {
      await transport.sendMail({ from: mailFrom(), to: message.toAddress, subject: message.subject, text: message.textBody, html: message.htmlBody });
      db.update(emailOutbox)
        .set({ status: "sent", sentAt: now().toISOString(), claimedUntil: null, lastError: null })
        .where(and(eq(emailOutbox.id, message.id), eq(emailOutbox.claimedBy, workerId)))
        .run();
      result.sent++;
    } catch (error) {
      const last = message.attempts >= MAX_ATTEMPTS;
      const wait = RETRY_BACKOFF_MINUTES[Math.min(message.attempts, RETRY_BACKOFF_MINUTES.length) - 1] ?? RETRY_BACKOFF_MINUTES.at(-1)!;
      db.update(emailOutbox)
        .set({
          status: last ? "failed" : "pending",
          lastError: String((error as Error)?.message ?? error).slice(0, 500),
          nextAttemptAt: new Date(now().getTime() + wait * 60_000).toISOString(),
          claimedUntil: null,
        })
        .where(and(eq(emailOutbox.id, message.id), eq(emailOutbox.claimedBy, workerId)))
        .run();
      if (last) result.failed++;
      else result.retrying++;
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// The admin's outbox page

export function listOutbox({ status, page = 1, pageSize = 50, db = getDb() }: { status?: OutboxStatus; page?: number; pageSize?: number; db?: DbOrTx }) {
  const where = status ? eq(emailOutbox.status, status) : undefined;
  const total = db.select({ n: count() }).from(emailOutbox).where(where).get()!.n;
  const rows = db
    .select({
      id: emailOutbox.id,
      to: emailOutbox.toAddress,
      subject: emailOutbox.subject,
      text: emailOutbox.textBody,
      status: emailOutbox.status,
      attempts: emailOutbox.attempts,
      lastError: emailOutbox.lastError,
      nextAttemptAt: emailOutbox.nextAttemptAt,
      createdAt: emailOutbox.createdAt,
      sentAt: emailOutbox.sentAt,
    })
    .from(emailOutbox)
    .where(where)
    .orderBy(desc(emailOutbox.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  const byStatus = Object.fromEntries(
    db.select({ status: emailOutbox.status, n: count() }).from(emailOutbox).groupBy(emailOutbox.status).all().map((r) => [r.status, r.n]),
  ) as Partial<Record<OutboxStatus, number>>;
  return { total, rows, byStatus, page, pageSize, status: status ?? null, smtpConfigured: smtpConfigured() };
}
