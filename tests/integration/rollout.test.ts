import { describe, expect, it } from "vitest";
import { and, desc, eq } from "drizzle-orm";
import { parse } from "csv-parse/sync";
import { getDb } from "~/lib/db.server";
import { SYSTEM_ACTOR } from "~/lib/audit.server";
import { auditLog, deployments } from "../../db/schema";
import { changeDeploymentStatus, countPractices, countServicesLive, listDeployments, RolloutRuleError } from "~/models/rollout.server";
import { listOrganisations } from "~/models/organisations.server";
import { listMilestoneProgress, listPriorities } from "~/models/milestones.server";
import { createDeployment, createOrganisation, createService, ensureCapabilities } from "../../seeds/factories";
import { loader as rolloutLoader } from "~/routes/rollout._index";
import { loader as rolloutCsv } from "~/routes/rollout[.]csv";
import { loader as organisationsLoader } from "~/routes/organisations._index";
import { loader as organisationsCsv } from "~/routes/organisations[.]csv";
import { loader as organisationLoader } from "~/routes/organisations.$odsCode/route";
import { getRequest, settle, signInAs, statusOf, pageDataOf } from "../helpers/requests";

const db = () => getDb();

/** A deployment with a known history at a new service, for as-at tests. */
function fixture(name: string, plannedGoLive: string, events: { status: "planned" | "in_progress" | "live" | "paused" | "withdrawn"; effectiveOn: string }[]) {
  const caps = ensureCapabilities(db());
  const org = createOrganisation(db(), { name: `${name} org`, type: "community_provider", odsCode: `T${Math.floor(Math.random() * 90000 + 10000)}`, locality: "Testborough" });
  const service = createService(db(), { organisationId: org.id, name });
  return { org, service, deployment: createDeployment(db(), { serviceId: service.id, capabilityId: caps.mig_view.id, plannedGoLive, events }) };
}

type RolloutPage = { chart: { servicesLive: number; data: { month: string; servicesLive: number | null }[] }; deployments: { total: number } };
type OrganisationsPage = { practices: { total: number; signedUp: number }; organisations: { total: number } };
const statusOn = (deploymentId: number, asAt: string) => listDeployments({ asAt }).rows.find((r) => r.id === deploymentId);

describe("the position as at a date, with the demo data", () => {
  it("has exactly 32 services with the detailed care record live and all 63 practices signed up as at 31 July 2016", async () => {
    expect(countServicesLive({ asAt: "2016-07-31" })).toBe(32);
    expect(countPractices({ asAt: "2016-07-31" })).toEqual({ total: 63, signedUp: 63 });
    const cookie = await signInAs("board@example.org");
    // The registers' figures come as one JSON text (app/lib/json-text.ts), read back as the pages do.
    const page = pageDataOf<RolloutPage>(await rolloutLoader({ request: getRequest("/rollout?asAt=2016-07-31&capability=mig_view&status=live", cookie), params: {}, context: {} }));
    expect(page.chart.servicesLive).toBe(32);
    expect(page.deployments.total).toBe(32);
    expect(page.chart.data.at(-1)).toEqual({ month: "2016-07", servicesLive: 32 });
    const orgs = pageDataOf<OrganisationsPage>(await organisationsLoader({ request: getRequest("/organisations?asAt=2016-07-31&type=gp_practice", cookie), params: {}, context: {} }));
    expect(orgs.practices).toEqual({ total: 63, signedUp: 63 });
    expect(orgs.organisations.total).toBe(63);
  });

  it("counts a deployment paused after the milestone as live on 31 July but not at the reporting date", () => {
    const reablement = listDeployments({ asAt: "2016-07-31" }).rows.find((r) => r.serviceName === "Reablement service")!;
    expect(reablement.status).toBe("live");
    expect(statusOn(reablement.id, "2016-10-31")).toMatchObject({ status: "paused", actualGoLive: "2016-06-13", late: false });
  });

  it("shows a malformed as-at date as an error and the reporting date's figures", async () => {
    const cookie = await signInAs("practitioner@example.org");
    const page = (await rolloutLoader({ request: getRequest("/rollout?asAt=31/07/2016", cookie), params: {}, context: {} })) as Awaited<ReturnType<typeof rolloutLoader>>;
    expect(page.asAtError).toBe("The as-at date must be a real date");
    expect(page.asAt).toBe("2016-10-31");
  });
});

describe("status changes before, on and after the as-at date", () => {
  const { deployment } = fixture("As-at fixture", "2016-03-01", [
    { status: "planned", effectiveOn: "2016-01-10" },
    { status: "live", effectiveOn: "2016-03-15" },
    { status: "paused", effectiveOn: "2016-06-01" },
  ]);

  it("does not list a deployment before its first status event", () => {
    expect(statusOn(deployment.id, "2016-01-09")).toBeUndefined();
  });

  it("takes a change on the as-at date as in force at the end of that day", () => {
    expect(statusOn(deployment.id, "2016-03-14")).toMatchObject({ status: "planned", actualGoLive: null, late: true });
    expect(statusOn(deployment.id, "2016-03-15")).toMatchObject({ status: "live", actualGoLive: "2016-03-15", late: false });
  });

  it("ignores changes after the as-at date", () => {
    expect(statusOn(deployment.id, "2016-05-31")).toMatchObject({ status: "live" });
    expect(statusOn(deployment.id, "2016-06-01")).toMatchObject({ status: "paused", actualGoLive: "2016-03-15", late: false });
  });
});

describe("late deployments", () => {
  it("flags as late only what has passed its planned go-live without going live", () => {
    const late = fixture("Late fixture", "2016-09-30", [{ status: "in_progress", effectiveOn: "2016-08-01" }]).deployment;
    const withdrawn = fixture("Withdrawn fixture", "2016-09-30", [{ status: "planned", effectiveOn: "2016-08-01" }, { status: "withdrawn", effectiveOn: "2016-09-01" }]).deployment;
    expect(statusOn(late.id, "2016-09-30")?.late).toBe(false);
    expect(statusOn(late.id, "2016-10-01")?.late).toBe(true);
    expect(statusOn(withdrawn.id, "2016-10-31")?.late).toBe(false);
  });

  it("finds the demo data's three late deployments at the reporting date", () => {
    const late = listDeployments({ asAt: "2016-10-31", late: true }).rows.map((r) => r.serviceName).sort();
    expect(late).toEqual(expect.arrayContaining(["Hospice at home", "Integrated nursing team – Leigh West", "Specialist palliative care team"]));
  });
});

describe("changing a deployment's status", () => {
  it("records the event, keeps status and actual go-live in step, and audits it", () => {
    const { deployment } = fixture("Change fixture", "2016-10-01", [{ status: "in_progress", effectiveOn: "2016-09-01" }]);
    const before = countServicesLive({ asAt: "2016-10-31" });
    const dayBefore = countServicesLive({ asAt: "2016-10-19" });
    changeDeploymentStatus({ actor: SYSTEM_ACTOR, id: deployment.id, input: { status: "live", effectiveOn: "2016-10-20", note: "Went live" } });
    const row = db().select().from(deployments).where(eq(deployments.id, deployment.id)).get()!;
    expect(row).toMatchObject({ status: "live", actualGoLive: "2016-10-20" });
    expect(countServicesLive({ asAt: "2016-10-31" })).toBe(before + 1);
    expect(countServicesLive({ asAt: "2016-10-19" })).toBe(dayBefore);
    const audited = db().select().from(auditLog).where(and(eq(auditLog.action, "deployment.status_change"), eq(auditLog.entityId, String(deployment.id)))).orderBy(desc(auditLog.id)).get();
    expect(JSON.parse(audited!.after!)).toMatchObject({ status: "live", actualGoLive: "2016-10-20" });

    // A change dated before the latest event is history: the current status stays live.
    changeDeploymentStatus({ actor: SYSTEM_ACTOR, id: deployment.id, input: { status: "paused", effectiveOn: "2016-09-15", note: null } });
    expect(db().select().from(deployments).where(eq(deployments.id, deployment.id)).get()).toMatchObject({ status: "live", actualGoLive: "2016-10-20" });
    expect(statusOn(deployment.id, "2016-09-20")?.status).toBe("paused");
  });

  it("refuses a date after the reporting date and a change to the status it already had", () => {
    const { deployment } = fixture("Refusal fixture", "2016-10-01", [{ status: "in_progress", effectiveOn: "2016-09-01" }]);
    expect(() => changeDeploymentStatus({ actor: SYSTEM_ACTOR, id: deployment.id, input: { status: "live", effectiveOn: "2016-11-01", note: null } })).toThrow(RolloutRuleError);
    expect(() => changeDeploymentStatus({ actor: SYSTEM_ACTOR, id: deployment.id, input: { status: "in_progress", effectiveOn: "2016-10-01", note: null } })).toThrow(/already in progress/);
  });
});

describe("CSV downloads", () => {
  it("exports names that start with =, +, - or @ so a spreadsheet shows them as text", async () => {
    const caps = ensureCapabilities(db());
    const names = ["=HYPERLINK(\"http://evil.example\")", "+SUM(A1)", "-2+3", "@cmd"];
    for (const [i, name] of names.entries()) {
      const org = createOrganisation(db(), { name, type: "other", odsCode: `ZZ${i}01`, locality: "Formula" });
      const service = createService(db(), { organisationId: org.id, name });
      createDeployment(db(), { serviceId: service.id, capabilityId: caps.mig_view.id, events: [{ status: "planned", effectiveOn: "2016-01-01" }] });
    }
    const cookie = await signInAs("ccg@example.org");
    const orgCsv = (await organisationsCsv({ request: getRequest("/organisations.csv?locality=Formula&sort=odsCode", cookie), params: {}, context: {} })) as Response;
    expect(orgCsv.headers.get("Content-Type")).toContain("text/csv");
    const orgRows = parse((await orgCsv.text()).replace(/^\uFEFF/, "")) as string[][];
    expect(orgRows.slice(1).map((r) => r[2])).toEqual(names.map((n) => `'${n}`));
    const rollCsv = (await rolloutCsv({ request: getRequest("/rollout.csv?locality=Formula", cookie), params: {}, context: {} })) as Response;
    const rollRows = parse((await rollCsv.text()).replace(/^\uFEFF/, "")) as string[][];
    const serviceColumn = rollRows[0]!.indexOf("Service");
    expect(serviceColumn, `a Service column in ${rollRows[0]!.join(", ")}`).toBeGreaterThanOrEqual(0);
    expect(rollRows.slice(1).map((r) => r[serviceColumn]).sort()).toEqual(names.map((n) => `'${n}`).sort());
  });

  it("downloads the same rows as the page, with the same filters and as-at date", async () => {
    const cookie = await signInAs("board@example.org");
    const csv = (await rolloutCsv({ request: getRequest("/rollout.csv?asAt=2016-07-31&capability=mig_view&status=live", cookie), params: {}, context: {} })) as Response;
    const rows = parse((await csv.text()).replace(/^\uFEFF/, "")) as string[][];
    expect(rows.length - 1).toBe(32);
    expect(rows[0]).toContain("Planned go-live");
  });
});

describe("the organisation page", () => {
  it("shows an organisation's deployments as at the date and 404s for an unknown code", async () => {
    const cookie = await signInAs("practitioner@example.org");
    const page = (await organisationLoader({ request: getRequest("/organisations/RRF?asAt=2016-07-01", cookie), params: { odsCode: "RRF" }, context: {} })) as Awaited<ReturnType<typeof organisationLoader>>;
    expect(page.organisation.name).toContain("Wrightington");
    expect(page.sections.services.canEdit).toBe(false);
    expect(page.sections.services.deployments.find((d) => d.serviceName === "Specialist palliative care team")).toBeUndefined();
    expect(page.sections.usage.totals.toDate).toBeGreaterThan(0);
    const missing = await settle(() => organisationLoader({ request: getRequest("/organisations/NOPE1", cookie), params: { odsCode: "NOPE1" }, context: {} }));
    expect(statusOf(missing)).toBe(404);
  });

  it("lists organisations filtered by free text and counts live deployments as at the date", () => {
    const result = listOrganisations({ asAt: "2016-10-31", q: "bridgewater" });
    expect(result.total).toBe(1);
    expect(result.rows[0]!.liveDeployments).toBeGreaterThan(5);
    expect(listOrganisations({ asAt: "2014-01-01", q: "bridgewater" }).rows[0]).toMatchObject({ signedUpOn: null, liveDeployments: 0 });
  });
});

describe("milestones and priorities", () => {
  it("measures the 32-services milestone as met on its due date, and the priorities' re-endorsement", () => {
    const milestone = listMilestoneProgress({ asAt: "2016-10-31" }).find((m) => m.title.startsWith("32 services"))!;
    expect(milestone).toMatchObject({ valueAtDue: 32, state: "met" });
    const states = Object.fromEntries(listPriorities({ asAt: "2016-10-31" }).map((p) => [p.title, p.state]));
    expect(states["Two-way record flows (hospice)"]).toBe("overdue");
    expect(states["Patients' access to their own records"]).toBe("due_soon");
    expect(states["Sustain the opt-in consent model"]).toBe("endorsed");
  });
});
