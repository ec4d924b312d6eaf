import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ARTIFACTS, expectNoAxeViolations, signIn, useBrowser, fillDate } from "./support";

// Other browser test files change some October 2016 data (cover, agreements, opt-in returns),
// so figures are asserted as at 31 July 2016, which nothing changes.

describe("the board's view: dashboard and board pack", () => {
  const b = useBrowser();

  it("shows board@example.org the dashboard, recomputes it as at 31 July 2016 (32 services live) and passes axe", async () => {
    await signIn(b.page, "board@example.org");
    await b.page.waitForSelector("h1:has-text('Programme dashboard')");
    expect(new URL(b.page.url()).pathname).toBe("/");
    const main = b.page.locator("main");
    expect(await main.getByRole("heading", { level: 1 }).textContent()).toContain("Programme dashboard");
    expect(await b.page.getByTestId("headline-figures").locator("li").count()).toBe(8);
    await expectNoAxeViolations(b.page);

    await fillDate(b.page, "As at", "2016-07-31");
    await b.page.getByRole("button", { name: "Show" }).click();
    await b.page.waitForURL(/asAt=2016-07-31/);
    await expect.poll(() => b.page.getByTestId("headline-servicesLive").textContent()).toContain("32");
    const services = await b.page.getByTestId("headline-servicesLive").textContent();
    expect(services).toMatch(/Green/);
    expect(services).toContain("since 30 June 2016");
    expect(await main.textContent()).toContain("As at 31 July 2016");
    await expectNoAxeViolations(b.page);
  });

  it("filters every figure by locality through the URL, with a link to all the exceptions under the same filters", async () => {
    await signIn(b.page, "board@example.org");
    await b.page.goto("/?asAt=2016-07-31");
    await b.page.getByLabel("Locality").selectOption("Wigan");
    await b.page.getByRole("button", { name: "Apply filters" }).click();
    await b.page.waitForURL(/locality=Wigan/);
    await expect.poll(() => b.page.locator("h1").textContent()).toContain("Wigan");
    const all = b.page.getByRole("link", { name: /^See all \d+ exceptions$/ });
    const href = (await all.getAttribute("href")) ?? "";
    expect(href).toContain("/exceptions?");
    expect(href).toContain("locality=Wigan");
    expect(href).toContain("asAt=2016-07-31");
  });

  it("opens an exception's link from the dashboard and lands on the page it names", async () => {
    await signIn(b.page, "board@example.org");
    const link = b.page.getByTestId("exceptions-table").getByRole("link").first();
    const href = (await link.getAttribute("href"))!;
    await link.click();
    await b.page.waitForURL((url) => `${url.pathname}${url.search}` === href || url.pathname === new URL(href, "http://x").pathname);
    expect(new URL(b.page.url()).pathname).toBe(new URL(href, "http://x").pathname);
    expect(await b.page.locator("main h1").count()).toBe(1);
  });

  it("opens the board pack from the dashboard; it passes axe and prints as a clean multi-page A4 PDF", async () => {
    await signIn(b.page, "board@example.org");
    await b.page.goto("/?asAt=2016-07-31");
    await b.page.getByRole("button", { name: "Open the board pack as at 31 July 2016" }).click();
    await b.page.waitForURL(/\/board-pack\?asAt=2016-07-31/);
    expect(await b.page.locator("h1").textContent()).toContain("IM&T partnership board pack");
    expect(await b.page.locator("main").textContent()).toContain("Reporting date 31 July 2016");
    for (const heading of ["1. Headline figures", "2. Charts", "3. Exceptions", "4. Decisions since the previous board pack", "5. Agreements", "6. Roll-out changes"]) {
      expect(await b.page.getByRole("heading", { level: 2, name: heading }).count()).toBe(1);
    }
    // The print button appears once the page has hydrated (it needs JavaScript): wait for it.
    await expect.poll(() => b.page.getByRole("button", { name: "Print or save as PDF" }).count(), { timeout: 15_000 }).toBe(1);
    await expectNoAxeViolations(b.page);

    await b.page.emulateMedia({ media: "print" });
    expect(await b.page.locator("header.nhsuk-header").isVisible()).toBe(false);
    expect(await b.page.getByRole("button", { name: "Print or save as PDF" }).isVisible()).toBe(false);
    expect(await b.page.locator(".sb-board-pack__running").isVisible()).toBe(true);
    // page.pdf() prints with the emulated media: print, as Chromium's "Save as PDF" does.
    const pdf = await b.page.pdf({ format: "A4", printBackground: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, "board-pack.pdf"), pdf);
    const pages = pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? [];
    // Cover plus one page or more for each of the six sections.
    expect(pages.length).toBeGreaterThanOrEqual(7);
    // A4 is 595 x 842 points.
    expect(pdf.toString("latin1")).toMatch(/\/MediaBox\s*\[\s*0\s+0\s+595(\.\d+)?\s+841\.\d+|\/MediaBox\s*\[\s*0\s+0\s+595(\.\d+)?\s+842/);
  });

  it("refuses the board pack to a practitioner", async () => {
    await signIn(b.page, "practitioner@example.org");
    const response = await b.page.goto("/board-pack");
    expect(response?.status()).toBe(403);
  });
});
