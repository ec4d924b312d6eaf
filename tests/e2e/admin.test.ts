import { describe, expect, it } from "vitest";
import { expectNoAxeViolations, signIn, useBrowser } from "./support";

describe("administration", () => {
  const b = useBrowser();

  it("creates an API token that is shown once, then revokes it", async () => {
    await signIn(b.page, "admin@example.org");
    await b.page.goto("/admin/tokens");
    await expectNoAxeViolations(b.page);
    await b.page.getByLabel("Who will use it").fill("E2E BI team");
    await b.page.getByRole("button", { name: "Create token" }).click();
    const token = (await b.page.getByTestId("new-token").textContent())!.trim();
    expect(token).toMatch(/^sbt_/);
    await expectNoAxeViolations(b.page);

    await b.page.goto("/admin/tokens");
    expect(await b.page.locator("main").textContent()).not.toContain(token);
    const row = b.page.getByRole("row", { name: /E2E BI team/ });
    await row.getByRole("button", { name: /Revoke/ }).click();
    await b.page.getByText("Token revoked: it no longer opens the API.").waitFor();
    expect(await b.page.getByRole("row", { name: /E2E BI team/ }).textContent()).toContain("Revoked");
  });

  it("shows what is wrong with a settings form and keeps the typed values", async () => {
    await signIn(b.page, "admin@example.org");
    await b.page.goto("/admin/settings");
    await expectNoAxeViolations(b.page);
    await b.page.getByLabel("Borough opt-in target (%)").fill("150");
    await b.page.getByRole("button", { name: "Save settings" }).click();
    await b.page.locator(".nhsuk-error-summary").waitFor();
    expect(await b.page.locator(".nhsuk-error-summary").textContent()).toContain("between 0 and 100");
    expect(await b.page.getByLabel("Borough opt-in target (%)").inputValue()).toBe("150");
    await expectNoAxeViolations(b.page);
  });
});
