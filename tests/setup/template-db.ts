import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../db/client";

/**
 * Builds one migrated, seeded database per test run; every integration test file then works
 * on its own copy of it (tests/setup/db-per-file.ts), so files never share state.
 */
export default async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-test-"));
  const file = path.join(dir, "template.sqlite");
  const emptyFile = path.join(dir, "empty.sqlite");
  const conn = openDatabase(file);
  const { seedDemoData } = await import("../../seeds");
  await seedDemoData(conn.db);
  conn.sqlite.pragma("wal_checkpoint(TRUNCATE)");
  conn.sqlite.close();
  const empty = openDatabase(emptyFile);
  empty.sqlite.pragma("wal_checkpoint(TRUNCATE)");
  empty.sqlite.close();
  process.env.SHAREBOARD_TEMPLATE_DB = file;
  process.env.SHAREBOARD_EMPTY_DB = emptyFile;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
