import http from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawGet, signInOverHttp, startProductionServer, type TestServer } from "../helpers/own-server";

// The HTTP surface of the production server, finding by finding (issue 12): open redirects, body
// limits, Retry-After, proxies, request ids, caching and logs. A server of its own, so its
// throttling counters are not the browser tests'.

let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await startProductionServer();
  base = server.baseURL;
});
afterAll(async () => {
  await server?.stop();
});

/** The server's JSON log lines once one matches (logs are written as responses finish). */
async function logLinesUntil(match: (line: Record<string, unknown>) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = server.output().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    if (lines.some(match) || Date.now() > deadline) return lines;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function db() {
  return new Database(server.databasePath, { readonly: true, fileMustExist: true });
}

function login(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${base}/login`, { method: "POST", body: new URLSearchParams(fields), headers, redirect: "manual" });
}

const OFF_SITE = [
  "/\t/evil.example",
  "//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "https://evil.example/",
  "http:evil.example",
  "javascript:alert(1)",
  "/\u3000/evil.example",
  "/\r\n/evil.example",
  "/x\r\nSet-Cookie: a=b",
  "/\u0000/evil.example",
  " //evil.example",
  "/%2F/evil.example".replace("%2F", "/"),
  "/\u2028/evil.example",
];

describe("redirects after sign-in go only to this site", () => {
  it("sends every off-site or malformed redirectTo to the home page when signing in", async () => {
    for (const redirectTo of OFF_SITE) {
      const res = await login({ email: "board@example.org", password: "shareboard-demo", redirectTo });
      expect(res.status, JSON.stringify(redirectTo)).toBe(302);
      expect(res.headers.get("location"), JSON.stringify(redirectTo)).toBe("/");
    }
  });

  it("does the same when already signed in, and keeps a path on this site", async () => {
    const cookie = await signInOverHttp(base, "programme@example.org");
    for (const redirectTo of OFF_SITE) {
      const res = await fetch(`${base}/login?${new URLSearchParams({ redirectTo })}`, { headers: { Cookie: cookie }, redirect: "manual" });
      expect(res.status, JSON.stringify(redirectTo)).toBe(302);
      expect(res.headers.get("location"), JSON.stringify(redirectTo)).toBe("/");
    }
    const res = await fetch(`${base}/login?redirectTo=${encodeURIComponent("/rollout?status=live#top")}`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(res.headers.get("location")).toBe("/rollout?status=live#top");
  });
});

describe("bodies are limited before and while they are read", () => {
  it("refuses a form that declares more than 1 MB with 413 and a page saying what to do, without reading it", async () => {
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${base}/login`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(400 * 1024 * 1024) } }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      });
      req.on("error", reject);
      req.write("email=a"); // 7 of the 400 MB promised: the answer comes anyway
    });
    expect(status.status).toBe(413);
    expect(status.body).toContain("The form is too large");
    expect(status.body).toContain("at most 1 MB");
  });

  it("stops reading a streamed (chunked) form once it passes 1 MB and answers 413", async () => {
    const result = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      let sent = 0;
      const req = http.request(`${base}/login`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked" } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode!, sent });
        req.destroy();
      });
      req.on("error", () => resolve({ status: -1, sent }));
      const chunk = Buffer.alloc(64 * 1024, "a");
      // A client that keeps sending, a chunk every few milliseconds, as a slow upload does: the answer
      // must come once the server has read past 1 MB, long before the 50 MB are all sent (a server that read
      // the whole body would answer only after req.end()). Pacing keeps the test true on a busy machine.
      const pump = () => {
        if (sent >= 50 * 1024 * 1024 || req.destroyed) return void req.end();
        sent += chunk.length;
        if (!req.write(chunk)) req.once("drain", () => setTimeout(pump, 2));
        else setTimeout(pump, 2);
      };
      pump();
      setTimeout(() => reject(new Error("no answer within 60 s")), 60_000).unref();
    });
    expect(result.status).toBe(413);
    expect(result.sent).toBeLessThan(50 * 1024 * 1024);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("allows uploads up to 20 MB but not beyond, and answers the API with problem+json", async () => {
    const cookie = await signInOverHttp(base, "programme@example.org");
    const upload = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${base}/consent/upload`, { method: "POST", headers: { Cookie: cookie, "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(21 * 1024 * 1024) } }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      });
      req.on("error", reject);
      req.write("--x\r\n");
    });
    expect(upload.status).toBe(413);
    expect(upload.body).toContain("at most 20 MB");
    const api = await fetch(`${base}/api/v1/summary`, { method: "POST", body: "x" });
    expect(api.status).toBe(405);
    expect(api.headers.get("content-type")).toContain("application/problem+json");
  });

  it("answers malformed form requests with a 4xx and a message, never a 500", async () => {
    const cases: [RequestInit, number][] = [
      [{ method: "POST", body: "{}", headers: { "Content-Type": "application/json" } }, 415],
      [{ method: "POST", body: "email=a", headers: { "Content-Type": "" } }, 415],
      [{ method: "POST", body: "--b\r\nbroken", headers: { "Content-Type": "multipart/form-data; boundary=b" } }, 400],
      [{ method: "POST", body: "x", headers: { "Content-Type": "multipart/form-data" } }, 400],
      [{ method: "DELETE" }, 405],
      [{ method: "PUT" }, 405],
    ];
    for (const [init, expected] of cases) {
      const res = await fetch(`${base}/login`, init);
      expect(res.status, `${init.method} ${JSON.stringify(init.headers)}`).toBe(expected);
      expect(await res.text()).toMatch(/<h1>.+<\/h1>/);
    }
  });
});

describe("throttling and proxies", () => {
  it("ignores X-Forwarded-For by default: rotating it does not escape the limit, and 429 carries Retry-After", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await login({ email: "ig.pharmacy@example.org", password: "not-the-password" }, { "X-Forwarded-For": `198.51.100.${i}` });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(await res.text()).toContain("Too many sign-in attempts");
      }
    }
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(statuses[10]).toBe(429);
    const ips = db().prepare("select distinct ip from audit_log where action like 'sign_in.%' and after like '%ig.pharmacy%'").all() as { ip: string }[];
    expect(ips.map((r) => r.ip).every((ip) => /127\.0\.0\.1$/.test(ip))).toBe(true);
  });

  it("does not let X-Forwarded-Host make another site's form look same-origin", async () => {
    const res = await fetch(`${base}/login`, {
      method: "POST",
      body: new URLSearchParams({ email: "a@example.org", password: "x" }),
      headers: { Origin: "http://evil.example", "X-Forwarded-Host": "evil.example" },
    });
    expect(res.status).toBe(403);
  });
});

describe("request ids, caching and logs", () => {
  it("makes its own request id, logs a valid client id beside it, and never stores the client's id in the audit log", async () => {
    const res = await login({ email: "nobody@example.org", password: "whatever-it-is" }, { "X-Request-Id": "client-id-123" });
    const serverId = res.headers.get("x-request-id")!;
    expect(serverId).toMatch(/^[0-9a-f-]{36}$/);
    const row = db().prepare("select request_id from audit_log where action = 'sign_in.failure' order by id desc limit 1").get() as { request_id: string };
    expect(row.request_id).toBe(serverId);
    const bad = await fetch(`${base}/healthz`, { headers: { "X-Request-Id": "<script>alert(1)</script>" } });
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const lines = await logLinesUntil((l) => l.requestId === serverId);
    const mine = lines.find((l) => l.requestId === serverId)!;
    expect(mine).toMatchObject({ clientRequestId: "client-id-123", method: "POST", route: "/login", status: 400 });
    expect(typeof mine.durationMs).toBe("number");
    expect(lines.some((l) => JSON.stringify(l).includes("<script>"))).toBe(false);
  });

  it("sends Cache-Control: no-store on signed-in pages and logs who asked, without passwords or cookies", async () => {
    const cookie = await signInOverHttp(base, "admin@example.org");
    const res = await fetch(`${base}/admin/tokens`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const id = res.headers.get("x-request-id");
    const line = (await logLinesUntil((l) => l.requestId === id)).find((l) => l.requestId === id);
    expect(line).toMatchObject({ userId: 1, route: "/admin/tokens", status: 200 });
    expect(server.output()).not.toContain("shareboard-demo");
    expect(server.output()).not.toContain(cookie.split("=")[1]);
  });
});

describe("the browser's files", () => {
  const raw = (path: string, acceptEncoding?: string) => rawGet(`${base}${path}`, acceptEncoding ? { "Accept-Encoding": acceptEncoding } : {});

  it("sends the scripts and stylesheets as the build compressed them, Brotli or gzip as the browser takes them, kept for a year", async () => {
    const page = await (await fetch(`${base}/login`)).text();
    const files = [...page.matchAll(/(?:href|src)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    const script = files.find((f) => /\/framework-[^/]+\.js$/.test(f));
    const stylesheet = files.find((f) => f.endsWith(".css"));
    expect(script, "the framework script on the sign-in page").toBeTruthy();
    expect(stylesheet, "a stylesheet on the sign-in page").toBeTruthy();
    for (const file of [script!, stylesheet!]) {
      const plain = await raw(file);
      expect(plain.status).toBe(200);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.headers["cache-control"]).toContain("immutable");
      const br = await raw(file, "gzip, deflate, br, zstd");
      expect(br.headers["content-encoding"]).toBe("br");
      expect(br.headers["vary"]).toMatch(/Accept-Encoding/i);
      expect(br.headers["cache-control"]).toContain("immutable");
      expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
      expect(br.body.length).toBeLessThan(plain.body.length / 2);
      const gz = await raw(file, "gzip");
      expect(gz.headers["content-encoding"]).toBe("gzip");
      expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    }
    // The log names the file as asked for, not the compressed copy sent.
    const lines = await logLinesUntil((l) => l.route === script);
    expect(lines.filter((l) => l.route === script).length).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => /\.(br|gz)$/.test(String(l.route)))).toBe(false);
  });
});

describe("behind a proxy named in TRUST_PROXY", () => {
  let proxied: TestServer;
  beforeAll(async () => {
    proxied = await startProductionServer({ TRUST_PROXY: "loopback" });
  });
  afterAll(async () => {
    await proxied?.stop();
  });

  it("takes the client's address from X-Forwarded-For sent by that proxy", async () => {
    await fetch(`${proxied.baseURL}/login`, { method: "POST", body: new URLSearchParams({ email: "nobody@example.org", password: "whatever-it-is" }), headers: { "X-Forwarded-For": "203.0.113.7" } });
    const conn = new Database(proxied.databasePath, { readonly: true });
    const row = conn.prepare("select ip from audit_log where action = 'sign_in.failure' order by id desc limit 1").get() as { ip: string };
    conn.close();
    expect(row.ip).toBe("203.0.113.7");
  });
});
