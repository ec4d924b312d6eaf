import { desc, count } from "drizzle-orm";
import { auditLog } from "../../db/schema";
import { getDb } from "~/lib/db.server";
import { verifyAuditChain } from "~/lib/audit.server";

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

export function auditChainStatus() {
  return verifyAuditChain(getDb());
}
