import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { expectNoAxeViolations, signIn, signOut, useBrowser, fillDate, dateValue } from "./support";

// Shares one server and database with other browser test files: the agreement made here has a
// unique reference, and only P92031's cover is renewed (asserted on that practice only).

const REFERENCE = `E2E-${Date.now().toString(36).toUpperCase()}`;
const ACUTE = "Wrightington, Wigan and Leigh NHS Foundation Trust";
const PRACTICE = "Mesnes Park Surgery";

async function main(page: Page) {
  return (await page.locator("main").textContent()) ?? "";
}

async function signAs(page: Page, email: string, organisation: string) {
  await signIn(page, email);
  await page.goto(`/agreements/${REFERENCE}`);
  await page.getByRole("button", { name: `Sign or decline for ${organisation}` }).click();
  await page.waitForURL(`**/agreements/${REFERENCE}/sign`);
  await expectNoAxeViolations(page);
  await page.getByLabel("Your role").fill("Information governance lead");
  await fillDate(page, "Date of signature", "2016-10-31");
  await page.getByLabel(/I have authority to sign this agreement/).check();
  await page.getByRole("button", { name: "Sign the agreement" }).click();
  await page.waitForURL(`**/agreements/${REFERENCE}`);
  // The URL changes a moment before the page does: wait for the confirmation itself.
  await page.locator(".nhsuk-notification-banner").waitFor();
}

describe("governance registers", () => {
  const b = useBrowser();

  it("creates an agreement between the acute trust and a practice; both IG leads sign it and it becomes active", async () => {
    const { page } = b;
    await signIn(page, "programme@example.org");
    await page.getByRole("navigation", { name: /primary|menu/i }).getByRole("link", { name: "Agreements", exact: true }).click();
    await page.waitForURL("**/agreements");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Create an agreement" }).click();
    await page.waitForURL("**/agreements/new");
    await expectNoAxeViolations(page);

    // Direct care's usual basis is chosen for a new agreement.
    expect(await page.getByLabel("6(1)(e) public task").isChecked()).toBe(true);
    expect(await page.getByLabel(/^9\(2\)\(h\)/).isChecked()).toBe(true);

    // Submitting with missing details keeps what was typed and says what to fix.
    await page.getByLabel("Reference").fill(REFERENCE);
    await page.getByRole("button", { name: "Create draft agreement" }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Name at least two parties");
    expect(await page.getByLabel("Reference").inputValue()).toBe(REFERENCE);
    await expectNoAxeViolations(page);

    await page.getByLabel("Title").fill(`Browser test agreement ${REFERENCE}`);
    await page.getByLabel("Data items shared").fill("Detailed care record viewed through MIG");
    await fillDate(page, "Effective date", "2016-10-01");
    await page.getByLabel("Organisation (party 1)").selectOption({ label: `${ACUTE} (RRF)` });
    await page.getByLabel("Organisation (party 2)").selectOption({ label: `${PRACTICE} (P92001)` });
    await page.getByRole("button", { name: "Create draft agreement" }).click();
    await page.waitForURL(`**/agreements/${REFERENCE}`);
    await page.locator(".nhsuk-notification-banner").waitFor();
    expect(await main(page)).toContain("was created as a draft");
    // It is sent for signature only once its DPIA allows it.
    await page.goto(`/agreements/${REFERENCE}/dpia`);
    await page.getByLabel("DPIA reference").fill(`DPIA-${REFERENCE}`);
    await page.getByLabel("Not required", { exact: true }).check();
    await page.getByLabel("If not required, why").fill("Viewing only, within an existing DPIA for the MIG viewer");
    await page.getByRole("button", { name: "Save the DPIA" }).click();
    await page.getByText(`The DPIA for ${REFERENCE} was saved.`).waitFor();
    await page.getByRole("button", { name: "Send for signature" }).click();
    await page.getByText("2 parties have been asked to sign").waitFor();
    expect(await page.locator("main .nhsuk-tag").first().textContent()).toBe("Awaiting signatures");
    await expectNoAxeViolations(page);
    await signOut(page);

    await signAs(page, "ig@example.org", ACUTE);
    expect(await main(page)).toContain(`You signed ${REFERENCE} for ${ACUTE}.`);
    expect(await page.locator("main .nhsuk-tag").first().textContent()).toBe("Awaiting signatures");
    await signOut(page);

    await signAs(page, "ig.gp@example.org", PRACTICE);
    expect(await main(page)).toContain("Every party has now signed: it is in force from 31 October 2016.");
    expect(await page.locator("main .nhsuk-tag").first().textContent()).toBe("Active");
    const signatures = page.getByRole("table", { name: new RegExp(`Parties to ${REFERENCE}`) });
    expect(await signatures.getByText("Signed", { exact: true }).count()).toBe(2);
    expect(await signatures.textContent()).toContain("Grace GP-IG, Information governance lead");
    expect(await page.getByRole("table", { name: /Every recorded change/ }).textContent()).toContain("Signed by every party");
    await expectNoAxeViolations(page);

    // The register lists it as active.
    await page.goto(`/agreements?party=P92001&status=active`);
    expect(await page.getByRole("table", { name: /Data sharing agreements/ }).textContent()).toContain(REFERENCE);
    await expectNoAxeViolations(page);
  });

  it("shows an agreement's high-risk DPIA warning, versions and forms, all passing axe", async () => {
    const { page } = b;
    await signIn(page, "ig@example.org");
    await page.goto("/agreements/ISA-002");
    expect(await main(page)).toContain("the ICO must be consulted before processing starts");
    expect(await main(page)).toContain("accurate on the day it is printed; the register is the current version");
    await expectNoAxeViolations(page);
    await page.getByRole("link", { name: "Version 1" }).click();
    await page.waitForURL("**/agreements/ISA-002?version=1");
    // The URL changes a moment before the page does: wait for the version's own text.
    await page.getByText("This is version 1, not the latest").first().waitFor();
    expect(await main(page)).toContain("This is version 1, not the latest");
    await expectNoAxeViolations(page);
    for (const path of ["/agreements/ISA-002/edit", "/agreements/ISA-002/dpia", "/agreements/ISA-002/end", "/agreements?review=due"]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      await expectNoAxeViolations(page);
    }
  });

  it("lets the CCG renew a practice's expiring cover, and its expiring warning goes away", async () => {
    const { page } = b;
    await signIn(page, "ccg@example.org");
    await page.getByRole("navigation", { name: /primary|menu/i }).getByRole("link", { name: "Indemnity", exact: true }).click();
    await page.waitForURL("**/indemnity");
    const expiring = page.getByRole("table", { name: /ends within 90 days/ });
    const row = expiring.getByRole("row", { name: /P92031/ });
    expect(await row.textContent()).toContain("Expires within 7 days");
    // Practices only: another browser test may import new members without cover, so the total can be above 63.
    const [, covered, total] = /(\d+) of (\d+)\s*GP practices with cover in force/.exec(await main(page))!;
    expect(Number(covered)).toBeGreaterThanOrEqual(62);
    expect(Number(total)).toBeGreaterThanOrEqual(63);
    await expectNoAxeViolations(page);

    await row.getByRole("link", { name: /Renew/ }).click();
    await page.waitForURL(/\/indemnity\/\d+\/renew$/);
    expect(await dateValue(page, "Start date")).toBe("2016-11-05");
    await expectNoAxeViolations(page);
    await page.getByLabel("Document reference (optional)").fill("IND-2016-P92031");
    await page.getByLabel("Signed for the CCG by").fill("Jane Whitfield, Chief Finance Officer");
    await page.getByRole("button", { name: "Renew cover" }).click();
    await page.waitForURL("**/indemnity");
    await page.locator(".nhsuk-notification-banner").waitFor();
    expect(await main(page)).toContain("The cover was renewed from 5 November 2016 to 4 November 2018");
    expect(await page.getByRole("table", { name: /ends within 90 days/ }).getByRole("row", { name: /P92031/ }).count()).toBe(0);
    await expectNoAxeViolations(page);

    // History is kept: both covers are in the register.
    await page.goto("/indemnity?view=covers&type=gp_practice&sort=organisation&pageSize=100");
    expect(await page.getByRole("table", { name: /Indemnity cover, including/ }).getByRole("row", { name: /Platt Bridge Surgery/ }).count()).toBe(2);
    for (const path of ["/indemnity/new"]) {
      await page.goto(path);
      await expectNoAxeViolations(page);
    }
  });

  it("shows the board the indemnity register without changes, and refuses it to a practitioner", async () => {
    const { page } = b;
    await signIn(page, "board@example.org");
    await page.goto("/indemnity");
    expect(await page.getByRole("link", { name: /^Renew/ }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Add cover" }).count()).toBe(0);
    await expectNoAxeViolations(page);
    await signOut(page);
    await signIn(page, "practitioner@example.org");
    expect((await page.goto("/indemnity"))?.status()).toBe(403);
    expect((await page.goto("/agreements"))?.status()).toBe(200);
    expect(await page.getByRole("button", { name: "Create an agreement" }).count()).toBe(0);
    await expectNoAxeViolations(page);
  });
});
