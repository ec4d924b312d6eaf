// Runs in a worker thread (piscina; see opt-in-import.server.ts): the CPU-heavy part of an opt-in
// return upload (streaming the CSV, checking every row, comparing with the returns kept) and the
// import's one transaction, on the thread's own SQLite connection, so the server's event loop
// keeps answering everyone else meanwhile. The thread's connection keeps a preview's staged rows
// for its confirm (opt-in-upload.server.ts).
import type { Actor } from "~/lib/audit.server";
import { checkpointIfDue } from "~/lib/audit-checkpoints.server";
import { connection, leaveAuditCheckpointsToCaller } from "~/lib/db.server";
import { confirmOptInUpload, previewOptInUploadFile } from "./opt-in-upload.server";

// The thread's connection keeps 4 MiB of pages for the database and 4 for its temporary tables
// (16 each by default): with the file's own memory that kept a 20 MB upload under 150 MiB (137-141
// MiB, against 178-193 at 16), and the national import took the same CPU time.
const sqlite = connection().sqlite;
sqlite.pragma("main.cache_size = -4000");
sqlite.pragma("temp.cache_size = -4000");
// Two things that follow a commit wait until the import's answer has gone back: copying the ~46 MB
// of write-ahead log a national import leaves back into the database (SQLite's automatic
// checkpoint, run inside the commit: 110 of the confirm's 730 ms), and the audit chain's checkpoint
// (app/lib/audit-checkpoints.server.ts; always due at a fresh thread's first import: ~45 ms).
sqlite.pragma("wal_autocheckpoint = 0");
leaveAuditCheckpointsToCaller();

/** The work after a commit: the audit checkpoint if due, then the write-ahead log copied back without waiting for anyone (readers keep their snapshots). */
function afterCommit() {
  checkpointIfDue(sqlite); // never throws
  try {
    sqlite.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // Busy or closing: the server's own connections checkpoint on their next write.
  }
}

export type OptInImportTask =
  | { kind: "warm" }
  | { kind: "preview"; userId: number; fileName: string; filePath: string }
  | { kind: "confirm"; actor: Actor; userId: number; uploadId: string };

export default async function run(task: OptInImportTask) {
  // Nothing more to do: loading this module started the thread and opened its connection.
  if (task.kind === "warm") return null;
  if (task.kind === "preview") return previewOptInUploadFile({ userId: task.userId, fileName: task.fileName, filePath: task.filePath });
  try {
    return await confirmOptInUpload({ actor: task.actor, userId: task.userId, uploadId: task.uploadId });
  } finally {
    // After piscina has posted the answer (it does so as this task's promise settles).
    setImmediate(afterCommit);
  }
}
