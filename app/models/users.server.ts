import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { organisations, sessions, userRoles, users } from "../../db/schema";
import type { Role } from "../../db/schema/enums";
import { getDb, preparedPerConnection, transaction, type DbOrTx } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";

export type SignedInUser = {
  id: number;
  email: string;
  name: string;
  jobTitle: string | null;
  organisationId: number;
  organisationName: string;
  organisationOdsCode: string;
  roles: Role[];
};

export function normaliseEmail(email: string) {
  return email.trim().toLowerCase();
}

const userById = preparedPerConnection((db) =>
  db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      jobTitle: users.jobTitle,
      disabledAt: users.disabledAt,
      organisationId: users.organisationId,
      organisationName: organisations.name,
      organisationOdsCode: organisations.odsCode,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, sql.placeholder("userId")))
    .prepare(),
);
const rolesOfUser = preparedPerConnection((db) =>
  db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, sql.placeholder("userId"))).orderBy(asc(userRoles.role)).prepare(),
);

export function getUserWithRoles({ userId, db = getDb() }: { userId: number; db?: DbOrTx }): SignedInUser | null {
  const row = userById(db).get({ userId });
  if (!row || row.disabledAt) return null;
  const roles = rolesOfUser(db).all({ userId });
  const { disabledAt: _d, ...user } = row;
  return { ...user, roles: roles.map((r) => r.role) };
}

export function findUserForSignIn({ email }: { email: string }) {
  return getDb()
    .select({ id: users.id, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.email, normaliseEmail(email)))
    .get();
}

export function listUsers() {
  const db = getDb();
  const rows = db
    .select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt, organisationName: organisations.name })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .orderBy(asc(users.email))
    .all();
  const roles = rows.length
    ? db.select().from(userRoles).where(inArray(userRoles.userId, rows.map((r) => r.id))).all()
    : [];
  return rows.map((r) => ({ ...r, roles: roles.filter((x) => x.userId === r.id).map((x) => x.role) }));
}

/** Disabling a user ends every session they have. */
export function disableUser({ actor, userId }: { actor: Actor; userId: number }) {
  return transaction((tx) => {
    const before = tx.select({ id: users.id, email: users.email, disabledAt: users.disabledAt }).from(users).where(eq(users.id, userId)).get();
    if (!before) return null;
    // Idempotent: disabling a disabled user changes nothing and writes no audit row.
    if (before.disabledAt) return { changed: false, at: before.disabledAt };
    const at = new Date().toISOString();
    tx.update(users).set({ disabledAt: at, updatedAt: at }).where(eq(users.id, userId)).run();
    tx.update(sessions)
      .set({ revokedAt: Date.now() })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .run();
    audit(tx, actor, { action: "user.disable", entityType: "user", entityId: userId, before, after: { ...before, disabledAt: at } });
    return { changed: true, at };
  });
}

export function enableUser({ actor, userId }: { actor: Actor; userId: number }) {
  return transaction((tx) => {
    const before = tx.select({ id: users.id, email: users.email, disabledAt: users.disabledAt }).from(users).where(eq(users.id, userId)).get();
    if (!before) return null;
    if (!before.disabledAt) return { changed: false };
    tx.update(users).set({ disabledAt: null, updatedAt: new Date().toISOString() }).where(eq(users.id, userId)).run();
    audit(tx, actor, { action: "user.enable", entityType: "user", entityId: userId, before, after: { ...before, disabledAt: null } });
    return { changed: true };
  });
}
