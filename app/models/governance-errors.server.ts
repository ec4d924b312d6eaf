import type { AppLoadContext } from "@remix-run/node";
import { refuse } from "~/lib/session.server";
import type { SignedInUser } from "~/models/users.server";

/**
 * A domain rule of the governance registers said no: 403 (not yours to do), 404 (no such
 * record) or 409 (the record is not in a state that allows it). Thrown by the models so the
 * rules hold whoever calls them; routes turn it into the HTTP answer with `governanceResponse`.
 */
export class GovernanceError extends Error {
  constructor(
    readonly status: 403 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = "GovernanceError";
  }
}

/** A form field the model found wrong (a date rule, say): the route shows it like a zod error. */
export class GovernanceFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "GovernanceFieldError";
  }
}

/**
 * Runs a model call for a route: a 403 is audited and thrown through `refuse`, 404 and 409 are
 * thrown as responses for the ErrorBoundary, and a field error is returned for the form.
 */
export function runGovernance<T>(
  fn: () => T,
  { user, request, context }: { user: SignedInUser; request: Request; context?: AppLoadContext },
): { ok: true; value: T } | { ok: false; errors: Record<string, string> } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (error instanceof GovernanceFieldError) return { ok: false, errors: { [error.field]: error.message } };
    if (error instanceof GovernanceError) {
      if (error.status === 403) refuse(user, request, error.message, context);
      throw new Response(error.message, { status: error.status });
    }
    throw error;
  }
}
