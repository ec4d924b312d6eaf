import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createApiToken, revokeApiToken } from "~/models/api-tokens.server";
import {
  AgreementsEndpoint,
  API_ENDPOINTS,
  ApiProblem,
  CasesEndpoint,
  DeploymentsEndpoint,
  ExceptionsEndpoint,
  IndemnityEndpoint,
  IndemnityPracticesEndpoint,
  OptInEndpoint,
  OrganisationsEndpoint,
  SummaryEndpoint,
} from "~/models/api.schema";
import { openApiDocument } from "~/models/api-openapi";
import { getReportingDate } from "~/models/settings.server";
import { getDb } from "~/lib/db.server";
import { SYSTEM_ACTOR } from "~/lib/audit.server";
import { loader as summaryLoader } from "~/routes/api.v1.summary";
import { loader as organisationsLoader } from "~/routes/api.v1.organisations";
import { loader as deploymentsLoader } from "~/routes/api.v1.deployments";
import { loader as optInLoader } from "~/routes/api.v1.opt-in";
import { loader as agreementsLoader } from "~/routes/api.v1.agreements";
import { loader as indemnityLoader } from "~/routes/api.v1.indemnity";
import { loader as indemnityPracticesLoader } from "~/routes/api.v1.indemnity-practices";
import { loader as casesLoader } from "~/routes/api.v1.cases";
import { loader as exceptionsLoader } from "~/routes/api.v1.exceptions";
import { loader as openApiLoader } from "~/routes/api.v1.openapi[.]json";
import { loader as notFoundLoader } from "~/routes/api.v1.$";
import { auditLog, users } from "../../db/schema";
import { BASE } from "../helpers/requests";

type Loader = (args: LoaderFunctionArgs) => Promise<Response>;

const LOADERS: Record<string, Loader> = {
  "/api/v1/summary": summaryLoader,
  "/api/v1/organisations": organisationsLoader,
  "/api/v1/deployments": deploymentsLoader,
  "/api/v1/opt-in": optInLoader,
  "/api/v1/agreements": agreementsLoader,
  "/api/v1/indemnity": indemnityLoader,
  "/api/v1/indemnity-practices": indemnityPracticesLoader,
  "/api/v1/cases": casesLoader,
  "/api/v1/exceptions": exceptionsLoader,
};

let token: string;

async function call(pathAndQuery: string, bearer: string | null = token) {
  const pathname = pathAndQuery.split("?")[0];
  const loader = LOADERS[pathname];
  if (!loader) throw new Error(`no loader for ${pathname}`);
  const request = new Request(`${BASE}${pathAndQuery}`, { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
  const response = await loader({ request, params: {}, context: {} });
  return { status: response.status, type: response.headers.get("content-type"), headers: response.headers, body: await response.json() };
}

function makeToken(name: string, expiresOn: string | null = null) {
  const admin = getDb().select().from(users).where(eq(users.email, "admin@example.org")).get()!;
  return createApiToken({ actor: { userId: admin.id, label: admin.email }, name, expiresOn });
}

beforeAll(() => {
  token = makeToken("Integration BI").token;
});

describe("API authentication", () => {
  it("refuses a request without a token with 401 problem+json and a WWW-Authenticate header", async () => {
    const r = await call("/api/v1/summary", null);
    expect(r.status).toBe(401);
    expect(r.type).toContain("application/problem+json");
    expect(r.headers.get("www-authenticate")).toBe("Bearer");
    expect(ApiProblem.parse(r.body).detail).toMatch(/Authorization: Bearer/);
  });

  it("refuses an unknown token, a revoked token and an expired token", async () => {
    expect((await call("/api/v1/organisations", "sbt_made-up-token")).status).toBe(401);

    const revoked = makeToken("Revoked BI");
    expect((await call("/api/v1/organisations", revoked.token)).status).toBe(200);
    revokeApiToken({ actor: SYSTEM_ACTOR, tokenId: revoked.id });
    const refused = await call("/api/v1/organisations", revoked.token);
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toMatch(/unknown, revoked or expired/);

    const expired = makeToken("Expired BI", "2020-01-01");
    expect((await call("/api/v1/organisations", expired.token)).status).toBe(401);
  });

  it("accepts a valid token and records its use in the audit log with the path", async () => {
    const r = await call("/api/v1/agreements?status=active");
    expect(r.status).toBe(200);
    const last = getDb().select().from(auditLog).where(eq(auditLog.action, "api.read")).all().at(-1)!;
    expect(last.actorLabel).toMatch(/^api-token:sbt_/);
    expect(last.after).toContain("/api/v1/agreements?status=active");
  });

  it("refuses every endpoint without a token", async () => {
    for (const endpoint of API_ENDPOINTS) expect((await call(endpoint.path, null)).status, endpoint.path).toBe(401);
  });
});

describe("API responses match their schemas", () => {
  it("every endpoint's real output parses against its response schema, as at the reporting date by default", async () => {
    for (const endpoint of API_ENDPOINTS) {
      const r = await call(endpoint.path);
      expect(r.status, endpoint.path).toBe(200);
      expect(r.type).toContain("application/json");
      const parsed = endpoint.response.safeParse(r.body);
      expect(parsed.success, `${endpoint.path}: ${parsed.error?.message}`).toBe(true);
      expect(r.body.asAt).toBe(getReportingDate());
    }
  });

  it("lists have rows, with stable codes and no internal organisation ids or person names", async () => {
    for (const endpoint of API_ENDPOINTS.filter((e) => e.path !== "/api/v1/summary")) {
      const r = await call(endpoint.path);
      expect(r.body.data.length, endpoint.path).toBeGreaterThan(0);
      const text = JSON.stringify(r.body);
      expect(text, endpoint.path).not.toMatch(/"organisationId"|"authorName"|"owner"|"signedBy"|@example\.org/);
    }
  });

  it("gives the summary's figures under the agreed names", async () => {
    const r = await call("/api/v1/summary?asAt=2016-07-31");
    const summary = SummaryEndpoint.response.parse(r.body);
    expect(summary).toMatchObject({ asAt: "2016-07-31", practicesTotal: 63, practicesSignedUp: 63, servicesLive: 32 });
    for (const key of ["deploymentsLate", "optInRate", "practicesWithActiveIndemnity", "agreementsActive", "agreementReviewsDue", "casesByState", "exceptionsBySeverity"]) {
      expect(summary).toHaveProperty(key);
    }
    expect(Object.keys(summary.exceptionsBySeverity).sort()).toEqual(["high", "low", "medium"]);
  });
});

describe("API as-at dates", () => {
  it("recomputes deployments as at a date: 32 services live with the detailed care record on 31 July 2016", async () => {
    const r = await call("/api/v1/deployments?asAt=2016-07-31&capability=mig_view&status=live&pageSize=500");
    const page = DeploymentsEndpoint.response.parse(r.body);
    expect(page.asAt).toBe("2016-07-31");
    expect(page.total).toBe(32);
    expect(page.data.every((d) => d.status === "live" && d.capabilityCode === "mig_view" && d.actualGoLive! <= "2016-07-31")).toBe(true);
  });

  it("gives different figures on an earlier date", async () => {
    const early = SummaryEndpoint.response.parse((await call("/api/v1/summary?asAt=2015-06-30")).body);
    const later = SummaryEndpoint.response.parse((await call("/api/v1/summary?asAt=2016-07-31")).body);
    expect(early.servicesLive).toBeLessThan(later.servicesLive);
    const liveEarly = DeploymentsEndpoint.response.parse((await call("/api/v1/deployments?asAt=2015-06-30&capability=mig_view&status=live")).body);
    expect(liveEarly.total).toBe(early.servicesLive);
  });

  it("lists only the business cases that existed by the date, in their state then", async () => {
    const now = CasesEndpoint.response.parse((await call("/api/v1/cases?pageSize=500")).body);
    const before = CasesEndpoint.response.parse((await call("/api/v1/cases?asAt=2015-01-01&pageSize=500")).body);
    expect(before.total).toBeLessThan(now.total);
    expect(now.data.every((c) => c.stateSince.slice(0, 10) <= now.asAt)).toBe(true);
  });
});

describe("API filters and paging", () => {
  it("pages through organisations: page 2 differs from page 1 and the total is the same on both", async () => {
    const one = OrganisationsEndpoint.response.parse((await call("/api/v1/organisations?pageSize=10")).body);
    const two = OrganisationsEndpoint.response.parse((await call("/api/v1/organisations?pageSize=10&page=2")).body);
    expect(one.data).toHaveLength(10);
    expect(two.page).toBe(2);
    expect(two.total).toBe(one.total);
    const codesOne = new Set(one.data.map((o) => o.odsCode));
    expect(two.data.some((o) => codesOne.has(o.odsCode))).toBe(false);
  });

  it("filters organisations by type, locality and text", async () => {
    const practices = OrganisationsEndpoint.response.parse((await call("/api/v1/organisations?type=gp_practice&pageSize=500")).body);
    expect(practices.total).toBe(63);
    expect(practices.data.every((o) => o.type === "gp_practice")).toBe(true);
    const locality = practices.data[0].locality!;
    const inLocality = OrganisationsEndpoint.response.parse((await call(`/api/v1/organisations?type=gp_practice&locality=${encodeURIComponent(locality)}`)).body);
    expect(inLocality.total).toBeGreaterThan(0);
    expect(inLocality.total).toBeLessThan(63);
    expect(inLocality.data.every((o) => o.locality === locality)).toBe(true);
    const byCode = OrganisationsEndpoint.response.parse((await call(`/api/v1/organisations?q=${practices.data[0].odsCode}`)).body);
    expect(byCode.data.map((o) => o.odsCode)).toContain(practices.data[0].odsCode);
  });

  it("filters deployments by lateness and organisation type", async () => {
    const late = DeploymentsEndpoint.response.parse((await call("/api/v1/deployments?late=true&pageSize=500")).body);
    expect(late.data.every((d) => d.late)).toBe(true);
    const notLate = DeploymentsEndpoint.response.parse((await call("/api/v1/deployments?late=false&pageSize=1")).body);
    const all = DeploymentsEndpoint.response.parse((await call("/api/v1/deployments?pageSize=1")).body);
    expect(late.total + notLate.total).toBe(all.total);
    const practices = DeploymentsEndpoint.response.parse((await call("/api/v1/deployments?organisationType=gp_practice&pageSize=500")).body);
    expect(practices.data.every((d) => d.organisationType === "gp_practice")).toBe(true);
  });

  it("gives the borough opt-in with the practice rows, for a locality too", async () => {
    const all = OptInEndpoint.response.parse((await call("/api/v1/opt-in?pageSize=5")).body);
    expect(all.borough.rate).not.toBeNull();
    expect(all.data).toHaveLength(5);
    expect(all.total).toBe(63);
    const locality = all.data[0].locality!;
    const one = OptInEndpoint.response.parse((await call(`/api/v1/opt-in?locality=${encodeURIComponent(locality)}&pageSize=500`)).body);
    expect(one.data.every((p) => p.locality === locality)).toBe(true);
    expect(one.borough.practicesTotal).toBe(one.total);
    const attention = OptInEndpoint.response.parse((await call("/api/v1/opt-in?flag=attention&pageSize=500")).body);
    expect(attention.data.every((p) => p.belowTarget || p.falling)).toBe(true);
  });

  it("filters agreements by status, purpose and party", async () => {
    const active = AgreementsEndpoint.response.parse((await call("/api/v1/agreements?status=active")).body);
    expect(active.total).toBeGreaterThan(0);
    expect(active.data.every((a) => a.status === "active")).toBe(true);
    const research = AgreementsEndpoint.response.parse((await call("/api/v1/agreements?purpose=research")).body);
    expect(research.data.every((a) => a.purpose === "research")).toBe(true);
    const due = AgreementsEndpoint.response.parse((await call("/api/v1/agreements?reviewDue=due_or_overdue")).body);
    expect(due.data.every((a) => a.reviewState === "due" || a.reviewState === "overdue")).toBe(true);
    const party = AgreementsEndpoint.response.parse((await call("/api/v1/agreements?partyOdsCode=zzz999")).body);
    expect(party.total).toBe(0);
  });

  it("filters indemnity cover by status, type and expiry", async () => {
    const active = IndemnityEndpoint.response.parse((await call("/api/v1/indemnity?status=active&organisationType=gp_practice&pageSize=500")).body);
    expect(active.total).toBeGreaterThan(0);
    expect(active.data.every((c) => c.status === "active" && c.organisationType === "gp_practice")).toBe(true);
    const expiring = IndemnityEndpoint.response.parse((await call("/api/v1/indemnity?expiringWithinDays=90&pageSize=500")).body);
    const limit = new Date(Date.parse(`${expiring.asAt}T00:00:00Z`) + 90 * 86_400_000).toISOString().slice(0, 10);
    expect(expiring.data.every((c) => c.endOn <= limit)).toBe(true);
    expect(active.data.every((c) => c.counted && c.notCountedReason === null)).toBe(true);
  });

  it("gives each practice's cover and who can view its record, private providers counted apart", async () => {
    const all = IndemnityPracticesEndpoint.response.parse((await call("/api/v1/indemnity-practices?pageSize=500")).body);
    expect(all.total).toBe(63);
    expect(all.data.every((p) => p.cover === "covered" || p.cover === "expiring")).toBe(true);
    expect(all.data.every((p) => p.privateServicesViewing === 9 && p.servicesViewing > 9)).toBe(true);
    const gap = IndemnityPracticesEndpoint.response.parse((await call("/api/v1/indemnity-practices?asAt=2015-07-10&cover=lapsed")).body);
    expect(gap.data).toEqual([
      expect.objectContaining({ odsCode: "P92040", cover: "lapsed", coverId: null, lastCoverEndedOn: "2015-06-30", servicesViewing: 7, privateServicesViewing: 5 }),
    ]);
    expect((await call("/api/v1/indemnity-practices?cover=sometimes")).status).toBe(400);
  });

  it("filters cases by state, sponsor and text", async () => {
    const all = CasesEndpoint.response.parse((await call("/api/v1/cases?pageSize=500")).body);
    const state = all.data[0].state;
    const inState = CasesEndpoint.response.parse((await call(`/api/v1/cases?state=${state}&pageSize=500`)).body);
    expect(inState.data.every((c) => c.state === state)).toBe(true);
    expect(inState.total).toBe(all.data.filter((c) => c.state === state).length);
    const sponsor = all.data.find((c) => c.sponsorOdsCode)!.sponsorOdsCode!;
    const bySponsor = CasesEndpoint.response.parse((await call(`/api/v1/cases?sponsor=${sponsor.toLowerCase()}&pageSize=500`)).body);
    expect(bySponsor.total).toBeGreaterThan(0);
    expect(bySponsor.data.every((c) => c.sponsorOdsCode === sponsor)).toBe(true);
    const byRef = CasesEndpoint.response.parse((await call(`/api/v1/cases?q=${all.data[0].reference}`)).body);
    expect(byRef.data[0].reference).toBe(all.data[0].reference);
  });

  it("filters exceptions by severity and role, and pages them", async () => {
    const all = ExceptionsEndpoint.response.parse((await call("/api/v1/exceptions?pageSize=500")).body);
    expect(all.total).toBe(all.data.length);
    const high = ExceptionsEndpoint.response.parse((await call("/api/v1/exceptions?severity=high&pageSize=500")).body);
    expect(high.data.every((e) => e.severity === "high")).toBe(true);
    expect(high.total).toBe(all.data.filter((e) => e.severity === "high").length);
    const ig = ExceptionsEndpoint.response.parse((await call("/api/v1/exceptions?role=ig_lead&pageSize=500")).body);
    expect(ig.data.every((e) => e.actionRole === "ig_lead")).toBe(true);
    const second = ExceptionsEndpoint.response.parse((await call("/api/v1/exceptions?pageSize=2&page=2")).body);
    expect(second.data.map((e) => e.id)).toEqual(all.data.slice(2, 4).map((e) => e.id));
  });

  it("filters the summary by locality and organisation type", async () => {
    const all = SummaryEndpoint.response.parse((await call("/api/v1/summary")).body);
    const orgs = OrganisationsEndpoint.response.parse((await call("/api/v1/organisations?type=gp_practice&pageSize=1")).body);
    const locality = (await call("/api/v1/organisations?type=gp_practice&pageSize=1")).body.data[0].locality as string;
    const one = SummaryEndpoint.response.parse((await call(`/api/v1/summary?locality=${encodeURIComponent(locality)}`)).body);
    expect(one.locality).toBe(locality);
    expect(one.practicesTotal).toBeLessThan(all.practicesTotal);
    expect(orgs.total).toBe(all.practicesTotal);
    const acute = SummaryEndpoint.response.parse((await call("/api/v1/summary?organisationType=acute_trust")).body);
    expect(acute.organisationType).toBe("acute_trust");
  });
});

describe("API bad requests", () => {
  async function problemOf(pathAndQuery: string) {
    const r = await call(pathAndQuery);
    expect(r.status, pathAndQuery).toBe(400);
    expect(r.type).toContain("application/problem+json");
    return ApiProblem.parse(r.body);
  }

  it("names a malformed date", async () => {
    const p = await problemOf("/api/v1/summary?asAt=31/07/2016");
    expect(p.errors).toEqual([{ parameter: "asAt", problem: "must be a date as YYYY-MM-DD, for example 2016-07-31" }]);
    expect(p.detail).toBe("asAt: must be a date as YYYY-MM-DD, for example 2016-07-31");
    expect((await problemOf("/api/v1/deployments?asAt=2016-02-30")).errors![0].parameter).toBe("asAt");
  });

  it("names an unknown enumeration value with the values allowed", async () => {
    const p = await problemOf("/api/v1/deployments?status=finished");
    expect(p.errors![0]).toEqual({ parameter: "status", problem: "must be one of: planned, in_progress, live, paused, withdrawn" });
  });

  it("refuses page 0 and a page size over 500", async () => {
    expect((await problemOf("/api/v1/organisations?page=0")).errors![0]).toEqual({ parameter: "page", problem: "page must be between 1 and 1000000" });
    expect((await problemOf("/api/v1/organisations?pageSize=10000")).errors![0]).toEqual({ parameter: "pageSize", problem: "pageSize must be between 1 and 500" });
    expect((await problemOf("/api/v1/organisations?page=two")).errors![0]).toEqual({ parameter: "page", problem: "page must be a whole number" });
  });

  it("refuses an unknown parameter rather than silently ignoring a misspelt filter", async () => {
    const p = await problemOf("/api/v1/agreements?stauts=active");
    expect(p.errors![0].parameter).toBe("stauts");
    expect(p.errors![0].problem).toMatch(/is not a parameter of this endpoint; use one of: asAt, status, purpose/);
  });

  it("names every problem at once", async () => {
    const p = await problemOf("/api/v1/exceptions?severity=urgent&role=king&asAt=yesterday");
    expect(p.errors!.map((e) => e.parameter).sort()).toEqual(["asAt", "role", "severity"]);
  });

  it("refuses a parameter given twice", async () => {
    expect((await problemOf("/api/v1/cases?state=draft&state=approved")).errors![0]).toEqual({ parameter: "state", problem: "is given more than once; give it once" });
  });
});

describe("API documents and unknown paths", () => {
  it("answers an unknown path under /api/v1 with a JSON 404", async () => {
    const response = await notFoundLoader({ request: new Request(`${BASE}/api/v1/nonsense`) });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect((await response.json()).detail).toMatch(/no endpoint \/api\/v1\/nonsense/);
  });

  it("serves the OpenAPI document without a token", async () => {
    const response = await openApiLoader({ request: new Request(`${BASE}/api/v1/openapi.json`) });
    expect(response.status).toBe(200);
    const doc = await response.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: BASE }]);
  });

  it("describes every registered endpoint with its parameters, 200/400/401 responses and resolvable schemas", () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(Object.keys(doc.paths).sort()).toEqual(API_ENDPOINTS.map((e) => e.path).sort());
    const text = JSON.stringify(doc);
    for (const ref of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) expect(doc.components.schemas, ref[1]).toHaveProperty(ref[1]);
    expect(text).not.toMatch(/"\$ref":"(?!#\/components\/schemas\/)/);
    for (const endpoint of API_ENDPOINTS) {
      const op = (doc.paths[endpoint.path] as { get: { parameters: { name: string; in: string }[]; responses: Record<string, unknown> } }).get;
      expect(Object.keys(op.responses).sort()).toEqual(["200", "400", "401"]);
      expect(op.parameters.map((p) => p.name).sort()).toEqual(Object.keys(endpoint.query.shape).sort());
      expect(op.parameters.every((p) => p.in === "query")).toBe(true);
    }
    const summary = doc.components.schemas.Summary as { properties: Record<string, unknown> };
    expect(Object.keys(summary.properties)).toEqual(expect.arrayContaining(["practicesTotal", "optInRate", "casesByState", "exceptionsBySeverity"]));
    const deployments = (doc.paths["/api/v1/deployments"] as { get: { parameters: { name: string; schema: { enum?: string[] } }[] } }).get;
    expect(deployments.parameters.find((p) => p.name === "status")?.schema.enum).toContain("live");
  });

  it("has a route file for every registered endpoint and registers every API route file", () => {
    const routes = fs.readdirSync(path.resolve("app/routes")).filter((f) => f.startsWith("api.v1."));
    const endpointFiles = routes.filter((f) => f !== "api.v1.$.ts" && f !== "api.v1.openapi[.]json.ts");
    const expected = API_ENDPOINTS.map((e) => `api.v1.${e.path.replace("/api/v1/", "").replaceAll("/", ".")}.ts`);
    expect(endpointFiles.sort()).toEqual(expected.sort());
    expect(Object.keys(LOADERS).sort()).toEqual(API_ENDPOINTS.map((e) => e.path).sort());
  });
});
