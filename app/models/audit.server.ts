import { desc, count } from "drizzle-orm";
import { auditLog } from "../../db/schema";
import { getDb } from "~/lib/db.server";
import { describeVerdict, verifyAudit } from "~/lib/audit-verify.server";

export function listAuditEntries({ page = 1, pageSize = 50 }: { page?: number; pageSize?: number }) {
  const db = getDb();
  const total = db.select({ n: count() }).from(auditLog).get()?.n ?? 0;
  const rows = db
    .select()
    .from(auditLog)
    .orderBy(desc(auditLog.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  return { total, rows };
}

/** The same verdict as `npm run audit:verify`: chain, append-only triggers and signed checkpoints. */
export function auditChainStatus() {
  const verdict = verifyAudit(getDb());
  return { ...verdict, lines: describeVerdict(verdict) };
}
