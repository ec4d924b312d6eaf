// The benchmark's national database must hold what the app itself would hold, or the benchmark
// measures a different (smaller) picture. A small build (50 bench practices) is read back through
// the models: every figure the pages show must count the bench rows, and the audit chain verifies.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildNationalDatabase } from "../bench/national-data";
import { REPORTING_DATE } from "../../seeds";
import { openDatabase } from "../../db/client";
import { READ_MODELS } from "~/models/read-models.server";
import { listExceptions } from "~/models/exceptions.server";
import { withAcknowledgements } from "~/models/exception-acknowledgements.server";

describe("the benchmark's national database builder", () => {
  it("writes practices, deployments, agreements, cover, returns and audit rows the models count", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-bench-")), "small.sqlite");
    const lines: string[] = [];
    const previousPath = process.env.DATABASE_PATH;
    const built = await buildNationalDatabase(file, { practices: 50, log: (s) => lines.push(s) });

    expect(process.env.DATABASE_PATH).toBe(previousPath);
    expect(built.problems).toEqual([]);
    const f = built.figures;
    expect(f.asAt).toBe(REPORTING_DATE);
    // The demo's 63 practices and the 50 bench ones, every one a member.
    expect(f.practicesActive).toBe(113);
    expect(f.practicesMembers).toBe(113);
    // More than the demo's 33 services live, 113 returns for October 2016, some (not all) bench practices covered.
    expect(f.servicesLive).toBeGreaterThan(33);
    expect(f.optInMonth).toBe("2016-10");
    expect(f.optInReturnsInMonth).toBe(113);
    expect(f.practicesCovered).toBeGreaterThan(63);
    expect(f.practicesCovered).toBeLessThan(113);
    expect(f.agreementsActive).toBe(built.expected.agreementsActive);
    expect(f.auditOk).toBe(true);
    expect(lines.join("\n")).toContain("practices that are members   113 of 113");

    // The read models in the file are exactly what a rebuild from the base tables gives.
    const conn = openDatabase(file);
    try {
      const snapshot = () => Object.fromEntries(READ_MODELS.flatMap((m) => m.tables).map((t) => [t, conn.sqlite.prepare(`select * from ${t} order by 1, 2`).all()]));
      const before = snapshot();
      expect(before["opt_in_practice_months"]!.length).toBeGreaterThan(50 * 60);
      conn.db.transaction((tx) => {
        for (const m of READ_MODELS) m.rebuild(tx);
      });
      expect(snapshot()).toEqual(before);
      const agreementRows = conn.sqlite.prepare("select count(*) n from agreements a where a.reference like 'BENCH-ISA-%' and not exists (select 1 from agreement_signatures s where s.agreement_id = a.id)").get() as { n: number };
      expect(agreementRows.n).toBe(0);
      // The expiring bench cover (one practice in 97) is an exception the engine lists, acknowledged.
      const expiring = withAcknowledgements(listExceptions({ asAt: REPORTING_DATE, kind: "cover_expiring", db: conn.db }), { asAt: REPORTING_DATE, db: conn.db });
      const bench = expiring.filter((e) => e.id.startsWith("cover_expiring:B"));
      expect(bench.length).toBe(1);
      expect(bench[0]!.acknowledgement?.reason).toBe("Renewal deed is with the practice for signature.");
    } finally {
      conn.sqlite.close();
    }
  }, 60_000);
});
