import { describe, expect, it } from "vitest";
import { count, eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { SYSTEM_ACTOR } from "~/lib/audit.server";
import { auditLog, maturityAssessments, maturityFrameworks, organisations, users } from "../../db/schema";
import { createDeployment, createMaturityAssessment, createOrganisation, createService, ensureCapabilities } from "../../seeds/factories";
import {
  addMaturityFramework,
  averageMaturity,
  getFramework,
  getOrganisationMaturity,
  isLowMaturity,
  lowMaturityAtRisk,
  maturityHeatMap,
  recordMaturityAssessment,
  type Assessor,
} from "~/models/maturity.server";
import { assessmentSchemaFor, evidenceField, scoreField } from "~/models/maturity.schema";
import { parseWith } from "~/lib/forms";
import { loader as maturityLoader } from "~/routes/maturity._index";
import { loader as maturityCsvLoader } from "~/routes/maturity[.]csv";
import { loader as historyLoader } from "~/routes/maturity.$odsCode";
import { action as assessAction, loader as assessLoader } from "~/routes/maturity.assess";
import { action as frameworkAction, loader as frameworkLoader } from "~/routes/maturity.frameworks.new";
import { dataOf, getRequest, postRequest, settle, signInAs, statusOf, pageDataOf } from "../helpers/requests";

const db = () => getDb();
const org = (odsCode: string) => db().select().from(organisations).where(eq(organisations.odsCode, odsCode)).get()!;
const userByEmail = (email: string) => db().select().from(users).where(eq(users.email, email)).get()!;
const programme = (): Assessor => ({ id: userByEmail("programme@example.org").id, organisationId: userByEmail("programme@example.org").organisationId, roles: ["programme"] });

/** A complete, valid form for a framework, with every dimension scored `score`. */
function form(frameworkCode: string, organisation: string, score: string | number, extra: Record<string, string> = {}) {
  const framework = getFramework({ code: frameworkCode })!;
  const values: Record<string, string> = { framework: frameworkCode, organisation, assessedOn: "2016-09-30", assessor: "Test assessor" };
  for (const d of framework.dimensions) {
    values[scoreField(d.code)] = String(score);
    values[evidenceField(d.code)] = `Evidence for ${d.name}`;
  }
  return { ...values, ...extra };
}

function scoreErrors(frameworkCode: string, score: string) {
  const framework = getFramework({ code: frameworkCode })!;
  const parsed = parseWith(assessmentSchemaFor(framework, "2016-10-31"), form(frameworkCode, "RRF", score));
  return parsed.ok ? null : parsed.errors[scoreField(framework.dimensions[0]!.code)];
}

describe("scores are checked against each framework's scale", () => {
  it("What Good Looks Like: whole levels from 1 to 5", () => {
    for (const ok of ["1", "3", "5"]) expect(scoreErrors("wgll", ok)).toBeNull();
    expect(scoreErrors("wgll", "0")).toBe("The score for Well led must be from 1 to 5");
    expect(scoreErrors("wgll", "6")).toBe("The score for Well led must be from 1 to 5");
    expect(scoreErrors("wgll", "2.5")).toBe("Enter the score for Well led as a whole number from 1 to 5: What Good Looks Like has no part levels");
    expect(scoreErrors("wgll", "")).toBe("Enter a score for Well led, from 1 to 5");
    expect(scoreErrors("wgll", "three")).toBe("Enter the score for Well led as a number from 1 to 5");
  });

  it("Digital Maturity Assessment 2016: 0 to 100", () => {
    for (const ok of ["0", "73", "100"]) expect(scoreErrors("dma2016", ok)).toBeNull();
    expect(scoreErrors("dma2016", "101")).toBe("The score for Readiness must be from 0 to 100");
    expect(scoreErrors("dma2016", "-1")).toBe("The score for Readiness must be from 0 to 100");
  });

  it("a framework that allows part scores accepts them", () => {
    const added = addMaturityFramework({ actor: SYSTEM_ACTOR, input: { name: "Half steps", code: "halfsteps", scaleMin: "0", scaleMax: "10", wholeNumbers: "no", dimensions: "Infrastructure\nPeople" } });
    expect(added).toMatchObject({ ok: true, code: "halfsteps" });
    expect(scoreErrors("halfsteps", "7.5")).toBeNull();
    expect(scoreErrors("halfsteps", "10.5")).toBe("The score for Infrastructure must be from 0 to 10");
  });

  it("needs the date (not after the reporting date), the assessor and evidence for every dimension", () => {
    const result = recordMaturityAssessment({
      actor: SYSTEM_ACTOR,
      user: programme(),
      frameworkCode: "wgll",
      input: form("wgll", "RRF", 3, { assessedOn: "2016-11-01", assessor: " ", [evidenceField("safe_practice")]: "" }),
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        assessedOn: "The date of the assessment must be on or before the reporting date, 31 October 2016",
        assessor: "Enter who carried out the assessment",
        [evidenceField("safe_practice")]: "Enter the evidence for the Safe practice score",
      },
    });
  });
});

describe("recording an assessment", () => {
  it("records every dimension's score and evidence with the mean as the overall score, audited", () => {
    const before = db().select({ n: count() }).from(maturityAssessments).get()!.n;
    const input = { ...form("wgll", "RY2", 4), [scoreField("well_led")]: "2" };
    const result = recordMaturityAssessment({ actor: { ...SYSTEM_ACTOR, label: "programme@example.org" }, user: programme(), frameworkCode: "wgll", input });
    expect(result).toMatchObject({ ok: true, odsCode: "RY2" });
    expect(db().select({ n: count() }).from(maturityAssessments).get()!.n).toBe(before + 1);
    const history = getOrganisationMaturity({ organisationId: org("RY2").id, asAt: "2016-10-31" })!;
    const latest = history.frameworks.find((f) => f.framework.code === "wgll")!.assessments.at(-1)!;
    expect(latest).toMatchObject({ assessedOn: "2016-09-30", assessor: "Test assessor" });
    expect(latest.overallScore).toBeCloseTo((2 + 6 * 4) / 7);
    expect(latest.scores[0]).toEqual({ code: "well_led", name: "Well led", score: 2, evidence: "Evidence for Well led" });
    const audit = db().select().from(auditLog).where(eq(auditLog.action, "maturity_assessment.create")).all().at(-1)!;
    expect(JSON.parse(audit.after!)).toMatchObject({ organisation: "RY2", framework: "wgll", scores: { well_led: { score: 2 } } });
    // As at a date before it, the earlier assessment is still the latest.
    const earlier = getOrganisationMaturity({ organisationId: org("RY2").id, asAt: "2016-09-29" })!;
    expect(earlier.frameworks.find((f) => f.framework.code === "wgll")!.assessments.at(-1)!.assessedOn).toBe("2016-06-13");
  });

  it("lets an IG lead record an assessment for their own organisation only", () => {
    const ig = userByEmail("ig@example.org");
    const lead: Assessor = { id: ig.id, organisationId: ig.organisationId, roles: ["ig_lead"] };
    expect(recordMaturityAssessment({ actor: SYSTEM_ACTOR, user: lead, frameworkCode: "dma2016", input: form("dma2016", "RRF", 70) })).toMatchObject({ ok: true });
    expect(recordMaturityAssessment({ actor: SYSTEM_ACTOR, user: lead, frameworkCode: "dma2016", input: form("dma2016", "RY2", 70) })).toEqual({ ok: false, forbidden: true });
  });
});

describe("low maturity, roll-out at risk", () => {
  it("flags the demo hospice, low in both frameworks with roll-out in progress, and not the low practice with nothing planned", () => {
    const flagged = lowMaturityAtRisk({ asAt: "2016-10-31" });
    expect(flagged.map((r) => [r.odsCode, r.frameworkCode, r.deploymentsPlannedOrInProgress])).toEqual([
      ["WLHSP", "dma2016", 3],
      ["WLHSP", "wgll", 3],
    ]);
    const wgll = maturityHeatMap({ frameworkCode: "wgll", asAt: "2016-10-31" })!;
    expect(wgll.rows.find((r) => r.odsCode === "P92045")).toMatchObject({ lowMaturity: true, atRisk: false });
    expect(wgll.rows.find((r) => r.odsCode === "WLHSP")).toMatchObject({ lowMaturity: true, atRisk: true });
  });

  it("needs both a low score and a planned or in-progress deployment as at the date", () => {
    const caps = ensureCapabilities(db());
    const hub = createOrganisation(db(), { name: "Risky hub", type: "private_provider", odsCode: "RISK1" });
    const service = createService(db(), { organisationId: hub.id, name: "Risky hub clinic" });
    createDeployment(db(), {
      serviceId: service.id,
      capabilityId: caps.mig_view.id,
      events: [
        { status: "planned", effectiveOn: "2016-09-01" },
        { status: "live", effectiveOn: "2016-10-20" },
      ],
    });
    const wgll = getFramework({ code: "wgll" })!;
    const assess = (assessedOn: string, score: number) =>
      createMaturityAssessment(db(), { organisationId: hub.id, frameworkId: wgll.id, assessedOn, scores: wgll.dimensions.map((d) => ({ dimensionId: d.id, score })) });
    assess("2016-08-01", 2); // 25% of the scale
    const atRisk = (asAt: string) => lowMaturityAtRisk({ asAt, frameworkCode: "wgll" }).some((r) => r.odsCode === "RISK1");
    expect(atRisk("2016-08-31")).toBe(false); // low, but nothing planned yet
    expect(atRisk("2016-09-30")).toBe(true); // low and planned
    expect(atRisk("2016-10-31")).toBe(false); // live now: no longer planned or in progress
    assess("2016-09-15", 3); // exactly 50%: not below the threshold
    expect(atRisk("2016-09-30")).toBe(false);
    expect(isLowMaturity(3, wgll, 50)).toBe(false);
    expect(isLowMaturity(2.9, wgll, 50)).toBe(true);
  });
});

describe("the heat map", () => {
  it("shows each organisation's latest assessment on or before the date, sorted and filtered in SQL", () => {
    const map = maturityHeatMap({ frameworkCode: "dma2016", asAt: "2016-10-31", sort: { id: "overall", desc: true } })!;
    expect(map.total).toBeGreaterThanOrEqual(21);
    expect(map.rows[0]!.overallScore).toBeGreaterThanOrEqual(map.rows.at(-1)!.overallScore);
    expect(Object.keys(map.rows[0]!.scores)).toEqual(["readiness", "capabilities", "infrastructure"]);
    const before = maturityHeatMap({ frameworkCode: "dma2016", asAt: "2016-01-31", organisationType: "gp_practice" })!;
    expect(before.rows.every((r) => r.assessedOn === "2015-11-16" && r.type === "gp_practice")).toBe(true);
    expect(maturityHeatMap({ frameworkCode: "dma2016", asAt: "2015-10-31" })!.total).toBe(0);
    const byName = maturityHeatMap({ frameworkCode: "wgll", asAt: "2016-10-31", sort: { id: "name", desc: false }, page: 1, pageSize: 5 })!;
    expect(byName.rows.map((r) => r.name)).toEqual([...byName.rows.map((r) => r.name)].sort((a, b) => a.localeCompare(b)));
    expect(byName.rows).toHaveLength(5);
  });

  it("averages the latest assessments", () => {
    const average = averageMaturity({ asAt: "2016-10-31", frameworkCode: "dma2016" })!;
    expect(average.organisations).toBeGreaterThanOrEqual(21);
    expect(average.overall!).toBeGreaterThan(40);
    expect(average.dimensions.map((d) => d.name)).toEqual(["Readiness", "Capabilities", "Enabling infrastructure"]);
  });
});

describe("maturity routes", () => {
  for (const email of ["admin", "board", "ccg", "practitioner"]) {
    it(`refuses recording an assessment to ${email}@example.org`, async () => {
      const cookie = await signInAs(`${email}@example.org`);
      const before = db().select({ n: count() }).from(maturityAssessments).get()!.n;
      expect(statusOf(await settle(() => assessLoader({ request: getRequest("/maturity/assess", cookie), params: {}, context: {} })))).toBe(403);
      expect(statusOf(await settle(() => assessAction({ request: postRequest("/maturity/assess", form("wgll", "RRF", 3), cookie), params: {}, context: {} })))).toBe(403);
      expect(db().select({ n: count() }).from(maturityAssessments).get()!.n).toBe(before);
    });
  }

  it("refuses an IG lead's assessment of another organisation with 403, audited", async () => {
    const cookie = await signInAs("ig.gp@example.org");
    const before = db().select({ n: count() }).from(maturityAssessments).get()!.n;
    const result = await settle(() => assessAction({ request: postRequest("/maturity/assess", form("wgll", "RRF", 3), cookie), params: {}, context: {} }));
    expect(statusOf(result)).toBe(403);
    expect(db().select({ n: count() }).from(maturityAssessments).get()!.n).toBe(before);
    expect(db().select().from(auditLog).where(eq(auditLog.action, "access.refused")).all().at(-1)!.actorLabel).toBe("ig.gp@example.org");
    const page = (await assessLoader({ request: getRequest("/maturity/assess", cookie), params: {}, context: {} })) as { organisations: { odsCode: string }[]; organisation: string };
    expect(page.organisations.map((o) => o.odsCode)).toEqual(["P92001"]);
    expect(page.organisation).toBe("P92001");
  });

  it("records a programme assessment and redirects to the organisation's history; returns errors and values when invalid", async () => {
    const cookie = await signInAs("programme@example.org");
    const bad = await assessAction({ request: postRequest("/maturity/assess", form("wgll", "RTV", 9), cookie), params: {}, context: {} });
    expect(statusOf(bad)).toBe(400);
    expect(dataOf<{ errors: Record<string, string>; values: Record<string, string> }>(bad)).toMatchObject({ errors: { score_well_led: "The score for Well led must be from 1 to 5" }, values: { assessor: "Test assessor" } });
    const good = (await settle(() => assessAction({ request: postRequest("/maturity/assess", form("wgll", "RTV", 4), cookie), params: {}, context: {} }))) as Response;
    expect(good.status).toBe(302);
    expect(good.headers.get("Location")).toBe("/maturity/RTV");
  });

  for (const email of ["programme", "board", "ig", "ccg", "practitioner"]) {
    it(`refuses adding a framework to ${email}@example.org`, async () => {
      const cookie = await signInAs(`${email}@example.org`);
      expect(statusOf(await settle(() => frameworkLoader({ request: getRequest("/maturity/frameworks/new", cookie), params: {}, context: {} })))).toBe(403);
      const input = { name: "Sneaky", code: `sneaky${email.replace(/\W/g, "")}`, scaleMin: "0", scaleMax: "4", wholeNumbers: "yes", dimensions: "One" };
      expect(statusOf(await settle(() => frameworkAction({ request: postRequest("/maturity/frameworks/new", input, cookie), params: {}, context: {} })))).toBe(403);
      expect(db().select().from(maturityFrameworks).where(eq(maturityFrameworks.code, input.code)).get()).toBeUndefined();
    });
  }

  it("lets an administrator add a framework, audited, and explains mistakes", async () => {
    const cookie = await signInAs("admin@example.org");
    const bad = await frameworkAction({ request: postRequest("/maturity/frameworks/new", { name: "", code: "wgll", scaleMin: "5", scaleMax: "1", dimensions: "A\na" }, cookie), params: {}, context: {} });
    expect(dataOf<{ errors: Record<string, string> }>(bad).errors).toMatchObject({
      name: "Enter the framework's name",
      scaleMax: "The highest score must be more than the lowest score",
      wholeNumbers: "Say whether scores are whole numbers",
      dimensions: "Each dimension must appear once: remove the repeated line",
    });
    const clash = await frameworkAction({ request: postRequest("/maturity/frameworks/new", { name: "Again", code: "WGLL", scaleMin: "1", scaleMax: "5", wholeNumbers: "yes", dimensions: "One" }, cookie), params: {}, context: {} });
    expect(dataOf<{ errors: Record<string, string> }>(clash).errors.code).toBe("A framework with the code wgll already exists: choose another code");
    const ok = (await settle(() =>
      frameworkAction({ request: postRequest("/maturity/frameworks/new", { name: "DMA 2019", code: "dma2019", scaleMin: "0", scaleMax: "100", wholeNumbers: "yes", dimensions: "Readiness\r\nCapabilities\n\nInfrastructure & devices" }, cookie), params: {}, context: {} }),
    )) as Response;
    expect(ok.headers.get("Location")).toBe("/maturity?framework=dma2019");
    expect(getFramework({ code: "dma2019" })!.dimensions.map((d) => [d.code, d.name])).toEqual([
      ["readiness", "Readiness"],
      ["capabilities", "Capabilities"],
      ["infrastructure_devices", "Infrastructure & devices"],
    ]);
    expect(db().select().from(auditLog).where(eq(auditLog.action, "maturity_framework.create")).all().at(-1)!.actorLabel).toBe("admin@example.org");
  });

  it("shows every role the heat map, the history page and the CSV; 404 for an unknown organisation", async () => {
    const cookie = await signInAs("board@example.org");
    const page = pageDataOf<{ framework: { code: string }; atRisk: unknown[]; canAssess: boolean }>(await maturityLoader({ request: getRequest("/maturity?framework=dma2016&sort=name", cookie), params: {}, context: {} }));
    expect(page.framework.code).toBe("dma2016");
    expect(page.atRisk.length).toBeGreaterThan(0);
    expect(page.canAssess).toBe(false);
    const history = (await historyLoader({ request: getRequest("/maturity/wlhsp", cookie), params: { odsCode: "wlhsp" }, context: {} })) as { maturity: { frameworks: { atRisk: unknown }[] } };
    expect(history.maturity.frameworks.every((f) => f.atRisk)).toBe(true);
    expect(statusOf(await settle(() => historyLoader({ request: getRequest("/maturity/NOPE1", cookie), params: { odsCode: "NOPE1" }, context: {} })))).toBe(404);
    const csv = await ((await maturityCsvLoader({ request: getRequest("/maturity.csv?framework=wgll&organisationType=hospice", cookie), params: {}, context: {} })) as Response).text();
    expect(csv).toContain('"Well led"');
    expect(csv).toContain('"WLHSP"');
    expect(csv).not.toContain('"RRF"');
  });
});
