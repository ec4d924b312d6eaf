import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";

// Each test file gets a fresh copy of the seeded template database. Tests that need an empty or
// older database make their own (tests/helpers/db.ts, tests/helpers/migrations.ts).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-file-"));
const file = path.join(dir, `${crypto.randomUUID()}.sqlite`);
const template = process.env.SHAREBOARD_TEMPLATE_DB;
if (!template) throw new Error("The template database was not built: run tests through vitest's integration project.");
fs.copyFileSync(template, file);
process.env.DATABASE_PATH = file;
process.env.SESSION_SECRET ??= "test-secret-that-is-long-enough-for-the-checks-0123456789";
