import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { expectNoAxeViolations, fillDate, signIn, useBrowser } from "./support";

// The case study's indemnity: the CCG covers practices, and the gap that matters is a practice whose
// record private organisations under the NHS badge can view while it has no cover. Shares one server
// and database with other browser test files: only P92057's cover is touched, and the journey ends
// with it covered again on the reporting date.

const PRACTICE = "Winstanley Family Practice";
const ODS = "P92057";

async function main(page: Page) {
  return (await page.locator("main").textContent()) ?? "";
}

describe("indemnity held by practices", () => {
  const b = useBrowser();

  it("ends a practice's cover as the CCG and sees the exception naming the private viewers; new cover clears it", async () => {
    const { page } = b;
    await signIn(page, "ccg@example.org");
    await page.goto("/indemnity?pageSize=100");
    await page.getByRole("table", { name: /Practices' indemnity cover as at/ }).getByRole("row", { name: new RegExp(ODS) }).getByRole("link", { name: /^Change/ }).click();
    await page.waitForURL(/\/indemnity\/\d+\/edit$/);
    // Ending cover early is a dated change (recorded on the reporting date), not a correction of its end date.
    await fillDate(page, "Last day of cover", "2016-10-15");
    await page.getByLabel("Why the cover ends early").fill("The practice's indemnity moved to its own insurer");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "End cover early" }).click();
    await page.waitForURL("**/indemnity");
    await page.locator(".nhsuk-notification-banner").waitFor();
    expect(await main(page)).toContain("The cover now ends early, on 15 October 2016. Figures as at dates before 31 October 2016, when this was recorded, are unchanged.");

    // The register names the practice, the services that can view its record and the private providers among them.
    const callout = page.locator("#viewable-without-cover-list");
    const item = callout.getByRole("listitem").filter({ hasText: PRACTICE });
    const text = (await item.textContent()) ?? "";
    expect(text).toMatch(/\d+ services \(9 private\) can view its record/);
    expect(text).toContain("Makerfield Community Pharmacy Ltd");
    expect(text).toContain("Private provider (NHS-funded)");
    expect(text).toContain("cover ended on 15 October 2016");
    await expectNoAxeViolations(page);

    // The cover keeps its signed end beside the ending; as at a date before it was recorded the practice was covered.
    await page.goto(`/indemnity?view=covers&type=gp_practice&sort=organisation&pageSize=100`);
    const coverRow = page.getByRole("table", { name: /Indemnity cover, including/ }).getByRole("row", { name: new RegExp(PRACTICE) });
    expect(await coverRow.textContent()).toContain("Signed to 31 March 2017; ended early on 15 October 2016 (recorded 31 October 2016): The practice's indemnity moved to its own insurer");
    await page.goto("/indemnity?asAt=2016-10-20");
    expect(await page.locator("#viewable-without-cover-list").getByText(PRACTICE).count()).toBe(0);

    // The exception, High because private providers can view the record, for the CCG to act on.
    await page.goto("/exceptions?kind=sharing_without_cover");
    const exceptions = await main(page);
    expect(exceptions).toContain(`${PRACTICE} has no indemnity cover while`);
    expect(exceptions).toContain("Private providers (NHS-funded) viewing it: Makerfield Community Pharmacy Ltd (4 services), Wigan Borough Extended Access Ltd (5 services)");
    expect(exceptions).toContain("High");

    // New cover from the register: the form offers practices only, this one already chosen.
    await page.goto("/indemnity");
    await item.getByRole("link", { name: /Add cover/ }).click();
    await page.waitForURL(/\/indemnity\/new\?organisationId=\d+$/);
    const practice = page.getByLabel("GP practice");
    expect(await practice.locator("option:checked").textContent()).toBe(`${PRACTICE} (${ODS})`);
    expect(await practice.locator("option", { hasText: "Makerfield Community Pharmacy" }).count()).toBe(0);
    await page.getByLabel("Signed for the CCG by").fill("Jane Whitfield, Chief Finance Officer");
    await page.getByRole("button", { name: "Add cover", exact: true }).click();
    await page.waitForURL("**/indemnity");
    await page.locator(".nhsuk-notification-banner").waitFor();
    // Another browser test may import new members without cover: check this practice only.
    expect(await page.locator("#viewable-without-cover-list").getByText(PRACTICE).count()).toBe(0);
    expect(await main(page)).toContain("The cover was added to the register.");
  });
});
