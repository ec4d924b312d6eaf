import { describe, expect, it } from "vitest";
import { expectNoAxeViolations, signIn, useBrowser, fillDate } from "./support";

// Shares one server and database with other browser test files. Howe Bridge's falling opt-in is
// touched by no other browser test (the consent upload changes P92010 to P92013 only).

describe("acknowledging an exception", () => {
  const b = useBrowser();

  it("programme team: acknowledges a falling opt-in from the tasks; it leaves the tasks and is marked in the board pack and on the dashboard", async () => {
    const { page } = b;
    await signIn(page, "programme@example.org");
    await page.goto("/tasks");
    // Low-severity exceptions of one kind are one line linking to the filtered list.
    const group = page.getByRole("link", { name: /^\d+ practices below the opt-in target$/ });
    expect(await group.getAttribute("href")).toBe("/exceptions?kind=opt_in_below_target&severity=low");

    const title = "Opt-in at Howe Bridge Medical Centre has fallen three months running";
    await page.getByRole("link", { name: `Acknowledge this exception: ${title}` }).click();
    await page.getByRole("heading", { level: 1, name: /Acknowledge an exception/ }).waitFor();
    await expectNoAxeViolations(page);

    // Refused without a reason, with the message beside the field.
    await fillDate(page, "Review by", "2016-12-31");
    await page.getByRole("button", { name: "Acknowledge exception" }).click();
    await page.locator(".nhsuk-error-summary").getByText("Enter why this exception can wait").waitFor();

    await page.getByLabel("Why can this wait?").fill("Practice has a patient letter campaign under way");
    await fillDate(page, "Review by", "2016-12-31");
    await page.getByRole("button", { name: "Acknowledge exception" }).click();
    await page.waitForURL((url) => url.pathname === "/tasks");
    await page.getByText(/is acknowledged until 31 December 2016/).waitFor();
    expect(await page.getByRole("link", { name: title, exact: true }).count()).toBe(0);

    await page.goto("/board-pack");
    const row = page.getByTestId("exception-lines-table").getByRole("row").filter({ hasText: title });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByTestId("acknowledgement").textContent()).toContain(
      "by Priya Programme on 31 October 2016: Practice has a patient letter campaign under way — review by 31 December 2016",
    );

    // The dashboard's "What needs us" list (Howe Bridge is in Atherton, where it is among the most severe) marks it too.
    await page.goto("/?locality=Atherton");
    await expect
      .poll(() => page.getByTestId("exceptions-table").getByRole("row").filter({ hasText: title }).getByTestId("acknowledgement").textContent())
      .toContain("Acknowledged by Priya Programme on 31 October 2016");
  });
});
