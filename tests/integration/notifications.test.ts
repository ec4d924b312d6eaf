import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { agreementParties, emailOutbox, indemnityCovers, notifications, notificationScans, optInReturns, organisations, users } from "../../db/schema";
import { createCase, transitionCase } from "~/models/cases.server";
import type { CaseDraft } from "~/models/cases.schema";
import { createMailTransport, deliverDueEmails, MAX_ATTEMPTS } from "~/models/notification-mail.server";
import { catchUpScans, scanNotifications, sendWeeklyDigests } from "~/models/notification-scan.server";
import { notify } from "~/models/notifications.server";
import { loader as outboxLoader } from "~/routes/admin.outbox";
import { action as settingsAction } from "~/routes/settings.notifications";
import { startSmtpServer, type ReceivedMail } from "../helpers/smtp";
import { dataOf, getRequest, postRequest, settle, signInAs, statusOf } from "../helpers/requests";
import { actorOf, caseContent, orgId, userOf } from "../helpers/fixtures";

const db = () => getDb();
const APP_URL = "https://shareboard.example.nhs.uk";
const REPORTING_DATE = "2016-10-31"; // a Monday: the weekly digest goes out

function completeDraft(): CaseDraft {
  return {
    ...caseContent({ title: "Falls team view of the GP record", summary: "Let the falls team view the GP record of people referred after a fall." }),
    proposedDeployments: [],
  } as CaseDraft;
}

/** Starts from nothing notified: the demo's own notices (made when it was seeded) are cleared. */
function clearNotifications() {
  db().delete(emailOutbox).run();
  db().delete(notifications).run();
  db().delete(notificationScans).run();
}

const byRecipient = (mails: ReceivedMail[]) => mails.flatMap((m) => m.to).sort();
const mailsAbout = (mails: ReceivedMail[], subject: RegExp) => mails.filter((m) => subject.test(m.subject));

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.close();
});
beforeEach(() => {
  process.env.SMTP_URL = smtp.url;
  process.env.APP_URL = APP_URL;
  smtp.messages.length = 0;
  clearNotifications();
});
afterEach(() => {
  delete process.env.SMTP_URL;
  delete process.env.APP_URL;
});

async function send() {
  const transport = createMailTransport(smtp.url)!;
  try {
    return await deliverDueEmails({ transport });
  } finally {
    transport.close?.();
  }
}

describe("case steps", () => {
  it("e-mails the IG leads of the sponsoring and partner organisations when a case is submitted, then the board, then the authors with the decision", async () => {
    const practitioner = userOf("practitioner@example.org");
    const ig = userOf("ig.community@example.org");
    const board = userOf("board@example.org");
    const created = createCase({ actor: actorOf(practitioner), user: practitioner, draft: completeDraft(), submit: true });
    await send();
    const submitted = mailsAbout(smtp.messages, new RegExp(`${created.reference} has been submitted for IG review`));
    // P92002 (sponsor and partner) and RY2 (partner): their IG leads, and nobody else.
    expect(byRecipient(submitted)).toEqual(["ig.community@example.org", "ig.p92002@example.org"]);
    expect(submitted[0]!.subject).toBe(`ShareBoard: ${created.reference} has been submitted for IG review`);
    expect(submitted[0]!.text).toContain(`${created.reference} "Falls team view of the GP record" has been submitted for IG review.`);
    expect(submitted[0]!.text).toContain(`${APP_URL}/cases/${created.reference}`);
    expect(submitted[0]!.text).toContain(`${APP_URL}/settings/notifications`);
    expect(submitted[0]!.html).toContain(`<a href="${APP_URL}/cases/${created.reference}"`);

    let version = created.version;
    for (const [user, action, extra] of [
      [ig, "start_review", {}],
      [ig, "request_changes", { note: "Narrow the data items." }],
      [practitioner, "submit", {}],
      [ig, "start_review", {}],
      [ig, "pass_to_board", { igRecommendation: "Recommend approval." }],
      [board, "approve", { rationale: "Clear benefit.", meetingDate: "2016-11-08" }],
    ] as const) {
      version = transitionCase({ actor: actorOf(user), user, reference: created.reference, action, expectedVersion: version, ...extra }).version;
    }
    await send();
    const subjects = smtp.messages.map((m) => `${m.to.join(",")}: ${m.subject.replace("ShareBoard: ", "")}`);
    const ref = created.reference;
    expect(subjects).toEqual(
      expect.arrayContaining([
        `practitioner@example.org: Changes requested to ${ref}`,
        `ig.community@example.org: ${ref} has been resubmitted for IG review`,
        `ig.p92002@example.org: ${ref} has been resubmitted for IG review`,
        `board@example.org: ${ref} is ready for a board decision`,
        `practitioner@example.org: ${ref} has been approved by the board`,
      ]),
    );
    // The IG lead who acted is not told about their own step; starting a review tells nobody.
    expect(subjects.filter((s) => s.startsWith("ig.community@example.org")).length).toBe(2);
    expect(smtp.messages.length).toBe(7);
    const approved = mailsAbout(smtp.messages, /approved by the board/)[0]!;
    expect(approved.text).toContain(`Dear ${practitioner.name},`);
    expect(approved.text).toContain("The partnership board has approved");
    // In the app too, always.
    const inApp = db().select().from(notifications).where(and(eq(notifications.userId, practitioner.id), eq(notifications.kind, "case_approved"))).all();
    expect(inApp).toHaveLength(1);
    expect(inApp[0]!.href).toBe(`/cases/${ref}`);
  });
});

describe("the daily scan", () => {
  it("sends each reminder to the people who should act, in its own words, with a link to the record", async () => {
    // One practice has not returned its September figures.
    db().delete(optInReturns).where(and(eq(optInReturns.organisationId, orgId("P92010")), eq(optInReturns.month, "2016-09"))).run();
    // And one practice's cover ended on 20 October 2016 with no renewal (the demo data has every practice covered).
    db().update(indemnityCovers).set({ endOn: "2016-10-20", status: "lapsed" }).where(eq(indemnityCovers.organisationId, orgId("P92050"))).run();
    const lapsedPractice = db().select({ name: organisations.name }).from(organisations).where(eq(organisations.odsCode, "P92050")).get()!.name;
    catchUpScans({ today: REPORTING_DATE });
    await send();
    const mails = smtp.messages;

    const cover = mailsAbout(mails, /Indemnity cover for Poolstock Health Centre ends in 80 days/);
    expect(byRecipient(cover)).toEqual(["ccg@example.org"]);
    expect(cover[0]!.text).toContain("ends on 19 January 2017 and no renewal has been recorded");
    expect(cover[0]!.text).toMatch(new RegExp(`${APP_URL}/indemnity/\\d+/renew`));

    const lapsed = mailsAbout(mails, new RegExp(`Indemnity cover for ${lapsedPractice} has lapsed`));
    expect(byRecipient(lapsed)).toEqual(["ccg@example.org", "programme@example.org"]);
    expect(mailsAbout(mails, /Indemnity cover for Makerfield Community Pharmacy Ltd/)).toEqual([]); // a private provider holds no cover

    const review = mailsAbout(mails, /Review of ISA-001 is due in 62 days/);
    const isa001 = db().select({ n: sql<number>`count(*)` }).from(agreementParties).innerJoin(users, eq(users.organisationId, agreementParties.organisationId)).where(sql`${agreementParties.agreementId} = (select id from agreements where reference = 'ISA-001' and version = 1) and ${users.email} like 'ig%'`).get()!.n;
    expect(review.length).toBe(isa001);
    expect(byRecipient(review).every((to) => to.startsWith("ig"))).toBe(true);
    expect(review[0]!.text).toContain(`${APP_URL}/agreements/ISA-001`);

    const igWaiting = mailsAbout(mails, /BC-2016-007 has waited \d+ working days for an IG review/);
    expect(igWaiting.length).toBeGreaterThan(0);
    expect(byRecipient(igWaiting).every((to) => to.startsWith("ig"))).toBe(true);
    const boardWaiting = mailsAbout(mails, /BC-2016-008 has waited \d+ working days for the board's decision/);
    expect(byRecipient(boardWaiting)).toEqual(["board@example.org"]);

    expect(byRecipient(mailsAbout(mails, /Priority ".+" is overdue for re-endorsement/))).toEqual(["board@example.org", "board@example.org"].slice(0, mailsAbout(mails, /Priority ".+" is overdue/).length));
    expect(mailsAbout(mails, /Priority/).every((m) => m.to[0] === "board@example.org")).toBe(true);

    const optIn = mailsAbout(mails, /No opt-in return from Poolstock Health Centre for September 2016/);
    expect(byRecipient(optIn)).toEqual(["programme@example.org"]);
    expect(optIn[0]!.text).toContain(`${APP_URL}/organisations/P92010`);

    const digest = mailsAbout(mails, /Your weekly digest for the week to 31 October 2016/);
    expect(byRecipient(digest)).toEqual(["board@example.org"]);
    expect(digest[0]!.text).toContain("Headline figures that changed this week");
    expect(digest[0]!.text).toContain("New exceptions");
    expect(digest[0]!.text).toContain("Decisions waiting for the board");
    expect(digest[0]!.text).toContain('BC-2016-008 "');

    // Never patient data: no patient counts from the practices' returns in any message.
    const registered = db().select({ n: optInReturns.registered }).from(optInReturns).where(eq(optInReturns.organisationId, orgId("P92010"))).all().map((r) => String(r.n));
    for (const m of mails) for (const n of registered) expect(m.text).not.toContain(n);
  });

  it("tells nobody twice when a scan stopped half-way is run again, or the same day is scanned again", async () => {
    // A scan interrupted after two rules (a restart): nothing recorded as finished.
    scanNotifications({ date: REPORTING_DATE, rules: ["coverEnding", "coverLapsed"] });
    const partial = db().select({ n: sql<number>`count(*)` }).from(notifications).get()!.n;
    expect(partial).toBeGreaterThan(0);
    catchUpScans({ today: REPORTING_DATE });
    catchUpScans({ today: REPORTING_DATE });
    await send();
    await send();
    const keys = db().select({ kind: notifications.kind, recordKey: notifications.recordKey, threshold: notifications.threshold, userId: notifications.userId }).from(notifications).all();
    expect(new Set(keys.map((k) => JSON.stringify(k))).size).toBe(keys.length);
    const sentPairs = smtp.messages.map((m) => `${m.to.join()}|${m.subject}`);
    expect(new Set(sentPairs).size).toBe(sentPairs.length);
    expect(smtp.messages.length).toBe(db().select({ n: sql<number>`count(*)` }).from(emailOutbox).get()!.n);
  });

  it("catches up on the days missed since the last scan, oldest first", () => {
    db().insert(notificationScans).values({ scanDate: "2016-10-27" }).run();
    const { dates } = catchUpScans({ today: REPORTING_DATE });
    expect(dates).toEqual(["2016-10-28", "2016-10-29", "2016-10-30", "2016-10-31"]);
  });

  it("sends each message once when two schedulers scan and send at the same time from two processes", async () => {
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "tests/helpers/notification-worker.ts"], {
          env: { ...process.env, SMTP_URL: smtp.url, APP_URL },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(out))));
      });
    const outputs = await Promise.all([run(), run()]);
    const reports = outputs.map((o) => JSON.parse(o.trim().split("\n").at(-1)!) as { sent: { sent: number } });
    const outbox = db().select().from(emailOutbox).all();
    expect(outbox.length).toBeGreaterThan(50);
    expect(outbox.every((m) => m.status === "sent" && m.attempts === 1)).toBe(true);
    // Between them they sent every message, and no message twice.
    expect(reports[0]!.sent.sent + reports[1]!.sent.sent).toBe(outbox.length);
    expect(smtp.messages.length).toBe(outbox.length);
    const pairs = smtp.messages.map((m) => `${m.to.join()}|${m.subject}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  }, 60_000);
});

describe("sending", () => {
  it("retries a failed send with backoff, shows its last error to admins, and marks it failed after the last try", async () => {
    const busy = await startSmtpServer({ failFirst: 1 });
    let transport: ReturnType<typeof createMailTransport> = null;
    try {
      process.env.SMTP_URL = busy.url;
      const ccg = userOf("ccg@example.org");
      notify(db(), { kind: "cover_ending", recordKey: "cover:test", threshold: "30", recipients: [ccg.id], title: "Indemnity cover for a test practice ends in 30 days", body: "Renew it.", href: "/indemnity" });
      transport = createMailTransport(busy.url)!;
      // Wall-clock time (sending is not domain logic): a minute on from now.
      const t0 = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000);
      const at = (seconds: number) => () => new Date(t0.getTime() + seconds * 1000);

      expect(await deliverDueEmails({ transport, now: at(0) })).toEqual({ sent: 0, retrying: 1, failed: 0 });
      const waiting = db().select().from(emailOutbox).get()!;
      expect(waiting.status).toBe("pending");
      expect(waiting.attempts).toBe(1);
      expect(waiting.lastError).toMatch(/451.*Mailbox busy/);
      expect(waiting.nextAttemptAt).toBe(new Date(t0.getTime() + 60_000).toISOString());

      // The admin sees the error on the outbox page.
      const admin = await signInAs("admin@example.org");
      const page = dataOf<{ rows: { subject: string; lastError: string | null; status: string; attempts: number }[] }>(await outboxLoader({ request: getRequest("/admin/outbox", admin), params: {}, context: {} }));
      expect(page.rows[0]).toMatchObject({ subject: "ShareBoard: Indemnity cover for a test practice ends in 30 days", status: "pending", attempts: 1 });
      expect(page.rows[0]!.lastError).toContain("Mailbox busy");

      // Not again before the backoff has passed; then it goes.
      expect(await deliverDueEmails({ transport, now: at(30) })).toEqual({ sent: 0, retrying: 0, failed: 0 });
      expect(await deliverDueEmails({ transport, now: at(61) })).toEqual({ sent: 1, retrying: 0, failed: 0 });
      expect(busy.messages.map((m) => m.subject)).toEqual(["ShareBoard: Indemnity cover for a test practice ends in 30 days"]);
      expect(db().select().from(emailOutbox).get()!).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    } finally {
      transport?.close?.();
      await busy.close();
    }
  });

  it("gives up after the last attempt and says so", async () => {
    const down = await startSmtpServer({ failFirst: 100 });
    let transport: ReturnType<typeof createMailTransport> = null;
    try {
      process.env.SMTP_URL = down.url;
      notify(db(), { kind: "cover_ending", recordKey: "cover:test", threshold: "7", recipients: [userOf("ccg@example.org").id], title: "Cover ends in 7 days", body: "Renew it.", href: "/indemnity" });
      transport = createMailTransport(down.url)!;
      let clock = Date.now() + 1000;
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        await deliverDueEmails({ transport, now: () => new Date(clock) });
        clock += 3 * 60 * 60_000;
      }
      expect(db().select().from(emailOutbox).get()!).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
      expect(await deliverDueEmails({ transport, now: () => new Date(clock) })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    } finally {
      transport?.close?.();
      await down.close();
    }
  });

  it("keeps e-mails in the outbox, unsent, when no mail server is set", async () => {
    delete process.env.SMTP_URL;
    notify(db(), { kind: "cover_ending", recordKey: "cover:test", threshold: "7", recipients: [userOf("ccg@example.org").id], title: "Cover ends in 7 days", body: "Renew it.", href: "/indemnity" });
    expect(db().select().from(emailOutbox).get()!).toMatchObject({ status: "kept", attempts: 0, toAddress: "ccg@example.org" });
    expect(await send()).toEqual({ sent: 0, retrying: 0, failed: 0 });
  });
});

describe("preferences", () => {
  it("off means the notice is in the app but never e-mailed; digest means one weekly message gathering them", async () => {
    const practitioner = userOf("practitioner@example.org");
    const cookie = await signInAs("practitioner@example.org");
    const saved = await settle(() => settingsAction({ request: postRequest("/settings/notifications", { case_approved: "off", case_rejected: "digest", case_deferred: "digest" }, cookie), params: {}, context: {} }));
    expect(statusOf(saved)).toBe(302);
    const refused = await settle(() => settingsAction({ request: postRequest("/settings/notifications", { case_approved: "sometimes" }, cookie), params: {}, context: {} }));
    expect(statusOf(refused)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(refused).errors.case_approved).toContain("Choose how to hear about");

    const tell = (kind: "case_approved" | "case_rejected" | "case_deferred", ref: string) =>
      notify(db(), { kind, recordKey: `case:${ref}`, threshold: "step:1", recipients: [practitioner.id], title: `${ref} has been ${kind.slice(5)} by the board`, body: "See the case.", href: `/cases/${ref}`, onDate: "2016-10-27" });
    tell("case_approved", "BC-TEST-1");
    tell("case_rejected", "BC-TEST-2");
    tell("case_deferred", "BC-TEST-3");
    await send();
    expect(smtp.messages).toEqual([]);
    expect(db().select().from(notifications).where(eq(notifications.userId, practitioner.id)).all()).toHaveLength(3);

    // Monday's digest gathers the two chosen for it, once.
    sendWeeklyDigests(db(), REPORTING_DATE);
    sendWeeklyDigests(db(), REPORTING_DATE);
    await send();
    const mine = smtp.messages.filter((m) => m.to.includes("practitioner@example.org"));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.subject).toBe("ShareBoard: Your weekly digest for the week to 31 October 2016");
    expect(mine[0]!.text).toContain("BC-TEST-2 has been rejected by the board");
    expect(mine[0]!.text).toContain("BC-TEST-3 has been deferred by the board");
    expect(mine[0]!.text).not.toContain("BC-TEST-1");
    // Next week's digest does not repeat them.
    smtp.messages.length = 0;
    sendWeeklyDigests(db(), "2016-11-07");
    await send();
    expect(smtp.messages.filter((m) => m.to.includes("practitioner@example.org"))).toHaveLength(0);
  });

  it("a board member who turns the weekly digest off gets none", async () => {
    const cookie = await signInAs("board@example.org");
    await settle(() => settingsAction({ request: postRequest("/settings/notifications", { weekly_digest: "off" }, cookie), params: {}, context: {} }));
    sendWeeklyDigests(db(), REPORTING_DATE);
    await send();
    expect(smtp.messages).toEqual([]);
  });
});
