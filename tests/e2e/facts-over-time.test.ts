import { describe, expect, it } from "vitest";
import { expectNoAxeViolations, signIn, signOut, useBrowser, dateValue } from "./support";

// An epraccur.csv line (27 columns, no header) for a GP practice of commissioner 02H.
const epraccur = (code: string, name: string, status = "A") =>
  [code, name, "Y62", "QOP", "1 HIGH STREET", "", "WIGAN", "", "", "WN1 2AB", "19900401", "", status, "B", "02H", "20130401", "", "01942 000000", "", "", "", "0", "", "", "", "4", ""]
    .map((c) => `"${c}"`)
    .join(",");

describe("facts over time", () => {
  const b = useBrowser();

  it("imports an epraccur file of new practices through the import page, and the API still reports 63 practices and 32 services live as at 31 July 2016", async () => {
    const { page } = b;
    const stamp = String(Date.now()).slice(-4);
    const codes = ["1", "2", "3", "4"].map((n) => `Y${n}${stamp}`);
    await signIn(page, "programme@example.org");
    await page.goto("/organisations/import");
    expect(await dateValue(page, "Date the file's facts take effect")).toBe("2016-10-31");
    const file = [...codes.slice(0, 3).map((c, i) => epraccur(c, `E2E NEW PRACTICE ${i + 1}`)), epraccur(codes[3]!, "E2E DORMANT PRACTICE", "D")].join("\r\n") + "\r\n";
    await page.getByLabel("CSV file").setInputFiles({ name: "epraccur.csv", mimeType: "text/csv", buffer: Buffer.from(file) });
    await page.getByRole("button", { name: "Check the file" }).click();
    await page.getByTestId("import-outcomes").waitFor();
    const outcomes = page.getByTestId("import-outcomes");
    expect(await outcomes.locator('tr[data-outcome="new"]').count()).toBe(4);
    expect(await outcomes.locator(`tr[data-ods-code="${codes[3]}"]`).textContent()).toContain("dormant from 31 October 2016: not counted as active");
    expect(await outcomes.locator(`tr[data-ods-code="${codes[0]}"]`).textContent()).toContain("joins the partnership on 31 October 2016");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Import 4 organisations" }).click();
    await page.waitForURL(/\/organisations$/);
    expect(await page.locator(".nhsuk-notification-banner").textContent()).toContain("4 organisations added");

    // A token for the API, made the way an administrator makes one.
    await signOut(page);
    await signIn(page, "admin@example.org");
    await page.goto("/admin/tokens");
    await page.getByLabel("Who will use it").fill(`Facts over time ${stamp}`);
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.getByTestId("new-token").textContent())!.trim();
    const api = (path: string) => fetch(new URL(path, b.baseURL), { headers: { Authorization: `Bearer ${token}` } });

    const july = await api("/api/v1/summary?asAt=2016-07-31");
    expect(july.status).toBe(200);
    expect(await july.json()).toMatchObject({ asAt: "2016-07-31", practicesTotal: 63, practicesSignedUp: 63, servicesLive: 32 });
    // From the date the file takes effect the three active ones count; the dormant one does not.
    const reporting = (await (await api("/api/v1/summary?asAt=2016-10-31")).json()) as { practicesTotal: number };
    expect(reporting.practicesTotal).toBeGreaterThanOrEqual(66);
    const outOfRange = await api("/api/v1/summary?asAt=3000-01-01");
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.headers.get("content-type")).toBe("application/problem+json");
  });

  it("answers an as-at date after the reporting date with 400 and the error summary at the date field", async () => {
    const { page } = b;
    await signIn(page, "board@example.org");
    for (const path of ["/rollout?asAt=3000-01-01", "/?asAt=9999-12-31", "/board-pack?asAt=9999-12-31", "/indemnity?asAt=1999-12-31"]) {
      const started = Date.now();
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(400);
      expect(Date.now() - started, path).toBeLessThan(3_000);
      const summary = page.locator(".nhsuk-error-summary");
      await summary.waitFor();
      expect(await summary.textContent(), path).toMatch(/enter a date from 1 January 2000 to 31 October 2016/);
      // The link lands on the date input's day box once the page's script has run.
      await expect.poll(() => summary.getByRole("link").getAttribute("href"), { message: path }).toBe("#asAt-day");
      expect(await dateValue(page, "As at"), path).toBe(new URL(path, "http://x").searchParams.get("asAt"));
    }
    await expectNoAxeViolations(page);
  });
});
