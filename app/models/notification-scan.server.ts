// The daily scan: reminders judged against the reporting date (cover ending, reviews due, cases
// waiting, priorities, missing opt-in returns) and, on Mondays, the weekly digest. Each rule runs
// in its own transaction and every notice it makes has a unique idempotency key, so a scan that
// stops half-way (a restart) or runs twice at once (two workers) tells nobody twice: running it
// again only fills in what is missing. `catchUpScans` runs the days missed since the last scan.

import { and, asc, eq, inArray, isNotNull, isNull, lte, max, notExists, sql } from "drizzle-orm";
import { agreementParties, businessCaseAuthors, businessCasePartners, businessCases, notificationScans, notifications, optInReturns, organisations, users } from "../../db/schema";
import { getDb, type DbOrTx } from "~/lib/db.server";
import { addDaysIso, addMonthsToMonth, daysBetween, formatDate, monthOf } from "~/lib/dates";
import { getReportingDate } from "~/models/settings.server";
import { coverExpiring, lapsedCover } from "./indemnity.server";
import { listAgreements } from "./agreements.server";
import { casesWaitingPastSla } from "./cases.server";
import { listPriorities } from "./milestones.server";
import { listExceptions } from "./exceptions.server";
import { getSummaryFigures, type SummaryFigures } from "./summary.server";
import { notify, preferenceOf, usersWithRole } from "./notifications.server";
import { composeMessage, enqueueEmail } from "./notification-mail.server";

const plural = (n: number, one: string, many = `${one}s`) => `${n === 0 ? "no" : n} ${n === 1 ? one : many}`;

const inDays = (n: number) => (n <= 0 ? "today" : n === 1 ? "tomorrow" : `in ${n} days`);
const LONG_MONTH = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
const monthName = (month: string) => LONG_MONTH.format(new Date(`${month}-01T00:00:00Z`));
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The reminder threshold a number of days falls in: 7, 30 or 90 (the tightest one reached). */
export function reminderThreshold(daysLeft: number): "7" | "30" | "90" | null {
  if (daysLeft <= 7) return "7";
  if (daysLeft <= 30) return "30";
  if (daysLeft <= 90) return "90";
  return null;
}

type Rule = (db: DbOrTx, date: string) => number;

const coverEnding: Rule = (db, date) => {
  let created = 0;
  const ccg = usersWithRole(db, "ccg");
  for (const c of coverExpiring({ asAt: date, withinDays: 90, db })) {
    const threshold = reminderThreshold(c.daysLeft);
    if (!threshold) continue;
    created += notify(db, {
      kind: "cover_ending",
      recordKey: `cover:${c.coverId}`,
      threshold,
      recipients: ccg,
      onDate: date,
      title: `Indemnity cover for ${c.organisationName} ends ${inDays(c.daysLeft)}`,
      body: `The CCG's indemnity cover for ${c.organisationName} (${c.odsCode})${c.documentReference ? `, ${c.documentReference},` : ""} ends on ${formatDate(c.endOn)} and no renewal has been recorded. Renew it, or record new cover, before then.`,
      href: `/indemnity/${c.coverId}/renew`,
    });
  }
  return created;
};

const coverLapsed: Rule = (db, date) => {
  let created = 0;
  const recipients = [...usersWithRole(db, "ccg"), ...usersWithRole(db, "programme")];
  for (const c of lapsedCover({ asAt: date, db })) {
    created += notify(db, {
      kind: "cover_lapsed",
      recordKey: `cover-organisation:${c.odsCode}`,
      threshold: `lapsed:${c.endedOn}`,
      recipients,
      onDate: date,
      title: `Indemnity cover for ${c.organisationName} has lapsed`,
      body: `The CCG's indemnity cover for ${c.organisationName} (${c.odsCode}) ended on ${formatDate(c.endedOn)} and no new cover is in force. Services that view its record are sharing it without the CCG's indemnity until cover is renewed.`,
      href: `/indemnity?asAt=${date}#lapsed`,
    });
  }
  return created;
};

const agreementReviews: Rule = (db, date) => {
  let created = 0;
  const due = listAgreements({ asAt: date, status: "active", reviewDue: "due_or_overdue", page: 1, pageSize: 10_000, db }).rows;
  for (const a of due) {
    const parties = db.select({ id: agreementParties.organisationId }).from(agreementParties).where(eq(agreementParties.agreementId, a.id)).all().map((p) => p.id);
    const recipients = usersWithRole(db, "ig_lead", parties);
    const overdue = a.reviewState === "overdue";
    const daysLeft = daysBetween(date, a.reviewOn);
    const threshold = overdue ? "overdue" : reminderThreshold(daysLeft);
    if (!threshold) continue;
    created += notify(db, {
      kind: overdue ? "review_overdue" : "review_due",
      recordKey: `agreement:${a.id}`,
      threshold,
      recipients,
      onDate: date,
      title: overdue ? `Review of ${a.reference} is overdue` : `Review of ${a.reference} is due ${inDays(daysLeft)}`,
      body: overdue
        ? `The review of ${a.reference} version ${a.version} "${a.title}" was due on ${formatDate(a.reviewOn)}. Review it with the other parties and record the review on its page (Record a review): no change, or a new version.`
        : `The review of ${a.reference} version ${a.version} "${a.title}" is due on ${formatDate(a.reviewOn)}. Your organisation is a party: agree with the other parties whether it continues as it is.`,
      href: `/agreements/${encodeURIComponent(a.reference)}`,
    });
  }
  return created;
};

const casesWaiting: Rule = (db, date) => {
  let created = 0;
  const board = usersWithRole(db, "board");
  for (const c of casesWaitingPastSla({ asAt: date, db })) {
    const kase = db.select({ id: businessCases.id, sponsor: businessCases.sponsorOrganisationId }).from(businessCases).where(eq(businessCases.reference, c.reference)).get();
    if (!kase) continue;
    const authors = db.select({ id: businessCaseAuthors.userId }).from(businessCaseAuthors).where(eq(businessCaseAuthors.caseId, kase.id)).all().map((a) => a.id);
    let recipients: number[];
    let who: string;
    if (c.state === "board_review") {
      recipients = board;
      who = "the board's decision";
    } else {
      const partners = db.select({ id: businessCasePartners.organisationId }).from(businessCasePartners).where(eq(businessCasePartners.caseId, kase.id)).all().map((p) => p.id);
      recipients = usersWithRole(db, "ig_lead", [...new Set([...(kase.sponsor ? [kase.sponsor] : []), ...partners])]);
      who = "an IG review";
    }
    created += notify(db, {
      kind: "case_waiting",
      recordKey: `case:${c.reference}`,
      threshold: `${c.state}:${c.since}`,
      recipients,
      exclude: authors,
      onDate: date,
      title: `${c.reference} has waited ${plural(c.workingDays, "working day")} for ${who}`,
      body: `${c.reference} "${c.title}" has waited since ${formatDate(c.since)} for ${who}, longer than the service level of ${c.sla} working days. Please act on it, or say on the case why it is waiting.`,
      href: `/cases/${encodeURIComponent(c.reference)}`,
    });
  }
  return created;
};

const priorityEndorsements: Rule = (db, date) => {
  let created = 0;
  const board = usersWithRole(db, "board");
  for (const p of listPriorities({ asAt: date, db })) {
    if (p.state !== "overdue" && p.state !== "due_soon" && p.state !== "never") continue;
    created += notify(db, {
      kind: "priority_endorsement_due",
      recordKey: `priority:${p.id}`,
      threshold: `${p.state}:${p.dueOn ?? ""}`,
      recipients: board,
      onDate: date,
      title: p.state === "never" ? `Priority "${p.title}" has never been endorsed` : p.state === "overdue" ? `Priority "${p.title}" is overdue for re-endorsement` : `Priority "${p.title}" is due for re-endorsement`,
      body:
        p.state === "never"
          ? `The board has not yet endorsed the programme priority "${p.title}". Record the board's endorsement, with the minute reference.`
          : `The board's endorsement of "${p.title}" ${p.state === "overdue" ? "was" : "is"} due for renewal on ${formatDate(p.dueOn)} (last endorsed on ${formatDate(p.lastEndorsedOn)}). Record the board's re-endorsement, with the minute reference.`,
      href: `/rollout/priorities/${p.id}/endorse`,
    });
  }
  return created;
};

const optInReturnsMissing: Rule = (db, date) => {
  const month = addMonthsToMonth(monthOf(date), -1);
  const recipients = usersWithRole(db, "programme");
  if (!recipients.length) return 0;
  const missing = db
    .select({ odsCode: organisations.odsCode, name: organisations.name })
    .from(organisations)
    .where(
      and(
        eq(organisations.type, "gp_practice"),
        eq(organisations.status, "active"),
        isNotNull(organisations.signedUpOn),
        lte(organisations.signedUpOn, date),
        notExists(db.select({ one: sql`1` }).from(optInReturns).where(and(eq(optInReturns.organisationId, organisations.id), eq(optInReturns.month, month)))),
      ),
    )
    .orderBy(asc(organisations.name))
    .all();
  let created = 0;
  for (const p of missing) {
    created += notify(db, {
      kind: "opt_in_return_missing",
      recordKey: `practice:${p.odsCode}`,
      threshold: month,
      recipients,
      onDate: date,
      title: `No opt-in return from ${p.name} for ${monthName(month)}`,
      body: `${p.name} (${p.odsCode}) has not made its opt-in return for ${monthName(month)}. Ask the practice for it, then upload it on the consent page.`,
      href: `/organisations/${encodeURIComponent(p.odsCode)}`,
    });
  }
  return created;
};

/** The reminder rules in the order a scan runs them; each runs in its own transaction. */
export const SCAN_RULES = { coverEnding, coverLapsed, agreementReviews, casesWaiting, priorityEndorsements, optInReturnsMissing } as const;
export type ScanRuleName = keyof typeof SCAN_RULES;

/** Digests go out on the scan of a Monday. */
export function isDigestDay(date: string) {
  return new Date(`${date}T00:00:00Z`).getUTCDay() === 1;
}

// ---------------------------------------------------------------------------------------------
// The weekly digest

const FIGURES: { key: string; label: string; read: (s: SummaryFigures) => number | null; format?: (n: number) => string }[] = [
  { key: "practicesSignedUp", label: "GP practices signed up", read: (s) => s.practicesSignedUp },
  { key: "servicesLive", label: "Services with the detailed care record live", read: (s) => s.servicesLive },
  { key: "deploymentsLate", label: "Deployments late", read: (s) => s.deploymentsLate },
  { key: "optInRate", label: "Borough opt-in rate", read: (s) => s.optInRate, format: (n) => `${n.toFixed(1)}%` },
  { key: "practicesWithActiveIndemnity", label: "Practices with active indemnity cover", read: (s) => s.practicesWithActiveIndemnity },
  { key: "agreementsActive", label: "Active agreements", read: (s) => s.agreementsActive },
  { key: "agreementReviewsDue", label: "Agreement reviews due or overdue", read: (s) => s.agreementReviewsDue },
  { key: "casesInPipeline", label: "Business cases in the pipeline", read: (s) => s.casesInPipeline },
];

/** What the board's digest says for the week ending on `date`: figures that moved, new exceptions, decisions waiting. */
export function boardDigestContent(db: DbOrTx, date: string) {
  const weekAgo = addDaysIso(date, -7);
  const now = getSummaryFigures({ asAt: date, db });
  const before = getSummaryFigures({ asAt: weekAgo, db });
  const fmt = (f: (typeof FIGURES)[number], n: number | null) => (n === null ? "no figure" : f.format ? f.format(n) : String(n));
  const changed = FIGURES.filter((f) => f.read(now) !== f.read(before)).map((f) => ({ text: `${f.label}: ${fmt(f, f.read(now))} (was ${fmt(f, f.read(before))} on ${formatDate(weekAgo)})` }));
  const earlier = new Set(listExceptions({ asAt: weekAgo, db }).map((e) => e.id));
  const newExceptions = listExceptions({ asAt: date, db })
    .filter((e) => !earlier.has(e.id))
    .map((e) => ({ text: e.title, href: e.href }));
  const waiting = db
    .select({ reference: businessCases.reference, title: businessCases.title })
    .from(businessCases)
    .where(eq(businessCases.state, "board_review"))
    .orderBy(asc(businessCases.reference))
    .all()
    .map((c) => ({ text: `${c.reference} "${c.title}"`, href: `/cases/${encodeURIComponent(c.reference)}` }));
  return { weekAgo, changed, newExceptions, waiting };
}

/**
 * The weekly e-mail for each person who has one due: board members get the board's digest, and
 * anyone who chose "weekly digest" for some kinds gets those notices gathered in it. One message
 * per person per digest day (its dedupe key), and each gathered notice is marked as digested in
 * the same transaction, so it is never in two digests.
 */
export function sendWeeklyDigests(db: DbOrTx, date: string) {
  const board = new Set(usersWithRole(db, "board"));
  const gatheredUsers = db
    .selectDistinct({ userId: notifications.userId })
    .from(notifications)
    .where(and(eq(notifications.emailChoice, "digest"), isNull(notifications.digestedAt), lte(notifications.onDate, date)))
    .all()
    .map((r) => r.userId);
  const recipients = [...new Set([...board, ...gatheredUsers])];
  let boardContent: ReturnType<typeof boardDigestContent> | null = null;
  let sent = 0;
  for (const userId of recipients) {
    sent += db.transaction((tx) => {
      const user = tx.select({ id: users.id, name: users.name, email: users.email, disabledAt: users.disabledAt }).from(users).where(eq(users.id, userId)).get();
      if (!user || user.disabledAt) return 0;
      const already = tx.select({ id: notifications.id }).from(notifications).where(and(eq(notifications.kind, "weekly_digest"), eq(notifications.recordKey, `digest:${date}`), eq(notifications.userId, userId))).get();
      if (already) return 0;
      const wantsBoard = board.has(userId) && preferenceOf(tx, userId, "weekly_digest") !== "off";
      const gathered = tx
        .select({ id: notifications.id, title: notifications.title, href: notifications.href })
        .from(notifications)
        .where(and(eq(notifications.userId, userId), eq(notifications.emailChoice, "digest"), isNull(notifications.digestedAt), lte(notifications.onDate, date)))
        .orderBy(asc(notifications.id))
        .all();
      if (!wantsBoard && gathered.length === 0) return 0;
      const lists: { heading: string; items: { text: string; href?: string }[] }[] = [];
      if (wantsBoard) {
        boardContent ??= boardDigestContent(tx, date);
        lists.push(
          { heading: "Headline figures that changed this week", items: boardContent.changed.length ? boardContent.changed : [{ text: "No headline figure changed." }] },
          { heading: "New exceptions", items: boardContent.newExceptions.length ? boardContent.newExceptions : [{ text: "No new exceptions." }] },
          { heading: "Decisions waiting for the board", items: boardContent.waiting.length ? boardContent.waiting : [{ text: "No business case is waiting for a decision." }] },
        );
      }
      if (gathered.length) lists.push({ heading: "Your notifications this week", items: gathered.map((g) => ({ text: g.title, href: g.href })) });
      const subject = `Your weekly digest for the week to ${formatDate(date)}`;
      const message = composeMessage(tx, {
        name: user.name,
        subject,
        paragraphs: [wantsBoard ? `This is the partnership board's weekly digest, as at ${formatDate(date)}, the reporting date.` : `These are the notifications you chose to have gathered into one weekly e-mail, up to ${formatDate(date)}.`],
        lists,
        links: [{ text: wantsBoard ? "Open the dashboard" : "See all your notifications", href: wantsBoard ? "/" : "/notifications" }],
      });
      // The digest is itself a notice (so it shows in the app and has its idempotency key).
      const row = tx
        .insert(notifications)
        .values({
          userId,
          kind: "weekly_digest",
          recordKey: `digest:${date}`,
          threshold: "",
          title: subject,
          body: wantsBoard
            ? `${capitalise(plural(boardContent?.changed.length ?? 0, "headline figure"))} changed, ${plural(boardContent?.newExceptions.length ?? 0, "new exception")}, ${plural(boardContent?.waiting.length ?? 0, "case")} waiting for the board${gathered.length ? `, and ${plural(gathered.length, "notification")} of yours` : ""}.`
            : `${capitalise(plural(gathered.length, "notification"))} gathered into your weekly e-mail.`,
          href: wantsBoard ? "/" : "/notifications",
          onDate: date,
          emailChoice: "immediate",
          readAt: wantsBoard ? null : new Date().toISOString(),
        })
        .onConflictDoNothing({ target: [notifications.kind, notifications.recordKey, notifications.threshold, notifications.userId] })
        .returning()
        .get();
      if (!row) return 0;
      enqueueEmail(tx, { dedupeKey: `digest:${userId}:${date}`, notificationId: row.id, userId, to: user.email, ...message });
      if (gathered.length) tx.update(notifications).set({ digestedAt: new Date().toISOString() }).where(inArray(notifications.id, gathered.map((g) => g.id))).run();
      return 1;
    }, { behavior: "immediate" });
  }
  return sent;
}

// ---------------------------------------------------------------------------------------------
// Running scans

/** Runs every rule (or the named ones) for one reporting date; records the date once all have run. */
export function scanNotifications({ date, rules, db = getDb() }: { date: string; rules?: readonly ScanRuleName[]; db?: DbOrTx }) {
  const names = rules ?? (Object.keys(SCAN_RULES) as ScanRuleName[]);
  const created: Partial<Record<ScanRuleName | "digests", number>> = {};
  for (const name of names) created[name] = db.transaction((tx) => SCAN_RULES[name](tx, date), { behavior: "immediate" });
  if (!rules) {
    if (isDigestDay(date)) created.digests = sendWeeklyDigests(db, date);
    const total = Object.values(created).reduce((a, b) => a + (b ?? 0), 0);
    db.insert(notificationScans).values({ scanDate: date, created: total }).onConflictDoUpdate({ target: notificationScans.scanDate, set: { finishedAt: new Date().toISOString(), created: sql`${notificationScans.created} + ${total}` } }).run();
  }
  return created;
}

/** The most days a catch-up goes back: older reminders would no longer help anyone. */
export const CATCH_UP_MAX_DAYS = 31;

/**
 * Scans every reporting date since the last finished scan, oldest first, up to and including the
 * reporting date (today's scan runs again too: it is idempotent, and the data may have changed).
 */
export function catchUpScans({ today, db = getDb() }: { today?: string; db?: DbOrTx } = {}) {
  const until = today ?? getReportingDate(db);
  const last = db.select({ on: max(notificationScans.scanDate) }).from(notificationScans).where(lte(notificationScans.scanDate, until)).get()?.on ?? null;
  const earliest = addDaysIso(until, -(CATCH_UP_MAX_DAYS - 1));
  let from = last ? addDaysIso(last, 1) : until;
  if (from < earliest) from = earliest;
  if (from > until) from = until;
  const dates: string[] = [];
  for (let d = from; d <= until; d = addDaysIso(d, 1)) dates.push(d);
  let created = 0;
  for (const date of dates) created += Object.values(scanNotifications({ date, db })).reduce((a, b) => a + (b ?? 0), 0);
  return { dates, created };
}
