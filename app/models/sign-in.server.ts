import { and, count, eq, gte, min } from "drizzle-orm";
import { signInAttempts } from "../../db/schema";
import { getDb, transaction } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";
import { verifyPassword } from "~/lib/password.server";
import { findUserForSignIn, normaliseEmail } from "./users.server";

export const THROTTLE_WINDOW_MS = 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 10;
export const MAX_FAILURES_PER_ADDRESS = 30;

export type SignInResult =
  | { kind: "ok"; userId: number }
  | { kind: "invalid" }
  | { kind: "throttled"; retryAfterSeconds: number };

function failuresSince(where: ReturnType<typeof eq>, since: number) {
  return getDb()
    .select({ n: count(), oldest: min(signInAttempts.at) })
    .from(signInAttempts)
    .where(and(where, eq(signInAttempts.succeeded, false), gte(signInAttempts.at, since)))
    .get()!;
}

/** Seconds until the caller may try again, or 0 when not throttled. */
export function throttleFor({ email, ip, now = Date.now() }: { email: string; ip: string; now?: number }) {
  const since = now - THROTTLE_WINDOW_MS;
  const byAccount = failuresSince(eq(signInAttempts.email, normaliseEmail(email)), since);
  const byAddress = failuresSince(eq(signInAttempts.ip, ip), since);
  const waits: number[] = [];
  if (byAccount.n >= MAX_FAILURES_PER_ACCOUNT && byAccount.oldest) waits.push(byAccount.oldest + THROTTLE_WINDOW_MS - now);
  if (byAddress.n >= MAX_FAILURES_PER_ADDRESS && byAddress.oldest) waits.push(byAddress.oldest + THROTTLE_WINDOW_MS - now);
  return waits.length ? Math.max(1, Math.ceil(Math.max(...waits) / 1000)) : 0;
}

function record(actor: Actor, email: string, ip: string, succeeded: boolean, outcome: string, userId?: number) {
  transaction((tx) => {
    tx.insert(signInAttempts).values({ email, ip, at: Date.now(), succeeded }).run();
    audit(tx, { ...actor, userId: userId ?? actor.userId }, {
      action: succeeded ? "sign_in.success" : `sign_in.${outcome}`,
      entityType: "user",
      entityId: userId ?? null,
      after: { email },
    });
  });
}

/**
 * Checks an email and password. Every attempt is recorded and audited; after too many
 * failures in a minute (per account or per address) attempts are refused without checking.
 */
export async function attemptSignIn({ email, password, ip, actor }: { email: string; password: string; ip: string; actor: Actor }): Promise<SignInResult> {
  const normalised = normaliseEmail(email);
  const wait = throttleFor({ email: normalised, ip });
  if (wait > 0) {
    record(actor, normalised, ip, false, "throttled");
    return { kind: "throttled", retryAfterSeconds: wait };
  }
  const user = findUserForSignIn({ email: normalised });
  // Verify against a dummy hash when the account is unknown so timing does not reveal which emails exist.
  const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
  if (!user || !ok || user.disabledAt) {
    record(actor, normalised, ip, false, user?.disabledAt ? "disabled" : "failure", user?.id);
    return { kind: "invalid" };
  }
  record(actor, normalised, ip, true, "success", user.id);
  return { kind: "ok", userId: user.id };
}

// argon2id hash of a random string nobody knows.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2hhcmVib2FyZC1kdW1teQ$2pWJv5r7s3YkGkz0c0m8cZ0wV1x2Q3Jm8F0b7Vq1X9Q";
