// Runs in a worker thread (piscina; see opt-in-import.server.ts): the CPU-heavy part of an opt-in
// return upload (streaming the CSV, checking every row, comparing with the returns kept) and the
// import's one transaction, on the thread's own SQLite connection, so the server's event loop
// keeps answering everyone else meanwhile. The thread's connection keeps a preview's staged rows
// for its confirm (opt-in-upload.server.ts).
import type { Actor } from "~/lib/audit.server";
import { confirmOptInUpload, previewOptInUploadFile } from "./opt-in-upload.server";

export type OptInImportTask =
  | { kind: "preview"; userId: number; fileName: string; filePath: string }
  | { kind: "confirm"; actor: Actor; userId: number; uploadId: string };

export default async function run(task: OptInImportTask) {
  if (task.kind === "preview") return previewOptInUploadFile({ userId: task.userId, fileName: task.fileName, filePath: task.filePath });
  return confirmOptInUpload({ actor: task.actor, userId: task.userId, uploadId: task.uploadId });
}
