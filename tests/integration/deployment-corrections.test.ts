import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { SYSTEM_ACTOR } from "~/lib/audit.server";
import { readFlash } from "~/lib/flash.server";
import { auditLog, deploymentStatusEvents, deploymentStatusIntervals } from "../../db/schema";
import { action as newDeployment, loader as newDeploymentForm } from "~/routes/rollout.deployments.new";
import { action as changeStatus } from "~/routes/rollout.deployments.$deploymentId_.status";
import { action as voidEvent } from "~/routes/rollout.deployments.$deploymentId_.events.$eventId.void";
import { loader as deploymentPage } from "~/routes/rollout.deployments.$deploymentId";
import { createService, getDeployment, listDeployments } from "~/models/rollout.server";
import { getProgrammeSummary } from "~/models/summary.server";
import { dataOf, getRequest, postRequest, settle, signInAs, statusOf } from "../helpers/requests";

type Route = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown;
type Errors = { errors: Record<string, string> };

let serviceCount = 0;
/** A new service with no deployments yet, so each test records its own. */
function newService() {
  serviceCount += 1;
  return createService({ actor: SYSTEM_ACTOR, organisationId: 1, input: { name: `Correction test service ${serviceCount}`, category: null, description: null } });
}

async function addDeployment(cookie: string, serviceId: number, fields: Record<string, string> = {}) {
  const result = (await settle(() =>
    (newDeployment as Route)({ request: postRequest("/rollout/deployments/new", { serviceId: String(serviceId), capabilityCode: "mig_view", status: "planned", effectiveOn: "2016-10-31", ...fields }, cookie), params: {}, context: {} }),
  )) as Response;
  expect(result.status, "the deployment is added").toBe(302);
  return Number(result.headers.get("Location")!.split("/").at(-1));
}

function postStatus(cookie: string, id: number, fields: Record<string, string>) {
  return settle(() => (changeStatus as Route)({ request: postRequest(`/rollout/deployments/${id}/status`, fields, cookie), params: { deploymentId: String(id) }, context: {} }));
}

function postVoid(cookie: string, id: number, eventId: number, fields: Record<string, string>) {
  return settle(() =>
    (voidEvent as Route)({ request: postRequest(`/rollout/deployments/${id}/events/${eventId}/void`, fields, cookie), params: { deploymentId: String(id), eventId: String(eventId) }, context: {} }),
  );
}

async function flashOf(response: Response) {
  const cookie = response.headers.get("Set-Cookie")!.split(";")[0]!;
  return (await readFlash(new Request("http://localhost/", { headers: { Cookie: cookie } }))).message;
}

describe("status changes that make no sense are refused at the field (finding 3)", () => {
  it("refuses a change dated before the deployment's first status, says why and what to do, and records nothing", async () => {
    const cookie = await signInAs("programme@example.org");
    const id = await addDeployment(cookie, newService().id);
    const result = await postStatus(cookie, id, { status: "in_progress", effectiveOn: "2016-10-20" });
    expect(statusOf(result)).toBe(400);
    expect(dataOf<Errors>(result).errors.effectiveOn).toBe(
      "Enter a date on or after 31 October 2016, when the deployment's first status (planned) starts. If it really started earlier, mark that first status as recorded in error and record the right one",
    );
    expect(getDb().select().from(deploymentStatusEvents).where(eq(deploymentStatusEvents.deploymentId, id)).all()).toHaveLength(1);
    expect(getDeployment({ id })!.currentStatus).toBe("planned");
  });

  it("refuses the same status twice in a row: in force on the date, just before a change that day, or next", async () => {
    const cookie = await signInAs("programme@example.org");
    const id = await addDeployment(cookie, newService().id, { effectiveOn: "2016-09-01" });
    expect(statusOf(await postStatus(cookie, id, { status: "live", effectiveOn: "2016-10-10" }))).toBe(302);

    const again = await postStatus(cookie, id, { status: "planned", effectiveOn: "2016-09-20" });
    expect(dataOf<Errors>(again).errors.status).toMatch(/^The deployment was already planned on 20 September 2016 \(since 1 September 2016\): the same status twice in a row changes nothing/);
    const beforeNext = await postStatus(cookie, id, { status: "live", effectiveOn: "2016-09-20" });
    expect(dataOf<Errors>(beforeNext).errors.status).toMatch(/^The deployment becomes live on 10 October 2016 already: the same status twice in a row/);
    const sameDay = await postStatus(cookie, id, { status: "planned", effectiveOn: "2016-10-10" });
    expect(dataOf<Errors>(sameDay).errors.status).toMatch(/^The deployment was planned until 10 October 2016, when it became live: planned again from the same day is the same status twice in a row/);
    const future = await postStatus(cookie, id, { status: "paused", effectiveOn: "2016-11-01" });
    expect(dataOf<Errors>(future).errors.effectiveOn).toMatch(/^Enter a date on or before the reporting date, 31 October 2016/);

    // A change between two others that makes sense is still accepted (history caught up late).
    const between = (await postStatus(cookie, id, { status: "in_progress", effectiveOn: "2016-09-20" })) as Response;
    expect(between.status).toBe(302);
    expect(await flashOf(between)).toBe("Recorded: in progress from 20 September 2016. A later change is on record, so its status as at the reporting date is live.");
  });
});

describe("a new deployment's first status date", () => {
  it("offers the reporting date by default and starts the history on the date given", async () => {
    const cookie = await signInAs("programme@example.org");
    const form = (await (newDeploymentForm as Route)({ request: getRequest("/rollout/deployments/new", cookie), params: {}, context: {} })) as { reportingDate: string };
    expect(form.reportingDate).toBe("2016-10-31");

    const id = await addDeployment(cookie, newService().id, { effectiveOn: "2016-09-01" });
    expect(listDeployments({ asAt: "2016-08-31" }).rows.some((d) => d.id === id)).toBe(false);
    expect(listDeployments({ asAt: "2016-09-01" }).rows.find((d) => d.id === id)?.status).toBe("planned");
    // The change the finding saw ignored ("In progress from 20 Oct") now takes effect.
    const change = (await postStatus(cookie, id, { status: "in_progress", effectiveOn: "2016-10-20" })) as Response;
    expect(change.status).toBe(302);
    expect(await flashOf(change)).toMatch(/is now in progress \(from 20 October 2016\)\.$/);
    expect(getDeployment({ id })).toMatchObject({ currentStatus: "in_progress", statusAsAt: "in_progress", wentLiveOn: null });
  });

  it("refuses a first status dated after the reporting date at the field", async () => {
    const cookie = await signInAs("programme@example.org");
    const result = await settle(() =>
      (newDeployment as Route)({ request: postRequest("/rollout/deployments/new", { serviceId: String(newService().id), capabilityCode: "mig_view", status: "planned", effectiveOn: "2016-11-01" }, cookie), params: {}, context: {} }),
    );
    expect(statusOf(result)).toBe(400);
    expect(dataOf<Errors>(result).errors.effectiveOn).toMatch(/on or before the reporting date, 31 October 2016/);
  });
});

describe("a correction voids a status event recorded in error", () => {
  function liveDeploymentAsAtMilestone() {
    const live = listDeployments({ asAt: "2016-07-31", status: "live", capability: "mig_view" }).rows[0]!;
    const event = getDeployment({ id: live.id })!.events.find((e) => e.status === "live" && !e.voidedAt)!;
    return { live, event };
  }

  it("recomputes the status and the summary as at every date after it, and leaves earlier dates alone", async () => {
    const cookie = await signInAs("programme@example.org");
    const { live, event } = liveDeploymentAsAtMilestone();
    const dayBefore = "2014-01-01";
    const before = {
      milestone: getProgrammeSummary({ asAt: "2016-07-31" }).servicesLive,
      early: getProgrammeSummary({ asAt: dayBefore }).servicesLive,
      reporting: getProgrammeSummary({ asAt: "2016-10-31" }).servicesLive,
      liveOnReportingDate: getDeployment({ id: live.id })!.currentStatus === "live",
    };
    expect(before.milestone).toBe(32);

    const result = (await postVoid(cookie, live.id, event.id, { reason: "Entered against the wrong service" })) as Response;
    expect(result.status).toBe(302);
    expect(await flashOf(result)).toMatch(new RegExp(`^The live status from .* is marked as recorded in error; its status as at the reporting date is (in progress|paused|planned)\\.$`));

    expect(getProgrammeSummary({ asAt: "2016-07-31" }).servicesLive).toBe(31);
    expect(getProgrammeSummary({ asAt: "2016-10-31" }).servicesLive).toBe(before.reporting - (before.liveOnReportingDate ? 1 : 0));
    expect(getProgrammeSummary({ asAt: dayBefore }).servicesLive).toBe(before.early);
    const detail = getDeployment({ id: live.id, asAt: "2016-07-31" })!;
    expect(detail.statusAsAt).not.toBe("live");
    expect(detail.wentLiveOn).toBeNull();
    expect(getDb().select().from(deploymentStatusIntervals).where(and(eq(deploymentStatusIntervals.deploymentId, live.id), eq(deploymentStatusIntervals.status, "live"))).all()).toEqual([]);
    const audited = getDb().select().from(auditLog).where(and(eq(auditLog.action, "deployment.status_void"), eq(auditLog.entityId, String(live.id)))).get();
    expect(audited?.actorLabel).toBe("programme@example.org");
    expect(JSON.parse(audited!.after!).event.voidReason).toBe("Entered against the wrong service");
  });

  it("keeps the voided event in the deployment's history, marked recorded in error with its reason", async () => {
    const cookie = await signInAs("programme@example.org");
    const id = await addDeployment(cookie, newService().id, { effectiveOn: "2016-09-01" });
    await postStatus(cookie, id, { status: "live", effectiveOn: "2016-10-01" });
    const liveEvent = getDeployment({ id })!.events.find((e) => e.status === "live")!;
    await postVoid(cookie, id, liveEvent.id, { reason: "Go-live was cancelled before it happened" });

    const page = (await (deploymentPage as Route)({ request: getRequest(`/rollout/deployments/${id}`, cookie), params: { deploymentId: String(id) }, context: {} })) as { deployment: ReturnType<typeof getDeployment> };
    const d = page.deployment!;
    expect(d.events.map((e) => [e.status, e.effectiveOn, e.voidReason])).toEqual([
      ["planned", "2016-09-01", null],
      ["live", "2016-10-01", "Go-live was cancelled before it happened"],
    ]);
    expect(d.events[1]!.voidedAt).toBeTruthy();
    expect(d).toMatchObject({ currentStatus: "planned", statusAsAt: "planned", wentLiveOn: null });
    expect(d.intervals).toEqual([{ status: "planned", validFrom: "2016-09-01", validTo: null }]);

    const twice = await postVoid(cookie, id, liveEvent.id, { reason: "Again" });
    expect(dataOf<Errors>(twice).errors.reason).toMatch(/^This status was already marked as recorded in error on/);
  });

  it("asks for the reason", async () => {
    const cookie = await signInAs("programme@example.org");
    const id = await addDeployment(cookie, newService().id);
    const eventId = getDeployment({ id })!.events[0]!.id;
    const result = await postVoid(cookie, id, eventId, { reason: "  " });
    expect(statusOf(result)).toBe(400);
    expect(dataOf<Errors>(result).errors.reason).toBe("Enter why this status was recorded in error");
    expect(getDeployment({ id })!.events[0]!.voidedAt).toBeNull();
  });

  it("is refused to every role but the programme team (403), and the refusal is audited", async () => {
    const { live, event } = liveDeploymentAsAtMilestone();
    for (const email of ["admin@example.org", "board@example.org", "ig@example.org", "ccg@example.org", "practitioner@example.org"]) {
      const cookie = await signInAs(email);
      const result = await postVoid(cookie, live.id, event.id, { reason: "Not mine to correct" });
      expect(statusOf(result), email).toBe(403);
      const refusal = getDb()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "access.refused"), eq(auditLog.entityId, `/rollout/deployments/${live.id}/events/${event.id}/void`)))
        .all()
        .filter((r) => r.actorLabel === email);
      expect(refusal, email).toHaveLength(1);
    }
    expect(getDb().select().from(deploymentStatusEvents).where(eq(deploymentStatusEvents.id, event.id)).get()!.voidedAt).toBeNull();
  });
});
