import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";

describe("the database file", () => {
  it("is created readable and writable by its owner only, and so are its WAL files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-mode-"));
    try {
      const file = path.join(dir, "data", "new.sqlite");
      const { sqlite } = openDatabase(file);
      sqlite.prepare("INSERT INTO settings (key, value) VALUES ('mode-check', '1')").run();
      for (const f of [file, `${file}-wal`, `${file}-shm`]) {
        expect((fs.statSync(f).mode & 0o777).toString(8), path.basename(f)).toBe("600");
      }
      sqlite.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves the mode of an existing file as its owner set it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-mode-"));
    try {
      const file = path.join(dir, "existing.sqlite");
      openDatabase(file).sqlite.close();
      fs.chmodSync(file, 0o640);
      openDatabase(file).sqlite.close();
      expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("640");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
