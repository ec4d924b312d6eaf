// Builds a national-scale ShareBoard database for `npm run bench`: the demo data plus, at full
// scale, 6,237 more practices (6,300 in all) with 60 monthly returns each, 210 partner
// organisations, 2,000 services, 6,000 deployments, 1,000 agreements, 5,000 business cases and
// 100,000 audit rows. Deterministic. The rows are the ones the app itself would hold: every
// organisation a member from its sign-up date with an active status fact (as the app records them
// for a new organisation), deployments with status events and their interval read model,
// agreements as signed versions with parties, coverage, signatures and a DPIA, indemnity cover
// for most practices, the consent read models rebuilt through the registry, and audit rows
// written through the one audit helper, so the hash chain verifies.
import path from "node:path";
import { connection, closeDb } from "../../app/lib/db.server";
import type { AppDatabase } from "../../db/client";
import * as schema from "../../db/schema";
import { seedDemoData, REPORTING_DATE } from "../../seeds";
import { createAgreement, insertMany, insertManyReturning, DEFAULT_INDEMNITY_SCOPE } from "../../seeds/factories";
import { audit, SYSTEM_ACTOR } from "../../app/lib/audit.server";
import { verifyAudit } from "../../app/lib/audit-verify.server";
import { writeCheckpoint } from "../../app/lib/audit-checkpoints.server";
import { reliabilitySettings } from "../../app/lib/env.server";
import { addMonthsToMonth } from "../../app/lib/dates";
import { READ_MODELS } from "../../app/models/read-models.server";
import { combineFactRows, initialOrganisationFactRows, insertOrganisationFacts } from "../../app/models/organisation-history.server";
import { countPractices, countServicesLive } from "../../app/models/rollout.server";
import { countActiveAgreements } from "../../app/models/agreements.server";
import { countPracticesWithActiveCover } from "../../app/models/indemnity.server";
import { boroughOptIn } from "../../app/models/consent.server";
import { count, eq } from "drizzle-orm";
import { mulberry32 } from "../../seeds/prng";

const LOCALITIES = ["North", "South", "East", "West", "Central", "Coast", "Valley", "Borough"];
const TYPES = ["acute_trust", "community_provider", "mental_health_trust", "local_authority", "hospice", "private_provider"] as const;
const CASE_STATES = ["draft", "submitted", "ig_review", "changes_requested", "board_review", "approved", "rejected", "deferred", "withdrawn", "implemented"] as const;

/** Bench practices added to the demo's 63 at full scale: 6,300 in all, as in England. */
export const NATIONAL_PRACTICES = 6300 - 63;

/** The figures the self-check reads back through the app's own models, as at the reporting date. */
export type NationalFigures = {
  asAt: string;
  practicesActive: number;
  practicesMembers: number;
  servicesLive: number;
  agreementsActive: number;
  practicesCovered: number;
  optInMonth: string | null;
  optInReturnsInMonth: number;
  optInReturnsTotal: number;
  auditRows: number;
  auditOk: boolean;
};

export type NationalBuild = {
  file: string;
  seconds: number;
  figures: NationalFigures;
  /** What the builder meant to write, for the figures it can predict (demo figures plus the bench rows). */
  expected: Pick<NationalFigures, "practicesActive" | "practicesMembers" | "servicesLive" | "agreementsActive" | "practicesCovered" | "optInReturnsInMonth">;
  /** Empty when every figure is what the builder meant and the audit chain verifies. */
  problems: string[];
};

/** Reads the headline figures back through the same model functions the pages use. */
export function nationalFigures(db: AppDatabase, file: string, asAt: string = REPORTING_DATE): NationalFigures {
  const practices = countPractices({ asAt, db });
  const optIn = boroughOptIn({ asAt, db });
  const verdict = verifyAudit(db, { mode: "live", settings: auditSettings(file) });
  return {
    asAt,
    practicesActive: practices.total,
    practicesMembers: practices.signedUp,
    servicesLive: countServicesLive({ asAt, db }),
    agreementsActive: countActiveAgreements({ asAt, db }),
    practicesCovered: countPracticesWithActiveCover({ asAt, db }).covered,
    optInMonth: optIn.month,
    optInReturnsInMonth: optIn.practicesReturned,
    optInReturnsTotal: db.select({ n: count() }).from(schema.optInReturns).get()?.n ?? 0,
    auditRows: verdict.rows,
    auditOk: verdict.ok,
  };
}

/** Where `DATABASE_PATH=FILE npm run audit:verify` looks for the key and the checkpoints of FILE. */
function auditSettings(file: string) {
  return reliabilitySettings({ ...process.env, DATABASE_PATH: file });
}

export type NationalOptions = {
  /** Bench practices added to the demo's 63 (default NATIONAL_PRACTICES); the other bench rows scale with it. */
  practices?: number;
  log?: (s: string) => void;
};

/**
 * Builds the database into `file` (which must not exist yet, nor its checkpoint file) and checks it: returns the figures
 * read back through the models and any problem found; prints them through `log`.
 */
export async function buildNationalDatabase(file: string, { practices: practiceCount = NATIONAL_PRACTICES, log = console.log }: NationalOptions = {}): Promise<NationalBuild> {
  // The app's model functions find their database through DATABASE_PATH: point it at the new file
  // while building, so every figure below is read from it (and nothing opens the default database).
  const previousPath = process.env.DATABASE_PATH;
  process.env.DATABASE_PATH = path.resolve(file);
  try {
    return await build(path.resolve(file), practiceCount, log);
  } finally {
    closeDb();
    if (previousPath === undefined) delete process.env.DATABASE_PATH;
    else process.env.DATABASE_PATH = previousPath;
  }
}

async function build(file: string, practiceCount: number, log: (s: string) => void): Promise<NationalBuild> {
  const conn = connection();
  const { db } = conn;
  const started = Date.now();
  await seedDemoData(db);
  const demo = nationalFigures(db, file);

  // Everything else scales with the number of practices (1 = national).
  const scale = practiceCount / NATIONAL_PRACTICES;
  const atLeast = (min: number, n: number) => Math.max(min, Math.round(n * scale));
  const partnerCount = atLeast(6, 210);
  const serviceCount = atLeast(6, 2000);
  const agreementCount = atLeast(10, 1000);
  const caseCount = atLeast(20, 5000);
  const auditCount = atLeast(100, 100_000);

  const random = mulberry32(2026);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const capability = (code: string) => {
    const row = db.select().from(schema.capabilities).where(eq(schema.capabilities.code, code)).get();
    if (!row) throw new Error(`The demo data has no capability ${code}: the seed changed, update the bench builder.`);
    return row;
  };
  const caps = [capability("mig_view"), capability("edt"), capability("two_way")];
  const author = db.select().from(schema.users).get()!;
  const expected = { ...demo, servicesLive: demo.servicesLive, agreementsActive: demo.agreementsActive, practicesCovered: demo.practicesCovered };

  db.transaction((tx) => {
    // Practices and partner organisations, each a member from its sign-up date and active, as the
    // app records a new organisation (the same rows recordInitialOrganisationFacts writes).
    const practices = insertManyReturning(
      tx,
      schema.organisations,
      Array.from({ length: practiceCount }, (_, i) => ({
        odsCode: `B${String(10000 + i).padStart(5, "0")}`,
        name: `Bench Practice ${i + 1}`,
        type: "gp_practice" as const,
        locality: pick(LOCALITIES),
        listSize: 3000 + Math.floor(random() * 12000),
        // Joined in 2010 or 2011, before their first return (January 2012).
        signedUpOn: `201${Math.floor(random() * 2)}-${String(1 + Math.floor(random() * 12)).padStart(2, "0")}-15`,
        commissionerCode: "BEN",
      })),
    );
    const partners = insertManyReturning(
      tx,
      schema.organisations,
      Array.from({ length: partnerCount }, (_, i) => {
        const type = pick(TYPES);
        return {
          odsCode: `BP${String(i).padStart(3, "0")}`,
          name: `Bench Partner ${i + 1}`,
          type,
          locality: pick(LOCALITIES),
          nhsBadgedPrivate: type === "private_provider",
          signedUpOn: "2015-06-01",
        };
      }),
    );
    const facts = [...practices, ...partners].map((org) => initialOrganisationFactRows(org, { source: "seed", note: "Benchmark data" }));
    insertOrganisationFacts(tx, combineFactRows(facts));
    expected.practicesActive += practices.length;
    expected.practicesMembers += practices.length;

    // 60 monthly returns per bench practice: 2012-01 .. 2016-12 (≈374,000 rows at national scale).
    const months = Array.from({ length: 60 }, (_, i) => addMonthsToMonth("2012-01", i));
    for (const p of practices) {
      const registered = p.listSize ?? 6000;
      let rate = 0.1 + random() * 0.2;
      insertMany(
        tx,
        schema.optInReturns,
        months.map((month) => {
          rate = Math.min(0.9, rate + random() * 0.015);
          const optedIn = Math.floor(registered * rate);
          const declined = Math.floor(registered * 0.04);
          return { organisationId: p.id, month, registered, optedIn, declined, notAsked: registered - optedIn - declined };
        }),
      );
    }
    if (demo.optInMonth === REPORTING_DATE.slice(0, 7)) expected.optInReturnsInMonth += practices.length;

    // Services at the partners, three deployments each (one per capability), with their status
    // events: planned, then (for most) in progress and live on a date in 2016 up to September.
    const services = insertManyReturning(
      tx,
      schema.services,
      Array.from({ length: serviceCount }, (_, i) => ({ organisationId: partners[i % partners.length]!.id, name: `Bench service ${i + 1}`, category: "bench" })),
    );
    const plans = services.flatMap((s) =>
      caps.map((c) => {
        const liveOn = random() < 0.6 ? `2016-0${1 + Math.floor(random() * 9)}-01` : null;
        return { serviceId: s.id, capabilityId: c.id, liveOn, plannedGoLive: `2016-${String(1 + Math.floor(random() * 12)).padStart(2, "0")}-01` };
      }),
    );
    const deployments = insertManyReturning(
      tx,
      schema.deployments,
      plans.map((d) => ({
        serviceId: d.serviceId,
        capabilityId: d.capabilityId,
        status: d.liveOn ? ("live" as const) : ("planned" as const),
        plannedGoLive: d.plannedGoLive,
        actualGoLive: d.liveOn,
        owner: "Bench owner",
      })),
    );
    insertMany(
      tx,
      schema.deploymentStatusEvents,
      deployments.flatMap((d) => [
        { deploymentId: d.id, status: "planned" as const, effectiveOn: "2015-09-01", recordedBy: author.id },
        ...(d.actualGoLive
          ? [
              { deploymentId: d.id, status: "in_progress" as const, effectiveOn: "2015-12-01", recordedBy: author.id },
              { deploymentId: d.id, status: "live" as const, effectiveOn: d.actualGoLive, recordedBy: author.id },
            ]
          : []),
      ]),
    );
    expected.servicesLive += deployments.filter((d) => d.capabilityId === caps[0]!.id && d.actualGoLive && d.actualGoLive <= REPORTING_DATE).length;

    // Agreements as the app holds them: each version with its dates, three partner parties who all
    // signed (with authority declared), two services covered and a completed DPIA. One in ten was
    // re-signed as version 2 in April 2016 (version 1 superseded); one in 25 is out for signature.
    const stride = Math.floor(partners.length / 3);
    const signed = (on: string) => ({ status: "signed" as const, signedByUserId: author.id, signatoryName: author.name, signatoryRole: "Information governance lead", signedOn: on, authorityDeclared: true });
    for (let i = 0; i < agreementCount; i++) {
      const parties = [0, 1, 2].map((k) => partners[(i + k * stride) % partners.length]!.id);
      const coverage = [0, 1].map((k) => ({ serviceId: services[(i * 2 + k) % services.length]!.id }));
      const common = {
        reference: `BENCH-ISA-${i + 1}`,
        title: `Bench agreement ${i + 1}`,
        dataItems: "Detailed care record",
        reviewIntervalMonths: 24,
        createdBy: author.id,
        coverage,
        dpia: { reference: `BENCH-DPIA-${i + 1}`, status: "completed" as const, completedOn: "2015-05-01", residualRisk: "low" as const },
      };
      if (i % 25 === 7) {
        createAgreement(tx, {
          ...common,
          effectiveOn: "2016-11-01",
          status: "awaiting_signatures",
          createdAt: "2016-09-19T09:00:00.000Z",
          sentForSignatureAt: "2016-10-03T09:00:00.000Z",
          parties: parties.map((organisationId, k) => ({ organisationId, signature: k < 2 ? signed("2016-10-10") : { status: "requested" as const, requestedAt: "2016-10-03T09:00:00.000Z" } })),
        });
        continue;
      }
      const reviewOn = `2017-0${1 + (i % 9)}-01`;
      if (i % 10 === 0) {
        const v1 = createAgreement(tx, {
          ...common,
          dpia: undefined,
          effectiveOn: "2015-06-01",
          reviewOn: "2017-06-01",
          status: "superseded",
          createdAt: "2015-04-20T09:00:00.000Z",
          sentForSignatureAt: "2015-05-04T09:00:00.000Z",
          activatedOn: "2015-06-01",
          endedOn: "2016-04-01",
          endReason: "Superseded by version 2.",
          parties: parties.map((organisationId) => ({ organisationId, signature: signed("2015-05-18") })),
        });
        createAgreement(tx, {
          ...common,
          version: 2,
          previousVersionId: v1.id,
          effectiveOn: "2016-04-01",
          reviewOn,
          status: "active",
          createdAt: "2016-02-15T09:00:00.000Z",
          sentForSignatureAt: "2016-03-01T09:00:00.000Z",
          activatedOn: "2016-04-01",
          parties: parties.map((organisationId) => ({ organisationId, signature: signed("2016-03-14") })),
        });
      } else {
        createAgreement(tx, {
          ...common,
          effectiveOn: "2015-06-01",
          reviewOn,
          status: "active",
          createdAt: "2015-04-20T09:00:00.000Z",
          sentForSignatureAt: "2015-05-04T09:00:00.000Z",
          activatedOn: "2015-06-01",
          parties: parties.map((organisationId) => ({ organisationId, signature: signed("2015-05-18") })),
        });
      }
      expected.agreementsActive += 1;
    }

    // Indemnity cover held by the practices, April 2015 to March 2017, as the CCG records it; one
    // practice in 40 has none (the register's gaps), one in 97 ends in November 2016 (expiring soon).
    const covers = practices
      .map((p, i) => ({ p, i }))
      .filter(({ i }) => i % 40 !== 17)
      .map(({ p, i }) => ({
        organisationId: p.id,
        scope: DEFAULT_INDEMNITY_SCOPE,
        startOn: i % 97 === 5 ? "2014-12-01" : "2015-04-01",
        endOn: i % 97 === 5 ? "2016-11-30" : "2017-03-31",
        status: "active" as const,
        documentReference: `IND-2015-${p.odsCode}`,
        signedBy: "Bench CCG, Indemnity and contracts manager",
        createdBy: author.id,
      }));
    const coverRows = insertManyReturning(tx, schema.indemnityCovers, covers);
    expected.practicesCovered += covers.length;
    // The CCG acknowledged the expiring covers on the reporting date (30 days left: medium severity),
    // under the exception engine's key for each, as the acknowledge action records it.
    const odsOf = new Map(practices.map((p) => [p.id, p.odsCode]));
    const expiring = coverRows.filter((c) => c.endOn === "2016-11-30");
    if (expiring.length) {
      insertMany(
        tx,
        schema.exceptionAcknowledgements,
        expiring.map((c) => ({
          exceptionKey: `cover_expiring:${odsOf.get(c.organisationId)}:${c.id}`,
          kind: "cover_expiring",
          subject: `${odsOf.get(c.organisationId)}:${c.id}`,
          severity: "medium",
          reason: "Renewal deed is with the practice for signature.",
          reviewBy: "2016-11-21",
          acknowledgedBy: author.id,
          acknowledgedOn: REPORTING_DATE,
        })),
      );
    }

    // Business cases spread over every state.
    insertMany(
      tx,
      schema.businessCases,
      Array.from({ length: caseCount }, (_, i) => ({
        reference: `BENCH-BC-${i + 1}`,
        title: `Bench case ${i + 1}`,
        state: CASE_STATES[i % CASE_STATES.length]!,
        authorId: author.id,
        stateChangedAt: `2016-${String(1 + (i % 10)).padStart(2, "0")}-10T10:00:00.000Z`,
      })),
    );

    // Audit rows through the one audit helper, so the hash chain stays valid.
    for (let i = 0; i < auditCount; i++) {
      audit(tx, SYSTEM_ACTOR, { action: "bench.row", entityType: "bench", entityId: i, after: { i } });
    }
    // The rows above were written in bulk, not through the models: rebuild every read model
    // (consent totals and practice months, deployment status intervals) from the base tables
    // through the registry, as `npm run db:rebuild-read-models` does.
    for (const model of READ_MODELS) model.rebuild(tx);
    audit(tx, SYSTEM_ACTOR, {
      action: "bench.build",
      entityType: "database",
      entityId: "bench",
      after: { practices: practices.length, partners: partners.length, services: services.length, deployments: deployments.length, agreements: agreementCount, covers: covers.length, cases: caseCount },
    });
  });
  conn.sqlite.pragma("wal_checkpoint(TRUNCATE)");
  conn.sqlite.exec("ANALYZE");
  // Anchor the audit log outside the database, as `npm run db:seed` does for a new one, so
  // `npm run audit:verify` passes on the result (the key and checkpoints sit beside FILE).
  writeCheckpoint(conn.sqlite, "startup", { settings: auditSettings(file) });

  const figures = nationalFigures(db, file);
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const expectedFigures = {
    practicesActive: expected.practicesActive,
    practicesMembers: expected.practicesMembers,
    servicesLive: expected.servicesLive,
    agreementsActive: expected.agreementsActive,
    practicesCovered: expected.practicesCovered,
    optInReturnsInMonth: expected.optInReturnsInMonth,
  };
  const problems = selfCheckProblems(figures, expectedFigures);
  log(`national-scale database built in ${seconds.toFixed(1)} s: ${file}`);
  for (const line of describeFigures(figures)) log(line);
  for (const p of problems) log(`PROBLEM: ${p}`);
  if (!problems.length) log("self-check: every figure is what the builder wrote, and the audit chain verifies.");
  return { file, seconds, figures, expected: expectedFigures, problems };
}

function selfCheckProblems(figures: NationalFigures, expected: NationalBuild["expected"]) {
  const problems: string[] = [];
  for (const [key, want] of Object.entries(expected) as [keyof typeof expected, number][]) {
    if (figures[key] !== want) problems.push(`${key} is ${figures[key]} as at ${figures.asAt}, but the builder wrote rows for ${want}: the builder no longer matches the data model (see tests/bench/national-data.ts).`);
  }
  if (figures.practicesMembers !== figures.practicesActive) problems.push(`only ${figures.practicesMembers} of ${figures.practicesActive} practices are members as at ${figures.asAt}: every practice should be.`);
  if (!figures.auditOk) problems.push("the audit log does not verify: run `npm run audit:verify -- FILE` on the database for the first bad row.");
  return problems;
}

export function describeFigures(f: NationalFigures) {
  return [
    `as at ${f.asAt}:`,
    `  practices that are members   ${f.practicesMembers} of ${f.practicesActive}`,
    `  services live (MIG view)     ${f.servicesLive}`,
    `  agreements active            ${f.agreementsActive}`,
    `  practices covered            ${f.practicesCovered}`,
    `  opt-in returns for ${f.optInMonth ?? "(none)"}  ${f.optInReturnsInMonth} (${f.optInReturnsTotal} returns in all)`,
    `  audit log                    ${f.auditOk ? "verifies" : "DOES NOT VERIFY"} (${f.auditRows} rows)`,
  ];
}
