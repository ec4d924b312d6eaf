// Crash safety: kill the real server five times, in the middle of large imports' confirms and of
// a run of business case transitions. The import kills are exact: a test failpoint
// (SHAREBOARD_FAILPOINT=import-mid-transaction, app/lib/failpoints.server.ts) makes the server
// SIGKILL itself inside the confirm transaction, after its first rows are written and before
// commit; for the opt-in import that is inside its worker thread. After each restart nothing is
// half-written (no imported organisation, fact, return or audit row of an interrupted import),
// every case's state agrees with its history, the read models equal a rebuild, SQLite's
// integrity_check is ok and the audit log verifies; then each interrupted import is confirmed
// again and is complete.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, openDatabaseReadOnly } from "../../db/client";
import { verifyAudit } from "~/lib/audit-verify.server";
import { reliabilitySettings } from "~/lib/env.server";
import { READ_MODELS } from "~/models/read-models.server";
import { epraccurLine } from "../helpers/epraccur";
import { postForm, signIn, startServer, type RunningServer } from "../helpers/server";

const PRACTICES = 4_000;
/** Opt-in returns for every demo practice in months before the seed's: all new rows, several insert chunks. */
const OPT_IN_MONTHS = Array.from({ length: 24 }, (_, i) => `${2010 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`);
const FAILPOINT = { SHAREBOARD_FAILPOINT: "import-mid-transaction", SHAREBOARD_TEST_FAILPOINTS: "1" };
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

/** Every demo GP practice's return for every one of OPT_IN_MONTHS: (practices × 24) new rows. */
function optInFile() {
  const codes = withDatabase((db) => (db.prepare("select ods_code as code from organisations where type = 'gp_practice' order by ods_code").all() as { code: string }[]).map((r) => r.code));
  const lines = ["ods_code,month,registered,opted_in,declined,not_asked"];
  for (const code of codes) for (const month of OPT_IN_MONTHS) lines.push(`${code},${month},1000,600,100,300`);
  return { file: new File([lines.join("\r\n") + "\r\n"], "opt-in-crash.csv", { type: "text/csv" }), rows: codes.length * OPT_IN_MONTHS.length };
}

/** Previews the opt-in return file (checked in the server's worker thread) and returns its upload id. */
async function previewOptIn(baseURL: string, cookie: string, file: File) {
  const form = new FormData();
  form.set("file", file);
  const res = await postForm(baseURL, "/consent/upload", cookie, form);
  const html = await res.text();
  const uploadId = /name="uploadId" value="([^"]+)"/.exec(html)?.[1];
  if (!uploadId) throw new Error(`The opt-in preview gave no upload id (status ${res.status})`);
  return uploadId;
}

function confirmOptIn(baseURL: string, cookie: string, uploadId: string) {
  return postForm(baseURL, "/consent/upload", cookie, new URLSearchParams({ uploadId }));
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

/** Read-model tables whose rows differ from what a rebuild from the base tables gives (rebuilt in a transaction rolled back). */
function readModelsUnlikeRebuild() {
  const conn = openDatabase(env.DATABASE_PATH, { migrate: false });
  const tables = READ_MODELS.flatMap((m) => m.tables);
  const snapshot = () => Object.fromEntries(tables.map((t) => [t, (conn.sqlite.prepare(`select * from ${t}`).raw().all() as unknown[][]).map((r) => JSON.stringify(r)).sort()]));
  try {
    const kept = snapshot();
    let rebuilt: typeof kept = {};
    try {
      conn.db.transaction((tx) => {
        for (const model of READ_MODELS) model.rebuild(tx);
        rebuilt = snapshot();
        throw new Error("roll back");
      });
    } catch (error) {
      if ((error as Error).message !== "roll back") throw error;
    }
    return tables.filter((t) => JSON.stringify(kept[t]) !== JSON.stringify(rebuilt[t]));
  } finally {
    conn.sqlite.close();
  }
}

/** The interrupted imports so far, those confirmed again since, and the opt-in rows that must be there. */
type Expected = { organisationRounds: number[]; confirmedRounds: number[]; optInRows: number; optInUploadId?: string };

/** What must hold after any crash. */
function expectConsistent({ organisationRounds, confirmedRounds, optInRows, optInUploadId }: Expected, seededTransitions: number) {
  const outcome = withDatabase((db) => {
    const n = (query: string, ...args: unknown[]) => (db.prepare(query).get(...args) as { n: number }).n;
    const integrity = db.pragma("integrity_check", { simple: true });
    const imports = organisationRounds.map((round) => ({
      round,
      organisations: n("select count(*) as n from organisations where ods_code like ?", `${prefixOf(round)}%`),
      created: n("select count(*) as n from audit_log where action = 'organisation.import_create' and json_extract(after, '$.odsCode') like ?", `${prefixOf(round)}%`),
      summaries: n("select count(*) as n from audit_log where action = 'organisation.import' and entity_id = ?", fileNameOf(round)),
      statuses: n("select count(*) as n from organisation_status_periods where note = ?", `imported from ${fileNameOf(round)}`),
      memberships: n("select count(*) as n from organisation_memberships where note = ?", `imported from ${fileNameOf(round)}`),
    }));
    const months = OPT_IN_MONTHS.map(() => "?").join(",");
    const optIn = {
      returns: n(`select count(*) as n from opt_in_returns where month in (${months})`, ...OPT_IN_MONTHS),
      practiceMonths: n(`select count(*) as n from opt_in_practice_months where month in (${months})`, ...OPT_IN_MONTHS),
      audited: optInUploadId ? n("select count(*) as n from audit_log where action = 'opt_in_returns.upload' and entity_id = ?", optInUploadId) : 0,
    };
    const cases = CASES.map((reference) => {
      const kase = db.prepare("select id, state, version from business_cases where reference = ?").get(reference) as { id: number; state: string; version: number };
      const last = db.prepare("select id, to_state as toState from business_case_transitions where case_id = ? order by id desc limit 1").get(kase.id) as { id: number; toState: string };
      const transitionIds = (db.prepare("select id from business_case_transitions where case_id = ? order by id").all(kase.id) as { id: number }[]).map((r) => r.id);
      const audited = (
        db.prepare("select json_extract(after, '$.transitionId') as id from audit_log where entity_type = 'business_case' and entity_id = ? and json_extract(after, '$.transitionId') is not null order by id").all(reference) as { id: number }[]
      ).map((r) => r.id);
      return { reference, state: kase.state, lastTransitionTo: last.toState, transitionIds, audited };
    });
    return { integrity, imports, optIn, cases };
  });
  expect(outcome.integrity).toBe("ok");
  for (const i of outcome.imports) {
    expect(i.organisations, `import ${i.round} is all or nothing: ${confirmedRounds.includes(i.round) ? "all there once confirmed again" : "none of it after the kill"}`).toBe(confirmedRounds.includes(i.round) ? PRACTICES : 0);
    expect(i.created, `import ${i.round}: one audit row per organisation`).toBe(i.organisations);
    expect(i.summaries, `import ${i.round}: its summary row with its organisations`).toBe(i.organisations ? 1 : 0);
    expect({ statuses: i.statuses, memberships: i.memberships }, `import ${i.round}: a status and a membership for each organisation`).toEqual({ statuses: i.organisations, memberships: i.organisations });
  }
  expect(outcome.optIn, "the opt-in import is all or nothing, read models and audit row included").toEqual({ returns: optInRows, practiceMonths: optInRows, audited: optInRows ? 1 : 0 });
  for (const c of outcome.cases) {
    expect(c.state, `${c.reference}: the state is where its history ends`).toBe(c.lastTransitionTo);
    expect(c.audited.filter((id) => !c.transitionIds.includes(id)), `${c.reference}: every audited step exists`).toEqual([]);
    expect(c.transitionIds.filter((id) => id > seededTransitions && !c.audited.includes(id)), `${c.reference}: every new step is audited`).toEqual([]);
  }
  expect(readModelsUnlikeRebuild(), "read models equal a rebuild from the base tables").toEqual([]);
  const conn = openDatabaseReadOnly(env.DATABASE_PATH);
  try {
    const verdict = verifyAudit(conn.db, { settings: reliabilitySettings(env) });
    expect(verdict.problems).toEqual([]);
  } finally {
    conn.sqlite.close();
  }
  return outcome;
}

/** The confirm never answered: the server killed itself at the failpoint, with SIGKILL. */
async function expectKilledAtFailpoint(running: RunningServer, confirm: Promise<Response>) {
  const answer = await confirm.then((r) => `answered ${r.status}`, () => "no answer");
  await running.kill9(); // waits for the exit; the process is already gone
  expect({ answer, signal: running.child.signalCode, said: running.output().includes("failpoint import-mid-transaction: killing process") }).toEqual({
    answer: "no answer",
    signal: "SIGKILL",
    said: true,
  });
}

describe("crash safety", () => {
  it("a kill inside an import's transaction or during case transitions leaves nothing half-written, five times; the import then goes through", async () => {
    // Rounds 1, 3 and 5 run on a server with the failpoint armed; the rest on a plain one.
    const armedFor = (round: number) => (round % 2 === 1 ? FAILPOINT : {});
    server = await startServer({ ...env, ...armedFor(1) });
    const seededTransitions = withDatabase((db) => (db.prepare("select max(id) as n from business_case_transitions").get() as { n: number }).n);
    const stageIds = new Map<number, string>();
    const expected: Expected = { organisationRounds: [], confirmedRounds: [], optInRows: 0 };
    let optIn: { uploadId: string; rows: number } | undefined;
    const caseSteps: number[] = [];
    for (let crash = 1; crash <= 5; crash++) {
      if (crash === 1 || crash === 5) {
        // A 4,000-practice epraccur import: the server dies after its first 500 organisations.
        const programme = await signIn(server.baseURL, "programme@example.org");
        const stageId = await previewImport(server.baseURL, programme, crash);
        stageIds.set(crash, stageId);
        expected.organisationRounds.push(crash);
        await expectKilledAtFailpoint(server, confirmImport(server.baseURL, programme, stageId));
      } else if (crash === 3) {
        // An opt-in return import in the worker thread: the whole process dies with its returns written, before commit.
        const programme = await signIn(server.baseURL, "programme@example.org");
        const { file, rows } = optInFile();
        optIn = { uploadId: await previewOptIn(server.baseURL, programme, file), rows };
        expected.optInUploadId = optIn.uploadId;
        await expectKilledAtFailpoint(server, confirmOptIn(server.baseURL, programme, optIn.uploadId));
      } else {
        // In the middle of a run of case transitions.
        const stop = { now: false };
        const steps = transitionsUntil(server.baseURL, await signIn(server.baseURL, "board@example.org"), stop);
        await new Promise((r) => setTimeout(r, 300 + 100 * crash));
        await server.kill9();
        stop.now = true;
        caseSteps.push(await steps);
      }
      server = await startServer({ ...env, ...armedFor(crash + 1) }); // restart on the same files, as after a real crash
      expectConsistent(expected, seededTransitions);
    }

    // Round 6's server has no failpoint: each interrupted import is simply confirmed again, and is then all there.
    const programme = await signIn(server.baseURL, "programme@example.org");
    expect((await confirmImport(server.baseURL, programme, stageIds.get(1)!)).status).toBe(302);
    expect((await confirmOptIn(server.baseURL, programme, optIn!.uploadId)).status).toBe(302);
    await server.stop();
    server = undefined;

    const final = expectConsistent({ ...expected, confirmedRounds: [1], optInRows: optIn!.rows }, seededTransitions);
    expect(final.imports.map((i) => i.organisations)).toEqual([PRACTICES, 0]); // round 1 confirmed again; round 5 left interrupted
    expect(final.optIn.returns).toBe(optIn!.rows);
    expect(caseSteps.reduce((a, b) => a + b, 0), "case transitions ran before the kills").toBeGreaterThan(0);
  }, 300_000); // about 60 s on an idle machine: six server starts
});
