// The business case task list: starting a case from its first section, saving one section at a
// time (checked on its own), and the deployments a proposal would repeat. Saving goes through
// createCase/updateCase, so versions, snapshots, audit and the workflow stay as they are.

import { and, asc, eq, or, sql } from "drizzle-orm";
import { capabilities, deployments, organisations, services } from "../../db/schema";
import type { DeploymentStatus } from "../../db/schema/enums";
import { getDb, type DbOrTx } from "~/lib/db.server";
import type { AppLoadContext } from "@remix-run/node";
import type { Actor } from "~/lib/audit.server";
import { refuse } from "~/lib/session.server";
import type { SignedInUser } from "~/models/users.server";
import { getReportingDate } from "~/models/settings.server";
import { statusAsAt } from "~/models/rollout.server";
import { CaseRuleError, createCase, getCaseForEdit, updateCase, type CaseUser } from "./cases.server";
import { parseCaseForm, type CaseFormValues } from "./cases.schema";
import { CO_AUTHORS_SECTION, findSection, mergeSection, missingInSection, sectionOfField, sectionStatuses } from "./cases.sections";

export type ExistingDeployment = {
  deploymentId: number;
  serviceId: number;
  capabilityId: number;
  serviceName: string;
  organisationName: string;
  capabilityName: string;
  status: DeploymentStatus;
};

/**
 * Deployments that already exist, and are not withdrawn, for the service and capability pairs a
 * case proposes: status as at the reporting date (the current status for one not yet begun then).
 */
export function deploymentsAlreadyThere({ pairs, db = getDb() }: { pairs: { serviceId: number; capabilityId: number }[]; db?: DbOrTx }): ExistingDeployment[] {
  if (!pairs.length) return [];
  const current = statusAsAt(db, getReportingDate(db));
  const status = sql<DeploymentStatus>`coalesce(${current.status}, ${deployments.status})`;
  return db
    .with(current)
    .select({
      deploymentId: deployments.id,
      serviceId: deployments.serviceId,
      capabilityId: deployments.capabilityId,
      serviceName: services.name,
      organisationName: organisations.name,
      capabilityName: capabilities.name,
      status,
    })
    .from(deployments)
    .innerJoin(services, eq(services.id, deployments.serviceId))
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .innerJoin(capabilities, eq(capabilities.id, deployments.capabilityId))
    .leftJoin(current, eq(current.deploymentId, deployments.id))
    .where(and(or(...pairs.map((p) => and(eq(deployments.serviceId, p.serviceId), eq(deployments.capabilityId, p.capabilityId)))), sql`${status} <> 'withdrawn'`))
    .orderBy(asc(organisations.name), asc(services.name), asc(capabilities.id))
    .all();
}

/** The task list: each section's status, what the case proposes that already exists, and the answers to check. */
export function getCaseTaskList({ user, reference, db = getDb() }: { user: CaseUser; reference: string; db?: DbOrTx }) {
  const kase = getCaseForEdit({ user, reference, db });
  const sections = sectionStatuses(kase.draft);
  return {
    ...kase,
    sections,
    completed: sections.filter((s) => s.status === "completed").length,
    existing: deploymentsAlreadyThere({ pairs: kase.draft.proposedDeployments, db }),
  };
}

/** `stale`: the case changed since the form was opened (or stopped being editable meanwhile); nothing was saved. */
export type SectionSaveResult = { ok: true; reference: string; version: number } | { ok: false; errors: Record<string, string>; stale?: true };

/**
 * Checks one section's answers against the whole case: formats always; with `complete`, also that
 * every question the section holds is answered. Errors are the section's own, each listed once.
 */
function checkSection(merged: CaseFormValues, slug: string, complete: boolean) {
  const parsed = parseCaseForm(merged);
  if (!parsed.ok) {
    const errors: Record<string, string> = {};
    for (const [field, message] of Object.entries(parsed.errors)) {
      // Another section's stored answer cannot be fixed here; say where (it should not happen: each was checked when saved).
      if (sectionOfField(field) === slug) errors[field] = message;
      else errors._form ??= `Another section has an answer to correct (${message}). Go back to the task list and open that section.`;
    }
    return { ok: false as const, errors };
  }
  if (complete && slug !== CO_AUTHORS_SECTION.slug) {
    const missing = missingInSection(parsed.draft, slug);
    if (missing.length) return { ok: false as const, errors: Object.fromEntries(missing.map((m) => [m.field, m.text])) };
  }
  return { ok: true as const, draft: parsed.draft };
}

/** Starts a case from its first section ("What and why"). Nothing is saved while it has errors. */
export function startCase({ actor, user, posted, complete }: { actor: Actor; user: CaseUser; posted: CaseFormValues; complete: boolean }): SectionSaveResult {
  const checked = checkSection(mergeSection({}, posted, "about"), "about", complete);
  if (!checked.ok) return checked;
  const result = createCase({ actor, user, draft: checked.draft });
  return { ok: true, reference: result.reference, version: result.version };
}

/**
 * Saves one section of a case the user may edit (404/403/409 thrown as CaseRuleError). A stale
 * version is refused by updateCase; the co-authors section is the main author's alone.
 */
export function saveCaseSection({
  actor,
  user,
  reference,
  slug,
  posted,
  expectedVersion,
  complete,
}: {
  actor: Actor;
  user: CaseUser;
  reference: string;
  slug: string;
  posted: CaseFormValues;
  expectedVersion: number;
  complete: boolean;
}): SectionSaveResult {
  if (slug !== CO_AUTHORS_SECTION.slug && !findSection(slug)) throw new CaseRuleError(404, `A business case has no section called ${slug}.`);
  const kase = getCaseForEdit({ user, reference });
  if (slug === CO_AUTHORS_SECTION.slug && !kase.isMainAuthor) throw new CaseRuleError(403, "Only the case's main author can change its co-authors.");
  const checked = checkSection(mergeSection(kase.values, posted, slug), slug, complete);
  if (!checked.ok) return checked;
  try {
    const result = updateCase({ actor, user, reference, expectedVersion, draft: checked.draft });
    return { ok: true, reference, version: result.version };
  } catch (error) {
    if (error instanceof CaseRuleError && error.status === 400) return { ok: false, errors: error.fieldErrors };
    // The case was editable a moment ago (getCaseForEdit said so): a 409 now means someone else saved first.
    if (error instanceof CaseRuleError && error.status === 409) return { ok: false, errors: { _form: error.message }, stale: true };
    throw error;
  }
}

/**
 * What a case's edit pages do with a refusal: 403 audited and shown as forbidden, 404 and 409
 * (not editable now) thrown to the error boundary with the reason; anything else rethrown.
 */
export function throwCaseRefusal(error: unknown, user: SignedInUser, request: Request, context?: AppLoadContext): never {
  if (error instanceof CaseRuleError && error.status === 403) refuse(user, request, error.message, context);
  if (error instanceof CaseRuleError && error.status !== 400) throw new Response(error.message, { status: error.status });
  throw error;
}
