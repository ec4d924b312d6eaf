import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { action as tokensAction, loader as tokensLoader } from "~/routes/admin.tokens";
import { action as settingsAction, loader as settingsLoader } from "~/routes/admin.settings";
import { action as adminAction } from "~/routes/admin._index";
import { authenticateApiToken } from "~/models/api-tokens.server";
import { getReportingDate, getSettings } from "~/models/settings.server";
import { getDb } from "~/lib/db.server";
import { apiTokens, auditLog, users } from "../../db/schema";
import { dataOf, getRequest, postRequest, settle, signInAs, statusOf } from "../helpers/requests";

const NOT_ADMIN = ["board", "programme", "ig", "ccg", "practitioner"];

describe("API tokens", () => {
  it("creates a token shown once, stores only its hash, and the token opens the API until revoked", async () => {
    const cookie = await signInAs("admin@example.org");
    const created = dataOf<{ created: { token: string } }>(
      await tokensAction({ request: postRequest("/admin/tokens", { intent: "create", name: "Acute BI", expiresOn: "" }, cookie), params: {}, context: {} }),
    ).created;
    expect(created.token).toMatch(/^sbt_/);
    const row = getDb().select().from(apiTokens).where(eq(apiTokens.name, "Acute BI")).get()!;
    expect(row.tokenHash).not.toContain(created.token);
    expect(JSON.stringify(row)).not.toContain(created.token);
    expect(authenticateApiToken({ token: created.token, path: "/api/v1/summary", ip: null })).toMatchObject({ name: "Acute BI" });
    const used = getDb().select().from(auditLog).where(eq(auditLog.action, "api.read")).all();
    expect(used.at(-1)?.after).toContain("/api/v1/summary");

    const revoke = (await settle(() => tokensAction({ request: postRequest("/admin/tokens", { intent: "revoke", tokenId: String(row.id) }, cookie), params: {}, context: {} }))) as Response;
    expect(revoke.status).toBe(302);
    expect(authenticateApiToken({ token: created.token, path: "/api/v1/summary", ip: null })).toBeNull();
    const listed = (await tokensLoader({ request: getRequest("/admin/tokens", cookie), params: {}, context: {} })) as { tokens: { name: string; revokedAt: string | null }[] };
    expect(listed.tokens.find((t) => t.name === "Acute BI")?.revokedAt).toBeTruthy();
  });

  it("asks for a name and a well-formed expiry date", async () => {
    const cookie = await signInAs("admin@example.org");
    const result = await tokensAction({ request: postRequest("/admin/tokens", { intent: "create", name: " ", expiresOn: "31/12/2030" }, cookie), params: {}, context: {} });
    expect(statusOf(result)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(result).errors).toMatchObject({
      name: expect.stringMatching(/Enter a name/),
      expiresOn: "The expiry date must be a real date",
    });
  });

  it("refuses an unknown or expired token", async () => {
    expect(authenticateApiToken({ token: "sbt_not-a-real-token", path: "/api/v1/summary", ip: null })).toBeNull();
    expect(authenticateApiToken({ token: "Bearer nonsense", path: "/api/v1/summary", ip: null })).toBeNull();
    const cookie = await signInAs("admin@example.org");
    const created = dataOf<{ created: { token: string } }>(
      await tokensAction({ request: postRequest("/admin/tokens", { intent: "create", name: "Old", expiresOn: "2020-01-01" }, cookie), params: {}, context: {} }),
    ).created;
    expect(authenticateApiToken({ token: created.token, path: "/api/v1/summary", ip: null })).toBeNull();
  });

  for (const who of NOT_ADMIN) {
    it(`refuses ${who}@example.org the token page and its actions`, async () => {
      const cookie = await signInAs(`${who}@example.org`);
      expect(statusOf(await settle(() => tokensLoader({ request: getRequest("/admin/tokens", cookie), params: {}, context: {} })))).toBe(403);
      expect(statusOf(await settle(() => tokensAction({ request: postRequest("/admin/tokens", { intent: "create", name: "x" }, cookie), params: {}, context: {} })))).toBe(403);
      expect(statusOf(await settle(() => settingsAction({ request: postRequest("/admin/settings", {}, cookie), params: {}, context: {} })))).toBe(403);
      expect(statusOf(await settle(() => adminAction({ request: postRequest("/admin", { intent: "disable", userId: "1" }, cookie), params: {}, context: {} })))).toBe(403);
    });
  }
});

describe("settings", () => {
  const valid = {
    partnership_name: "Test partnership",
    reporting_date: "2016-07-31",
    opt_in_target_percent: "65",
    maturity_low_threshold_percent: "40",
    case_sla_working_days: "15",
    indemnity_warning_days: "60",
    agreement_review_notice_days: "90",
  };

  it("saves valid settings, audits the change, and the reporting date moves", async () => {
    const cookie = await signInAs("admin@example.org");
    const result = (await settle(() => settingsAction({ request: postRequest("/admin/settings", valid, cookie), params: {}, context: {} }))) as Response;
    expect(result.status).toBe(302);
    expect(getReportingDate()).toBe("2016-07-31");
    expect(getSettings()).toMatchObject({ partnership_name: "Test partnership", opt_in_target_percent: 65, case_sla_working_days: 15 });
    const row = getDb().select().from(auditLog).where(eq(auditLog.action, "settings.update")).all().at(-1)!;
    expect(row.before).toContain("2016-10-31");
    expect(row.after).toContain("2016-07-31");
  });

  it("refuses bad values with a message per field and keeps what was typed", async () => {
    const cookie = await signInAs("admin@example.org");
    const before = getSettings();
    const result = await settingsAction({
      request: postRequest("/admin/settings", { ...valid, reporting_date: "2016-02-30", opt_in_target_percent: "150", case_sla_working_days: "2.5" }, cookie),
      params: {},
      context: {},
    });
    expect(statusOf(result)).toBe(400);
    const body = dataOf<{ errors: Record<string, string>; values: Record<string, string> }>(result);
    expect(body.errors.reporting_date).toBe("The reporting date must be a real date");
    expect(body.errors.opt_in_target_percent).toMatch(/between 0 and 100/);
    expect(body.errors.case_sla_working_days).toMatch(/whole number/);
    expect(body.values.opt_in_target_percent).toBe("150");
    expect(getSettings()).toEqual(before);
    expect(await settingsLoader({ request: getRequest("/admin/settings", cookie), params: {}, context: {} })).toHaveProperty("settings");
  });
});

describe("users", () => {
  it("refuses a malformed user action with 400 and changes nothing", async () => {
    const cookie = await signInAs("admin@example.org");
    const before = getDb().select().from(users).all().filter((u) => u.disabledAt).length;
    const malformed: Record<string, string>[] = [{ intent: "delete", userId: "2" }, { intent: "disable", userId: "x" }, { intent: "disable" }];
    for (const fields of malformed) {
      const result = await settle(() => adminAction({ request: postRequest("/admin", fields, cookie), params: {}, context: {} }));
      expect(statusOf(result)).toBe(400);
    }
    expect(getDb().select().from(users).all().filter((u) => u.disabledAt).length).toBe(before);
  });

  it("lets an administrator disable and enable a user, but not themselves", async () => {
    const cookie = await signInAs("admin@example.org");
    const target = getDb().select().from(users).where(eq(users.email, "ig.hospice@example.org")).get()!;
    const self = getDb().select().from(users).where(eq(users.email, "admin@example.org")).get()!;
    await settle(() => adminAction({ request: postRequest("/admin", { intent: "disable", userId: String(target.id) }, cookie), params: {}, context: {} }));
    expect(getDb().select().from(users).where(eq(users.id, target.id)).get()!.disabledAt).toBeTruthy();
    await settle(() => adminAction({ request: postRequest("/admin", { intent: "enable", userId: String(target.id) }, cookie), params: {}, context: {} }));
    expect(getDb().select().from(users).where(eq(users.id, target.id)).get()!.disabledAt).toBeNull();
    await settle(() => adminAction({ request: postRequest("/admin", { intent: "disable", userId: String(self.id) }, cookie), params: {}, context: {} }));
    expect(getDb().select().from(users).where(eq(users.id, self.id)).get()!.disabledAt).toBeNull();
  });
});
