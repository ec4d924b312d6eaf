// The consent read models: the migration fills them from existing returns, the app keeps them up
// to date as returns are imported and practices move, and a rebuild gives the same tables.
//
// Data-moving SQL appended to db/migrations/0005_consent_read_models.sql (re-append it if that
// migration is ever regenerated):
//
//   INSERT INTO opt_in_monthly_totals (month, locality, organisation_type, registered, opted_in, declined, not_asked, practices, national_opt_outs, national_practices)
//     SELECT r.month, coalesce(o.locality, ''), o.type, sum(r.registered), sum(r.opted_in), sum(r.declined), sum(r.not_asked), count(*),
//       coalesce(sum(r.national_opt_outs), 0), count(r.national_opt_outs)
//     FROM opt_in_returns r JOIN organisations o ON o.id = r.organisation_id
//     GROUP BY r.month, coalesce(o.locality, ''), o.type;
//   --> statement-breakpoint
//   INSERT INTO opt_in_practice_months (organisation_id, month, registered, opted_in, declined, not_asked, national_opt_outs, rate, change_3, change_12, falling)
//     SELECT organisation_id, month, registered, opted_in, declined, not_asked, national_opt_outs, rate, rate - rate_3, rate - rate_12,
//       coalesce(rate < rate_1 AND rate_1 < rate_2 AND rate_2 < rate_3, 0)
//     FROM (
//       SELECT r.organisation_id, r.month, r.registered, r.opted_in, r.declined, r.not_asked, r.national_opt_outs,
//         CASE WHEN r.registered > 0 THEN r.opted_in * 100.0 / r.registered END AS rate,
//         CASE WHEN b1.registered > 0 THEN b1.opted_in * 100.0 / b1.registered END AS rate_1,   (likewise b2, b3, b12)
//       FROM opt_in_returns r
//       LEFT JOIN opt_in_returns b1 ON b1.organisation_id = r.organisation_id AND b1.month = <r.month minus 1 month, as printf('%04d-%02d', n / 12, n % 12 + 1)>
//       (likewise b2, b3 and b12 for 2, 3 and 12 months before)
//     );
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { eq } from "drizzle-orm";
import { connection, getDb } from "~/lib/db.server";
import { SYSTEM_ACTOR } from "~/lib/audit.server";
import { organisations } from "../../db/schema";
import { createOrganisation } from "../../seeds/factories";
import { boroughOptIn, listOptInByPractice } from "~/models/consent.server";
import { confirmOptInUpload, previewOptInUpload } from "~/models/opt-in-upload.server";
import { consentReadModelRows, rebuildConsentReadModels } from "~/models/consent.read-model.server";
import { READ_MODELS, rebuildReadModels } from "~/models/read-models.server";
import { updateOrganisation } from "~/models/organisations.server";
import { OrganisationSchema } from "~/models/organisations.schema";
import { databaseAtMigration } from "../helpers/migrations";

// Two runs of four months a year apart, so returns often look back 1, 2, 3 and 12 months at each other.
const MONTHS = ["2015-07", "2015-08", "2015-09", "2015-10", "2016-07", "2016-08", "2016-09", "2016-10"];
const LOCALITIES = [null, "Prop North", "Prop South"] as const;
const HEADER = "ods_code,month,registered,opted_in,declined,not_asked,national_opt_outs";

/** What a full rebuild would give, without changing the database. */
function rebuiltRows() {
  const db = getDb();
  let rows: ReturnType<typeof consentReadModelRows> | undefined;
  try {
    db.transaction((tx) => {
      rebuildConsentReadModels(tx);
      rows = consentReadModelRows(tx);
      throw new Error("rollback");
    });
  } catch (error) {
    if ((error as Error).message !== "rollback") throw error;
  }
  return rows!;
}

const upload = fc.record({
  kind: fc.constant("upload" as const),
  rows: fc.array(
    fc.record({
      practice: fc.nat(3),
      month: fc.constantFrom(...MONTHS),
      registered: fc.integer({ min: 0, max: 3000 }),
      optedShare: fc.double({ min: 0, max: 1, noNaN: true }),
      national: fc.option(fc.nat(50)),
    }),
    { minLength: 1, maxLength: 25 },
  ),
});
const move = fc.record({ kind: fc.constant("move" as const), practice: fc.nat(3), locality: fc.constantFrom(...LOCALITIES), type: fc.constantFrom("gp_practice" as const, "community_provider" as const) });

describe("consent read models", () => {
  it("stay identical to a full rebuild after any mix of imports, replacements and practices moving locality or type", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(upload, upload, move), { minLength: 2, maxLength: 6 }), async (changes) => {
        run++;
        const practices = Array.from({ length: 4 }, (_, i) =>
          createOrganisation(getDb(), { odsCode: `Q${String(run).padStart(3, "0")}${String(i).padStart(2, "0")}`, name: `Property practice ${run}-${i}`, type: "gp_practice", locality: LOCALITIES[i % 3] }),
        );
        for (const change of changes) {
          if (change.kind === "move") {
            const current = getDb().select().from(organisations).where(eq(organisations.id, practices[change.practice]!.id)).get()!;
            const input = OrganisationSchema.parse({ odsCode: current.odsCode, name: current.name, type: change.type, locality: change.locality ?? "", status: "active" });
            updateOrganisation({ actor: SYSTEM_ACTOR, id: current.id, input });
            continue;
          }
          const seen = new Set<string>();
          const lines = change.rows
            .filter((r) => !seen.has(`${r.practice}|${r.month}`) && seen.add(`${r.practice}|${r.month}`))
            .map((r) => {
              const optedIn = Math.floor(r.registered * r.optedShare);
              return `${practices[r.practice]!.odsCode},${r.month},${r.registered},${optedIn},0,${r.registered - optedIn},${r.national ?? ""}`;
            });
          const preview = previewOptInUpload({ userId: 1, fileName: "returns.csv", text: [HEADER, ...lines].join("\n") });
          // A practice that became a community provider cannot have returns: such files are refused whole.
          if (preview.ok && preview.uploadId) expect(await confirmOptInUpload({ actor: SYSTEM_ACTOR, userId: 1, uploadId: preview.uploadId })).toMatchObject({ ok: true });
        }
        expect(consentReadModelRows(getDb())).toEqual(rebuiltRows());
      }),
      { numRuns: 30 },
    );
  });

  it("answer the borough and practice figures a user sees after an import, as the rebuild command would", async () => {
    const practice = createOrganisation(getDb(), { odsCode: "Q99901", name: "Readmodel Practice", type: "gp_practice", locality: "Readmodel Town" });
    const csv = [HEADER, "Q99901,2016-07,1000,500,0,500,", "Q99901,2016-08,1000,480,0,520,", "Q99901,2016-09,1000,460,0,540,", "Q99901,2016-10,1000,440,0,560,7"].join("\n");
    const preview = previewOptInUpload({ userId: 1, fileName: "r.csv", text: csv });
    expect(preview).toMatchObject({ ok: true, toAdd: 4 });
    await confirmOptInUpload({ actor: SYSTEM_ACTOR, userId: 1, uploadId: (preview as { uploadId: string }).uploadId });
    expect(boroughOptIn({ asAt: "2016-10-31", locality: "Readmodel Town" })).toMatchObject({ month: "2016-10", registered: 1000, optedIn: 440, rate: 44, changeOnMonth: -2, nationalOptOuts: { total: 7, practices: 1 } });
    const [row] = listOptInByPractice({ asAt: "2016-10-31", locality: "Readmodel Town" }).rows;
    expect(row).toMatchObject({ organisationId: practice.id, month: "2016-10", rate: 44, falling: true, belowTarget: true });
    // As at an earlier date the same tables answer for the return then latest.
    expect(listOptInByPractice({ asAt: "2016-08-31", locality: "Readmodel Town" }).rows[0]).toMatchObject({ month: "2016-08", rate: 48, falling: false });
    const before = consentReadModelRows(getDb());
    const timings = rebuildReadModels();
    expect(timings.map((t) => t.name)).toEqual(READ_MODELS.map((m) => m.name));
    expect(consentReadModelRows(getDb())).toEqual(before);
  });

  it("move their sources' change counters when rebuilt, so no figure computed from rows the rebuild corrected is kept", async () => {
    const practice = createOrganisation(getDb(), { odsCode: "Q99902", name: "Corrected Practice", type: "gp_practice", locality: "Corrected Town" });
    const preview = previewOptInUpload({ userId: 1, fileName: "c.csv", text: [HEADER, "Q99902,2016-10,1000,440,0,560,"].join("\n") });
    expect(preview).toMatchObject({ ok: true, toAdd: 1 });
    await confirmOptInUpload({ actor: SYSTEM_ACTOR, userId: 1, uploadId: (preview as { uploadId: string }).uploadId });
    const rate = () => listOptInByPractice({ asAt: "2016-10-31", locality: "Corrected Town" }).rows[0]?.rate;
    // Rows changed outside the app, and a figure worked out from them and kept.
    connection().sqlite.prepare("update opt_in_practice_months set rate = 99 where organisation_id = ?").run(practice.id);
    expect(rate()).toBe(99);
    rebuildReadModels();
    expect(connection().sqlite.prepare("select rate from opt_in_practice_months where organisation_id = ?").pluck().get(practice.id)).toBe(44);
    // The rebuild moved opt_in_returns' counter: the kept 99 is dropped and the rebuilt rows answer.
    expect(rate()).toBe(44);
  });

  it("are created and filled from the returns already in a database of the previous version", () => {
    const old = databaseAtMigration("0003_notifications");
    const orgs = old.sqlite.prepare("insert into organisations (ods_code, name, type, locality) values (?, ?, ?, ?) returning id");
    const a = (orgs.get("P10001", "North Practice", "gp_practice", "North") as { id: number }).id;
    const b = (orgs.get("P10002", "Nowhere Practice", "gp_practice", null) as { id: number }).id;
    const ret = old.sqlite.prepare("insert into opt_in_returns (organisation_id, month, registered, opted_in, declined, not_asked, national_opt_outs) values (?, ?, ?, ?, ?, ?, ?)");
    ret.run(a, "2015-10", 1000, 300, 0, 700, null);
    ret.run(a, "2016-07", 1000, 500, 0, 500, null);
    ret.run(a, "2016-08", 1000, 480, 0, 520, null);
    ret.run(a, "2016-09", 1000, 460, 0, 540, 3);
    ret.run(a, "2016-10", 1000, 440, 10, 550, null);
    ret.run(b, "2016-10", 0, 0, 0, 0, null);
    old.migrateToLatest();
    const totals = old.sqlite.prepare("select * from opt_in_monthly_totals where month = '2016-10' order by locality").all();
    expect(totals).toEqual([
      { month: "2016-10", locality: "", organisation_type: "gp_practice", registered: 0, opted_in: 0, declined: 0, not_asked: 0, practices: 1, national_opt_outs: 0, national_practices: 0 },
      { month: "2016-10", locality: "North", organisation_type: "gp_practice", registered: 1000, opted_in: 440, declined: 10, not_asked: 550, practices: 1, national_opt_outs: 0, national_practices: 0 },
    ]);
    expect(old.sqlite.prepare("select national_opt_outs, national_practices from opt_in_monthly_totals where month = '2016-09'").get()).toEqual({ national_opt_outs: 3, national_practices: 1 });
    const latest = old.sqlite.prepare("select rate, change_3, change_12, falling from opt_in_practice_months where organisation_id = ? and month = '2016-10'").get(a) as Record<string, number>;
    expect(latest.rate).toBeCloseTo(44);
    expect(latest.change_3).toBeCloseTo(-6);
    expect(latest.change_12).toBeCloseTo(14);
    expect(latest.falling).toBe(1);
    expect(old.sqlite.prepare("select rate, falling from opt_in_practice_months where organisation_id = ?").get(b)).toEqual({ rate: null, falling: 0 });
    expect(old.sqlite.prepare("select count(*) as n from opt_in_practice_months").get()).toEqual({ n: 6 });
    old.sqlite.close();
  });
});
