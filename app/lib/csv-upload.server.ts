import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  MaxPartSizeExceededError,
  unstable_composeUploadHandlers,
  unstable_createFileUploadHandler,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { parse } from "csv-parse/sync";

// Uploaded CSV files: size limit, text checks, parsing with line numbers, and keeping an uploaded
// file on the server between its preview and its confirmation.

import { MAX_UPLOAD_BYTES, MAX_UPLOAD_LABEL } from "./upload-limits";

export type UploadForm = { ok: true; form: FormData } | { ok: false; message: string };

/**
 * The submitted form. A multipart body is read with a per-part size cap, so an oversized file is
 * refused with a message (never held whole in memory, never a 500).
 */
export async function readUploadForm(request: Request, maxBytes = MAX_UPLOAD_BYTES): Promise<UploadForm> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!type.startsWith("multipart/form-data")) {
    try {
      return { ok: true, form: await request.formData() };
    } catch {
      return { ok: false, message: "The form could not be read: choose the file again and upload it" };
    }
  }
  try {
    const form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: maxBytes }));
    return { ok: true, form };
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError || (error as Error)?.constructor?.name === "MaxPartSizeExceededError") {
      return { ok: false, message: `The file is larger than ${MAX_UPLOAD_LABEL}: split it into smaller files and upload each one` };
    }
    return { ok: false, message: "The upload could not be read: choose the file again and upload it" };
  }
}

export type ReceivedFile = { ok: true; fileName: string; bytes: number } | { ok: false; reason: "too_large" | "unreadable" | "missing" };

/**
 * Streams a multipart form's one file part (`field`) to `filePath` as it arrives, so the file is
 * never held in this process's memory (a 20 MB upload held whole, then copied and decoded, added
 * ~60 MiB and held the event loop for tens of milliseconds). Other fields are read into memory, at
 * most 64 KiB each. The file's own name is kept (for the person and the audit). Anything but a
 * received, non-empty file leaves nothing at `filePath`.
 */
export async function receiveFileToDisk(request: Request, { field, filePath, maxBytes = MAX_UPLOAD_BYTES }: { field: string; filePath: string; maxBytes?: number }): Promise<ReceivedFile> {
  let fileName = "";
  const toDisk = unstable_createFileUploadHandler({
    directory: path.dirname(filePath),
    file: () => path.basename(filePath),
    avoidFileConflicts: false,
    maxPartSize: maxBytes,
    // The one file field, once.
    filter: ({ name, filename }) => {
      if (name !== field || fileName) return false;
      fileName = filename ?? "";
      return Boolean(fileName);
    },
  });
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_composeUploadHandlers(toDisk, unstable_createMemoryUploadHandler({ maxPartSize: 64 * 1024 })));
  } catch (error) {
    discardUpload(filePath);
    const tooLarge = error instanceof MaxPartSizeExceededError || (error as Error)?.constructor?.name === "MaxPartSizeExceededError";
    return { ok: false, reason: tooLarge ? "too_large" : "unreadable" };
  }
  const bytes = fs.existsSync(filePath) ? fs.statSync(filePath).size : 0;
  if (typeof form.get(field) === "string" || !fileName || bytes === 0) {
    discardUpload(filePath);
    return { ok: false, reason: "missing" };
  }
  return { ok: true, fileName, bytes };
}

/** Removes a received upload that will not be used. */
export function discardUpload(filePath: string) {
  fs.rmSync(filePath, { force: true });
}

export type CsvText = { ok: true; text: string; fileName: string } | { ok: false; message: string };

/** The uploaded file as UTF-8 text, or why it cannot be a CSV file (missing, empty, binary). */
export async function csvTextOf(value: FormDataEntryValue | null): Promise<CsvText> {
  if (!value || typeof value === "string") return { ok: false, message: "Choose a CSV file to upload" };
  const file = value as File;
  if (file.size === 0) return { ok: false, message: file.name ? `${file.name} is empty: choose a CSV file with data in it` : "Choose a CSV file to upload" };
  const bytes = new Uint8Array(await file.arrayBuffer());
  return decodeCsvBytes(bytes, file.name || "the file");
}

export function decodeCsvBytes(bytes: Uint8Array, fileName: string): CsvText {
  if (bytes.length === 0) return { ok: false, message: `${fileName} is empty: choose a CSV file with data in it` };
  if (bytes.includes(0)) return { ok: false, message: `${fileName} is not a CSV text file (it contains binary data): export it from the spreadsheet as CSV and try again` };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Older exports are often Windows-1252; a CSV of names and codes reads correctly that way.
    text = new TextDecoder("windows-1252").decode(bytes);
  }
  text = text.replace(/^\uFEFF/, "");
  if (!text.trim()) return { ok: false, message: `${fileName} is empty: choose a CSV file with data in it` };
  return { ok: true, text, fileName };
}

export type CsvLine = { line: number; cells: string[] };

/** Records with the line number each ends on. Throws a message a person can act on for a malformed file. */
export function parseCsvLines(text: string): CsvLine[] {
  try {
    const records = parse(text, { relax_column_count: true, skip_empty_lines: true, info: true, bom: true, trim: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map((r) => ({ line: r.info.lines, cells: r.record }));
  } catch (error) {
    const e = error as { lines?: number; message?: string };
    throw new CsvFileError(`The file could not be read as CSV${e.lines ? ` at line ${e.lines}` : ""} (${String(e.message ?? "").split(":")[0]}): check it was saved as CSV`);
  }
}

export class CsvFileError extends Error {}

// ---------------------------------------------------------------------------------------------
// Keeping an upload between preview and confirm

type Staged<Options> = { userId: number; kind: string; options: Options; fileName: string; sha256: string; createdAt: number };

const STAGING_TTL_MS = 60 * 60 * 1000;

function stagingDir() {
  const dir = path.join(os.tmpdir(), "shareboard-imports");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

const STAGE_ID = /^[0-9a-f]{32}$/;

/**
 * Keeps the uploaded text on the server under a random id, for the user who uploaded it; the
 * confirm step sends only the id. Files older than an hour are removed as new ones arrive.
 */
export function stageUpload<Options>({ userId, kind, text, options, fileName }: { userId: number; kind: string; text: string; options: Options; fileName: string }) {
  const dir = stagingDir();
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    try {
      if (now - fs.statSync(file).mtimeMs > STAGING_TTL_MS) fs.rmSync(file, { force: true });
    } catch {
      // another process removed it first
    }
  }
  const id = crypto.randomBytes(16).toString("hex");
  const meta: Staged<Options> = { userId, kind, options, fileName, sha256: sha256(text), createdAt: now };
  fs.writeFileSync(path.join(dir, `${id}.csv`), text, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify(meta), { mode: 0o600 });
  return id;
}

/** The staged upload, if it exists, belongs to this user and kind, is unexpired and unaltered. */
export function readStagedUpload<Options>({ id, userId, kind }: { id: string; userId: number; kind: string }): { text: string; options: Options; fileName: string } | null {
  if (!STAGE_ID.test(id)) return null;
  const dir = stagingDir();
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, `${id}.json`), "utf8")) as Staged<Options>;
    if (meta.userId !== userId || meta.kind !== kind || Date.now() - meta.createdAt > STAGING_TTL_MS) return null;
    const text = fs.readFileSync(path.join(dir, `${id}.csv`), "utf8");
    if (sha256(text) !== meta.sha256) return null;
    return { text, options: meta.options, fileName: meta.fileName };
  } catch {
    return null;
  }
}

export function discardStagedUpload(id: string) {
  if (!STAGE_ID.test(id)) return;
  const dir = stagingDir();
  fs.rmSync(path.join(dir, `${id}.csv`), { force: true });
  fs.rmSync(path.join(dir, `${id}.json`), { force: true });
}

function sha256(text: string) {
  return crypto.createHash("sha256").update(text).digest("hex");
}
