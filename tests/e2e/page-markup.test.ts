import { gunzipSync } from "node:zlib";
import { chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postForm } from "../helpers/server";
import { rawGet, signInOverHttp, startProductionServer, type TestServer } from "../helpers/own-server";

// Kept page markup through the production server (app/lib/page-markup.server.ts): a page drawn
// once is sent again as drawn while its loaders return the same data, with each response's own
// CSP nonce, and is drawn afresh the moment a change moves what it shows. One worker, so every
// request meets the same kept pages.

let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await startProductionServer({ WEB_CONCURRENCY: "1" });
  base = server.baseURL;
});
afterAll(async () => {
  await server?.stop();
});

async function page(path: string, cookie: string) {
  const res = await fetch(`${base}${path}`, { headers: { Cookie: cookie } });
  const body = await res.text();
  const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1] ?? "";
  return { status: res.status, body, nonce, timing: res.headers.get("server-timing") ?? "" };
}

/** Runs `steps` in a Chromium tab signed in with `cookie`; the console errors and page errors it saw. */
async function inChromium(cookie: string, steps: (tab: Page) => Promise<void>) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: ["--headless=new", "--no-sandbox", "--disable-gpu"] });
  try {
    const context = await browser.newContext({ baseURL: base });
    const [name, value] = cookie.split("=");
    await context.addCookies([{ name: name!, value: value!, url: base }]);
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    tab.on("pageerror", (e) => errors.push(String(e)));
    await steps(tab);
    return errors;
  } finally {
    await browser.close();
  }
}

/** The page's words, as a person reads them: tags, scripts and attributes left out. */
function words(html: string) {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Every input of a form page, by name, with the value it shows. */
function inputsOf(html: string) {
  const fields = new URLSearchParams();
  for (const tag of html.match(/<input\b[^>]*>/g) ?? []) {
    const name = /\bname="([^"]*)"/.exec(tag)?.[1];
    if (!name || /type="(submit|checkbox|radio|file)"/.test(tag)) continue;
    fields.set(name, (/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? "").replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#x27;/g, "'"));
  }
  return fields;
}

describe("pages already drawn", () => {
  it("sends the dashboard drawn once as drawn, with each response's own nonce on every script", async () => {
    const cookie = await signInOverHttp(base, "board@example.org");
    const first = await page("/", cookie);
    const second = await page("/", cookie);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.timing).toContain('desc="drawn"');
    expect(second.timing).toContain('desc="kept"');
    expect(second.nonce).not.toBe(first.nonce);
    for (const { body, nonce } of [first, second]) {
      const scriptNonces = [...body.matchAll(/<script[^>]*\bnonce="([^"]+)"/g)].map((m) => m[1]);
      expect(scriptNonces.length).toBeGreaterThan(2);
      expect(new Set(scriptNonces)).toEqual(new Set([nonce]));
    }
    expect(second.body).not.toContain(first.nonce);
    expect(words(second.body)).toBe(words(first.body));
    expect(words(second.body)).toContain("Bina Board");
  });

  it("works out the figures a change moves again straight after it, not when the next person looks", async () => {
    const programme = await signInOverHttp(base, "programme@example.org");
    const planned = await page("/rollout?status=planned", programme);
    const id = /href="\/rollout\/deployments\/(\d+)"/.exec(planned.body)?.[1];
    expect(id, "a planned deployment on the roll-out page").toBeTruthy();
    const form = await page(`/rollout/deployments/${id}/status`, programme);
    const fields = inputsOf(form.body); // the date of the change as the form offers it: the reporting date
    fields.set("status", "in_progress");
    const refreshes = () => server.output().split("Figures refreshed after a change").length - 1;
    // The sign-in above is a write too: its refresh (the first after a start works out every page)
    // must be over before counting, or the change below lands while it runs and is refreshed after
    // it, a second line the sign-in further down would be blamed for (seen on a slow machine).
    for (let last = refreshes(), quietSince = Date.now(); Date.now() - quietSince < 600; ) {
      await new Promise((r) => setTimeout(r, 50));
      if (refreshes() !== last) [last, quietSince] = [refreshes(), Date.now()];
    }
    const before = refreshes();
    const saved = await postForm(base, `/rollout/deployments/${id}/status`, programme, fields);
    expect(saved.status).toBe(302);
    // The server logs each refresh; it runs a moment after the answer (250 ms by default).
    for (let waited = 0; refreshes() === before && waited < 5_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(refreshes()).toBe(before + 1);
    // A sign-in (a write the figures do not read) refreshes nothing.
    await signInOverHttp(base, "board@example.org");
    await new Promise((r) => setTimeout(r, 600));
    expect(refreshes()).toBe(before + 1);
  });

  it("draws a page again when a change moves what it shows, and each person gets their own page", async () => {
    const board = await signInOverHttp(base, "board@example.org");
    const admin = await signInOverHttp(base, "admin@example.org");
    await page("/", board);
    expect((await page("/", board)).timing).toContain('desc="kept"');

    const form = await page("/admin/settings", admin);
    const fields = inputsOf(form.body);
    expect(fields.get("partnership_name")).toBeTruthy();
    fields.set("partnership_name", "Wigan Borough SharetoCare");
    const saved = await postForm(base, "/admin/settings", admin, fields);
    expect(saved.status).toBe(302);

    const after = await page("/", board);
    expect(after.timing).toContain('desc="drawn"');
    expect(words(after.body)).toContain("Wigan Borough SharetoCare");

    const practitioner = await signInOverHttp(base, "practitioner@example.org");
    const theirs = await page("/", practitioner);
    expect(theirs.status).toBe(200);
    expect(words(theirs.body)).not.toContain("Bina Board");
  });

  it("sends a kept page gzip-compressed to a browser that takes gzip, with its own nonce, and whole to one that does not", async () => {
    const cookie = await signInOverHttp(base, "board@example.org");
    await page("/", cookie); // drawn and kept
    const raw = (acceptEncoding?: string) => rawGet(`${base}/`, { Cookie: cookie, ...(acceptEncoding ? { "Accept-Encoding": acceptEncoding } : {}) });
    const compressed = await raw("gzip, deflate, br, zstd");
    expect(compressed.headers["content-encoding"]).toBe("gzip");
    expect(compressed.headers["vary"]).toMatch(/Accept-Encoding/i);
    expect(compressed.headers["server-timing"]).toContain('desc="kept"');
    const html = gunzipSync(compressed.body).toString("utf8");
    const nonce = /'nonce-([^']+)'/.exec(String(compressed.headers["content-security-policy"]))?.[1];
    expect(new Set([...html.matchAll(/<script[^>]*\bnonce="([^"]+)"/g)].map((m) => m[1]))).toEqual(new Set([nonce]));
    expect(compressed.body.length).toBeLessThan(html.length / 4);
    const plain = await raw();
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(words(plain.body.toString("utf8"))).toBe(words(html));
    expect(words(html)).toContain("Bina Board");

    // Chromium reads it: the page shows, and its scripts run under the response's nonce.
    const errors = await inChromium(cookie, async (tab) => {
      const response = await tab.goto("/");
      expect(response?.headers()["content-encoding"]).toBe("gzip");
      expect(await tab.getByRole("heading", { level: 1 }).textContent()).toMatch(/Programme dashboard/);
      await tab.waitForFunction(() => (window as { __remixRouter?: unknown }).__remixRouter !== undefined);
    });
    expect(errors).toEqual([]);
  });

  it("sends a page's data (what a link inside the app fetches) gzip-compressed from a kept copy, with the request's own id", async () => {
    const cookie = await signInOverHttp(base, "board@example.org");
    const raw = (acceptEncoding?: string) => rawGet(`${base}/consent.data`, { Cookie: cookie, ...(acceptEncoding ? { "Accept-Encoding": acceptEncoding } : {}) });
    const plain = await raw();
    expect(plain.status).toBe(200);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const first = await raw("gzip, deflate, br, zstd");
    const second = await raw("gzip, deflate, br, zstd");
    for (const answer of [first, second]) {
      expect(answer.status).toBe(200);
      expect(answer.headers["content-encoding"]).toBe("gzip");
      expect(answer.headers["vary"]).toMatch(/Accept-Encoding/i);
    }
    expect(second.headers["server-timing"]).toContain('data;desc="kept"');
    // Each answer carries its own request id (the root's data holds it), and otherwise the same
    // figures as the uncompressed answer.
    const texts = [plain, first, second].map((answer, i) => (i === 0 ? answer.body : gunzipSync(answer.body)).toString("utf8"));
    const ids = [plain, first, second].map((answer) => String(answer.headers["x-request-id"]));
    expect(new Set(ids).size).toBe(3);
    texts.forEach((text, i) => expect(text).toContain(ids[i]));
    const withoutId = (text: string, i: number) => text.split(ids[i]!).join("REQUEST-ID");
    expect(withoutId(texts[1]!, 1)).toBe(withoutId(texts[0]!, 0));
    expect(withoutId(texts[2]!, 2)).toBe(withoutId(texts[0]!, 0));
    expect(texts[0]).toContain("Bina Board");
    expect(second.body.length).toBeLessThan(texts[2]!.length / 2);

    // Another person's data is their own, never a kept copy of someone else's.
    const practitioner = await signInOverHttp(base, "practitioner@example.org");
    const theirs = gunzipSync((await rawGet(`${base}/_root.data`, { Cookie: practitioner, "Accept-Encoding": "gzip" })).body).toString("utf8");
    expect(theirs).toContain("practitioner@example.org");
    expect(theirs).not.toContain("board@example.org");

    // Chromium opens a page from a link: its data comes compressed and the page shows, with no error.
    const errors = await inChromium(cookie, async (tab) => {
      await tab.goto("/");
      await tab.waitForFunction(() => (window as { __remixRouter?: unknown }).__remixRouter !== undefined);
      const data = tab.waitForResponse((response) => new URL(response.url()).pathname === "/consent.data");
      // A headline's link (a Remix Link: the header's are plain links, which load the whole page).
      await tab.locator('main a[href="/consent"]').first().click();
      expect((await data).headers()["content-encoding"]).toBe("gzip");
      await tab.waitForURL("**/consent");
      await tab.getByRole("heading", { level: 1, name: /Patients' consent to share their record/ }).waitFor();
    });
    expect(errors).toEqual([]);
  });
});
