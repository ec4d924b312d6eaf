import { afterEach, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { loader as homeLoader } from "~/routes/_index";
import { loader as adminLoader } from "~/routes/admin._index";
import { action as loginAction } from "~/routes/login";
import { action as logoutAction } from "~/routes/logout";
import { getDb } from "~/lib/db.server";
import { readJsonText, type JsonText } from "~/lib/json-text";
import { auditLog, sessions, signInAttempts, users } from "../../db/schema";
import { disableUser } from "~/models/users.server";
import { SYSTEM_ACTOR } from "~/lib/audit.server";
import { requestStore } from "~/lib/logger.server";
import { getCurrentUser } from "~/lib/session.server";
import { cookieFrom, getRequest, postRequest, settle, signInAs, statusOf, dataOf } from "../helpers/requests";

function login(email: string, password: string, ip = "10.1.1.1") {
  return settle(() => loginAction({ request: postRequest("/login", { email, password, redirectTo: "/" }), params: {}, context: { clientIp: ip } }));
}

function home(cookie?: string) {
  return settle(() => homeLoader({ request: getRequest("/", cookie), params: {}, context: {} }));
}

afterEach(() => {
  vi.useRealTimers();
});

describe("sign-in", () => {
  it("signs in a demo user with the right password and shows their home", async () => {
    const cookie = await signInAs("board@example.org");
    const result = (await home(cookie)) as { user: { name: string }; figures: JsonText<{ headlines: { key: string; value: string }[] }> };
    expect(result.user.name).toBeTruthy();
    expect(readJsonText(result.figures).headlines.find((h) => h.key === "practicesSignedUp")?.value).toMatch(/ of 63$/);
  });

  it("sends a signed-out visitor to /login with where they were going", async () => {
    const result = (await home()) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/login?redirectTo=%2F");
  });

  it("refuses a wrong password with a message and writes the attempt to the audit log", async () => {
    const result = await login("ccg@example.org", "wrong-password-123");
    expect(statusOf(result)).toBe(400);
    expect(dataOf<{ errors: { email: string } }>(result).errors.email).toBe("Enter a correct email address and password");
    const rows = getDb().select().from(auditLog).where(eq(auditLog.action, "sign_in.failure")).all();
    expect(rows.some((r) => r.after?.includes("ccg@example.org"))).toBe(true);
  });

  it("asks for the email and password when they are missing", async () => {
    const result = await login("", "");
    expect(statusOf(result)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(result).errors).toMatchObject({
      email: "Enter your email address",
      password: "Enter your password",
    });
  });

  it("throttles one address guessing one account's password after 10 failures, saying when to try again (Retry-After too)", async () => {
    for (let i = 0; i < 10; i++) expect(statusOf(await login("ig.hospice@example.org", "bad-password-xx", "10.2.0.66"))).toBe(400);
    const throttled = await login("ig.hospice@example.org", "shareboard-demo", "10.2.0.66");
    expect(statusOf(throttled)).toBe(429);
    expect(dataOf<{ errors: { email: string } }>(throttled).errors.email).toMatch(/Too many sign-in attempts\. Wait \d+ minutes/);
    expect(Number((throttled as { init: { headers: Record<string, string> } }).init.headers["Retry-After"])).toBeGreaterThan(800);
    const refusedAudit = getDb().select().from(auditLog).where(eq(auditLog.action, "sign_in.throttled")).all();
    expect(refusedAudit.length).toBeGreaterThan(0);
  });

  it("does not lock the owner out: an attacker's failures from their address leave the owner's own address free", async () => {
    for (let i = 0; i < 25; i++) await login("ig.community@example.org", "bad-password-xx", "203.0.113.9");
    expect(statusOf(await login("ig.community@example.org", "shareboard-demo", "203.0.113.9"))).toBe(429);
    expect(statusOf(await login("ig.community@example.org", "shareboard-demo", "10.9.9.9"))).toBe(302);
  });

  it("throttles an address after 50 failures across accounts, and only that address", async () => {
    for (let i = 0; i < 50; i++) {
      getDb().insert(signInAttempts).values({ email: `nobody${i}@example.org`, ip: "10.3.3.3", at: Date.now(), succeeded: false }).run();
    }
    expect(statusOf(await login("admin@example.org", "shareboard-demo", "10.3.3.3"))).toBe(429);
    expect(statusOf(await login("admin@example.org", "shareboard-demo", "10.3.3.4"))).toBe(302);
  });

  it("throttles an account guessed from many addresses after 100 failures in an hour, except from an address its owner signed in from", async () => {
    expect(statusOf(await login("ig.federation@example.org", "shareboard-demo", "10.5.0.1"))).toBe(302);
    for (let i = 0; i < 100; i++) {
      getDb().insert(signInAttempts).values({ email: "ig.federation@example.org", ip: `198.51.100.${i}`, at: Date.now(), succeeded: false }).run();
    }
    expect(statusOf(await login("ig.federation@example.org", "shareboard-demo", "10.5.0.2"))).toBe(429);
    expect(statusOf(await login("ig.federation@example.org", "shareboard-demo", "10.5.0.1"))).toBe(302);
  });

  it("lets a throttled address try again once 15 minutes have passed, however often it kept trying", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T10:00:00Z"));
    for (let i = 0; i < 10; i++) await login("ig.mentalhealth@example.org", "bad-password-xx", "10.4.0.1");
    vi.setSystemTime(new Date("2030-01-01T10:10:00Z"));
    for (let i = 0; i < 5; i++) expect(statusOf(await login("ig.mentalhealth@example.org", "bad-password-xx", "10.4.0.1"))).toBe(429);
    vi.setSystemTime(new Date("2030-01-01T10:15:01Z"));
    expect(statusOf(await login("ig.mentalhealth@example.org", "shareboard-demo", "10.4.0.1"))).toBe(302);
  });
});

describe("sessions", () => {
  it("gives a new session id at every sign-in and ends the one the browser held before", async () => {
    const first = await signInAs("ig@example.org");
    const second = (await settle(() =>
      loginAction({ request: postRequest("/login", { email: "ig@example.org", password: "shareboard-demo" }, first), params: {}, context: {} }),
    )) as Response;
    const secondCookie = cookieFrom(second);
    expect(secondCookie).not.toBe(first);
    expect(statusOf(await home(first))).toBe(302);
    expect((await home(secondCookie)) as object).toHaveProperty("figures");
  });

  it("ends a session after 30 idle minutes", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-02-01T09:00:00Z"));
    const cookie = await signInAs("board@example.org");
    vi.setSystemTime(new Date("2030-02-01T09:29:00Z"));
    expect(await home(cookie)).toHaveProperty("figures");
    vi.setSystemTime(new Date("2030-02-01T09:58:00Z"));
    expect(await home(cookie)).toHaveProperty("figures");
    vi.setSystemTime(new Date("2030-02-01T10:29:00Z"));
    expect(statusOf(await home(cookie))).toBe(302);
  });

  it("ends a session 12 hours after sign-in however active it is", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    let t = new Date("2030-03-01T08:00:00Z").getTime();
    vi.setSystemTime(t);
    const cookie = await signInAs("board@example.org");
    for (let i = 0; i < 28; i++) {
      t += 25 * 60 * 1000;
      vi.setSystemTime(t);
      expect(await home(cookie)).toHaveProperty("figures");
    }
    t += 25 * 60 * 1000; // 12 h 5 min after sign-in
    vi.setSystemTime(t);
    expect(statusOf(await home(cookie))).toBe(302);
  });

  it("signs out: the session is revoked and the cookie cleared", async () => {
    const cookie = await signInAs("ccg@example.org");
    const result = (await settle(() => logoutAction({ request: postRequest("/logout", {}, cookie), params: {}, context: {} }))) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/login");
    expect(result.headers.get("Set-Cookie")).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    expect(statusOf(await home(cookie))).toBe(302);
  });

  it("ends every session of a user who is disabled", async () => {
    const cookie = await signInAs("ig.council@example.org");
    const user = getDb().select().from(users).where(eq(users.email, "ig.council@example.org")).get()!;
    disableUser({ actor: SYSTEM_ACTOR, userId: user.id });
    expect(statusOf(await home(cookie))).toBe(302);
    const open = getDb().select().from(sessions).where(eq(sessions.userId, user.id)).all().filter((s) => !s.revokedAt);
    expect(open).toEqual([]);
    expect(statusOf(await login("ig.council@example.org", "shareboard-demo"))).toBe(400);
  });

  it("refuses a cookie whose signature was tampered with, even once the genuine cookie has been checked", async () => {
    const cookie = await signInAs("programme@example.org");
    expect(await home(cookie)).toHaveProperty("figures");
    expect(await home(cookie)).toHaveProperty("figures");
    const [name, value] = cookie.split("=");
    const tampered = `${name}=${value!.slice(0, -2)}${value!.endsWith("AA") ? "BB" : "AA"}`;
    expect(statusOf(await home(tampered))).toBe(302);
    expect(await home(cookie)).toHaveProperty("figures");
  });

  it("checks a long cookie header (other cookies beside the session's) every time, and still refuses a tampered one", async () => {
    const cookie = await signInAs("programme@example.org");
    const long = `${cookie}; tracking=${"x".repeat(600)}`;
    expect(await home(long)).toHaveProperty("figures");
    expect(await home(long)).toHaveProperty("figures");
    const [name, value] = cookie.split("=");
    const tampered = `${name}=${value!.slice(0, -2)}${value!.endsWith("AA") ? "BB" : "AA"}; tracking=${"x".repeat(600)}`;
    expect(statusOf(await home(tampered))).toBe(302);
  });

  it("asks who is signed in once per page request, and afresh for a form's request (its action may sign out)", async () => {
    const cookie = await signInAs("ccg@example.org");
    const user = getDb().select().from(users).where(eq(users.email, "ccg@example.org")).get()!;
    const revoke = () => getDb().update(sessions).set({ revokedAt: Date.now() }).where(eq(sessions.userId, user.id)).run();
    const restore = () => getDb().update(sessions).set({ revokedAt: null }).where(eq(sessions.userId, user.id)).run();
    const inRequest = <T>(run: () => Promise<T>) => requestStore().run({ requestId: "test-request" }, run);
    // A page: the root loader and the page's loader ask; the session ended between them is still
    // the one the page was asked with.
    const page = await inRequest(async () => {
      const first = await getCurrentUser(getRequest("/", cookie));
      revoke();
      return [first, await getCurrentUser(getRequest("/", cookie))];
    });
    expect(page.map((u) => u?.email)).toEqual(["ccg@example.org", "ccg@example.org"]);
    // The next request asks again.
    expect(await inRequest(() => getCurrentUser(getRequest("/", cookie)))).toBeNull();
    restore();
    const form = await inRequest(async () => {
      const first = await getCurrentUser(postRequest("/logout", {}, cookie));
      revoke();
      return [first, await getCurrentUser(postRequest("/logout", {}, cookie))];
    });
    expect(form.map((u) => u?.email ?? null)).toEqual(["ccg@example.org", null]);
  });

  it("sets an HttpOnly, SameSite=Lax cookie, with __Host- and Secure over HTTPS", async () => {
    const plain = (await settle(() =>
      loginAction({ request: postRequest("/login", { email: "admin@example.org", password: "shareboard-demo" }), params: {}, context: {} }),
    )) as Response;
    expect(plain.headers.get("Set-Cookie")).toMatch(/^shareboard_session=.*HttpOnly.*SameSite=Lax/);
    const secureRequest = new Request("https://shareboard.example/login", {
      method: "POST",
      body: new URLSearchParams({ email: "admin@example.org", password: "shareboard-demo" }),
    });
    const secure = (await settle(() => loginAction({ request: secureRequest, params: {}, context: {} }))) as Response;
    const header = secure.headers.get("Set-Cookie")!;
    expect(header).toMatch(/^__Host-shareboard_session=/);
    expect(header).toContain("Secure");
    expect(header).toContain("Path=/");
  });
});

describe("role checks", () => {
  const refused = ["board", "programme", "ig", "ig.gp", "ccg", "practitioner", "practitioner2"];
  for (const who of refused) {
    it(`refuses ${who}@example.org the admin page with 403 and audits the refusal`, async () => {
      const cookie = await signInAs(`${who}@example.org`);
      const result = await settle(() => adminLoader({ request: getRequest("/admin", cookie), params: {}, context: {} }));
      expect(statusOf(result)).toBe(403);
      const last = getDb().select().from(auditLog).where(eq(auditLog.action, "access.refused")).all().at(-1)!;
      expect(last.actorLabel).toBe(`${who}@example.org`);
      expect(last.entityId).toBe("/admin");
    });
  }

  it("lets the administrator in", async () => {
    const cookie = await signInAs("admin@example.org");
    const result = (await adminLoader({ request: getRequest("/admin", cookie), params: {}, context: {} })) as { chain: { ok: boolean } };
    expect(result.chain.ok).toBe(true);
  });
});
