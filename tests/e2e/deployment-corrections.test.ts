import { describe, expect, it } from "vitest";
import { expectNoAxeViolations, signIn, useBrowser, fillDate, dateValue } from "./support";

describe("deployment history: a change versus a correction", () => {
  const b = useBrowser();

  it("records a deployment from its first status date, refuses an earlier change at the field, and voids a wrong change with a reason", async () => {
    const { page } = b;
    const name = `E2E correction ${Date.now().toString(36)}`;
    await signIn(page, "programme@example.org");
    await page.goto("/organisations/RY2/services/new");
    await page.getByLabel("Service name").fill(name);
    await page.getByRole("button", { name: "Add service" }).click();
    await page.waitForURL(/\/organisations\/RY2/);

    await page.getByRole("link", { name: `Add a deployment at ${name}` }).click();
    await page.waitForURL(/\/rollout\/deployments\/new/);
    expect(await dateValue(page, "Date its first status starts")).toBe("2016-10-31");
    await page.getByLabel("Detailed care record view (MIG)").check();
    await fillDate(page, "Date its first status starts", "2016-09-01");
    await page.getByRole("button", { name: "Add deployment" }).click();
    await page.waitForURL(/\/rollout\/deployments\/\d+$/);
    const deploymentUrl = page.url();

    // A change dated before the first status is refused at the field, saying why and what to do.
    await page.getByRole("button", { name: "Change status" }).click();
    await page.waitForURL(/\/status$/);
    await page.getByLabel("Live", { exact: true }).check();
    await fillDate(page, "Date of the change", "2016-08-20");
    await page.getByRole("button", { name: "Save status" }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Enter a date on or after 1 September 2016, when the deployment's first status (planned) starts");
    expect(await page.locator("#effectiveOn-error").textContent()).toContain("Enter a date on or after 1 September 2016");
    await expectNoAxeViolations(page);

    await fillDate(page, "Date of the change", "2016-10-03");
    await page.getByRole("button", { name: "Save status" }).click();
    await page.waitForURL(deploymentUrl);
    expect(await page.locator(".nhsuk-notification-banner").textContent()).toContain("is now live (from 3 October 2016)");
    expect(await page.locator(".nhsuk-summary-list").textContent()).toContain("Went live3 October 2016");

    // The change was recorded in error: void it with a reason.
    await page.getByRole("link", { name: /^Mark as recorded in error\s*:\s*live from 3 October 2016$/ }).click();
    await page.waitForURL(/\/events\/\d+\/void$/);
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Mark as recorded in error" }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Enter why this status was recorded in error");
    await page.getByLabel("Why was this status recorded in error?").fill("Entered against the wrong service");
    await page.getByRole("button", { name: "Mark as recorded in error" }).click();
    await page.waitForURL(deploymentUrl);

    expect(await page.locator(".nhsuk-notification-banner").textContent()).toContain("is marked as recorded in error; its status as at the reporting date is planned");
    const history = page.locator("table", { has: page.getByText("Every status change, in date order") });
    const voidedRow = history.locator("tbody tr").nth(1);
    expect(await voidedRow.textContent()).toContain("Recorded in error");
    expect(await voidedRow.textContent()).toContain("Entered against the wrong service");
    const details = await page.locator(".nhsuk-summary-list").textContent();
    expect(details).toContain("Planned");
    expect(details).toContain("Went liveNot by 31 October 2016");
    expect(await page.locator("main").textContent()).toContain("As at 31 October 2016: Planned");
    await expectNoAxeViolations(page);
  });
});
