import { createHash } from "node:crypto";
import { and, asc, desc, eq, gt } from "drizzle-orm";
import { auditLog } from "../../db/schema";
import type { DbOrTx } from "./db.server";

export type Actor = {
  userId: number | null;
  label: string;
  ip?: string | null;
  requestId?: string | null;
};

export const SYSTEM_ACTOR: Actor = { userId: null, label: "system" };

export type AuditEntry = {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
};

const GENESIS = "0".repeat(64);

function rowHash(prevHash: string, row: Omit<typeof auditLog.$inferSelect, "id" | "hash" | "prevHash">) {
  const canonical = JSON.stringify([
    prevHash,
    row.at,
    row.actorUserId,
    row.actorLabel,
    row.action,
    row.entityType,
    row.entityId,
    row.before,
    row.after,
    row.ip,
    row.requestId,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

function toJson(value: unknown) {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/**
 * The one way anything is written to the audit log. Call it inside the same transaction as
 * the change it records, so the change and its audit row commit or roll back together.
 */
export function audit(tx: DbOrTx, actor: Actor, entry: AuditEntry) {
  const last = tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1).get();
  const prevHash = last?.hash ?? GENESIS;
  const row = {
    at: new Date().toISOString(),
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
    before: toJson(entry.before),
    after: toJson(entry.after),
    ip: actor.ip ?? null,
    requestId: actor.requestId ?? null,
  };
  const hash = rowHash(prevHash, row);
  tx.insert(auditLog).values({ ...row, prevHash, hash }).run();
  return hash;
}

export type ChainVerdict = { ok: true; rows: number } | { ok: false; rows: number; brokenAtId: number; reason: string };

export const GENESIS_HASH = GENESIS;

export type ChainWalk = {
  /** Rows read, in id order. */
  rows: number;
  /** The stored hash of the newest row (the genesis hash when the log is empty). */
  head: string;
  lastId: number;
  firstBreak: { id: number; position: number; reason: string } | null;
};

/**
 * Reads every row in id order, recomputing each hash. Keeps going past a break so callers can still
 * compare row counts and stored hashes with checkpoints; `visit` sees each row's position (1-based).
 */
export function walkAuditChain(db: DbOrTx, visit?: (position: number, id: number, hash: string) => void, batchSize = 5000): ChainWalk {
  let prevHash = GENESIS;
  let lastId = 0;
  let rows = 0;
  let firstBreak: ChainWalk["firstBreak"] = null;
  for (;;) {
    const batch = db.select().from(auditLog).where(gt(auditLog.id, lastId)).orderBy(asc(auditLog.id)).limit(batchSize).all();
    if (batch.length === 0) return { rows, head: prevHash, lastId, firstBreak };
    for (const r of batch) {
      rows++;
      if (!firstBreak) {
        const { id: _id, hash, prevHash: _p, ...content } = r;
        if (r.prevHash !== prevHash) firstBreak = { id: r.id, position: rows, reason: "its previous hash does not match the row before it (a row was removed, inserted or changed)" };
        else if (rowHash(prevHash, content) !== hash) firstBreak = { id: r.id, position: rows, reason: "its content does not match its hash (the row was edited)" };
      }
      visit?.(rows, r.id, r.hash);
      prevHash = r.hash;
      lastId = r.id;
    }
  }
}

/** Walks the whole chain; any edited, inserted or removed row breaks it. */
export function verifyAuditChain(db: DbOrTx, batchSize = 5000): ChainVerdict {
  const walk = walkAuditChain(db, undefined, batchSize);
  if (!walk.firstBreak) return { ok: true, rows: walk.rows };
  return { ok: false, rows: walk.firstBreak.position - 1, brokenAtId: walk.firstBreak.id, reason: walk.firstBreak.reason };
}

export function auditTrailFor(db: DbOrTx, entityType: string, entityId: string | number) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityType, entityType), eq(auditLog.entityId, String(entityId))))
    .orderBy(desc(auditLog.id))
    .all();
}
