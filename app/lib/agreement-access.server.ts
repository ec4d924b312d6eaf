import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { mayManageAgreement } from "~/models/agreements.server";
import { AGREEMENT_MANAGERS } from "./route-access";
import type { SignedInUser } from "~/models/users.server";
import { actorFor, refuse, requireRole } from "./session.server";

export { AGREEMENT_MANAGERS };

/** Refuses (403, audited) a user who may not manage this agreement. */
export function requireAgreementManager(user: SignedInUser, reference: string, { request, context }: Pick<LoaderFunctionArgs, "request" | "context">) {
  if (!mayManageAgreement({ user, reference })) refuse(user, request, "not a party to this agreement", context);
}

/**
 * The start of every action that changes an agreement: the user must have a managing role and,
 * before any input is read, be allowed to manage this agreement (an IG lead who is not party to it,
 * nor created it, is refused however good the form). Gives the user, the reference, the form sent
 * and the actor its change is audited as.
 */
export async function agreementManagerAction({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, AGREEMENT_MANAGERS, context);
  const reference = params.reference!;
  requireAgreementManager(user, reference, { request, context });
  return { user, reference, form: await request.formData(), actor: actorFor(user, request, context) };
}
