import { createCookie, redirect } from "@remix-run/node";
import { env } from "./env.server";

// Post, redirect, get: an action saves, then redirects with a one-time message that the next
// page shows in an NHS success banner (root.tsx reads and clears it).

function flashCookie() {
  return createCookie("shareboard_flash", { httpOnly: true, sameSite: "lax", path: "/", secrets: [env().SESSION_SECRET], maxAge: 60 });
}

export async function redirectWithFlash(to: string, message: string, init: ResponseInit = {}) {
  const headers = new Headers(init.headers);
  headers.append("Set-Cookie", await flashCookie().serialize(message));
  return redirect(to, { ...init, headers });
}

/** The pending message, if any, and the header that clears it. */
export async function readFlash(request: Request): Promise<{ message: string | null; clear: string | null }> {
  const value = await flashCookie().parse(request.headers.get("Cookie"));
  if (typeof value !== "string" || !value) return { message: null, clear: null };
  return { message: value, clear: await flashCookie().serialize("", { maxAge: 0 }) };
}
