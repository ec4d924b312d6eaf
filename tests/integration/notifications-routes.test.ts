import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { auditLog, notifications, users } from "../../db/schema";
import { type SignedInUser } from "~/models/users.server";
import { createAgreement } from "~/models/agreement-changes.server";
import { declineAgreement, sendForSignature, signAgreement } from "~/models/agreement-signing.server";
import { recordCompletedDpia } from "../helpers/agreements";
import { loader as notificationsLoader, action as notificationsAction } from "~/routes/notifications";
import { loader as settingsLoader } from "~/routes/settings.notifications";
import { loader as outboxLoader } from "~/routes/admin.outbox";
import { loader as rootLoader } from "~/root";
import { catchUpScans } from "~/models/notification-scan.server";
import { dataOf, getRequest, postRequest, settle, signInAs, statusOf } from "../helpers/requests";
import { actorOf, agreementInput, userOf } from "../helpers/fixtures";

const db = () => getDb();
// The demo's reminders as the server's start-up scan makes them.
beforeAll(() => {
  catchUpScans();
});
const noticesOf = (email: string, kind: string) =>
  db().select({ title: notifications.title, href: notifications.href }).from(notifications).innerJoin(users, eq(users.id, notifications.userId)).where(and(eq(users.email, email), eq(notifications.kind, kind as never))).all();

describe("agreement signatures", () => {
  it("asks each party's IG lead to sign, asks a party that declined again, and tells the parties and the programme team when all have signed", () => {
    const programme = userOf("programme@example.org");
    const igAcute = userOf("ig@example.org");
    const igGp = userOf("ig.gp@example.org");
    createAgreement({ actor: actorOf(programme), user: programme, input: { reference: "TEST-NOTIFY", ...agreementInput() } });
    recordCompletedDpia({ user: programme, reference: "TEST-NOTIFY" });
    sendForSignature({ actor: actorOf(programme), user: programme, reference: "TEST-NOTIFY" });
    for (const email of ["ig@example.org", "ig.gp@example.org"]) {
      expect(noticesOf(email, "signature_requested")).toEqual([{ title: "TEST-NOTIFY is waiting for your organisation's signature", href: "/agreements/TEST-NOTIFY/sign" }]);
    }
    expect(noticesOf("ig.community@example.org", "signature_requested")).toEqual([]);

    declineAgreement({ actor: actorOf(igGp), user: igGp, reference: "TEST-NOTIFY", reason: "Coverage needs the practice's own service." });
    sendForSignature({ actor: actorOf(programme), user: programme, reference: "TEST-NOTIFY" });
    expect(noticesOf("ig.gp@example.org", "signature_requested")).toHaveLength(2);
    expect(noticesOf("ig@example.org", "signature_requested")).toHaveLength(1);

    const sign = (u: SignedInUser) => signAgreement({ actor: actorOf(u), user: u, reference: "TEST-NOTIFY", input: { signatoryName: u.name, signatoryRole: "IG lead", signedOn: "2016-10-31", authorityDeclared: true } });
    sign(igAcute);
    expect(noticesOf("programme@example.org", "agreement_signed")).toEqual([]);
    sign(igGp);
    for (const email of ["ig@example.org", "ig.gp@example.org", "programme@example.org"]) {
      expect(noticesOf(email, "agreement_signed")).toEqual([{ title: "TEST-NOTIFY has been signed by every party", href: "/agreements/TEST-NOTIFY" }]);
    }
  });
});

describe("the notifications page", () => {
  it("lists only the user's own notices, counts the unread in the header, and marks one or all as read without touching anyone else's", async () => {
    const cookie = await signInAs("ccg@example.org");
    const ccg = userOf("ccg@example.org");
    const page = dataOf<{ rows: { id: number; title: string; href: string; readAt: string | null }[]; unread: number; total: number }>(
      await notificationsLoader({ request: getRequest("/notifications", cookie), params: {}, context: {} }),
    );
    // The demo data's reminders as at the reporting date: cover ending (every practice is covered, so none has lapsed).
    expect(page.total).toBeGreaterThan(0);
    expect(page.unread).toBe(page.total);
    expect(page.rows.map((r) => r.title)).toEqual(expect.arrayContaining([expect.stringMatching(/^Indemnity cover for .+ ends in \d+ days$/)]));
    const mine = db().select({ id: notifications.id }).from(notifications).where(eq(notifications.userId, ccg.id)).all().map((n) => n.id);
    expect(page.rows.every((r) => mine.includes(r.id))).toBe(true);

    const header = dataOf<{ user: { unreadNotifications: number } }>(await rootLoader({ request: getRequest("/", cookie), params: {}, context: {} }));
    expect(header.user.unreadNotifications).toBe(page.unread);

    const read = await settle(() => notificationsAction({ request: postRequest("/notifications", { intent: "read", id: String(page.rows[0]!.id) }, cookie), params: {}, context: {} }));
    expect(statusOf(read)).toBe(302);
    const after = dataOf<{ unread: number }>(await notificationsLoader({ request: getRequest("/notifications", cookie), params: {}, context: {} }));
    expect(after.unread).toBe(page.unread - 1);

    // Someone else's notice cannot be marked by this user.
    const boardsNotice = db().select({ id: notifications.id }).from(notifications).innerJoin(users, eq(users.id, notifications.userId)).where(eq(users.email, "board@example.org")).get()!;
    const refused = await settle(() => notificationsAction({ request: postRequest("/notifications", { intent: "read", id: String(boardsNotice.id) }, cookie), params: {}, context: {} }));
    expect(statusOf(refused)).toBe(404);
    expect(db().select({ readAt: notifications.readAt }).from(notifications).where(eq(notifications.id, boardsNotice.id)).get()!.readAt).toBeNull();

    const auditRowsBefore = db().select({ id: auditLog.id }).from(auditLog).all().length;
    await settle(() => notificationsAction({ request: postRequest("/notifications", { intent: "read-all" }, cookie), params: {}, context: {} }));
    expect(dataOf<{ unread: number }>(await notificationsLoader({ request: getRequest("/notifications", cookie), params: {}, context: {} })).unread).toBe(0);
    // Reading is the user's own business: not audited (see README).
    expect(db().select({ id: auditLog.id }).from(auditLog).all().length).toBe(auditRowsBefore);
    const header2 = dataOf<{ user: { unreadNotifications: number } }>(await rootLoader({ request: getRequest("/", cookie), params: {}, context: {} }));
    expect(header2.user.unreadNotifications).toBe(0);
  });

  it("sends a signed-out visitor to sign in", async () => {
    const response = (await settle(() => notificationsLoader({ request: getRequest("/notifications"), params: {}, context: {} }))) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toContain("/login?redirectTo=%2Fnotifications");
  });
});

describe("settings and outbox access", () => {
  it("offers each user the kinds their roles can receive", async () => {
    const kinds = async (email: string) =>
      dataOf<{ preferences: { kind: string }[] }>(await settingsLoader({ request: getRequest("/settings/notifications", await signInAs(email)), params: {}, context: {} })).preferences.map((p) => p.kind);
    const practitioner = await kinds("practitioner@example.org");
    expect(practitioner).toContain("case_approved");
    expect(practitioner).not.toContain("cover_ending");
    expect(await kinds("ccg@example.org")).toEqual(expect.arrayContaining(["cover_ending", "cover_lapsed", "case_approved"]));
    expect(await kinds("board@example.org")).toEqual(expect.arrayContaining(["weekly_digest", "case_board_review", "priority_endorsement_due"]));
  });

  it("lets only admins read the outbox", async () => {
    const boardCookie = await signInAs("board@example.org");
    const refused = await settle(() => outboxLoader({ request: getRequest("/admin/outbox", boardCookie), params: {}, context: {} }));
    expect(statusOf(refused)).toBe(403);
    const page = dataOf<{ rows: { to: string; status: string }[]; smtpConfigured: boolean }>(await outboxLoader({ request: getRequest("/admin/outbox", await signInAs("admin@example.org")), params: {}, context: {} }));
    expect(page.smtpConfigured).toBe(false);
    expect(page.rows.length).toBeGreaterThan(0);
    expect(page.rows.every((r) => r.status === "kept")).toBe(true);
  });
});
