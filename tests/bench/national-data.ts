// Builds a national-scale ShareBoard database for `npm run bench`: the demo data plus
// 6,300 practices with 60 monthly returns each, 2,000 services, 6,000 deployments,
// 1,000 agreements, 5,000 business cases and 100,000 audit rows. Deterministic.
import { openDatabase } from "../../db/client";
import * as schema from "../../db/schema";
import { seedDemoData } from "../../seeds";
import { insertMany, insertManyReturning } from "../../seeds/factories";
import { rebuildDeploymentStatusIntervals } from "../../app/models/rollout.read-model.server";
import { audit, SYSTEM_ACTOR } from "../../app/lib/audit.server";
import { addMonthsToMonth } from "../../app/lib/dates";
import { READ_MODELS } from "../../app/models/read-models.server";

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LOCALITIES = ["North", "South", "East", "West", "Central", "Coast", "Valley", "Borough"];
const TYPES = ["acute_trust", "community_provider", "mental_health_trust", "local_authority", "hospice", "private_provider"] as const;
const CASE_STATES = ["draft", "submitted", "ig_review", "changes_requested", "board_review", "approved", "rejected", "deferred", "withdrawn", "implemented"] as const;

export async function buildNationalDatabase(file: string, log: (s: string) => void = console.log) {
  const conn = openDatabase(file);
  const { db } = conn;
  const started = Date.now();
  await seedDemoData(db);
  const random = rng(2026);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const caps = db.select().from(schema.capabilities).all();
  const author = db.select().from(schema.users).get()!;

  db.transaction((tx) => {
    // 6,300 practices (about 6,237 more than the demo's 63) and 210 partner organisations.
    const practices = insertManyReturning(
      tx,
      schema.organisations,
      Array.from({ length: 6300 - 63 }, (_, i) => ({
        odsCode: `B${String(10000 + i).padStart(5, "0")}`,
        name: `Bench Practice ${i + 1}`,
        type: "gp_practice" as const,
        locality: pick(LOCALITIES),
        listSize: 3000 + Math.floor(random() * 12000),
        signedUpOn: `201${Math.floor(random() * 6)}-0${1 + Math.floor(random() * 9)}-15`,
        commissionerCode: "BEN",
      })),
    );
    const partners = insertManyReturning(
      tx,
      schema.organisations,
      Array.from({ length: 210 }, (_, i) => ({
        odsCode: `BP${String(i).padStart(3, "0")}`,
        name: `Bench Partner ${i + 1}`,
        type: pick(TYPES),
        locality: pick(LOCALITIES),
        nhsBadgedPrivate: random() < 0.1,
        signedUpOn: "2015-06-01",
      })),
    );

    // 60 monthly returns per bench practice: 2012-01 .. 2016-12 (≈374,000 rows).
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

    // 2,000 services and 6,000 deployments (three capabilities each), with their status events.
    const services = insertManyReturning(
      tx,
      schema.services,
      Array.from({ length: 2000 }, (_, i) => ({ organisationId: partners[i % partners.length].id, name: `Bench service ${i + 1}`, category: "bench" })),
    );
    const deployments = insertManyReturning(
      tx,
      schema.deployments,
      services.flatMap((s) =>
        caps.slice(0, 3).map((c) => {
          const live = random() < 0.6;
          return {
            serviceId: s.id,
            capabilityId: c.id,
            status: live ? ("live" as const) : ("planned" as const),
            plannedGoLive: `2016-${String(1 + Math.floor(random() * 12)).padStart(2, "0")}-01`,
            actualGoLive: live ? "2016-03-01" : null,
            owner: "Bench owner",
          };
        }),
      ),
    );
    insertMany(
      tx,
      schema.deploymentStatusEvents,
      deployments.flatMap((d) => [
        { deploymentId: d.id, status: "planned" as const, effectiveOn: "2015-09-01" },
        ...(d.status === "live"
          ? [
              { deploymentId: d.id, status: "in_progress" as const, effectiveOn: "2016-01-01" },
              { deploymentId: d.id, status: "live" as const, effectiveOn: "2016-03-01" },
            ]
          : []),
      ]),
    );
    rebuildDeploymentStatusIntervals(tx);

    // 1,000 active agreements, each with three parties and covering two services.
    const agreements = insertManyReturning(
      tx,
      schema.agreements,
      Array.from({ length: 1000 }, (_, i) => ({
        reference: `BENCH-${i + 1}`,
        title: `Bench agreement ${i + 1}`,
        purpose: "direct_care" as const,
        article6Basis: "6_1_e" as const,
        article9Condition: "9_2_h" as const,
        commonLawBasis: "implied_consent" as const,
        consentModel: "opt_in_point_of_care" as const,
        dataItems: "Detailed care record",
        effectiveOn: "2015-06-01",
        reviewOn: `2017-0${1 + (i % 9)}-01`,
        status: "active" as const,
      })),
    );
    insertMany(
      tx,
      schema.agreementParties,
      agreements.flatMap((a, i) => [0, 1, 2].map((k) => ({ agreementId: a.id, organisationId: partners[(i + k * 70) % partners.length].id, role: "controller" as const }))),
    );
    insertMany(
      tx,
      schema.agreementCoverage,
      agreements.flatMap((a, i) => [0, 1].map((k) => ({ agreementId: a.id, serviceId: services[(i * 2 + k) % services.length].id }))),
    );

    // 5,000 business cases spread over every state.
    insertMany(
      tx,
      schema.businessCases,
      Array.from({ length: 5000 }, (_, i) => ({
        reference: `BENCH-BC-${i + 1}`,
        title: `Bench case ${i + 1}`,
        state: CASE_STATES[i % CASE_STATES.length],
        authorId: author.id,
        stateChangedAt: `2016-${String(1 + (i % 10)).padStart(2, "0")}-10T10:00:00.000Z`,
      })),
    );

    // 100,000 audit rows through the one audit helper, so the chain stays valid.
    for (let i = 0; i < 100_000; i++) {
      audit(tx, SYSTEM_ACTOR, { action: "bench.row", entityType: "bench", entityId: i, after: { i } });
    }
    // The rows above were written directly, not through the models: derive the read models once.
    for (const model of READ_MODELS) model.rebuild(tx);
  });
  conn.sqlite.pragma("wal_checkpoint(TRUNCATE)");
  conn.sqlite.exec("ANALYZE");
  log(`national-scale database built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${file}`);
  conn.sqlite.close();
}
