import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTextInChunks } from "~/models/opt-in-import.server";

describe("writing an uploaded file for the import thread", () => {
  it("writes the text exactly, a chunk at a time, never splitting a character made of a surrogate pair", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shareboard-write-"));
    const file = path.join(dir, "upload.csv");
    // "😀" is two UTF-16 code units: with chunks of 2 to 7 units some fall on a chunk's edge.
    const text = "ods_code,month\nP😀1,2016-10\n😀😀é,x\n".repeat(7);
    for (let chunk = 2; chunk <= 7; chunk++) {
      await writeTextInChunks(file, text, chunk);
      expect(fs.readFileSync(file, "utf8")).toBe(text);
    }
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
