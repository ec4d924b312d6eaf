import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type Database from "better-sqlite3";
import { openDatabase, type Connection } from "../../db/client";
import { CASE_STATES } from "../../db/schema/enums";
import { verifyAuditChain } from "../../app/lib/audit.server";
import { verifyPassword } from "../../app/lib/password.server";
import { freshEmptyDatabase } from "../helpers/db";
import { DEMO_PASSWORD, DEMO_SETTINGS, hasDemoData, seedDemoData } from "../../seeds";
import {
  createAgreement,
  createBusinessCase,
  createDeployment,
  createIndemnityCover,
  createMaturityAssessment,
  createMaturityFramework,
  createOptInReturn,
  createOrganisation,
  createService,
  createUser,
  ensureCapabilities,
} from "../../seeds/factories";

const MILESTONE = "2016-07-31";
const REPORTING = "2016-10-31";

/** The status of each deployment as at a date: its latest event on or before it. */
const STATUS_AS_AT = `(SELECT e.status FROM deployment_status_events e
  WHERE e.deployment_id = d.id AND e.effective_on <= @asAt
  ORDER BY e.effective_on DESC, e.id DESC LIMIT 1)`;

let conn: Connection;
let sqlite: Database.Database;
const all = <T = Record<string, unknown>>(sql: string, params: Record<string, unknown> = {}) => sqlite.prepare(sql).all(params) as T[];
const one = <T = Record<string, unknown>>(sql: string, params: Record<string, unknown> = {}) => sqlite.prepare(sql).get(params) as T;
const scalar = (sql: string, params: Record<string, unknown> = {}) => Object.values(one(sql, params))[0];

beforeAll(() => {
  // The integration project gives this file its own copy of the seeded template database.
  conn = openDatabase(process.env.DATABASE_PATH!);
  sqlite = conn.sqlite;
});
afterAll(() => conn?.sqlite.close());

describe("demo organisations", () => {
  it("has 63 GP practices, all signed up by 31 July 2016, about 323,000 patients", () => {
    const practices = one<{ n: number; late: number; total: number; minSize: number; maxSize: number; noCommissioner: number }>(`
      SELECT count(*) AS n,
             sum(signed_up_on IS NULL OR signed_up_on > @milestone) AS late,
             sum(list_size) AS total, min(list_size) AS minSize, max(list_size) AS maxSize,
             sum(commissioner_code IS NOT '02H') AS noCommissioner
      FROM organisations WHERE type = 'gp_practice'`, { milestone: MILESTONE });
    expect(practices.n).toBe(63);
    expect(practices.late).toBe(0);
    expect(practices.noCommissioner).toBe(0);
    expect(practices.total).toBeGreaterThan(315_000);
    expect(practices.total).toBeLessThan(331_000);
    expect(practices.minSize).toBeGreaterThanOrEqual(2_500);
    expect(practices.maxSize).toBeLessThanOrEqual(14_000);
    expect(all(`SELECT ods_code FROM organisations WHERE type = 'gp_practice' AND ods_code NOT GLOB 'P[0-9][0-9][0-9][0-9][0-9]'`)).toEqual([]);
  });

  it("has the partners, each organisation with a locality", () => {
    const codes = all<{ ods_code: string; type: string }>(`SELECT ods_code, type FROM organisations WHERE type <> 'gp_practice'`);
    expect(codes).toEqual(
      expect.arrayContaining([
        { ods_code: "02H", type: "ccg" },
        { ods_code: "RRF", type: "acute_trust" },
        { ods_code: "RY2", type: "community_provider" },
        { ods_code: "RTV", type: "mental_health_trust" },
        expect.objectContaining({ type: "local_authority" }),
        expect.objectContaining({ type: "hospice" }),
      ]),
    );
    expect(scalar(`SELECT count(*) FROM organisations WHERE type = 'private_provider' AND nhs_badged_private = 1`)).toBeGreaterThanOrEqual(1);
    expect(scalar(`SELECT count(*) FROM organisations WHERE locality IS NULL OR locality = ''`)).toBe(0);
    expect(scalar(`SELECT count(DISTINCT locality) FROM organisations WHERE type = 'gp_practice'`)).toBe(10);
  });
});

describe("demo roll-out", () => {
  it("has exactly 32 services with the detailed care record live as at 31 July 2016", () => {
    const live = scalar(
      `SELECT count(DISTINCT d.service_id) FROM deployments d
       JOIN capabilities c ON c.id = d.capability_id AND c.code = 'mig_view'
       WHERE ${STATUS_AS_AT} = 'live'`,
      { asAt: MILESTONE },
    );
    expect(live).toBe(32);
  });

  it("plans more mig_view and two_way deployments after July 2016, some of them late", () => {
    const after = all<{ code: string; status: string; planned_go_live: string }>(
      `SELECT c.code, d.status, d.planned_go_live FROM deployments d JOIN capabilities c ON c.id = d.capability_id
       WHERE c.code IN ('mig_view', 'two_way') AND d.planned_go_live > @milestone`,
      { milestone: MILESTONE },
    );
    expect(after.length).toBeGreaterThanOrEqual(8);
    expect(after.some((d) => d.code === "two_way")).toBe(true);
    const late = after.filter((d) => d.planned_go_live < REPORTING && d.status !== "live");
    expect(late.length).toBeGreaterThanOrEqual(2);
    // ... and a couple went live between August and October.
    expect(after.filter((d) => d.status === "live").length).toBeGreaterThanOrEqual(2);
  });

  it("keeps each deployment's status and actual go-live in step with its events", () => {
    const mismatched = all(`
      SELECT d.id FROM deployments d
      WHERE d.status IS NOT (SELECT e.status FROM deployment_status_events e WHERE e.deployment_id = d.id ORDER BY e.effective_on DESC, e.id DESC LIMIT 1)
         OR d.actual_go_live IS NOT (SELECT min(e.effective_on) FROM deployment_status_events e WHERE e.deployment_id = d.id AND e.status = 'live')`);
    expect(mismatched).toEqual([]);
  });

  it("records monthly usage for live record-view deployments up to October 2016", () => {
    expect(scalar(`SELECT max(month) FROM deployment_usage`)).toBe("2016-10");
    const liveWithoutUsage = all(`
      SELECT d.id FROM deployments d JOIN capabilities c ON c.id = d.capability_id
      WHERE c.code IN ('mig_view', 'two_way') AND d.actual_go_live IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM deployment_usage u WHERE u.deployment_id = d.id)`);
    expect(liveWithoutUsage).toEqual([]);
  });

  it("has the milestones and priorities, one priority overdue for re-endorsement and one not due", () => {
    expect(all(`SELECT metric, target_value, due_on FROM milestones ORDER BY id`)).toEqual([
      { metric: "services_live", target_value: 32, due_on: "2016-07-31" },
      { metric: "practices_signed_up", target_value: 63, due_on: "2015-12-31" },
      { metric: "opt_in_rate", target_value: 60, due_on: "2017-03-31" },
      { metric: "services_live", target_value: 40, due_on: "2016-12-31" },
    ]);
    const due = all<{ due: string }>(`
      SELECT date(max(e.endorsed_on), '+' || p.endorsement_interval_months || ' months') AS due
      FROM priorities p JOIN priority_endorsements e ON e.priority_id = p.id GROUP BY p.id`);
    expect(due.some((p) => p.due <= REPORTING)).toBe(true);
    expect(due.some((p) => p.due > "2017-01-29")).toBe(true);
  });
});

describe("demo users, settings and audit", () => {
  it("has the 8 demo users with their roles and organisations", () => {
    const users = all<{ email: string; roles: string; ods: string }>(`
      SELECT u.email, group_concat(r.role) AS roles, o.ods_code AS ods
      FROM users u JOIN user_roles r ON r.user_id = u.id JOIN organisations o ON o.id = u.organisation_id
      GROUP BY u.id`);
    const byEmail = Object.fromEntries(users.map((u) => [u.email, u]));
    const expected: [string, string, string][] = [
      ["admin@example.org", "admin", "02H"],
      ["board@example.org", "board", "02H"],
      ["programme@example.org", "programme", "02H"],
      ["ig@example.org", "ig_lead", "RRF"],
      ["ig.gp@example.org", "ig_lead", "P92001"],
      ["ccg@example.org", "ccg", "02H"],
      ["practitioner@example.org", "practitioner", "P92002"],
      ["practitioner2@example.org", "practitioner", "RY2"],
    ];
    for (const [email, role, ods] of expected) expect(byEmail[email], email).toEqual({ email, roles: role, ods });
  });

  it("gives every demo user the documented password", async () => {
    const { password_hash } = one<{ password_hash: string }>(`SELECT password_hash FROM users WHERE email = 'board@example.org'`);
    expect(password_hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(password_hash, DEMO_PASSWORD)).toBe(true);
    expect(scalar(`SELECT count(DISTINCT password_hash) FROM users`)).toBe(1);
  });

  it("fixes the reporting date and every other setting", () => {
    // data_version is bookkeeping for cached figures (app/lib/data-version.server.ts), not a setting.
    const settings = Object.fromEntries(all<{ key: string; value: string }>(`SELECT key, value FROM settings WHERE key <> 'data_version'`).map((s) => [s.key, s.value]));
    expect(settings.reporting_date).toBe(REPORTING);
    expect(settings).toEqual(DEMO_SETTINGS);
  });

  it("writes one audit row for the seed, and the chain verifies", () => {
    const rows = all<{ action: string; after: string }>(`SELECT action, after FROM audit_log WHERE action = 'seed.demo_data'`);
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.after).counts.organisations).toBe(71);
    expect(verifyAuditChain(conn.db).ok).toBe(true);
  });
});

describe("demo governance", () => {
  it("has agreements in each lifecycle state, review dates = effective + interval", () => {
    const statuses = all<{ status: string }>(`SELECT DISTINCT status FROM agreements`).map((r) => r.status);
    expect(statuses).toEqual(expect.arrayContaining(["draft", "awaiting_signatures", "active", "expired", "superseded"]));
    expect(all(`SELECT id FROM agreements WHERE review_on <> date(effective_on, '+' || review_interval_months || ' months')`)).toEqual([]);
    // ISA-001's review falls due within the 90-day notice period.
    expect(one(`SELECT review_on FROM agreements WHERE reference = 'ISA-001'`)).toEqual({ review_on: "2017-01-01" });
    // Active agreements: every party signed, each by an IG lead of that party.
    const badSignatures = all(`
      SELECT s.id FROM agreements a JOIN agreement_parties p ON p.agreement_id = a.id
      LEFT JOIN agreement_signatures s ON s.party_id = p.id
      LEFT JOIN users u ON u.id = s.signed_by_user_id
      WHERE a.status = 'active' AND (s.status IS NOT 'signed' OR u.organisation_id <> p.organisation_id
        OR NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'ig_lead'))`);
    expect(badSignatures).toEqual([]);
    // Signatures waiting for ig@example.org and ig.gp@example.org.
    const waiting = all<{ email: string }>(`
      SELECT u.email FROM agreement_signatures s JOIN agreement_parties p ON p.id = s.party_id
      JOIN users u ON u.organisation_id = p.organisation_id JOIN user_roles r ON r.user_id = u.id AND r.role = 'ig_lead'
      WHERE s.status = 'requested'`).map((r) => r.email);
    expect(waiting).toEqual(expect.arrayContaining(["ig@example.org", "ig.gp@example.org"]));
    expect(scalar(`SELECT count(*) FROM dpias WHERE status = 'completed' AND residual_risk = 'high'`)).toBeGreaterThanOrEqual(1);
  });

  it("leaves exactly one live service without an active agreement covering it", () => {
    const uncovered = all<{ name: string }>(`
      SELECT DISTINCT s.name FROM deployments d JOIN services s ON s.id = d.service_id
      WHERE d.status = 'live' AND NOT EXISTS (
        SELECT 1 FROM agreement_coverage ac JOIN agreements a ON a.id = ac.agreement_id
        WHERE a.status = 'active' AND ac.service_id = d.service_id AND (ac.deployment_id IS NULL OR ac.deployment_id = d.id))`);
    expect(uncovered).toEqual([{ name: "Frailty assessment unit" }]);
  });

  it("has indemnity cover for every practice, with the expiry and lapse exceptions", () => {
    const withoutCover = scalar(`
      SELECT count(*) FROM organisations o WHERE o.type = 'gp_practice' AND NOT EXISTS (
        SELECT 1 FROM indemnity_covers c WHERE c.organisation_id = o.id AND c.status = 'active' AND c.start_on <= @d AND c.end_on >= @d)`,
      { d: REPORTING });
    expect(withoutCover).toBe(0);
    const endings = all<{ end_on: string }>(`SELECT end_on FROM indemnity_covers WHERE status = 'active' AND end_on BETWEEN @d AND date(@d, '+90 days') ORDER BY end_on`, { d: REPORTING });
    expect(endings.length).toBe(3);
    expect(endings[0]!.end_on <= "2016-11-07").toBe(true);
    expect(scalar(`SELECT count(*) FROM indemnity_covers WHERE renews_cover_id IS NOT NULL`)).toBe(1);
    // Cover is held by practices only (the case study): private providers whose services view records hold none.
    expect(scalar(`SELECT count(*) FROM indemnity_covers c JOIN organisations o ON o.id = c.organisation_id WHERE o.type <> 'gp_practice'`)).toBe(0);
    expect(
      scalar(`SELECT count(DISTINCT o.id) FROM organisations o JOIN services s ON s.organisation_id = o.id JOIN deployments d ON d.service_id = s.id WHERE o.nhs_badged_private = 1 AND d.status = 'live'`),
    ).toBe(2);
  });
});

describe("demo consent and maturity", () => {
  it("has a return for every practice and month from April 2015 to October 2016", () => {
    expect(one(`SELECT count(*) AS n, count(DISTINCT month) AS months, min(month) AS first, max(month) AS last FROM opt_in_returns`)).toEqual({
      n: 63 * 19,
      months: 19,
      first: "2015-04",
      last: "2016-10",
    });
    expect(scalar(`SELECT count(*) FROM opt_in_returns WHERE national_opt_outs IS NOT NULL`)).toBe(0);
    const borough = scalar(`SELECT 100.0 * sum(opted_in) / sum(registered) FROM opt_in_returns WHERE month = '2016-10'`) as number;
    expect(borough).toBeGreaterThan(50);
    expect(borough).toBeLessThan(70);
    expect(scalar(`SELECT count(*) FROM opt_in_returns WHERE month = '2016-10' AND 100.0 * opted_in / registered < 60`)).toBeGreaterThanOrEqual(3);
  });

  it("has practices whose opt-in rate fell three months running", () => {
    const falling = all(`
      SELECT a.organisation_id FROM opt_in_returns a
      JOIN opt_in_returns b ON b.organisation_id = a.organisation_id AND b.month = '2016-08'
      JOIN opt_in_returns c ON c.organisation_id = a.organisation_id AND c.month = '2016-09'
      JOIN opt_in_returns d ON d.organisation_id = a.organisation_id AND d.month = '2016-10'
      WHERE a.month = '2016-07'
        AND 1.0 * b.opted_in / b.registered < 1.0 * a.opted_in / a.registered
        AND 1.0 * c.opted_in / c.registered < 1.0 * b.opted_in / b.registered
        AND 1.0 * d.opted_in / d.registered < 1.0 * c.opted_in / c.registered`);
    expect(falling.length).toBeGreaterThanOrEqual(2);
  });

  it("has both frameworks, assessments on two dates, and a low-maturity organisation with roll-out planned", () => {
    expect(all(`SELECT f.code, count(d.id) AS dims FROM maturity_frameworks f JOIN maturity_dimensions d ON d.framework_id = f.id GROUP BY f.id ORDER BY f.code`)).toEqual([
      { code: "dma2016", dims: 3 },
      { code: "wgll", dims: 7 },
    ]);
    expect(scalar(`SELECT count(DISTINCT assessed_on) FROM maturity_assessments`)).toBe(2);
    expect(all(`SELECT a.id FROM maturity_assessments a WHERE abs(a.overall_score - (SELECT avg(score) FROM maturity_scores s WHERE s.assessment_id = a.id)) > 1e-9`)).toEqual([]);
    const lowWithRollout = all(`
      SELECT DISTINCT a.organisation_id FROM maturity_assessments a JOIN maturity_frameworks f ON f.id = a.framework_id
      WHERE (a.overall_score - f.scale_min) / (f.scale_max - f.scale_min) < 0.5
        AND a.assessed_on = (SELECT max(assessed_on) FROM maturity_assessments x WHERE x.organisation_id = a.organisation_id AND x.framework_id = a.framework_id)
        AND EXISTS (SELECT 1 FROM services s JOIN deployments d ON d.service_id = s.id WHERE s.organisation_id = a.organisation_id AND d.status IN ('planned', 'in_progress'))`);
    expect(lowWithRollout.length).toBeGreaterThanOrEqual(1);
  });
});

describe("demo business cases", () => {
  it("has at least one case in each of the 10 states", () => {
    const states = all<{ state: string }>(`SELECT DISTINCT state FROM business_cases`).map((r) => r.state);
    expect(states.sort()).toEqual([...CASE_STATES].sort());
  });

  it("keeps each case consistent with its transitions", () => {
    const cases = all<{ id: number; state: string; version: number; state_changed_at: string; last_to: string; last_at: string; last_version: number; authored: number; self_reviewed: number }>(`
      SELECT b.id, b.state, b.version, b.state_changed_at,
        (SELECT to_state FROM business_case_transitions t WHERE t.case_id = b.id ORDER BY t.at DESC, t.id DESC LIMIT 1) AS last_to,
        (SELECT max(at) FROM business_case_transitions t WHERE t.case_id = b.id) AS last_at,
        (SELECT max(case_version) FROM business_case_transitions t WHERE t.case_id = b.id) AS last_version,
        (SELECT count(*) FROM business_case_authors a WHERE a.case_id = b.id AND a.user_id = b.author_id AND a.role = 'author') AS authored,
        (SELECT count(*) FROM business_case_transitions t JOIN business_case_authors a ON a.case_id = t.case_id AND a.user_id = t.actor_id
          WHERE t.case_id = b.id AND t.to_state IN ('ig_review', 'board_review', 'changes_requested', 'approved', 'rejected', 'deferred')) AS self_reviewed
      FROM business_cases b`);
    for (const c of cases) {
      expect(c.last_to, `case ${c.id}`).toBe(c.state);
      expect(c.last_at).toBe(c.state_changed_at);
      expect(c.last_version).toBe(c.version);
      expect(c.authored).toBe(1);
      expect(c.self_reviewed).toBe(0);
      expect(c.last_at < REPORTING).toBe(true);
    }
    expect(scalar(`SELECT count(*) FROM business_case_authors WHERE role = 'co_author'`)).toBeGreaterThanOrEqual(1);
    expect(scalar(`SELECT count(*) FROM business_case_comments`)).toBeGreaterThanOrEqual(2);
  });

  it("links the implemented case to a live deployment and leaves the approved one to be planned", () => {
    expect(
      one(`SELECT d.status, d.business_case_id = b.id AS linked FROM business_cases b
           JOIN business_case_deployments bd ON bd.case_id = b.id JOIN deployments d ON d.id = bd.deployment_id
           WHERE b.state = 'implemented'`),
    ).toEqual({ status: "live", linked: 1 });
    expect(scalar(`SELECT count(*) FROM business_cases b JOIN business_case_deployments bd ON bd.case_id = b.id WHERE b.state = 'approved' AND bd.deployment_id IS NULL`)).toBeGreaterThanOrEqual(1);
  });

  it("has cases waiting longer than the service level at IG review and at board review", () => {
    const waiting = all<{ state: string; since: string }>(`SELECT state, state_changed_at AS since FROM business_cases WHERE state IN ('ig_review', 'board_review')`);
    // More than 20 working days before 31 October 2016 means before 3 October.
    for (const state of ["ig_review", "board_review"]) {
      expect(waiting.some((c) => c.state === state && c.since < "2016-10-03")).toBe(true);
    }
  });

  it("fills in every non-draft case in full; the draft is incomplete", () => {
    const fields = ["summary", "sponsor_organisation_id", "purpose", "direction", "systems", "data_items", "benefit", "clinician_involvement", "public_involvement", "article6_basis", "article9_condition", "common_law_basis", "consent_model", "dpia_needed", "dpia_status", "risks", "caldicott", "target_go_live"];
    const incomplete = all<{ reference: string; state: string }>(`SELECT reference, state FROM business_cases WHERE ${fields.map((f) => `${f} IS NULL`).join(" OR ")}`);
    expect(incomplete.map((c) => c.state)).toEqual(["draft"]);
    for (const row of all<{ caldicott: string; risks: string }>(`SELECT caldicott, risks FROM business_cases WHERE state <> 'draft'`)) {
      expect(Object.keys(JSON.parse(row.caldicott)).sort()).toEqual(["1", "2", "3", "4", "5", "6", "7", "8"]);
      for (const r of JSON.parse(row.risks)) {
        expect(r.likelihood).toBeGreaterThanOrEqual(1);
        expect(r.impact).toBeLessThanOrEqual(5);
      }
    }
  });
});

describe("seedDemoData", () => {
  // Columns the clock or a random salt fills: everything else must match run for run.
  const WALL_CLOCK = new Set(["created_at", "updated_at", "recorded_at", "uploaded_at", "requested_at", "password_hash", "at", "hash", "prev_hash", "next_attempt_at"]);

  // Every table's contents but the change counters, which are random by design (db/change-counters.ts).
  function snapshot(db: Database.Database) {
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' AND name <> 'table_versions' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
    return Object.fromEntries(
      tables.map((table) => {
        const rows = db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all() as Record<string, unknown>[];
        return [table, rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => !WALL_CLOCK.has(column))))];
      }),
    );
  }

  it("is deterministic: two empty databases get identical contents", async () => {
    const first = freshEmptyDatabase();
    const second = freshEmptyDatabase();
    try {
      expect(hasDemoData(first.db)).toBe(false);
      await seedDemoData(first.db);
      await seedDemoData(second.db);
      expect(hasDemoData(first.db)).toBe(true);

      const a = snapshot(first.sqlite);
      const b = snapshot(second.sqlite);
      expect(a.organisations).toHaveLength(71);
      expect(a.opt_in_returns!.length).toBeGreaterThan(1000);
      for (const table of Object.keys(a)) expect(b[table], table).toEqual(a[table]);
      // ...and the same as the template every integration test file starts from.
      const template = snapshot(sqlite);
      for (const table of ["organisations", "deployments", "deployment_status_events", "opt_in_returns", "business_case_transitions", "agreement_signatures"]) {
        expect(template[table], table).toEqual(a[table]);
      }
    } finally {
      first.sqlite.close();
      second.sqlite.close();
    }
  });

  it("refuses a database that already has data, changing nothing", async () => {
    const before = scalar(`SELECT count(*) FROM organisations`);
    await expect(seedDemoData(conn.db)).rejects.toThrow(/already has data/);
    expect(scalar(`SELECT count(*) FROM organisations`)).toBe(before);
  });
});

describe("seed factories", () => {
  it("build a small fixture on an empty database, deriving what must agree", () => {
    const { db, sqlite: empty } = freshEmptyDatabase();
    try {
      const caps = ensureCapabilities(db);
      expect(ensureCapabilities(db).mig_view.id).toBe(caps.mig_view.id);
      const practice = createOrganisation(db, { locality: "Leigh" });
      expect(practice.odsCode).toMatch(/^Y\d{5}$/);
      const trust = createOrganisation(db, { odsCode: "RXX", name: "Test trust", type: "acute_trust" });
      const service = createService(db, { organisationId: trust.id, name: "Emergency department" });
      const deployment = createDeployment(db, {
        serviceId: service.id,
        capabilityId: caps.mig_view.id,
        plannedGoLive: "2016-03-01",
        owner: "A. Owner",
        events: [
          { status: "planned", effectiveOn: "2016-01-04" },
          { status: "live", effectiveOn: "2016-03-07" },
          { status: "in_progress", effectiveOn: "2016-02-01" },
          { status: "paused", effectiveOn: "2016-05-02" },
          { status: "live", effectiveOn: "2016-06-06" },
        ],
      });
      expect(deployment.status).toBe("live");
      expect(deployment.actualGoLive).toBe("2016-03-07");
      expect(deployment.events.map((e) => e.status)).toEqual(["planned", "in_progress", "live", "paused", "live"]);
      expect(createDeployment(db, { serviceId: service.id, capabilityId: caps.edt.id }).status).toBe("planned");

      const ig = createUser(db, { email: "ig@test.example", name: "IG", organisationId: trust.id, roles: ["ig_lead", "practitioner"], passwordHash: "not-a-real-hash" });
      const author = createUser(db, { email: "author@test.example", name: "Author", organisationId: practice.id, roles: ["practitioner"], passwordHash: "not-a-real-hash" });
      const agreement = createAgreement(db, {
        reference: "ISA-T1",
        title: "Test agreement",
        effectiveOn: "2016-02-29",
        reviewIntervalMonths: 12,
        status: "awaiting_signatures",
        parties: [
          { organisationId: trust.id, signature: { status: "signed", signedByUserId: ig.id, signedOn: "2016-02-01" } },
          { organisationId: practice.id, signature: { status: "requested" } },
        ],
        coverage: [{ serviceId: service.id, deploymentId: deployment.id }],
        dpia: { reference: "DPIA-T1", status: "in_progress" },
      });
      expect(agreement.reviewOn).toBe("2017-02-28");
      expect(agreement.signatures.map((s) => [s.status, s.authorityDeclared])).toEqual([["signed", true], ["requested", false]]);

      expect(createIndemnityCover(db, { organisationId: practice.id, startOn: "2016-01-01", endOn: "2016-12-31" }).status).toBe("active");
      expect(createOptInReturn(db, { organisationId: practice.id, month: "2016-01", registered: 1000, optedIn: 400, declined: 50 }).notAsked).toBe(550);

      const framework = createMaturityFramework(db, { code: "t", name: "Test", scaleMin: 1, scaleMax: 5, dimensions: [{ code: "a", name: "A" }, { code: "b", name: "B" }] });
      const assessment = createMaturityAssessment(db, { organisationId: practice.id, frameworkId: framework.id, assessedOn: "2016-06-01", scores: framework.dimensions.map((d, i) => ({ dimensionId: d.id, score: 2 + i })) });
      expect(assessment.overallScore).toBe(2.5);

      const kase = createBusinessCase(db, {
        title: "Test case",
        authorId: author.id,
        deployments: [{ serviceId: service.id, capabilityId: caps.mig_view.id, deploymentId: deployment.id }],
        transitions: [
          { toState: "draft", actorId: author.id, at: "2016-01-04T09:00:00.000Z" },
          { toState: "submitted", actorId: author.id, at: "2016-01-05T09:00:00.000Z", edits: { summary: "Added" } },
          { toState: "ig_review", actorId: ig.id, at: "2016-01-06T09:00:00.000Z" },
        ],
      });
      expect(kase).toMatchObject({ state: "ig_review", version: 3, summary: "Added", submittedAt: "2016-01-05T09:00:00.000Z", stateChangedAt: "2016-01-06T09:00:00.000Z" });
      expect(kase.transitions.map((t) => [t.fromState, t.toState, t.caseVersion, (t.snapshot as { summary: unknown }).summary])).toEqual([
        [null, "draft", 1, null],
        ["draft", "submitted", 2, "Added"],
        ["submitted", "ig_review", 3, "Added"],
      ]);
      expect(empty.prepare(`SELECT business_case_id FROM deployments WHERE id = ?`).get(deployment.id)).toEqual({ business_case_id: kase.id });
    } finally {
      empty.close();
    }
  });
});
