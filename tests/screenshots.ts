// Developer aid, not a test: `npx tsx tests/screenshots.ts http://localhost:3000 email /path ...`
// signs in (unless email is "-") and saves a full-page PNG of each path in /tmp/shots, at WIDTH px (default 1280).
import { chromium } from "playwright-core";
import fs from "node:fs";

const [base, email, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
const width = Number(process.env.WIDTH ?? 1280);
const page = await browser.newPage({ viewport: { width, height: 900 } });
if (email && email !== "-") {
  await page.goto(`${base}/login`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill("shareboard-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForLoadState("networkidle");
}
fs.mkdirSync("/tmp/shots", { recursive: true });
for (const p of paths) {
  await page.goto(`${base}${p}`);
  await page.waitForLoadState("networkidle");
  const file = `/tmp/shots/${(email || "anon").split("@")[0]}${p.replace(/[^a-z0-9]+/gi, "_")}-${width}.png`;
  await page.screenshot({ path: file, fullPage: true });
  console.log(file);
}
await browser.close();
