import { createCookie, redirect, type AppLoadContext, type Cookie } from "@remix-run/node";
import type { Role } from "../../db/schema/enums";
import { env } from "./env.server";
import { redirectWithFlash } from "./flash.server";
import { audit, type Actor } from "./audit.server";
import { transaction } from "./db.server";
import { anonymousActor, clientIp, requestId } from "./request.server";
import { hasAnyRole } from "./permissions";
import { currentRequestState, noteSignedInUser } from "./logger.server";
import { endSession, findActiveSession, startSession, ABSOLUTE_TIMEOUT_MS } from "~/models/sessions.server";
import { getUserWithRoles, type SignedInUser } from "~/models/users.server";

// Two cookie jars: over HTTPS the cookie takes the __Host- prefix and Secure; over plain
// HTTP (localhost quick start) browsers refuse __Host- cookies, so a plain name is used. Each is
// made once per secret, not per request.
const cookieJars = new Map<string, Cookie>();

function sessionCookie(request: Request) {
  const secure = new URL(request.url).protocol === "https:";
  const secret = env().SESSION_SECRET;
  const key = `${secure}|${secret}`;
  let cookie = cookieJars.get(key);
  if (!cookie) {
    cookie = createCookie(secure ? "__Host-shareboard_session" : "shareboard_session", {
      httpOnly: true,
      sameSite: "lax",
      secure,
      path: "/",
      secrets: [secret],
      maxAge: ABSOLUTE_TIMEOUT_MS / 1000,
    });
    cookieJars.set(key, cookie);
  }
  return cookie;
}

/**
 * Cookie headers already checked, with the session id each carries (or null): checking a signature
 * is an HMAC through Web Crypto on every request, and a browser sends the same header each time.
 * Only the signature's answer is kept; whether the session is still active is asked every time.
 * Bounded: the oldest answers go first, and a header longer than a session cookie needs is not kept.
 */
const checkedCookies = new WeakMap<Cookie, Map<string, string | null>>();
const CHECKED_COOKIES_KEPT = 1_000;
/** Longer headers are checked every time, so what is kept stays under a megabyte whatever is sent. */
const CHECKED_COOKIE_MAX_LENGTH = 512;

async function sessionIdFrom(request: Request): Promise<string | null> {
  const header = request.headers.get("Cookie");
  if (!header) return null;
  const cookie = sessionCookie(request);
  let checked = checkedCookies.get(cookie);
  if (!checked) checkedCookies.set(cookie, (checked = new Map()));
  const known = checked.get(header);
  if (known !== undefined) return known;
  const value = await cookie.parse(header);
  const sessionId = typeof value === "string" ? value : null;
  if (header.length > CHECKED_COOKIE_MAX_LENGTH) return sessionId;
  if (checked.size >= CHECKED_COOKIES_KEPT) checked.delete(checked.keys().next().value!);
  checked.set(header, sessionId);
  return sessionId;
}

async function signedInUser(request: Request): Promise<SignedInUser | null> {
  const sessionId = await sessionIdFrom(request);
  if (!sessionId) return null;
  const session = findActiveSession({ sessionId });
  if (!session) return null;
  return getUserWithRoles({ userId: session.userId });
}

/**
 * Who is signed in, or null. Asked once per GET or HEAD request however many loaders ask (the root
 * loader and the page's); a form's request asks again each time, as its action may have changed
 * the answer (signed out, roles changed) before the loaders run.
 */
export async function getCurrentUser(request: Request): Promise<SignedInUser | null> {
  const state = request.method === "GET" || request.method === "HEAD" ? currentRequestState() : undefined;
  if (state?.signedIn) return (await state.signedIn) as SignedInUser | null;
  const asking = signedInUser(request);
  if (state) state.signedIn = asking;
  const user = await asking;
  noteSignedInUser(user?.id ?? null);
  return user;
}

export function actorFor(user: SignedInUser, request: Request, context?: AppLoadContext): Actor {
  return { userId: user.id, label: user.email, ip: clientIp(request, context), requestId: requestId(request, context) };
}

// Control characters (C0, DEL, C1), every Unicode space and line/paragraph separator, and
// backslashes: browsers strip or reinterpret them, which is how "/\t/evil.example" leaves the site.
const UNSAFE_IN_REDIRECT = /[\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u200f\u2028\u2029\u202f\u205f\u2060\u3000\ufeff\\]/;
const SITE = "http://shareboard.invalid";

/**
 * Only paths on this site are followed after sign-in, so the login page cannot send people
 * elsewhere: the value must be a path ("/…", not "//…"), free of control characters, spaces and
 * backslashes, and still on this site's origin once a browser would resolve it. Anything else: fallback.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  if (!to || typeof to !== "string" || to.length > 2048) return fallback;
  if (!to.startsWith("/") || to.startsWith("//") || UNSAFE_IN_REDIRECT.test(to)) return fallback;
  let resolved: URL;
  try {
    resolved = new URL(to, SITE);
  } catch {
    return fallback;
  }
  if (resolved.origin !== SITE) return fallback;
  const path = resolved.pathname + resolved.search + resolved.hash;
  return path.startsWith("//") ? fallback : path;
}

export async function requireUser(request: Request): Promise<SignedInUser> {
  const user = await getCurrentUser(request);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
  }
  return user;
}

/** The user, if they hold at least one of the roles; otherwise the refusal is audited and a 403 thrown. */
export async function requireRole(request: Request, roles: Role | readonly Role[], context?: AppLoadContext) {
  const user = await requireUser(request);
  const allowed = typeof roles === "string" ? [roles] : roles;
  if (!hasAnyRole(user.roles, allowed)) {
    refuse(user, request, `needs one of: ${allowed.join(", ")}`, context);
  }
  return user;
}

/** Writes the refusal to the audit log and throws the 403 that the route's ErrorBoundary shows. */
export function refuse(user: SignedInUser | null, request: Request, reason: string, context?: AppLoadContext): never {
  const actor = user ? actorFor(user, request, context) : anonymousActor(request, context);
  const url = new URL(request.url);
  transaction((tx) =>
    audit(tx, actor, { action: "access.refused", entityType: "route", entityId: url.pathname, after: { method: request.method, reason } }),
  );
  throw new Response("You do not have permission to do this.", { status: 403, statusText: "Forbidden" });
}

export async function signInAndRedirect({ request, userId, redirectTo, context }: { request: Request; userId: number; redirectTo: string; context?: AppLoadContext }) {
  const previous = await sessionIdFrom(request);
  const sessionId = startSession({
    actor: { ...anonymousActor(request, context), label: "sign-in" },
    userId,
    ip: clientIp(request, context),
    userAgent: request.headers.get("user-agent"),
    replacesSessionId: previous,
  });
  return redirect(safeRedirect(redirectTo), {
    headers: { "Set-Cookie": await sessionCookie(request).serialize(sessionId) },
  });
}

export async function signOutAndRedirect(request: Request, context?: AppLoadContext) {
  const sessionId = await sessionIdFrom(request);
  if (sessionId) {
    const user = await getCurrentUser(request);
    endSession({ actor: user ? actorFor(user, request, context) : anonymousActor(request, context), sessionId });
  }
  return redirectWithFlash("/login", "You have signed out of ShareBoard.", {
    headers: { "Set-Cookie": await sessionCookie(request).serialize("", { maxAge: 0, expires: new Date(0) }) },
  });
}
