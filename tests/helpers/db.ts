import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import { openDatabase } from "../../db/client";

/** A fresh, migrated, empty database of its own, for tests that build their own fixture. */
export function freshEmptyDatabase() {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-empty-")), `${crypto.randomUUID()}.sqlite`);
  return openDatabase(file);
}

/** A fresh copy of the seeded demo database. */
export function freshSeededDatabase() {
  const template = process.env.SHAREBOARD_TEMPLATE_DB!;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-seeded-")), `${crypto.randomUUID()}.sqlite`);
  fs.copyFileSync(template, file);
  return openDatabase(file);
}
