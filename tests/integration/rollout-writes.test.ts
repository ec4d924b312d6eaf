import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { auditLog, deploymentUsage, organisations, priorityEndorsements } from "../../db/schema";
import { action as newOrganisation } from "~/routes/organisations.new";
import { action as editOrganisation } from "~/routes/organisations.$odsCode_.edit";
import { action as newService } from "~/routes/organisations.$odsCode_.services.new";
import { action as editService } from "~/routes/organisations.$odsCode_.services.$serviceId.edit";
import { action as newDeployment } from "~/routes/rollout.deployments.new";
import { action as changeStatus } from "~/routes/rollout.deployments.$deploymentId_.status";
import { action as editDeployment } from "~/routes/rollout.deployments.$deploymentId_.edit";
import { action as recordUsage } from "~/routes/rollout.deployments.$deploymentId_.usage";
import { action as importOrganisations } from "~/routes/organisations.import";
import { action as importUsage } from "~/routes/rollout.usage.import";
import { action as endorse } from "~/routes/rollout.priorities.$priorityId.endorse";
import { dataOf, postRequest, settle, signInAs, statusOf } from "../helpers/requests";

type Action = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown;

// Every write on the roll-out pages, with a valid body: only the role named may do it.
const PROGRAMME_WRITES: { name: string; action: Action; path: string; params: Record<string, string>; body: Record<string, string> }[] = [
  { name: "add an organisation", action: newOrganisation as Action, path: "/organisations/new", params: {}, body: { odsCode: "P99901", name: "Refused Practice", type: "gp_practice", status: "active" } },
  { name: "edit an organisation", action: editOrganisation as Action, path: "/organisations/RRF/edit", params: { odsCode: "RRF" }, body: { odsCode: "RRF", name: "Renamed", type: "acute_trust", status: "active" } },
  { name: "add a service", action: newService as Action, path: "/organisations/RRF/services/new", params: { odsCode: "RRF" }, body: { name: "Refused service" } },
  { name: "edit a service", action: editService as Action, path: "/organisations/RY2/services/1/edit", params: { odsCode: "RY2", serviceId: "1" }, body: { name: "Renamed service" } },
  { name: "add a deployment", action: newDeployment as Action, path: "/rollout/deployments/new", params: {}, body: { serviceId: "45", capabilityCode: "mig_view", status: "planned", effectiveOn: "2016-10-01" } },
  { name: "change a deployment's status", action: changeStatus as Action, path: "/rollout/deployments/40/status", params: { deploymentId: "40" }, body: { status: "live", effectiveOn: "2016-10-31" } },
  { name: "edit a deployment", action: editDeployment as Action, path: "/rollout/deployments/40/edit", params: { deploymentId: "40" }, body: { owner: "Someone else" } },
  { name: "record usage", action: recordUsage as Action, path: "/rollout/deployments/40/usage", params: { deploymentId: "40" }, body: { month: "2016-10", views: "10" } },
  { name: "import organisations", action: importOrganisations as Action, path: "/organisations/import", params: {}, body: { intent: "confirm", stageId: "0".repeat(32) } },
  { name: "import usage", action: importUsage as Action, path: "/rollout/usage/import", params: {}, body: { intent: "confirm", stageId: "0".repeat(32) } },
];

const NON_PROGRAMME = ["admin@example.org", "board@example.org", "ig@example.org", "ccg@example.org", "practitioner@example.org"];

describe("only the programme team changes roll-out data", () => {
  for (const email of NON_PROGRAMME) {
    it(`refuses every roll-out write to ${email} with 403, and audits the refusals`, async () => {
      const cookie = await signInAs(email);
      for (const write of PROGRAMME_WRITES) {
        const result = await settle(() => write.action({ request: postRequest(write.path, write.body, cookie), params: write.params, context: {} }));
        expect(statusOf(result), write.name).toBe(403);
      }
      const refusals = getDb().select().from(auditLog).where(eq(auditLog.action, "access.refused")).all().filter((r) => r.actorLabel === email);
      expect(refusals.length).toBeGreaterThanOrEqual(PROGRAMME_WRITES.length);
      expect(getDb().select().from(organisations).where(eq(organisations.odsCode, "P99901")).get()).toBeUndefined();
    });
  }

  it("refuses the board's endorsement to every other role", async () => {
    for (const email of ["admin@example.org", "programme@example.org", "ig@example.org", "ccg@example.org", "practitioner@example.org"]) {
      const cookie = await signInAs(email);
      const result = await settle(() => (endorse as Action)({ request: postRequest("/rollout/priorities/2/endorse", { endorsedOn: "2016-10-11", minuteReference: "X" }, cookie), params: { priorityId: "2" }, context: {} }));
      expect(statusOf(result), email).toBe(403);
    }
  });
});

describe("programme team forms", () => {
  it("shows every problem with an organisation at once and keeps what was typed", async () => {
    const cookie = await signInAs("programme@example.org");
    const result = await settle(() => (newOrganisation as Action)({ request: postRequest("/organisations/new", { odsCode: "rrf", name: "", type: "gp_practice", listSize: "lots" }, cookie), params: {}, context: {} }));
    expect(statusOf(result)).toBe(400);
    const { errors, values } = dataOf<{ errors: Record<string, string>; values: Record<string, string> }>(result);
    expect(errors).toMatchObject({ name: "Enter the organisation's name", listSize: "Enter the list size as a whole number, like 6500" });
    expect(values.listSize).toBe("lots");
  });

  it("refuses a duplicate ODS code and a second deployment of one capability at a service", async () => {
    const cookie = await signInAs("programme@example.org");
    const dup = await settle(() => (newOrganisation as Action)({ request: postRequest("/organisations/new", { odsCode: "RRF", name: "Again", type: "acute_trust", status: "active" }, cookie), params: {}, context: {} }));
    expect(dataOf<{ errors: Record<string, string> }>(dup).errors.odsCode).toBe("An organisation with ODS code RRF already exists");
    const again = await settle(() => (newDeployment as Action)({ request: postRequest("/rollout/deployments/new", { serviceId: "1", capabilityCode: "mig_view", status: "planned", effectiveOn: "2016-10-01" }, cookie), params: {}, context: {} }));
    expect(statusOf(again)).toBe(400);
    expect(dataOf<{ errors: Record<string, string> }>(again).errors.capabilityCode).toMatch(/already has a Detailed care record view \(MIG\) deployment/);
    // The error links to the deployment that already exists, so the user can change its status there.
    expect(dataOf<{ existingHref: string }>(again).existingHref).toMatch(/^\/rollout\/deployments\/\d+$/);
  });

  it("moves a deployment to live through the form, defaulting to what it was given", async () => {
    const cookie = await signInAs("programme@example.org");
    const result = (await settle(() => (changeStatus as Action)({ request: postRequest("/rollout/deployments/40/status", { status: "live", effectiveOn: "2016-10-31", note: "Smartcards arrived" }, cookie), params: { deploymentId: "40" }, context: {} }))) as Response;
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/rollout/deployments/40");
    const future = await settle(() => (changeStatus as Action)({ request: postRequest("/rollout/deployments/40/status", { status: "paused", effectiveOn: "2016-11-30" }, cookie), params: { deploymentId: "40" }, context: {} }));
    expect(dataOf<{ errors: Record<string, string> }>(future).errors.effectiveOn).toMatch(/on or before the reporting date, 31 October 2016/);
  });

  it("records usage for the month typed into the month input, and refuses a month it cannot use with the NHS message", async () => {
    const cookie = await signInAs("programme@example.org");
    const post = (fields: Record<string, string>) => settle(() => (recordUsage as Action)({ request: postRequest("/rollout/deployments/40/usage", fields, cookie), params: { deploymentId: "40" }, context: {} }));
    const saved = (await post({ "month-month": "9", "month-year": "2016", views: "1,234" })) as Response;
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe("/rollout/deployments/40");
    expect(getDb().select().from(deploymentUsage).where(and(eq(deploymentUsage.deploymentId, 40), eq(deploymentUsage.month, "2016-09"))).get()?.views).toBe(1234);
    const refusals: [Record<string, string>, string][] = [
      [{ "month-month": "", "month-year": "" }, "Enter the month"],
      [{ "month-month": "", "month-year": "2016" }, "The month must include a month"],
      [{ "month-month": "13", "month-year": "2016" }, "The month must be a real month"],
      [{ "month-month": "10", "month-year": "16" }, "Year must include 4 numbers"],
      [{ "month-month": "11", "month-year": "2016" }, "Enter a month up to the reporting month, Oct 2016"],
    ];
    for (const [fields, message] of refusals) {
      const refused = await post({ ...fields, views: "10" });
      expect(statusOf(refused), message).toBe(400);
      const { errors, values } = dataOf<{ errors: Record<string, string>; values: Record<string, string> }>(refused);
      expect(errors.month).toBe(message);
      expect(values.views).toBe("10");
    }
  });

  it("lets the board record an endorsement, which is audited", async () => {
    const cookie = await signInAs("board@example.org");
    const result = (await settle(() => (endorse as Action)({ request: postRequest("/rollout/priorities/2/endorse", { endorsedOn: "2016-10-11", minuteReference: "IM&T board minute 2016/10/3" }, cookie), params: { priorityId: "2" }, context: {} }))) as Response;
    expect(result.status).toBe(302);
    expect(getDb().select().from(priorityEndorsements).where(and(eq(priorityEndorsements.priorityId, 2), eq(priorityEndorsements.endorsedOn, "2016-10-11"))).get()).toBeTruthy();
    expect(getDb().select().from(auditLog).where(and(eq(auditLog.action, "priority.endorse"), eq(auditLog.entityId, "2"))).get()).toBeTruthy();
  });
});
