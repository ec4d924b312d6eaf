// Runs in a worker thread (piscina; see opt-in-import.server.ts): the CPU-heavy part of an opt-in
// return upload (streaming the CSV, checking every row, comparing with the returns kept) and the
// import's one transaction, on the thread's own SQLite connection, so the server's event loop
// keeps answering everyone else meanwhile.
import fs from "node:fs";
import type { Actor } from "~/lib/audit.server";
import { confirmOptInUpload, previewOptInUploadStream } from "./consent.server";

export type OptInImportTask =
  | { kind: "preview"; userId: number; fileName: string; filePath: string }
  | { kind: "confirm"; actor: Actor; userId: number; uploadId: string };

export default async function run(task: OptInImportTask) {
  if (task.kind === "preview") {
    try {
      return await previewOptInUploadStream({ userId: task.userId, fileName: task.fileName, input: fs.createReadStream(task.filePath, { highWaterMark: 256 * 1024 }) });
    } finally {
      fs.rmSync(task.filePath, { force: true });
    }
  }
  return confirmOptInUpload({ actor: task.actor, userId: task.userId, uploadId: task.uploadId });
}
