import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { expectNoAxeViolations, signIn, useBrowser, fillDate } from "./support";

// Shares one server and database with other browser test files: it records a review of ISA-001
// (no other browser test depends on its review state), and only looks at ISA-003 and ISA-004.

async function main(page: Page) {
  return (await page.locator("main").textContent()) ?? "";
}

describe("agreement reviews and the DPIA before signing", () => {
  const b = useBrowser();

  it("an IG lead records a review of an agreement in force, and the sign page shows what is signed and the DPIA", async () => {
    const { page } = b;
    await signIn(page, "ig@example.org");
    await page.goto("/agreements/ISA-001");
    expect(await page.locator("main .nhsuk-tag", { hasText: "Review due" }).count()).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Record a review" }).click();
    await page.waitForURL("**/agreements/ISA-001/review");
    await page.getByRole("heading", { level: 1, name: /Record a review/ }).waitFor();
    await expectNoAxeViolations(page);
    await fillDate(page, "Date of the review", "2016-10-31");
    await page.getByLabel("No change needed").check();
    await page.getByLabel("Note").fill("Parties, data flows and legal basis checked with the partners.");
    await page.getByRole("button", { name: "Record the review" }).click();
    await page.waitForURL("**/agreements/ISA-001");
    // The URL changes a moment before the page does: wait for the confirmation itself.
    await page.locator(".nhsuk-notification-banner").waitFor();
    expect(await main(page)).toContain("The next review is due on 31 October 2018");
    const reviews = page.getByRole("table", { name: /Reviews of ISA-001 version 1/ });
    expect(await reviews.textContent()).toContain("Ian Governance");
    expect(await page.locator("main .nhsuk-tag", { hasText: "Review due" }).count()).toBe(0);

    await page.goto("/agreements/ISA-003/sign");
    await page.getByRole("heading", { level: 2, name: "What you are signing" }).waitFor();
    const sign = await main(page);
    expect(sign).toContain("6(1)(e) public task");
    expect(sign).toContain("Specialist palliative care team");
    expect(sign).toContain("The DPIA is not complete");
    expect(sign).toContain("In progress");
    await expectNoAxeViolations(page);

    // ISA-002 is signed by every party: its sign page says so.
    const signed = await page.goto("/agreements/ISA-002/sign");
    expect(signed?.status()).toBe(200);
    await page.getByRole("heading", { level: 1, name: /Everyone has signed this agreement/ }).waitFor();
  });

  it("refuses to send a draft for signature while its DPIA is not complete, saying what to do", async () => {
    const { page } = b;
    await signIn(page, "ig.council@example.org");
    await page.goto("/agreements/ISA-004");
    expect(await main(page)).toContain("Not ready to send for signature");
    await page.getByRole("button", { name: "Send for signature" }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("The DPIA (DPIA-2016-009) is not started");
    expect(await page.locator("main .nhsuk-tag").first().textContent()).toBe("Draft");
    await expectNoAxeViolations(page);
  });
});
