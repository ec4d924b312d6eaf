import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { expectNoAxeViolations, fillDate, signIn, useBrowser } from "./support";

// Each role's main pages, and the public page, at a phone's width and a desktop's: nothing
// scrolls sideways, no console error, nothing axe can find, and no browser date picker: dates are
// typed into the NHS date input (day, month, year).
const MAIN_PAGES: Record<string, readonly string[]> = {
  "board@example.org": ["/", "/board-pack", "/exceptions", "/tasks"],
  "programme@example.org": ["/rollout", "/organisations", "/organisations/RRF", "/consent", "/maturity/RRF"],
  "ig@example.org": ["/agreements", "/agreements/ISA-001", "/cases"],
  "ccg@example.org": ["/indemnity"],
  "admin@example.org": ["/admin"],
};

async function checkPage(page: Page, path: string, consoleErrors: string[]) {
  consoleErrors.length = 0;
  await page.goto(path);
  await page.waitForLoadState("networkidle");
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `${path} is ${scrollWidth}px wide in a ${innerWidth}px window`).toBeLessThanOrEqual(innerWidth);
  expect(consoleErrors, `console errors on ${path}`).toEqual([]);
  expect(await page.locator("input[type=date]").count(), `a browser date picker on ${path}`).toBe(0);
  // axe at the phone width; the desktop journeys in the other browser tests run it at 1280 px.
  if (innerWidth < 1280) await expectNoAxeViolations(page);
}

describe.each([390, 1280])("at %ipx", (width) => {
  const b = useBrowser();

  it("the public transparency page fits, in plain English with the legal detail tucked away", async () => {
    await b.page.setViewportSize({ width, height: 900 });
    await checkPage(b.page, "/transparency", b.consoleErrors);
    const main = (await b.page.locator("main").textContent()) ?? "";
    for (const heading of ["What is shared", "Who can see it", "Why it is shared", "Your choices"]) {
      await expect(b.page.getByRole("heading", { name: heading, level: 2 }).isVisible()).resolves.toBe(true);
    }
    // The statutory wording sits inside a details element, closed until asked for.
    const legal = b.page.locator("details", { hasText: "Legal basis (UK GDPR)" }).first();
    expect(await legal.getAttribute("open")).toBeNull();
    expect(main).toContain("(reference ISA-001)");
  });

  for (const [email, paths] of Object.entries(MAIN_PAGES)) {
    it(`${email.split("@")[0]}'s main pages fit and are clean`, async () => {
      await b.page.setViewportSize({ width, height: 900 });
      await signIn(b.page, email);
      for (const path of paths) await checkPage(b.page, path, b.consoleErrors);
    });
  }

  it("asks for dates with the NHS date input on the forms that take one", async () => {
    await b.page.setViewportSize({ width, height: 900 });
    await signIn(b.page, "programme@example.org");
    for (const path of ["/rollout/deployments/new", "/rollout/deployments/40/status", "/organisations/new", "/organisations/import", "/maturity/assess", "/organisations/RRF/edit"]) {
      await b.page.goto(path);
      expect(await b.page.locator("input[type=date]").count(), `a browser date picker on ${path}`).toBe(0);
      expect(await b.page.locator(".nhsuk-date-input").count(), `no NHS date input on ${path}`).toBeGreaterThan(0);
      const { scrollWidth, innerWidth } = await b.page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
      expect(scrollWidth, `${path} is ${scrollWidth}px wide in a ${innerWidth}px window`).toBeLessThanOrEqual(innerWidth);
    }
    // A refused date: the NHS message at the field, the missing box marked, the summary's link on the day box.
    await b.page.goto("/rollout/deployments/40/status");
    await fillDate(b.page, "Date of the change", "2016-10-03");
    await b.page.getByRole("group", { name: "Date of the change", exact: true }).getByLabel("Month", { exact: true }).fill("");
    await b.page.getByRole("button", { name: "Save status" }).click();
    const summary = b.page.locator(".nhsuk-error-summary");
    await summary.waitFor();
    expect(await summary.textContent()).toContain("The date the status changed must include a month");
    await expect.poll(() => summary.getByRole("link", { name: /must include a month/ }).getAttribute("href")).toBe("#effectiveOn-day");
    expect(await b.page.locator("#effectiveOn-month").getAttribute("class")).toContain("nhsuk-input--error");
    expect(await b.page.locator("#effectiveOn-day").inputValue()).toBe("3");
    if (width < 1280) await expectNoAxeViolations(b.page);
  });

  it("shows every one of the board's and programme team's pages in the header without 'More'", async () => {
    if (width < 1280) return;
    await b.page.setViewportSize({ width, height: 900 });
    await signIn(b.page, "programme@example.org");
    await b.page.goto("/");
    await b.page.waitForLoadState("networkidle");
    expect(await b.page.locator(".nhsuk-header__menu").isVisible()).toBe(false);
    expect(await b.page.locator(".nhsuk-header__navigation-list > .nhsuk-header__navigation-item", { hasText: "Board pack" }).isVisible()).toBe(true);
  });
});

describe("start-up polish", () => {
  const b = useBrowser();
  it("serves a favicon at /favicon.ico", async () => {
    const response = await b.page.request.get("/favicon.ico");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toMatch(/icon/);
  });
});

describe("the header on a phone", () => {
  const b = useBrowser();
  it("fits the links the person signed in with, the rest under 'More', without reloading", async () => {
    await b.page.setViewportSize({ width: 390, height: 900 });
    await b.page.goto("/login");
    await b.page.waitForLoadState("networkidle");
    // Signing in is a client-side navigation: the header is drawn again with the board's links.
    await signIn(b.page, "board@example.org");
    const more = b.page.getByRole("button", { name: /More/ });
    await more.waitFor();
    const { scrollWidth, innerWidth } = await b.page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    await more.click();
    await expect.poll(() => b.page.locator(".nhsuk-header__menu-list").getByRole("link", { name: "Board pack" }).isVisible()).toBe(true);
    expect(b.consoleErrors).toEqual([]);
  });

  it("fits: the header's links wait in one row inside the header, not widening the page", async () => {
    await b.page.setViewportSize({ width: 390, height: 900 });
    await signIn(b.page, "board@example.org");
    // The page as first painted: the inline scripts have run (nhsuk-frontend's "supported" class
    // puts the header's links in one row), the header's own script, which moves what does not fit
    // into "More", has not.
    await b.page.route(/\/assets\/.*\.js$/, (route) => route.abort());
    for (const path of ["/", "/rollout/deployments/new"]) {
      await b.page.goto(path);
      expect(await b.page.evaluate(() => document.body.classList.contains("nhsuk-frontend-supported"))).toBe(true);
      expect(await b.page.locator(".nhsuk-header__navigation-item").count()).toBeGreaterThan(3);
      const { scrollWidth, innerWidth } = await b.page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
      expect(scrollWidth, `${path} is ${scrollWidth}px wide in a ${innerWidth}px window`).toBeLessThanOrEqual(innerWidth);
    }
  });
});
