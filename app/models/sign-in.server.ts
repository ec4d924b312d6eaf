import { and, count, eq, gte, min, type SQL } from "drizzle-orm";
import { signInAttempts } from "../../db/schema";
import { getDb, transaction } from "~/lib/db.server";
import { audit, type Actor } from "~/lib/audit.server";
import { verifyPassword } from "~/lib/password.server";
import { findUserForSignIn, normaliseEmail } from "./users.server";

// Failed sign-ins are limited three ways, so an attacker elsewhere cannot lock the owner out:
// - per (account, address) pair: the tight limit, which stops guessing one password from one place;
// - per address, across accounts: stops one place trying many accounts;
// - per account, across addresses: slower and larger, against guessing from many places; an address
//   the owner has signed in from successfully within KNOWN_ADDRESS_DAYS is exempt from it.
// Counters live in the database (sign_in_attempts), so every server process shares them.
export const SIGN_IN_LIMITS = {
  pair: { max: 10, windowMs: 15 * 60 * 1000 },
  address: { max: 50, windowMs: 15 * 60 * 1000 },
  account: { max: 100, windowMs: 60 * 60 * 1000 },
} as const;
export const KNOWN_ADDRESS_DAYS = 30;

export type SignInResult =
  | { kind: "ok"; userId: number }
  | { kind: "invalid" }
  | { kind: "throttled"; retryAfterSeconds: number };

function failuresSince(where: SQL | undefined, since: number) {
  return getDb()
    .select({ n: count(), oldest: min(signInAttempts.at) })
    .from(signInAttempts)
    .where(and(where, eq(signInAttempts.succeeded, false), gte(signInAttempts.at, since)))
    .get()!;
}

/** Seconds until the oldest counted failure leaves the window, when the limit is reached; else 0. */
function waitFor(where: SQL | undefined, limit: { max: number; windowMs: number }, now: number) {
  const failures = failuresSince(where, now - limit.windowMs);
  return failures.n >= limit.max && failures.oldest ? failures.oldest + limit.windowMs - now : 0;
}

function signedInFromBefore(email: string, ip: string, now: number) {
  const since = now - KNOWN_ADDRESS_DAYS * 24 * 60 * 60 * 1000;
  return Boolean(
    getDb()
      .select({ id: signInAttempts.id })
      .from(signInAttempts)
      .where(and(eq(signInAttempts.email, email), eq(signInAttempts.ip, ip), eq(signInAttempts.succeeded, true), gte(signInAttempts.at, since)))
      .limit(1)
      .get(),
  );
}

/** Seconds until the caller may try again, or 0 when not throttled. */
export function throttleFor({ email, ip, now = Date.now() }: { email: string; ip: string; now?: number }) {
  const account = normaliseEmail(email);
  const waits = [
    waitFor(and(eq(signInAttempts.email, account), eq(signInAttempts.ip, ip)), SIGN_IN_LIMITS.pair, now),
    waitFor(eq(signInAttempts.ip, ip), SIGN_IN_LIMITS.address, now),
  ];
  const accountWait = waitFor(eq(signInAttempts.email, account), SIGN_IN_LIMITS.account, now);
  if (accountWait > 0 && !signedInFromBefore(account, ip, now)) waits.push(accountWait);
  const longest = Math.max(...waits);
  return longest > 0 ? Math.max(1, Math.ceil(longest / 1000)) : 0;
}

function record(actor: Actor, email: string, ip: string, succeeded: boolean, outcome: string, userId?: number) {
  transaction((tx) => {
    // A refused (throttled) attempt checks no password, so it is audited but not counted: an
    // attacker who keeps trying does not extend anyone's wait.
    if (outcome !== "throttled") tx.insert(signInAttempts).values({ email, ip, at: Date.now(), succeeded }).run();
    audit(tx, { ...actor, userId: userId ?? actor.userId }, {
      action: succeeded ? "sign_in.success" : `sign_in.${outcome}`,
      entityType: "user",
      entityId: userId ?? null,
      after: { email },
    });
  });
}

/**
 * Checks an email and password. Every attempt is audited; after too many failures (SIGN_IN_LIMITS)
 * attempts are refused without checking.
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
