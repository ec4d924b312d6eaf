import { sqliteTable, text, integer, index, uniqueIndex, primaryKey } from "drizzle-orm/sqlite-core";
import { enumCheck, nowIso } from "./helpers";
import { EMAIL_CHOICES, NOTIFICATION_KINDS, OUTBOX_STATUSES } from "./enums";
import { users } from "./auth";

// One row per person told about one thing. The idempotency key (kind, record, threshold,
// recipient) is unique: a restart or a second worker inserting the same notice does nothing.
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    // What it is about, e.g. "case:BC-2016-004", "cover:12", "agreement:3".
    recordKey: text("record_key").notNull(),
    // Which step or reminder: a transition id, "90" / "30" / "7", "lapsed", "overdue", a month.
    threshold: text("threshold").notNull().default(""),
    title: text("title").notNull(),
    body: text("body").notNull(),
    // A path inside the app; e-mails put APP_URL in front of it.
    href: text("href").notNull(),
    // The reporting date it was judged on.
    onDate: text("on_date").notNull(),
    // The recipient's e-mail choice for this kind when it was made.
    emailChoice: text("email_choice", { enum: EMAIL_CHOICES }).notNull(),
    digestedAt: text("digested_at"),
    readAt: text("read_at"),
    createdAt: text("created_at").notNull().default(nowIso),
  },
  (t) => [
    uniqueIndex("notifications_idempotency_unique").on(t.kind, t.recordKey, t.threshold, t.userId),
    index("notifications_user_read_idx").on(t.userId, t.readAt),
    index("notifications_digest_idx").on(t.emailChoice, t.digestedAt),
    enumCheck("notifications_kind_check", t.kind, NOTIFICATION_KINDS),
    enumCheck("notifications_email_choice_check", t.emailChoice, EMAIL_CHOICES),
  ],
);

// A person's e-mail choice per kind; no row means the kind's default.
export const notificationPreferences = sqliteTable(
  "notification_preferences",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    email: text("email", { enum: EMAIL_CHOICES }).notNull(),
    updatedAt: text("updated_at").notNull().default(nowIso),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.kind] }),
    enumCheck("notification_preferences_kind_check", t.kind, NOTIFICATION_KINDS),
    enumCheck("notification_preferences_email_check", t.email, EMAIL_CHOICES),
  ],
);

// Every e-mail: sent over SMTP when SMTP_URL is set, otherwise kept here for admins to read.
// A sender claims a row with one UPDATE (status 'sending', claimed_by, claimed_until), so two
// workers never send the same message; a claim that outlives its lease is taken over.
export const emailOutbox = sqliteTable(
  "email_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    // "notification:<id>" or "digest:<user>:<date>": one message per key, ever.
    dedupeKey: text("dedupe_key").notNull(),
    notificationId: integer("notification_id").references(() => notifications.id, { onDelete: "set null" }),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body").notNull(),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: text("next_attempt_at").notNull().default(nowIso),
    claimedBy: text("claimed_by"),
    claimedUntil: text("claimed_until"),
    sentAt: text("sent_at"),
    createdAt: text("created_at").notNull().default(nowIso),
  },
  (t) => [
    uniqueIndex("email_outbox_dedupe_unique").on(t.dedupeKey),
    index("email_outbox_status_next_idx").on(t.status, t.nextAttemptAt),
    enumCheck("email_outbox_status_check", t.status, OUTBOX_STATUSES),
  ],
);

// Each reporting date the daily scan finished, so a restart catches up on the days it missed.
export const notificationScans = sqliteTable("notification_scans", {
  scanDate: text("scan_date").primaryKey(),
  finishedAt: text("finished_at").notNull().default(nowIso),
  created: integer("created").notNull().default(0),
});
