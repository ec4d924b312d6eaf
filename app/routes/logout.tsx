import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { signOutAndRedirect } from "~/lib/session.server";

// Signing out is a change, so it is a POST; a GET (a typed or bookmarked /logout) also signs out
// because it can only end the caller's own session.
export async function action({ request, context }: ActionFunctionArgs) {
  return signOutAndRedirect(request, context);
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  return signOutAndRedirect(request, context);
}
