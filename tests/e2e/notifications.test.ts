import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { openDatabase, type Connection } from "../../db/client";
import { organisations, users } from "../../db/schema";
import { createBusinessCase } from "../../seeds/factories";
import { caseContentFor } from "../helpers/case-content";
import { expectNoAxeViolations, signIn, signOut, useBrowser, fillDate } from "./support";

// A case of its own, at board review, written by practitioner2 (so the other browser tests'
// demo cases are left as they are). It is written straight into the e2e server's database.
const REFERENCE = `BC-E2E-${Date.now().toString(36).toUpperCase()}`;
const TITLE = "Integrated nursing view of end of life care plans";

let conn: Connection;
beforeAll(() => {
  const file = process.env.SHAREBOARD_E2E_DATABASE;
  if (!file) throw new Error("The e2e server's database is not known: run the browser tests through vitest's e2e project.");
  conn = openDatabase(file, { migrate: false });
  const id = (email: string) => conn.db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id;
  const org = (ods: string) => conn.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.odsCode, ods)).get()!.id;
  const author = id("practitioner2@example.org");
  createBusinessCase(conn.db, {
    ...caseContentFor(
      { sponsor: org("RY2"), partners: [org("RY2"), org("WLHSP")] },
      {
        title: TITLE,
        summary: "Let the integrated nursing team view end of life care plans held by the hospice.",
        dataItems: "End of life care plans.",
        benefit: "People die where they choose.",
        clinicianInvolvement: "District nurses and hospice doctors.",
        publicInvolvement: "The hospice's patient and family forum.",
        dpiaNeeded: false,
        dpiaStatus: "not_required",
        risks: [{ description: "Plan out of date", likelihood: 2, impact: 3, mitigation: "Review date shown" }],
        targetGoLive: "2017-02-06",
      },
    ),
    reference: REFERENCE,
    authorId: author,
    transitions: [
      { toState: "draft", actorId: author, at: "2016-10-03T09:00:00.000Z", note: "Case started." },
      { toState: "submitted", actorId: author, at: "2016-10-03T10:00:00.000Z" },
      { toState: "ig_review", actorId: id("ig@example.org"), at: "2016-10-05T10:00:00.000Z" },
      { toState: "board_review", actorId: id("ig@example.org"), at: "2016-10-10T10:00:00.000Z", igRecommendation: "Recommend approval." },
    ],
  });
});
afterAll(() => conn?.sqlite.close());

const headerLink = (page: Page) => page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: /^Notifications \(\d+\)$/ });
const headerCount = async (page: Page) => Number(/\((\d+)\)/.exec((await headerLink(page).textContent()) ?? "")?.[1]);

describe("notifications", () => {
  const b = useBrowser();

  it("the board approves a case; its author sees the decision in their notifications with the header count; the e-mail is in the admin's outbox", async () => {
    const page = b.page;

    // The author's count before the decision.
    await signIn(page, "practitioner2@example.org");
    const before = await headerCount(page);
    await signOut(page);

    // The board approves it.
    await signIn(page, "board@example.org");
    await page.goto(`/cases/${REFERENCE}`);
    await page.getByLabel("Approve").check();
    await page.getByLabel("Rationale").fill("Approved: people at the end of life get joined-up care.");
    await fillDate(page, "Board meeting date", "2016-11-08");
    const posted = page.waitForResponse((r) => r.request().method() === "POST");
    await page.getByRole("button", { name: "Record decision", exact: true }).click();
    await posted;
    await page.waitForLoadState("networkidle");
    await expect.poll(() => page.locator(".nhsuk-notification-banner").textContent()).toContain(`${REFERENCE}: Approved by the board.`);
    await signOut(page);

    // The author sees it: the header count went up by one, and the page says what happened.
    await signIn(page, "practitioner2@example.org");
    expect(await headerCount(page)).toBe(before + 1);
    await headerLink(page).click();
    await page.waitForURL(/\/notifications$/);
    const item = page.locator(".sb-notification", { hasText: `${REFERENCE} has been approved by the board` });
    expect(await item.count()).toBe(1);
    expect(await item.textContent()).toContain("Unread");
    expect(await item.textContent()).toContain(`The partnership board has approved ${REFERENCE} "${TITLE}"`);
    await expectNoAxeViolations(page);

    // Mark it as read: the count goes down; the link opens the case.
    await item.getByRole("button", { name: /Mark as read/ }).click();
    await page.waitForLoadState("networkidle");
    await expect.poll(() => page.locator(".nhsuk-notification-banner").textContent()).toContain("Notification marked as read.");
    expect(await headerCount(page)).toBe(before);
    await page.getByRole("link", { name: `${REFERENCE} has been approved by the board` }).click();
    await page.waitForURL(new RegExp(`/cases/${REFERENCE}$`));

    // Settings page.
    await page.goto("/settings/notifications");
    await expectNoAxeViolations(page);
    await page.locator("#case_rejected-3").check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => page.locator(".nhsuk-notification-banner").textContent()).toContain("Your notification settings have been saved.");
    expect(await page.locator("#case_rejected-3").isChecked()).toBe(true);
    await signOut(page);

    // No mail server in the e2e run: the e-mail waits in the outbox, readable by the admin.
    await signIn(page, "admin@example.org");
    await page.goto("/admin/outbox");
    const row = page.locator("tbody tr", { hasText: `ShareBoard: ${REFERENCE} has been approved by the board` });
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain("practitioner2@example.org");
    expect(await row.textContent()).toContain("Kept, not sent");
    await row.getByText(`ShareBoard: ${REFERENCE} has been approved by the board`).click();
    expect(await row.locator("pre").textContent()).toContain(`/cases/${REFERENCE}`);
    await expectNoAxeViolations(page);
    // Four sign-ins and seven pages: room for a busy 2-core machine.
  }, 240_000);
});
