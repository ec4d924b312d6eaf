import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loader } from "~/routes/healthz";
import { closeDb } from "~/lib/db.server";

const seeded = process.env.DATABASE_PATH;

afterEach(() => {
  closeDb();
  process.env.DATABASE_PATH = seeded;
});

describe("/healthz", () => {
  it("answers 200 when the database is reachable", async () => {
    const res = await loader();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: "reachable" });
  });

  it("answers 503 when the database cannot be opened", async () => {
    closeDb();
    // A path under a plain file: the database can be neither opened nor created there.
    const notADirectory = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-health-")), "a-file");
    fs.writeFileSync(notADirectory, "");
    process.env.DATABASE_PATH = path.join(notADirectory, "db.sqlite");
    const res = await loader();
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unavailable", database: "unreachable" });
  });
});
