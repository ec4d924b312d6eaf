import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { openDatabase, DEFAULT_DATABASE_PATH } from "./client";
import { writeCheckpoint } from "../app/lib/audit-checkpoints.server";

type Log = (line: string) => void;

/** Where a generated session secret is kept: db/data/ of the project (git-ignored), wherever the database is. */
// Beside the default database, from the project folder every npm script runs in (the compiled
// server in build/node must find the same file as the TypeScript scripts).
export const SESSION_SECRET_FILE = path.resolve("db/data/session-secret");

/**
 * When SESSION_SECRET is not set, generate one once and keep it in db/data/session-secret
 * (owner-readable only, git-ignored), so the quick start needs no set-up and sessions survive
 * restarts. It does not follow DATABASE_PATH: a database kept elsewhere (even in the
 * repository root) must not pull a secret out of the ignored folder.
 */
export function ensureSessionSecret(log: Log = console.log, secretFile = SESSION_SECRET_FILE) {
  if (process.env.SESSION_SECRET) return;
  if (fs.existsSync(secretFile)) {
    process.env.SESSION_SECRET = fs.readFileSync(secretFile, "utf8").trim();
    log(`SESSION_SECRET not set: using the one kept in ${secretFile}`);
    return;
  }
  fs.mkdirSync(path.dirname(secretFile), { recursive: true });
  const secret = randomBytes(32).toString("hex");
  fs.writeFileSync(secretFile, secret + "\n", { mode: 0o600 });
  process.env.SESSION_SECRET = secret;
  log(`SESSION_SECRET not set: generated one and kept it in ${secretFile} (readable by its owner only). Set SESSION_SECRET to use your own.`);
}

/** Creates and migrates the database file; loads the demo data when it is empty. */
export async function prepareDatabase(log: Log = console.log) {
  const file = process.env.DATABASE_PATH || DEFAULT_DATABASE_PATH;
  const started = Date.now();
  const conn = openDatabase(file);
  log(`Database ${path.resolve(file)} is ready (migrations applied)`);
  const { hasDemoData, seedDemoData } = await import("../seeds");
  if (!hasDemoData(conn.db)) {
    await seedDemoData(conn.db);
    // The demo's notifications as the reporting date has them (cover ending, reviews due, cases waiting).
    const { catchUpScans } = await import("../app/models/notification-scan.server");
    catchUpScans({ db: conn.db });
    log(`Database was empty: loaded the demo data in ${Date.now() - started} ms`);
    writeCheckpoint(conn.sqlite, "startup"); // anchor the new audit log outside the database
  }
  conn.sqlite.close();
}

// `tsx db/setup.ts --seed`: prepare the database without starting the server.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.dirname ?? "", "setup.ts")) {
  prepareDatabase().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
