import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { deploymentStatusEvents } from "../../db/schema";
import { action as changeStatus } from "~/routes/rollout.deployments.$deploymentId_.status";
import { action as settingsAction } from "~/routes/admin.settings";
import { action as tokensAction } from "~/routes/admin.tokens";
import { loader as rolloutLoader } from "~/routes/rollout._index";
import { loader as rolloutCsv } from "~/routes/rollout[.]csv";
import { dataOf, getRequest, postRequest, settle, signInAs, statusOf } from "../helpers/requests";

type Action = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown;
type Loader = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown;

const date = (name: string, day: string, month: string, year: string) => ({ [`${name}-day`]: day, [`${name}-month`]: month, [`${name}-year`]: year });

describe("dates typed into the NHS date input", () => {
  it("saves the ISO date of a day, month and year", async () => {
    const cookie = await signInAs("programme@example.org");
    const result = (await settle(() =>
      (changeStatus as Action)({ request: postRequest("/rollout/deployments/40/status", { status: "live", ...date("effectiveOn", "3", "10", "2016"), note: "Typed in three boxes" }, cookie), params: { deploymentId: "40" }, context: {} }),
    )) as Response;
    expect(result.status).toBe(302);
    const saved = getDb().select().from(deploymentStatusEvents).where(and(eq(deploymentStatusEvents.deploymentId, 40), eq(deploymentStatusEvents.note, "Typed in three boxes"))).get();
    expect(saved?.effectiveOn).toBe("2016-10-03");
  });

  it("refuses an incomplete or impossible date with the NHS message at that field, keeping what was typed", async () => {
    const cookie = await signInAs("programme@example.org");
    const post = (body: Record<string, string>) =>
      settle(() => (changeStatus as Action)({ request: postRequest("/rollout/deployments/40/status", { status: "paused", ...body }, cookie), params: { deploymentId: "40" }, context: {} }));
    const missing = await post(date("effectiveOn", "3", "", "2016"));
    expect(statusOf(missing)).toBe(400);
    const body = dataOf<{ errors: Record<string, string>; values: Record<string, string> }>(missing);
    expect(body.errors.effectiveOn).toBe("The date the status changed must include a month");
    expect(body.values.effectiveOn).toBe("2016--3");
    expect(dataOf<{ errors: Record<string, string> }>(await post(date("effectiveOn", "31", "9", "2016"))).errors.effectiveOn).toBe("The date the status changed must be a real date");
    expect(dataOf<{ errors: Record<string, string> }>(await post(date("effectiveOn", "3", "10", "16"))).errors.effectiveOn).toBe("Year must include 4 numbers");
    expect(dataOf<{ errors: Record<string, string> }>(await post(date("effectiveOn", "", "", ""))).errors.effectiveOn).toBe("Enter the date the status changed");
  });

  it("keeps a typed date on the settings and token forms when something else is refused", async () => {
    const cookie = await signInAs("admin@example.org");
    const settings = await settle(() => (settingsAction as Action)({ request: postRequest("/admin/settings", { partnership_name: "", ...date("reporting_date", "31", "10", "2016"), opt_in_target_percent: "60", maturity_low_threshold_percent: "50", case_sla_working_days: "20", indemnity_warning_days: "90", agreement_review_notice_days: "90" }, cookie), params: {}, context: {} }));
    expect(statusOf(settings)).toBe(400);
    expect(dataOf<{ values: Record<string, string> }>(settings).values.reporting_date).toBe("2016-10-31");
    const token = await settle(() => (tokensAction as Action)({ request: postRequest("/admin/tokens", { name: "", ...date("expiresOn", "1", "4", "2017") }, cookie), params: {}, context: {} }));
    expect(statusOf(token)).toBe(400);
    expect(dataOf<{ values: Record<string, string> }>(token).values.expiresOn).toBe("2017-04-01");
  });
});

describe("the as-at date from the as-at form", () => {
  it("redirects the three boxes to the canonical ?asAt=YYYY-MM-DD, keeping the other parameters", async () => {
    const cookie = await signInAs("practitioner@example.org");
    const result = (await settle(() => (rolloutLoader as Loader)({ request: getRequest(`/rollout?capability=mig_view&${new URLSearchParams(date("asAt", "31", "7", "2016"))}`, cookie), params: {}, context: {} }))) as Response;
    expect(result).toBeInstanceOf(Response);
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("?capability=mig_view&asAt=2016-07-31");
    const csv = (await settle(() => (rolloutCsv as Loader)({ request: getRequest(`/rollout.csv?${new URLSearchParams(date("asAt", "", "", ""))}`, cookie), params: {}, context: {} }))) as Response;
    expect(csv.headers.get("Location")).toBe("?");
  });

  it("shows a bad date as the page's as-at error, with the reporting date's figures", async () => {
    const cookie = await signInAs("practitioner@example.org");
    const page = (await (rolloutLoader as Loader)({ request: getRequest(`/rollout?${new URLSearchParams(date("asAt", "31", "", "2016"))}`, cookie), params: {}, context: {} })) as { asAtError: string; asAt: string };
    expect(page.asAtError).toBe("The as-at date must include a month");
    expect(page.asAt).toBe("2016-10-31");
  });

  it("still takes ?asAt=YYYY-MM-DD as it is", async () => {
    const cookie = await signInAs("practitioner@example.org");
    const page = (await (rolloutLoader as Loader)({ request: getRequest("/rollout?asAt=2016-07-31", cookie), params: {}, context: {} })) as { asAtError: string | null; asAt: string };
    expect(page).toMatchObject({ asAt: "2016-07-31", asAtError: null });
  });
});
