import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { apiTokens, users } from "../../db/schema";
import { getDb, transaction } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";
import { todayIso } from "~/lib/dates";

const PREFIX = "sbt_";

export function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

/** Creates a token; the plain token is returned once and only its hash is kept. */
export function createApiToken({ actor, name, expiresOn }: { actor: Actor; name: string; expiresOn: string | null }) {
  const token = PREFIX + randomBytes(24).toString("base64url");
  return transaction((tx) => {
    const row = tx
      .insert(apiTokens)
      .values({ name, tokenHash: hashToken(token), prefix: token.slice(0, 10), createdBy: actor.userId, expiresOn })
      .returning()
      .get();
    audit(tx, actor, { action: "api_token.create", entityType: "api_token", entityId: row.id, after: { name, prefix: row.prefix, expiresOn } });
    return { id: row.id, token };
  });
}

export function revokeApiToken({ actor, tokenId }: { actor: Actor; tokenId: number }) {
  return transaction((tx) => {
    const before = tx.select().from(apiTokens).where(eq(apiTokens.id, tokenId)).get();
    if (!before) return { kind: "not_found" as const };
    if (before.revokedAt) return { kind: "already_revoked" as const };
    const revokedAt = new Date().toISOString();
    tx.update(apiTokens).set({ revokedAt }).where(eq(apiTokens.id, tokenId)).run();
    audit(tx, actor, {
      action: "api_token.revoke",
      entityType: "api_token",
      entityId: tokenId,
      before: { name: before.name, prefix: before.prefix, revokedAt: null },
      after: { name: before.name, prefix: before.prefix, revokedAt },
    });
    return { kind: "revoked" as const };
  });
}

export function listApiTokens() {
  return getDb()
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      createdAt: apiTokens.createdAt,
      createdBy: users.email,
      expiresOn: apiTokens.expiresOn,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .orderBy(desc(apiTokens.id))
    .all();
}

export type ApiCaller = { tokenId: number; name: string };

/**
 * The caller behind a bearer token, or null when the token is unknown, revoked or expired.
 * Each use is recorded (last used, and an audit row naming the endpoint).
 */
export function authenticateApiToken({ token, path, ip }: { token: string; path: string; ip: string | null }): ApiCaller | null {
  if (!token.startsWith(PREFIX)) return null;
  const row = getDb()
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)))
    .get();
  if (!row) return null;
  // Expiry is wall-clock security, like sessions, not a reporting-date rule.
  if (row.expiresOn && row.expiresOn < todayIso()) return null;
  transaction((tx) => {
    tx.update(apiTokens).set({ lastUsedAt: new Date().toISOString() }).where(eq(apiTokens.id, row.id)).run();
    audit(tx, { userId: null, label: `api-token:${row.prefix}`, ip }, { action: "api.read", entityType: "api_token", entityId: row.id, after: { path } });
  });
  return { tokenId: row.id, name: row.name };
}
