import { describe, expect, it } from "vitest";
import { expectNoAxeViolations, signIn, useBrowser } from "./support";

// Shares one server and database with other browser test files: other files renew P92031's cover
// and add an agreement, so nothing here depends on those particular exceptions being listed.

describe("the board's operational view: tasks, exceptions and the public transparency page", () => {
  const b = useBrowser();

  it("board: sees the task count in the header and priorities to endorse, filters exceptions to high and opens one", async () => {
    const { page } = b;
    await signIn(page, "board@example.org");
    const nav = page.getByRole("navigation", { name: /primary|menu/i });
    const tasksLink = nav.getByRole("link", { name: /^Tasks \(\d+\)$/ });
    await tasksLink.click();
    await page.waitForURL("**/tasks");
    await page.getByRole("heading", { level: 1, name: "Your tasks" }).waitFor();
    const count = Number(/\((\d+)\)/.exec((await tasksLink.textContent()) ?? "")![1]);
    expect(count).toBeGreaterThan(0);
    expect(await page.locator(".nhsuk-body-l").textContent()).toContain(`${count} thing`);
    const priorities = page.getByRole("heading", { level: 2, name: /^Priorities to endorse \(\d+\)$/ });
    expect(await priorities.count()).toBe(1);
    expect(await page.getByRole("link", { name: /re-endorsement/ }).count()).toBeGreaterThan(0);
    await expectNoAxeViolations(page);

    await nav.getByRole("link", { name: "Exceptions", exact: true }).click();
    await page.waitForURL("**/exceptions");
    await page.getByRole("heading", { level: 1, name: "Exceptions" }).waitFor();
    await expectNoAxeViolations(page);

    await page.getByRole("combobox", { name: "Severity" }).selectOption("high");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/severity=high/);
    await page.getByText(/^Showing 1 to \d+ of \d+ exceptions?$/).waitFor();
    const table = page.locator("table").first();
    await table.waitFor();
    const severities = await table.locator("tbody .nhsuk-tag").allTextContents();
    expect(severities.length).toBeGreaterThan(0);
    expect(new Set(severities)).toEqual(new Set(["High"]));
    await expectNoAxeViolations(page);

    // The first (most overdue) high exception: sharing without an agreement or without cover, which the board may open.
    const link = table.locator("tbody tr").first().locator("td").nth(1).getByRole("link");
    const href = (await link.getAttribute("href"))!;
    await link.click();
    await page.waitForURL((url) => `${url.pathname}${url.search}` === href.split("#")[0]);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).not.toBe("Exceptions");
    expect(await page.getByRole("heading", { level: 1 }).count()).toBe(1);
    expect(await page.locator("main").textContent()).not.toMatch(/not allowed|Page not found/i);
  });

  it("ccg: sees cover to renew in the task inbox", async () => {
    const { page } = b;
    await signIn(page, "ccg@example.org");
    await page.goto("/tasks");
    const heading = page.getByRole("heading", { level: 2, name: /^Indemnity cover to renew or put in place \(\d+\)$/ });
    expect(await heading.count()).toBe(1);
    // Poolstock's cover (80 days left) is not renewed by any browser test.
    expect(await page.getByRole("link", { name: /^Indemnity cover for Poolstock Health Centre ends in 80 days/ }).count()).toBe(1);
    await expectNoAxeViolations(page);
  });

  it("a signed-out visitor opens the transparency page from the sign-in page", async () => {
    const { page } = b;
    await page.goto("/login");
    await page.getByRole("link", { name: "See how local health and care services share your record" }).click();
    await page.waitForURL("**/transparency");
    // The URL changes a moment before the page does: wait for the heading itself.
    await page.getByRole("heading", { level: 1, name: "How we share health and care records" }).waitFor();
    const main = (await page.locator("main").textContent()) ?? "";
    expect(main).toContain("ISA-001");
    expect(main).toContain("National Data Opt-out");
    expect(main).not.toMatch(/@example\.org/);
    await expectNoAxeViolations(page);
  });
});
