// Runs in a worker thread (piscina; see opt-in-import.server.ts): the CPU-heavy part of an opt-in
// return upload (streaming the CSV, checking every row, comparing with the returns kept) and the
// import's one transaction, on the thread's own SQLite connection, so the server's event loop
// keeps answering everyone else meanwhile. The thread's connection keeps a preview's staged rows
// for its confirm (opt-in-upload.server.ts).
import type { Actor } from "~/lib/audit.server";
import { connection } from "~/lib/db.server";
import { confirmOptInUpload, previewOptInUploadFile } from "./opt-in-upload.server";

// The thread's connection keeps 4 MiB of pages for the database and 4 for its temporary tables
// (16 each by default): with the file's own memory that kept a 20 MB upload under 150 MiB (137-141
// MiB, against 178-193 at 16), and the national import took the same CPU time.
const sqlite = connection().sqlite;
sqlite.pragma("main.cache_size = -4000");
sqlite.pragma("temp.cache_size = -4000");

export type OptInImportTask =
  | { kind: "preview"; userId: number; fileName: string; filePath: string }
  | { kind: "confirm"; actor: Actor; userId: number; uploadId: string };

export default async function run(task: OptInImportTask) {
  if (task.kind === "preview") return previewOptInUploadFile({ userId: task.userId, fileName: task.fileName, filePath: task.filePath });
  return confirmOptInUpload({ actor: task.actor, userId: task.userId, uploadId: task.uploadId });
}
