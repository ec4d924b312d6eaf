import http from "node:http";
import { gunzipSync } from "node:zlib";
import { describe, expect, inject, it } from "vitest";
import { signIn as signInCookie } from "../helpers/server";

// The production server runs two workers (tests/setup/e2e-server.ts), and each new connection
// goes to the next worker in turn. A page one worker drew is sent by the other from the workers'
// shared store (app/lib/shared-cache.server.ts) rather than worked out and drawn again, and a
// change is seen at once by both.

/** A GET on a connection of its own (no keep-alive), so consecutive requests meet both workers; a gzip body is given unzipped. */
function getOnNewConnection(url: string, cookie: string, headers: Record<string, string> = {}): Promise<{ status: number; timing: string; encoding: string; requestId: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { cookie, connection: "close", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const encoding = String(res.headers["content-encoding"] ?? "");
        const bytes = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          timing: String(res.headers["server-timing"] ?? ""),
          encoding,
          requestId: String(res.headers["x-request-id"] ?? ""),
          body: (encoding === "gzip" ? gunzipSync(bytes) : bytes).toString("utf8"),
        });
      });
    });
    req.on("error", reject);
  });
}

const words = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();

describe("pages shared between the server's workers", () => {
  it("draws a page once: the other worker sends it from the shared store, word for word", async () => {
    const base = inject("baseURL");
    const cookie = await signInCookie(base, "board@example.org");
    // A URL no one has asked for yet, so the first request has to draw it.
    const url = `${base}/exceptions?asAt=2016-09-30&probe=${Date.now()}`;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await getOnNewConnection(url, cookie));
    for (const a of answers) expect(a.status).toBe(200);
    expect(answers[0]!.timing).toContain('desc="drawn"');
    const later = answers.slice(1).map((a) => a.timing);
    expect(later.every((t) => !t.includes("drawn")), later.join(" | ")).toBe(true);
    expect(later.some((t) => t.includes('desc="shared"')), later.join(" | ")).toBe(true);
    for (const a of answers) expect(words(a.body)).toBe(words(answers[0]!.body));
    expect(words(answers[0]!.body)).toContain("30 September 2016");
  });

  it("compresses a page's data once: the other worker sends it from the shared store, with its own request id", async () => {
    const base = inject("baseURL");
    const cookie = await signInCookie(base, "board@example.org");
    // Data no one has asked for yet (a date of its own), so the first request has to keep it.
    const url = `${base}/exceptions.data?asAt=2016-08-31&probe=${Date.now()}`;
    const answers: Awaited<ReturnType<typeof getOnNewConnection>>[] = [];
    for (let i = 0; i < 4; i++) answers.push(await getOnNewConnection(url, cookie, { "accept-encoding": "gzip, deflate, br, zstd" }));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.encoding).toBe("gzip");
      expect(a.body).toContain(a.requestId);
    }
    expect(answers[0]!.timing).toContain('data;desc="new"');
    const later = answers.slice(1).map((a) => a.timing);
    expect(later.some((t) => t.includes('data;desc="shared"')), later.join(" | ")).toBe(true);
    const withoutId = (a: { body: string; requestId: string }) => a.body.split(a.requestId).join("REQUEST-ID");
    for (const a of answers) expect(withoutId(a)).toBe(withoutId(answers[0]!));
    expect(answers[0]!.body).toContain("2016-08-31");
  });

  it("shows a change on every worker at once", async () => {
    const base = inject("baseURL");
    const reader = await signInCookie(base, "board@example.org");
    const writer = await signInCookie(base, "programme@example.org");
    const url = `${base}/cases/BC-2016-001`;
    for (let i = 0; i < 2; i++) expect((await getOnNewConnection(url, reader)).status).toBe(200);
    const comment = `Seen by both workers ${Date.now()}`;
    const posted = await fetch(url, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base, cookie: writer },
      body: new URLSearchParams({ intent: "comment", body: comment }),
    });
    expect(posted.status).toBe(302);
    for (let i = 0; i < 4; i++) {
      const page = await getOnNewConnection(url, reader);
      expect(page.status).toBe(200);
      expect(words(page.body)).toContain(comment);
    }
  });
});
