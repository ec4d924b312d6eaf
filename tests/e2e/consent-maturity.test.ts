import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectNoAxeViolations, signIn, tempDir, useBrowser, fillDate } from "./support";

const HEADER = "ods_code,month,registered,opted_in,declined,not_asked";

describe("consent: monthly return upload", () => {
  const b = useBrowser();

  it("uploads a return with two bad rows, reads the preview, fixes the file, confirms and sees the borough rate change", async () => {
    const { page } = b;
    await signIn(page, "programme@example.org");
    await page.goto("/consent");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("consent to share");
    const rateBefore = (await page.getByTestId("borough-rate").textContent())!;
    expect(rateBefore).toMatch(/^\d+\.\d%$/);
    await expectNoAxeViolations(page);

    await page.getByRole("link", { name: "Upload a monthly return" }).click();
    await page.waitForURL(/\/consent\/upload$/);
    await expectNoAxeViolations(page);

    // October 2016 replaced for four practices with far higher opt-in, plus two bad rows.
    const dir = tempDir();
    const good = ["P92010", "P92011", "P92012"].map((code) => `${code},2016-10,8000,7900,50,50`);
    const badFile = path.join(dir, "october-returns.csv");
    fs.writeFileSync(badFile, [HEADER, ...good, "P92013,2016-10,8000,7900,50,49", "Z99999,2016-10,100,50,50,0"].join("\n"));
    await page.getByLabel("Return file").setInputFiles(badFile);
    await page.getByRole("button", { name: "Check the file" }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("2 rows were rejected: fix the file and upload it again. Nothing has been imported.");
    expect(await page.getByTestId("rejected").textContent()).toBe("2");
    const rejected = page.getByRole("table", { name: /cannot be imported/ });
    expect(await rejected.textContent()).toContain("opted_in + declined + not_asked is 7,999, but registered is 8,000");
    expect(await rejected.textContent()).toContain("no GP practice in the partnership has the ODS code Z99999");
    expect(await page.getByRole("button", { name: /^Import/ }).count()).toBe(0);
    await expectNoAxeViolations(page);

    const fixedFile = path.join(dir, "october-returns-fixed.csv");
    fs.writeFileSync(fixedFile, [HEADER, ...good, "P92013,2016-10,8000,7900,50,50"].join("\n"));
    await page.getByLabel("Return file").setInputFiles(fixedFile);
    await page.getByRole("button", { name: "Check the file" }).click();
    await page.getByRole("button", { name: "Import 4 returns" }).waitFor();
    expect(await page.getByTestId("to-replace").textContent()).toBe("4");
    expect(await page.getByTestId("rejected").textContent()).toBe("0");
    expect(await page.getByRole("table", { name: /recorded now/ }).textContent()).toContain("8,000 registered: 7,900 opted in, 50 declined, 50 not asked");
    await expectNoAxeViolations(page);

    await page.getByRole("button", { name: "Import 4 returns" }).click();
    await page.waitForURL(/\/consent$/);
    await page.getByText("Monthly returns imported: 0 added, 4 replaced.").waitFor();
    const rateAfter = (await page.getByTestId("borough-rate").textContent())!;
    expect(parseFloat(rateAfter)).toBeGreaterThan(parseFloat(rateBefore));
    await expectNoAxeViolations(page);

    // The same file again: nothing to import.
    await page.goto("/consent/upload");
    await page.getByLabel("Return file").setInputFiles(fixedFile);
    await page.getByRole("button", { name: "Check the file" }).click();
    await page.getByText("Every row matches what is already recorded").waitFor();
    expect(await page.getByTestId("unchanged").textContent()).toBe("4");

    // One changed return: the preview speaks of one return, not "1 returns"; cancelling imports nothing.
    const oneFile = path.join(dir, "one-return.csv");
    fs.writeFileSync(oneFile, [HEADER, "P92010,2016-10,8000,7800,100,100"].join("\n"));
    await page.goto("/consent/upload");
    await page.getByLabel("Return file").setInputFiles(oneFile);
    await page.getByRole("button", { name: "Check the file" }).click();
    await page.getByRole("button", { name: "Import 1 return", exact: true }).waitFor();
    await page.getByText("Confirming imports the return, or nothing if anything goes wrong.").waitFor();
    expect(await page.getByTestId("to-replace").textContent()).toBe("1");
    expect(await page.locator("main").textContent()).not.toMatch(/\b1 returns\b/);
    await page.getByRole("link", { name: "Cancel and upload a different file" }).click();
    await page.getByRole("button", { name: "Check the file" }).waitFor();
    await page.goto("/consent");
    expect(await page.getByTestId("borough-rate").textContent()).toBe(rateAfter);
    expect(b.consoleErrors).toEqual([]);
  });

  it("filters the practice table by locality and flag, keeping it in the URL", async () => {
    const { page } = b;
    await signIn(page, "board@example.org");
    await page.goto("/consent");
    await page.getByLabel("Locality", { exact: true }).selectOption("Leigh");
    await page.getByLabel("Show").selectOption("falling");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/locality=Leigh/);
    const table = page.getByRole("table", { name: /practices' opt-in in Leigh/ });
    await expect.poll(() => table.locator("tbody tr").count()).toBe(1);
    expect(await table.textContent()).toContain("Lilford Park Practice");
    expect(await page.getByRole("link", { name: "Upload a monthly return" }).count()).toBe(0);
    await expectNoAxeViolations(page);
  });
});

describe("digital maturity", () => {
  const b = useBrowser();

  it("shows the board the heat map with the roll-out-at-risk flag, sorts it, switches framework and opens an organisation's history", async () => {
    const { page } = b;
    await signIn(page, "board@example.org");
    await page.goto("/maturity");
    const warning = page.locator(".nhsuk-card--warning");
    expect(await warning.textContent()).toContain("Wigan and Leigh Hospice");
    expect(await page.getByRole("link", { name: "Record an assessment" }).count()).toBe(0);
    await expectNoAxeViolations(page);

    await page.getByRole("main").getByRole("link", { name: /^Organisation/ }).click();
    await page.waitForURL(/sort=name/);
    await page.getByLabel("Framework").selectOption("dma2016");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/framework=dma2016/);
    await expect.poll(() => page.getByRole("heading", { level: 2, name: "Digital Maturity Assessment 2016" }).count()).toBe(1);
    expect(await page.getByRole("columnheader", { name: "Enabling infrastructure" }).count()).toBe(1);
    await expectNoAxeViolations(page);

    await page.getByRole("table").getByRole("link", { name: "Wigan and Leigh Hospice" }).click();
    await page.waitForURL(/\/maturity\/WLHSP$/);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("Wigan and Leigh Hospice");
    expect(await page.locator(".nhsuk-card--warning").count()).toBe(2);
    await page.getByText(/^13 June 2016: overall 2/).click();
    await expectNoAxeViolations(page);
    expect(b.consoleErrors).toEqual([]);
  });

  it("lets the hospice's IG lead record an assessment, showing the NHS error summary first", async () => {
    const { page } = b;
    await signIn(page, "ig.hospice@example.org");
    await page.goto("/maturity/WLHSP");
    await page.getByRole("link", { name: "Record an assessment" }).click();
    await page.getByRole("link", { name: "Use Digital Maturity Assessment 2016" }).click();
    await page.waitForURL(/framework=dma2016/);
    await page.getByRole("button", { name: "Record the assessment" }).click();
    await page.locator(".nhsuk-error-summary").waitFor();
    expect(await page.locator(".nhsuk-error-summary").textContent()).toContain("Enter a score for Readiness, from 0 to 100");
    await expectNoAxeViolations(page);

    const assessor = `E2E reviewer ${Date.now()}`;
    await fillDate(page, "Date of the assessment", "2016-10-03");
    await page.getByLabel("Assessor").fill(assessor);
    for (const [index, score] of ["28", "130", "36"].entries()) {
      await page.getByLabel("Score").nth(index).fill(score);
      await page.getByLabel("Evidence").nth(index).fill(`Evidence ${index + 1} from the e2e test`);
    }
    await page.getByRole("button", { name: "Record the assessment" }).click();
    await page.locator(".nhsuk-error-summary").getByText("The score for Capabilities must be from 0 to 100").waitFor();
    expect(await page.getByLabel("Assessor").inputValue()).toBe(assessor);
    await page.getByLabel("Score").nth(1).fill("14");
    await page.getByRole("button", { name: "Record the assessment" }).click();
    await page.waitForURL(/\/maturity\/WLHSP$/);
    await page.getByText("The assessment has been recorded.").waitFor();
    expect(await page.locator("main").textContent()).toContain(`3 October 2016: overall 26, by ${assessor}`);
    await expectNoAxeViolations(page);
  });

  it("lets an administrator add a framework", async () => {
    const { page } = b;
    const code = `e2e${Date.now().toString(36)}`;
    await signIn(page, "admin@example.org");
    await page.goto("/maturity");
    await page.getByRole("link", { name: "Add a framework" }).click();
    await page.waitForURL(/\/maturity\/frameworks\/new$/);
    await expectNoAxeViolations(page);
    await page.getByLabel("Name").fill(`E2E framework ${code}`);
    await page.getByLabel("Short code").fill(code);
    await page.getByLabel("Lowest score").fill("0");
    await page.getByLabel("Highest score").fill("4");
    await page.getByLabel("Yes, whole levels only").check();
    await page.getByLabel("Dimensions").fill("Leadership\nInfrastructure");
    await page.getByRole("button", { name: "Add the framework" }).click();
    await page.waitForURL(new RegExp(`framework=${code}`));
    await page.getByText(`No organisation matching these filters had a E2E framework ${code} assessment`).waitFor();
    await expectNoAxeViolations(page);
  });
});
