import { describe, expect, it } from "vitest";
import { expectNoAxeViolations, signIn, useBrowser, fillDate, dateValue } from "./support";

const servicesLive = async (page: import("playwright-core").Page) => Number(await page.getByTestId("services-live").locator(".sb-figure__value").textContent());

describe("the roll-out tracker", () => {
  const b = useBrowser();

  it("lets the programme team create a service, add a deployment, move it live and see the count on /rollout change", async () => {
    const { page } = b;
    const name = `E2E hub ${Date.now().toString(36)}`;
    await signIn(page, "programme@example.org");
    await page.getByRole("navigation", { name: /primary|menu/i }).getByRole("link", { name: "Roll-out", exact: true }).click();
    await page.waitForURL(/\/rollout$/);
    await expectNoAxeViolations(page);
    const before = await servicesLive(page);

    await page.goto("/organisations/RY2");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Add a service" }).click();
    await page.waitForURL(/\/services\/new$/);
    await page.getByRole("button", { name: "Add service" }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Enter the service's name");
    await expectNoAxeViolations(page);
    await page.getByLabel("Service name").fill(name);
    await page.getByLabel("Category (optional)").fill("Extended GP access");
    await page.getByRole("button", { name: "Add service" }).click();
    await page.waitForURL(/\/organisations\/RY2/);
    expect(await page.locator(".nhsuk-notification-banner").textContent()).toContain(`${name} has been added`);

    await page.getByRole("link", { name: `Add a deployment at ${name}` }).click();
    await page.waitForURL(/\/rollout\/deployments\/new/);
    await expectNoAxeViolations(page);
    await page.getByLabel("Detailed care record view (MIG)").check();
    await fillDate(page, "Planned go-live date (optional)", "2016-10-20");
    await page.getByRole("button", { name: "Add deployment" }).click();
    await page.waitForURL(/\/rollout\/deployments\/\d+$/);
    await expectNoAxeViolations(page);

    await page.getByRole("button", { name: "Change status" }).click();
    await page.waitForURL(/\/status$/);
    await expectNoAxeViolations(page);
    await page.getByLabel("Live", { exact: true }).check();
    expect(await dateValue(page, "Date of the change")).toBe("2016-10-31");
    await page.getByRole("button", { name: "Save status" }).click();
    await page.waitForURL(/\/rollout\/deployments\/\d+$/);
    expect(await page.locator(".nhsuk-notification-banner").textContent()).toContain("is now live");

    await page.goto("/rollout");
    expect(await servicesLive(page)).toBe(before + 1);
    await page.goto("/rollout?asAt=2016-10-30");
    expect(await servicesLive(page)).toBe(before);
  });

  it("shows 32 services live and 63 practices signed up as at 31 July 2016, with axe clean on the lists and the milestones", async () => {
    const { page } = b;
    await signIn(page, "board@example.org");
    await page.goto("/rollout?asAt=2016-07-31");
    expect(await servicesLive(page)).toBe(32);
    expect(await page.locator("figcaption").first().textContent()).toContain("Services live by month: Detailed care record view (MIG)");
    await expectNoAxeViolations(page);
    await page.goto("/organisations?asAt=2016-07-31");
    expect(await page.locator("main").textContent()).toContain("63 of 63 GP practices had signed up by 31 July 2016");
    await page.getByLabel("Name or ODS code").fill("hospice");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/q=hospice/);
    await page.getByRole("link", { name: "Wigan and Leigh Hospice" }).waitFor();
    expect(await page.getByText("Showing 1 to 1 of 1 organisation").count()).toBe(1);
    await expectNoAxeViolations(page);
    await page.goto("/rollout/milestones");
    expect(await page.locator("main").textContent()).toContain("Re-endorsement overdue");
    await expectNoAxeViolations(page);
    await page.getByRole("link", { name: /Record endorsement of Two-way record flows/ }).click();
    await page.waitForURL(/\/endorse$/);
    await expectNoAxeViolations(page);
  });

  it("previews an organisation import and shows a clear message for a wrong file, with axe clean", async () => {
    const { page } = b;
    await signIn(page, "programme@example.org");
    await page.goto("/organisations/import");
    await expectNoAxeViolations(page);
    await page.getByLabel("CSV file").setInputFiles({ name: "wrong.csv", mimeType: "text/csv", buffer: Buffer.from("a,b,c\n1,2,3\n") });
    await page.getByRole("button", { name: "Check the file" }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("27 columns");
    await expectNoAxeViolations(page);
    const code = `Q${String(Date.now()).slice(-5)}`;
    await page.getByLabel("CSV file").setInputFiles({ name: "orgs.csv", mimeType: "text/csv", buffer: Buffer.from(`ods_code,name,type,locality,list_size\n${code},E2E Import Practice,gp_practice,Leigh,4000\n`) });
    await page.getByRole("button", { name: "Check the file" }).click();
    await page.getByTestId("preview-added").waitFor();
    expect(await page.getByTestId("preview-added").textContent()).toBe("1");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Import 1 organisations" }).click();
    await page.waitForURL(/\/organisations$/);
    expect(await page.locator(".nhsuk-notification-banner").textContent()).toContain("1 organisations added");
  });

  it("passes axe on every other roll-out form", async () => {
    const { page } = b;
    await signIn(page, "programme@example.org");
    for (const path of ["/organisations/new", "/organisations/RRF/edit", "/organisations/RY2/services/1/edit", "/rollout/deployments/1/edit", "/rollout/deployments/1/usage", "/rollout/usage/import", "/rollout/deployments/1"]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      await expectNoAxeViolations(page);
    }
  });

  it("records usage for a month typed into the month and year boxes, pointing at the box to fix first", async () => {
    const { page } = b;
    await signIn(page, "programme@example.org");
    await page.goto("/rollout/deployments/1/usage");
    await page.locator("#month-month").fill("");
    await page.locator("#month-year").fill("2016");
    await page.getByLabel("Record views").fill("321");
    await page.getByRole("button", { name: "Save figure" }).click();
    const summaryLink = page.locator(".nhsuk-error-summary").getByRole("link", { name: "The month must include a month" });
    await summaryLink.waitFor();
    expect(await summaryLink.getAttribute("href")).toBe("#month-month");
    expect(await page.locator("#month-month").getAttribute("class")).toContain("nhsuk-input--error");
    await page.locator("#month-month").fill("9");
    await page.getByRole("button", { name: "Save figure" }).click();
    await page.waitForURL(/\/rollout\/deployments\/1$/);
    expect(await page.locator(".nhsuk-notification-banner").textContent()).toContain("321 record views saved for Sept 2016");
  });

  it("shows a practitioner the organisation page without editing links", async () => {
    const { page } = b;
    await signIn(page, "practitioner@example.org");
    await page.goto("/organisations/RRF");
    expect(await page.getByRole("region", { name: "Services and deployments" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Add a service" }).count()).toBe(0);
    expect(await page.getByRole("link", { name: /Edit/ }).count()).toBe(0);
    await expectNoAxeViolations(page);
    const response = await page.goto("/organisations/new");
    expect(response?.status()).toBe(403);
  });
});
