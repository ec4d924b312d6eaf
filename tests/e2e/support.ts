import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import { afterAll, beforeAll, beforeEach, expect, inject, onTestFailed } from "vitest";

export const DEMO_PASSWORD = "shareboard-demo";
export const ARTIFACTS = path.resolve("tests/e2e/artifacts");

const FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * One Chromium per test file and a fresh browser context (no cookies) per test. A failing test
 * leaves a full-page screenshot in tests/e2e/artifacts/ for debugging.
 */
export function useBrowser() {
  const state = {} as { browser: Browser; context: BrowserContext; page: Page; baseURL: string };
  beforeAll(async () => {
    state.baseURL = inject("baseURL");
    state.browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: FLAGS });
  });
  beforeEach(async (ctx) => {
    state.context = await state.browser.newContext({ baseURL: state.baseURL, viewport: { width: 1280, height: 900 } });
    state.page = await state.context.newPage();
    const consoleErrors: string[] = [];
    state.page.on("console", (msg) => {
      // Every console error counts (the NHS web font is no longer requested: see vite.config.ts),
      // except Chromium's note of a 4xx answer, which a form that refuses bad input sends on purpose.
      if (msg.type() === "error" && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) consoleErrors.push(msg.text());
    });
    state.page.on("pageerror", (err) => consoleErrors.push(String(err)));
    (state as { consoleErrors?: string[] }).consoleErrors = consoleErrors;
    onTestFailed(async () => {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const name = ctx.task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 80);
      await state.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true }).catch(() => {});
    });
    return async () => {
      await state.context.close();
    };
  });
  afterAll(async () => {
    await state.browser?.close();
  });
  return state as typeof state & { consoleErrors: string[] };
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).or(page.getByRole("link", { name: "Sign out" })).first().click();
  await page.waitForURL(/\/login/);
}

/** Runs axe with the WCAG 2.2 AA rule sets and fails with a readable list of what it found. */
export async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join("; ")}`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

export function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-e2e-files-"));
}

/**
 * Types an ISO date (YYYY-MM-DD) into the NHS date input whose legend is `label`: its Day, Month
 * and Year boxes, as a person would (without leading zeros).
 */
export async function fillDate(page: Page, label: string | RegExp, iso: string) {
  const [year, month, day] = iso.split("-");
  const group = page.getByRole("group", { name: label, exact: typeof label === "string" ? true : undefined });
  await group.getByLabel("Day", { exact: true }).fill(String(Number(day)));
  await group.getByLabel("Month", { exact: true }).fill(String(Number(month)));
  await group.getByLabel("Year", { exact: true }).fill(year);
}

/** The ISO date shown in the NHS date input whose legend is `label` ("" when its boxes are empty). */
export async function dateValue(page: Page, label: string | RegExp) {
  const group = page.getByRole("group", { name: label, exact: typeof label === "string" ? true : undefined });
  const [day, month, year] = await Promise.all(["Day", "Month", "Year"].map((part) => group.getByLabel(part, { exact: true }).inputValue()));
  if (!day && !month && !year) return "";
  return `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
}
