// Crash safety: kill -9 the real server five times, in the middle of a large epraccur import's
// confirm and in the middle of a run of business case transitions. After each restart the import
// is all there or not there at all, every case's state agrees with its history (and each step with
// its audit row), SQLite's integrity_check is ok and the audit log verifies.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabaseReadOnly } from "../../db/client";
import { verifyAudit } from "~/lib/audit-verify.server";
import { reliabilitySettings } from "~/lib/env.server";
import { epraccurLine } from "../helpers/epraccur";
import { postForm, signIn, startServer, type RunningServer } from "../helpers/server";

const PRACTICES = 4_000;
const CASES = ["BC-2016-008", "BC-2016-004"]; // board_review <-> deferred, both by the board
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-crash-test-"));
const env = { DATABASE_PATH: path.join(dir, "crash.sqlite") };
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.kill9();
  fs.rmSync(dir, { recursive: true, force: true });
});

const csv = (rows: string[][]) => rows.map((r) => r.map((c) => `"${c}"`).join(",")).join("\r\n") + "\r\n";
const prefixOf = (round: number) => `Z${round}`;
const fileNameOf = (round: number) => `epraccur-${round}.csv`;

function epraccurFile(round: number) {
  const rows = Array.from({ length: PRACTICES }, (_, i) => epraccurLine({ 1: `${prefixOf(round)}${String(i).padStart(4, "0")}`, 2: `CRASH PRACTICE ${round}-${i}` }));
  return new File([csv(rows)], fileNameOf(round), { type: "text/csv" });
}

/** Previews the file and returns the id the confirm form posts. */
async function previewImport(baseURL: string, cookie: string, round: number) {
  const form = new FormData();
  form.set("intent", "preview");
  form.set("commissionerCode", "02H");
  form.set("includeClosed", "no");
  form.set("file", epraccurFile(round));
  const res = await postForm(baseURL, "/organisations/import", cookie, form);
  const html = await res.text();
  const stageId = /name="stageId" value="([^"]+)"/.exec(html)?.[1];
  if (!stageId) throw new Error(`The preview gave no stage id (status ${res.status})`);
  return stageId;
}

function confirmImport(baseURL: string, cookie: string, stageId: string) {
  return postForm(baseURL, "/organisations/import", cookie, new URLSearchParams({ intent: "confirm", stageId }));
}

function withDatabase<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(env.DATABASE_PATH, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** The next step for a case and the version it must be at, read from the database. */
function nextTransition(reference: string) {
  const kase = withDatabase((db) => db.prepare("select state, version from business_cases where reference = ?").get(reference) as { state: string; version: number });
  const action = kase.state === "board_review" ? "defer" : "return_to_board";
  return new URLSearchParams({
    intent: "transition",
    action,
    version: String(kase.version),
    rationale: "Crash test: more evidence needed",
    meetingReference: "CRASH-1",
    interestDeclared: "None",
  });
}

/** Transitions the cases back and forth until stopped; errors after the kill are expected. */
function transitionsUntil(baseURL: string, cookie: string, stop: { now: boolean }) {
  return (async () => {
    let done = 0;
    while (!stop.now) {
      for (const reference of CASES) {
        try {
          const res = await postForm(baseURL, `/cases/${reference}`, cookie, nextTransition(reference));
          if (res.status === 302) done++;
        } catch {
          return done; // the server is gone
        }
      }
    }
    return done;
  })();
}

/** What must hold after any crash. */
function expectConsistent(rounds: number[], seededTransitions: number) {
  const outcome = withDatabase((db) => {
    const integrity = db.pragma("integrity_check", { simple: true });
    const imports = rounds.map((round) => {
      const organisations = (db.prepare("select count(*) as n from organisations where ods_code like ?").get(`${prefixOf(round)}%`) as { n: number }).n;
      const created = (db.prepare("select count(*) as n from audit_log where action = 'organisation.import_create' and json_extract(after, '$.odsCode') like ?").get(`${prefixOf(round)}%`) as { n: number }).n;
      const summaries = (db.prepare("select count(*) as n from audit_log where action = 'organisation.import' and entity_id = ?").get(fileNameOf(round)) as { n: number }).n;
      return { round, organisations, created, summaries };
    });
    const cases = CASES.map((reference) => {
      const kase = db.prepare("select id, state, version from business_cases where reference = ?").get(reference) as { id: number; state: string; version: number };
      const last = db.prepare("select id, to_state as toState from business_case_transitions where case_id = ? order by id desc limit 1").get(kase.id) as { id: number; toState: string };
      const transitionIds = (db.prepare("select id from business_case_transitions where case_id = ? order by id").all(kase.id) as { id: number }[]).map((r) => r.id);
      const audited = (
        db.prepare("select json_extract(after, '$.transitionId') as id from audit_log where entity_type = 'business_case' and entity_id = ? and json_extract(after, '$.transitionId') is not null order by id").all(reference) as { id: number }[]
      ).map((r) => r.id);
      return { reference, state: kase.state, lastTransitionTo: last.toState, transitionIds, audited };
    });
    return { integrity, imports, cases };
  });
  expect(outcome.integrity).toBe("ok");
  for (const i of outcome.imports) {
    expect([0, PRACTICES], `import ${i.round} is all or nothing`).toContain(i.organisations);
    expect(i.created, `import ${i.round}: one audit row per organisation`).toBe(i.organisations);
    expect(i.summaries, `import ${i.round}: its summary row with its organisations`).toBe(i.organisations ? 1 : 0);
  }
  for (const c of outcome.cases) {
    expect(c.state, `${c.reference}: the state is where its history ends`).toBe(c.lastTransitionTo);
    expect(c.audited.filter((id) => !c.transitionIds.includes(id)), `${c.reference}: every audited step exists`).toEqual([]);
    expect(c.transitionIds.filter((id) => id > seededTransitions && !c.audited.includes(id)), `${c.reference}: every new step is audited`).toEqual([]);
  }
  const conn = openDatabaseReadOnly(env.DATABASE_PATH);
  try {
    const verdict = verifyAudit(conn.db, { settings: reliabilitySettings(env) });
    expect(verdict.problems).toEqual([]);
  } finally {
    conn.sqlite.close();
  }
  return outcome;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Kills the server once it has held SQLite's write lock for `minHeldMs`: nothing else writes while
 * the import is confirmed, so that is the confirm's transaction. The lock is seen from here by
 * trying to begin a write transaction of our own without waiting.
 */
async function killInsideTransaction(running: RunningServer, confirm: Promise<unknown>, minHeldMs: number) {
  let settled = false;
  void confirm.finally(() => (settled = true));
  const probe = new Database(env.DATABASE_PATH, { timeout: 0 });
  let heldSince: number | null = null;
  try {
    while (!settled) {
      try {
        probe.exec("BEGIN IMMEDIATE");
        probe.exec("ROLLBACK");
        heldSince = null;
      } catch {
        heldSince ??= Date.now();
        if (Date.now() - heldSince >= minHeldMs) {
          break;
        }
      }
      await sleep(5);
    }
  } finally {
    probe.close();
  }
  await running.kill9();
}

describe("crash safety", () => {
  it("kill -9 during an import's confirm and during case transitions leaves nothing half-written, five times", async () => {
    server = await startServer(env);
    const seededTransitions = withDatabase((db) => (db.prepare("select max(id) as n from business_case_transitions").get() as { n: number }).n);
    const interruptedImports: number[] = [];
    const stageIds = new Map<number, string>();
    const caseSteps: number[] = [];
    for (let crash = 1; crash <= 5; crash++) {
      const stop = { now: false };
      let steps: Promise<number> = Promise.resolve(0);
      if (crash % 2 === 1) {
        // In the middle of a large import's confirm.
        const programme = await signIn(server.baseURL, "programme@example.org");
        const stageId = await previewImport(server.baseURL, programme, crash);
        stageIds.set(crash, stageId);
        const confirm = confirmImport(server.baseURL, programme, stageId).then((r) => String(r.status), () => "killed");
        await killInsideTransaction(server, confirm, 100 * (crash - 1));
        stop.now = true;
        if ((await confirm) === "killed") interruptedImports.push(crash);
      } else {
        // In the middle of a run of case transitions.
        steps = transitionsUntil(server.baseURL, await signIn(server.baseURL, "board@example.org"), stop);
        await new Promise((r) => setTimeout(r, 300 + 100 * crash));
        await server.kill9();
        stop.now = true;
      }
      caseSteps.push(await steps);
      server = await startServer(env); // restart on the same files, as after a real crash
      expectConsistent([1, 3, 5].filter((r) => r <= crash), seededTransitions);
    }

    // An interrupted import can simply be confirmed again: then it is all there. (On a starved
    // machine the confirm may finish before the kill lands; the checks above hold either way.)
    const again = interruptedImports[0];
    if (again !== undefined) {
      const programme = await signIn(server.baseURL, "programme@example.org");
      expect((await confirmImport(server.baseURL, programme, stageIds.get(again)!)).status).toBe(302);
    }
    await server.stop();
    server = undefined;

    const final = expectConsistent([1, 3, 5], seededTransitions);
    console.log(`crash test: kills interrupted imports ${interruptedImports.join(", ") || "none (each confirm finished first)"}; ${caseSteps.join(" + ")} case steps before the kills`);
    if (again !== undefined) expect(final.imports.find((i) => i.round === again)!.organisations).toBe(PRACTICES);
    expect(caseSteps.reduce((a, b) => a + b, 0), "case transitions ran before the kills").toBeGreaterThan(0);
  }, 300_000); // about 60 s on an idle machine: six server starts
});
