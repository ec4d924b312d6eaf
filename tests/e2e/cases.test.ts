import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { expectNoAxeViolations, signIn, signOut, useBrowser, fillDate } from "./support";

// One case, uniquely named, goes from draft to approval through the people who would handle it.
const TITLE = `Falls team view of the detailed care record ${Date.now().toString(36)}`;

async function submitAndWait(page: Page, button: string, url?: RegExp) {
  const posted = page.waitForResponse((r) => r.request().method() === "POST");
  await page.getByRole("button", { name: button, exact: true }).click();
  await posted;
  if (url) await page.waitForURL(url);
  await page.waitForLoadState("networkidle");
}

const stateTag = (page: Page) => page.locator("h1 + p .nhsuk-tag").textContent();

async function openCase(page: Page, reference: string) {
  await page.goto(`/cases/${reference}`);
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain(TITLE);
}

async function flash(page: Page) {
  return page.locator(".nhsuk-notification-banner").textContent();
}

describe("business cases", () => {
  const b = useBrowser();

  it("a practitioner completes a case section by section through the task list (warned that a proposed service already has the capability) and submits it, IG requests changes, the practitioner resubmits, IG passes it to the board, the board approves, and the timeline shows every step", async () => {
    const page = b.page;
    const openSection = async (name: string) => {
      await page.locator(".nhsuk-task-list").getByRole("link", { name, exact: true }).click();
      await page.waitForURL(/\/edit\/[a-z-]+$/);
    };
    const saveAndContinue = () => submitAndWait(page, "Save and continue", /\/cases\/BC-\d{4}-\d{3}\/edit$/);

    // The practitioner starts a case from the list page: its first section creates the draft.
    await signIn(page, "practitioner@example.org");
    await page.getByRole("navigation", { name: /primary|menu/i }).getByRole("link", { name: "Business cases", exact: true }).click();
    await page.waitForURL(/\/cases$/);
    expect(await page.getByRole("link", { name: /My cases/ }).getAttribute("aria-current")).toBe("page");
    await expectNoAxeViolations(page);
    await page.getByRole("link", { name: "Propose new sharing" }).click();
    await page.waitForURL(/\/cases\/new$/);
    await expectNoAxeViolations(page);
    await page.locator("#title").fill(TITLE);
    await page.locator("#summary").fill("Let the community falls team view the GP record of patients referred after a fall.");
    await page.getByLabel("Direct (individual) care").check();
    await saveAndContinue();
    const reference = new URL(page.url()).pathname.split("/")[2]!;
    await expect.poll(() => flash(page)).toContain(`Your draft has been saved as ${reference}`);
    expect(await page.getByRole("heading", { level: 2, name: "You have completed 1 of 10 sections" }).count()).toBe(1);
    expect(await page.locator(".nhsuk-task-list__item").first().locator(".nhsuk-task-list__status").textContent()).toContain("Completed");
    await expectNoAxeViolations(page);

    // A section asks only for its own answers, listed once.
    await openSection("Who would share");
    await submitAndWait(page, "Save and continue");
    expect(await page.locator(".nhsuk-error-summary li").allTextContents()).toEqual(["Choose the sponsoring organisation", "Choose the organisations that would share"]);
    const sponsor = await page.locator("#sponsorOrganisationId option", { hasText: "(P92002)" }).getAttribute("value");
    await page.locator("#sponsorOrganisationId").selectOption(sponsor!);
    await page.getByLabel("Bridgewater Community Healthcare NHS Foundation Trust (RY2)").check();
    await saveAndContinue();

    // Proposing the detailed care record where it is already live: saved, with a warning and a link to that deployment.
    await openSection("Systems and services");
    await page.getByLabel(/^One way/).check();
    await page.getByLabel(/^MIG \(Medical Interoperability Gateway\)/).check();
    const walkIn = await page.locator("#deployment-1-serviceId option", { hasText: "Leigh walk-in centre" }).getAttribute("value");
    await page.locator("#deployment-1-serviceId").selectOption(walkIn!);
    await page.locator("#deployment-1-capabilityId").selectOption({ label: "Detailed care record view (MIG)" });
    await saveAndContinue();
    const warning = page.locator(".nhsuk-card--warning");
    expect(await warning.textContent()).toContain("Detailed care record view (MIG) at Leigh walk-in centre");
    expect(await warning.getByRole("link", { name: "see that deployment" }).getAttribute("href")).toMatch(/^\/rollout\/deployments\/\d+$/);
    await warning.getByRole("link", { name: "Systems and services" }).click();
    await page.waitForURL(/\/edit\/systems$/);
    expect(await page.locator(".nhsuk-card--warning").textContent()).toContain("is already live");
    // The pointer is left where the clicked link was, over this page's link: a hovered NHS link loses its underline.
    await page.mouse.move(0, 0);
    await expectNoAxeViolations(page);
    await page.getByRole("link", { name: /Back to the sections/ }).click();
    await page.waitForURL(/\/edit$/);

    await openSection("Data items and benefit");
    await page.locator("#dataItems").fill("The full GP record.");
    await page.locator("#benefit").fill("Falls assessed with the full medical picture; fewer repeat falls.");
    await saveAndContinue();
    await openSection("Involvement");
    await page.locator("#clinicianInvolvement").fill("Designed with the falls team physiotherapists and two GPs.");
    await page.locator("#publicInvolvement").fill("Discussed with the older people's forum.");
    await saveAndContinue();
    await openSection("Lawful basis");
    await page.getByLabel("Article 6(1)(e): public task").check();
    await page.getByLabel(/^Article 9\(2\)\(h\)/).check();
    await page.getByLabel(/^Implied consent: direct care/).check();
    await saveAndContinue();
    await openSection("Consent and DPIA");
    await page.getByLabel(/^Opt-in: patients are asked/).check();
    await page.locator("#dpiaNeeded-2").check();
    await page.getByLabel("Not required").check();
    await saveAndContinue();
    await openSection("Risks");
    await page.locator("#risk-1-description").fill("Staff view records of patients not on their caseload.");
    await page.locator("#risk-1-likelihood").selectOption("2");
    await page.locator("#risk-1-impact").selectOption("4");
    await page.locator("#risk-1-mitigation").fill("Legitimate relationship check and monthly access audit.");
    await saveAndContinue();
    await openSection("Caldicott principles");
    for (let k = 1; k <= 8; k++) await page.locator(`#caldicott-${k}`).fill(`The falls team meets principle ${k}.`);
    await saveAndContinue();
    await openSection("Target go-live");
    await fillDate(page, "When would you like the sharing to start?", "2017-03-06");
    await saveAndContinue();
    expect(await page.getByRole("heading", { level: 2, name: "Every section is complete" }).count()).toBe(1);

    // The case page sends the author to check the answers (the warning again) rather than submitting there; submit from there.
    await openCase(page, reference);
    expect(await page.getByRole("button", { name: "Submit for IG review", exact: true }).count()).toBe(0);
    await page.getByRole("button", { name: "Check your answers and submit" }).click();
    await page.waitForURL(new RegExp(`/cases/${reference}/edit/check-answers$`));
    expect(await page.locator(".nhsuk-summary-list").first().textContent()).toContain(TITLE);
    expect(await page.locator(".nhsuk-card--warning").count()).toBe(1);
    await expectNoAxeViolations(page);
    await submitAndWait(page, "Submit for IG review", new RegExp(`/cases/${reference}$`));
    await expect.poll(() => flash(page)).toContain(`${reference} has been submitted for IG review`);
    await expect.poll(() => stateTag(page)).toBe("Submitted");
    await expectNoAxeViolations(page);
    await signOut(page);

    // The IG lead finds it in their queue, starts the review and asks for changes.
    await signIn(page, "ig@example.org");
    await page.goto("/cases");
    await page.getByRole("link", { name: reference }).click();
    await page.waitForURL(new RegExp(`/cases/${reference}$`));
    await expectNoAxeViolations(page);
    await submitAndWait(page, "Start IG review");
    await expect.poll(() => stateTag(page)).toBe("IG review");
    await page.getByLabel("What needs to change?").fill("Share only what the falls team needs: not the full record (Caldicott principle 3).");
    await submitAndWait(page, "Request changes");
    await expect.poll(() => stateTag(page)).toBe("Changes requested");
    await signOut(page);

    // The practitioner changes one section and resubmits; the page shows what changed since changes were requested.
    await signIn(page, "practitioner@example.org");
    await openCase(page, reference);
    await page.getByRole("link", { name: "Edit this case" }).click();
    await page.waitForURL(new RegExp(`/cases/${reference}/edit$`));
    await openSection("Data items and benefit");
    await page.locator("#dataItems").fill("Problems, medications, allergies and recent falls.");
    await saveAndContinue();
    await page.getByRole("link", { name: "Check your answers and submit" }).click();
    await page.waitForURL(/\/check-answers$/);
    await submitAndWait(page, "Submit for IG review", new RegExp(`/cases/${reference}$`));
    const changes = page.locator("section[aria-labelledby=changes-heading]");
    expect(await changes.textContent()).toContain("Problems, medications, allergies and recent falls.");
    expect(await changes.textContent()).toContain("The full GP record.");
    await expectNoAxeViolations(page);
    await signOut(page);

    // The IG lead starts the review again and passes it to the board.
    await signIn(page, "ig@example.org");
    await openCase(page, reference);
    await submitAndWait(page, "Start IG review");
    await page.getByLabel("Your IG recommendation to the board").fill("Recommend approval: data items now proportionate.");
    await submitAndWait(page, "Pass to the board");
    await expect.poll(() => stateTag(page)).toBe("Board review");
    await signOut(page);

    // The board member (CCG, not the sponsor: no interest to declare) approves it.
    await signIn(page, "board@example.org");
    await page.goto("/cases");
    expect(await page.getByRole("link", { name: /Waiting for my review/ }).getAttribute("aria-current")).toBe("page");
    await page.getByRole("link", { name: reference }).click();
    await page.waitForURL(new RegExp(`/cases/${reference}$`));
    expect(await page.locator(".sb-case-action .nhsuk-inset-text").textContent()).toContain("Recommend approval: data items now proportionate.");
    await expectNoAxeViolations(page);
    await page.getByLabel("Approve").check();
    await page.getByLabel("Rationale").fill("Approved: proportionate sharing with clear benefit to people at risk of falls.");
    await fillDate(page, "Board meeting date", "2016-11-08");
    await submitAndWait(page, "Record decision");
    await expect.poll(() => flash(page)).toContain(`${reference}: Approved by the board.`);
    await expect.poll(() => stateTag(page)).toBe("Approved");

    const steps = await page.locator(".sb-timeline__item h3").allTextContents();
    expect(steps).toEqual([
      "Case started",
      "Submitted for IG review",
      "IG review started",
      "Changes requested by IG",
      "Resubmitted for IG review after changes",
      "IG review started",
      "Passed to the board with an IG recommendation",
      "Approved by the board",
    ]);
    const timeline = await page.locator(".sb-timeline").textContent();
    expect(timeline).toContain("Share only what the falls team needs");
    expect(timeline).toContain("Recommend approval: data items now proportionate.");
    expect(timeline).toContain("8 November 2016");
    expect(await page.getByRole("heading", { name: "What you can do" }).count()).toBe(0);
    await expectNoAxeViolations(page);
  });

  it("shows a reader with no part in a case the case and its comments, and no steps; comments can be added", async () => {
    const page = b.page;
    await signIn(page, "ccg@example.org");
    await page.goto("/cases/BC-2016-006");
    expect(await page.getByRole("heading", { name: "What you can do" }).count()).toBe(0);
    expect(await page.locator("#comments ~ .sb-comment").first().textContent()).toContain("indemnity lapsed");
    await page.getByLabel("Add a comment").fill(`The pharmacy chain's renewal is with the CCG board ${Date.now().toString(36)}.`);
    await submitAndWait(page, "Add comment");
    await expect.poll(() => flash(page)).toContain("Your comment has been added.");
    expect(await page.getByText("Change or delete your comment").count()).toBe(1);
    await expectNoAxeViolations(page);
    await page.goto("/cases?scope=all&state=approved");
    expect(await page.locator("tbody tr").count()).toBeGreaterThanOrEqual(1);
    await expectNoAxeViolations(page);
  });
});
