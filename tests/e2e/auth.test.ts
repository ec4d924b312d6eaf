import { describe, expect, it } from "vitest";
import { expectNoAxeViolations, signIn, signOut, useBrowser } from "./support";

const EVERYONE = ["Home", "Exceptions", "Roll-out", "Organisations", "Agreements", "Consent", "Maturity", "Business cases"];
const DEMO_USERS = [
  { email: "admin@example.org", role: "Administrator", sees: [...EVERYONE, "Admin"], hidden: ["Indemnity", "Board pack"] },
  { email: "board@example.org", role: "Partnership board", sees: [...EVERYONE, "Indemnity", "Board pack"], hidden: ["Admin"] },
  { email: "programme@example.org", role: "Programme team", sees: [...EVERYONE, "Indemnity", "Board pack"], hidden: ["Admin"] },
  { email: "ig@example.org", role: "IG lead", sees: EVERYONE, hidden: ["Admin", "Indemnity", "Board pack"] },
  { email: "ig.gp@example.org", role: "IG lead", sees: EVERYONE, hidden: ["Admin", "Indemnity", "Board pack"] },
  { email: "ccg@example.org", role: "CCG indemnity manager", sees: [...EVERYONE, "Indemnity"], hidden: ["Admin", "Board pack"] },
  { email: "practitioner@example.org", role: "Practitioner", sees: EVERYONE, hidden: ["Admin", "Indemnity", "Board pack"] },
  { email: "practitioner2@example.org", role: "Practitioner", sees: EVERYONE, hidden: ["Admin", "Indemnity", "Board pack"] },
];

describe("signing in and out", () => {
  const b = useBrowser();

  it("sends a signed-out visitor from / to the sign-in page, which passes axe", async () => {
    await b.page.goto("/");
    expect(new URL(b.page.url()).pathname).toBe("/login");
    expect(new URL(b.page.url()).searchParams.get("redirectTo")).toBe("/");
    expect(await b.page.getByRole("heading", { level: 1 }).textContent()).toBe("Sign in to ShareBoard");
    await expectNoAxeViolations(b.page);
  });

  it("shows an error summary for a wrong password, and axe is still clean", async () => {
    await signInExpectingFailure(b.page, "board@example.org", "not-the-password");
    expect(await b.page.locator(".nhsuk-error-summary").textContent()).toContain("Enter a correct email address and password");
    await expectNoAxeViolations(b.page);
  });

  for (const user of DEMO_USERS) {
    it(`signs in ${user.email}, shows the ${user.role} navigation, passes axe and signs out`, async () => {
      await signIn(b.page, user.email);
      expect(new URL(b.page.url()).pathname).toBe("/");
      const nav = b.page.getByRole("navigation", { name: /primary|menu/i });
      // nhsuk-frontend's header script moves items that do not fit into a "More" menu (hidden until
      // opened), so count links whether or not they are on show; wait for the script to settle.
      const link = (text: string) => nav.getByRole("link", { name: text, exact: true, includeHidden: true });
      for (const text of user.sees) await expect.poll(() => link(text).count()).toBe(1);
      for (const text of user.hidden) expect(await link(text).count()).toBe(0);
      // "Tasks (N)": the item carries the user's task count.
      await expect.poll(() => nav.getByRole("link", { name: /^Tasks \(\d+\)$/, includeHidden: true }).count()).toBe(1);
      expect(await b.page.locator("main").textContent()).toContain(user.role);
      expect(await b.page.locator("main").textContent()).toContain("GP practices signed up");
      await expectNoAxeViolations(b.page);
      await signOut(b.page);
      expect(await b.page.getByText("You have signed out of ShareBoard.").count()).toBe(1);
      await b.page.goto("/");
      expect(new URL(b.page.url()).pathname).toBe("/login");
    });
  }

  it("lets the administrator open the admin page and see the audit chain verified", async () => {
    await signIn(b.page, "admin@example.org");
    await b.page.getByRole("link", { name: "Admin", exact: true }).click();
    await b.page.waitForURL(/\/admin/);
    expect(await b.page.locator("main").textContent()).toContain("The audit log verifies");
    await expectNoAxeViolations(b.page);
  });

  it("shows a practitioner the NHS-styled 403 page for the admin area", async () => {
    await signIn(b.page, "practitioner@example.org");
    const response = await b.page.goto("/admin");
    expect(response?.status()).toBe(403);
    expect(await b.page.getByRole("heading", { level: 1 }).textContent()).toBe("You do not have permission to see this page");
    await expectNoAxeViolations(b.page);
  });

  it("shows the NHS-styled 404 page for an unknown address", async () => {
    await signIn(b.page, "board@example.org");
    const response = await b.page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    expect(await b.page.getByRole("heading", { level: 1 }).textContent()).toBe("Page not found");
    await expectNoAxeViolations(b.page);
  });

  it("refuses a write that another site sent, before any route runs", async () => {
    const crossSite = await b.page.request.post("/login", {
      headers: { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
      form: { email: "board@example.org", password: "shareboard-demo" },
      maxRedirects: 0,
    });
    expect(crossSite.status()).toBe(403);
    expect(await crossSite.text()).toContain("came from another site");
    const sameSite = await b.page.request.post("/login", {
      headers: { Origin: new URL(b.baseURL).origin },
      form: { email: "board@example.org", password: "shareboard-demo" },
      maxRedirects: 0,
    });
    expect(sameSite.status()).toBe(302);
  });

  it("sends security headers with a per-request script nonce", async () => {
    const first = await b.page.goto("/login");
    const csp = first!.headers()["content-security-policy"];
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(first!.headers()["x-content-type-options"]).toBe("nosniff");
    expect(first!.headers()["referrer-policy"]).toBe("same-origin");
    const second = await b.page.goto("/login");
    const nonce = (h: string) => /'nonce-([^']+)'/.exec(h)?.[1];
    expect(nonce(csp)).toBeTruthy();
    expect(nonce(second!.headers()["content-security-policy"])).not.toBe(nonce(csp));
    expect(b.consoleErrors).toEqual([]);
  });
});

async function signInExpectingFailure(page: import("playwright-core").Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator(".nhsuk-error-summary").waitFor();
}
