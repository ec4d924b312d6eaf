import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { receiveFileToDisk } from "~/lib/csv-upload.server";

// An upload streamed to disk as it arrives (the opt-in return upload page): the file as sent, under
// its own name, or nothing left behind.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "receive-upload-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function request(parts: [string, string | File][]) {
  const form = new FormData();
  for (const [name, value] of parts) form.append(name, value);
  return new Request("http://localhost/consent/upload", { method: "POST", body: form });
}

describe("receiving an upload to disk", () => {
  it("writes the file part byte for byte and keeps the name the person's file had", async () => {
    const bytes = Buffer.concat([Buffer.from("ods_code,month\n"), Buffer.from("é".repeat(200_000)), Buffer.from([0xff, 0x00])]);
    const filePath = path.join(dir, "a.csv");
    const received = await receiveFileToDisk(request([["note", "hello"], ["file", new File([bytes], "October returns.csv")]]), { field: "file", filePath });
    expect(received).toEqual({ ok: true, fileName: "October returns.csv", bytes: bytes.length });
    expect(fs.readFileSync(filePath).equals(bytes)).toBe(true);
  });

  it("leaves nothing behind for a file over the limit, a missing or empty file, or a broken body", async () => {
    const filePath = path.join(dir, "b.csv");
    const big = await receiveFileToDisk(request([["file", new File(["x".repeat(2048)], "big.csv")]]), { field: "file", filePath, maxBytes: 1024 });
    expect(big).toEqual({ ok: false, reason: "too_large" });
    expect(fs.existsSync(filePath)).toBe(false);
    for (const parts of [[], [["file", new File([], "empty.csv")]], [["other", new File(["a"], "a.csv")]], [["file", "not a file"]]] as [string, string | File][][]) {
      expect(await receiveFileToDisk(request(parts), { field: "file", filePath })).toEqual({ ok: false, reason: "missing" });
      expect(fs.existsSync(filePath)).toBe(false);
    }
    const broken = new Request("http://localhost/consent/upload", {
      method: "POST",
      body: "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nods_code",
      headers: { "Content-Type": "multipart/form-data; boundary=x" },
    });
    expect((await receiveFileToDisk(broken, { field: "file", filePath })).ok).toBe(false);
    expect(fs.existsSync(filePath)).toBe(false);
  });
});
