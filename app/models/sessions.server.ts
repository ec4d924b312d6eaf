import { randomBytes } from "node:crypto";
import { eq, isNotNull, lt, or, sql } from "drizzle-orm";
import { sessions } from "../../db/schema";
import { getDb, preparedPerConnection, transaction } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
// Don't write last_seen_at on every request; a minute's precision is plenty for a 30-minute idle limit.
const TOUCH_EVERY_MS = 60 * 1000;

export function startSession({ actor, userId, ip, userAgent, replacesSessionId }: {
  actor: Actor;
  userId: number;
  ip: string | null;
  userAgent: string | null;
  replacesSessionId?: string | null;
}) {
  const now = Date.now();
  const id = randomBytes(32).toString("base64url");
  transaction((tx) => {
    // A new session id at every sign-in: any session the browser held before is ended.
    if (replacesSessionId) tx.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, replacesSessionId)).run();
    tx.insert(sessions)
      .values({ id, userId, createdAt: now, lastSeenAt: now, expiresAt: now + ABSOLUTE_TIMEOUT_MS, ip, userAgent })
      .run();
    audit(tx, { ...actor, userId }, { action: "session.start", entityType: "user", entityId: userId, after: { sessionIdPrefix: id.slice(0, 6) } });
  });
  return id;
}

export type ActiveSession = { id: string; userId: number };

const sessionById = preparedPerConnection((db) => db.select().from(sessions).where(eq(sessions.id, sql.placeholder("sessionId"))).prepare());

/** The session if it is still valid now; ended sessions (revoked, idle, past 12 hours) give null. */
export function findActiveSession({ sessionId }: { sessionId: string }): ActiveSession | null {
  const now = Date.now();
  const row = sessionById(getDb()).get({ sessionId });
  if (!row || row.revokedAt) return null;
  if (now - row.lastSeenAt > IDLE_TIMEOUT_MS || now >= row.expiresAt) return null;
  if (now - row.lastSeenAt > TOUCH_EVERY_MS) {
    getDb().update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, sessionId)).run();
  }
  return { id: row.id, userId: row.userId };
}

export function endSession({ actor, sessionId }: { actor: Actor; sessionId: string }) {
  transaction((tx) => {
    const row = tx.select().from(sessions).where(eq(sessions.id, sessionId)).get();
    if (!row || row.revokedAt) return;
    tx.update(sessions).set({ revokedAt: Date.now() }).where(eq(sessions.id, sessionId)).run();
    audit(tx, actor, { action: "session.end", entityType: "user", entityId: row.userId });
  });
}

/** Housekeeping: forget sessions that can no longer be used. */
export function purgeDeadSessions() {
  const now = Date.now();
  return getDb()
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, now - IDLE_TIMEOUT_MS), isNotNull(sessions.revokedAt)))
    .run().changes;
}
