import type { Role } from "../../db/schema/enums";

// Isomorphic: the one registry of who may use each route and how. Every file in app/routes has an
// entry (tests/integration/route-access.test.ts fails for a route without one and tries every
// persona against every entry, each POST with the valid body tests/helpers/route-bodies.ts builds
// for that file); the server reads `upload` for its body limits.
//
// Access: "public" (anyone, signed out included), "signed-in" (every role), "token" (API bearer
// token, no session), or the roles that may use it. Record-level rules (own organisation, own
// case, party to the agreement) are the model's and are listed in `recordRule` for the reader.

export type Access = "public" | "signed-in" | "token" | readonly Role[];

export type RouteAccess = {
  /** The route's URL with sample parameters the demo data has. */
  path: string;
  GET?: Access;
  POST?: Access;
  /** Takes a file upload (multipart, up to the upload limit) rather than a form (1 MB). */
  upload?: true;
  recordRule?: string;
};

const PROGRAMME = ["programme"] as const;
/** Who may create and change agreements (the model then limits an IG lead to agreements of their organisation). */
export const AGREEMENT_MANAGERS = ["ig_lead", "programme"] as const satisfies readonly Role[];
export const INDEMNITY_READERS = ["ccg", "board", "programme"] as const satisfies readonly Role[];

export const ROUTE_ACCESS: Record<string, RouteAccess> = {
  "_index.tsx": { path: "/", GET: "signed-in" },
  "admin._index.tsx": { path: "/admin", GET: ["admin"], POST: ["admin"] },
  "admin.settings.tsx": { path: "/admin/settings", GET: ["admin"], POST: ["admin"] },
  "admin.tokens.tsx": { path: "/admin/tokens", GET: ["admin"], POST: ["admin"] },
  "admin.outbox.tsx": { path: "/admin/outbox", GET: ["admin"] },
  "agreements._index.tsx": { path: "/agreements", GET: "signed-in" },
  "agreements[.]csv.ts": { path: "/agreements.csv", GET: "signed-in" },
  "agreements.new.tsx": { path: "/agreements/new", GET: AGREEMENT_MANAGERS, POST: AGREEMENT_MANAGERS },
  "agreements.$reference._index.tsx": {
    path: "/agreements/ISA-001",
    GET: "signed-in",
    POST: AGREEMENT_MANAGERS,
    recordRule: "an IG lead acts only on agreements their organisation is party to or that they created",
  },
  "agreements.$reference.edit.tsx": { path: "/agreements/ISA-001/edit", GET: AGREEMENT_MANAGERS, POST: AGREEMENT_MANAGERS, recordRule: "as above" },
  "agreements.$reference.dpia.tsx": { path: "/agreements/ISA-001/dpia", GET: AGREEMENT_MANAGERS, POST: AGREEMENT_MANAGERS, recordRule: "as above" },
  "agreements.$reference.end.tsx": { path: "/agreements/ISA-001/end", GET: AGREEMENT_MANAGERS, POST: AGREEMENT_MANAGERS, recordRule: "as above" },
  "agreements.$reference.review.tsx": {
    path: "/agreements/ISA-001/review",
    GET: ["ig_lead"],
    POST: ["ig_lead"],
    recordRule: "an IG lead records a review only of the version in force of an agreement their organisation is party to",
  },
  "agreements.$reference.sign.tsx": {
    path: "/agreements/ISA-003/sign",
    GET: ["ig_lead"],
    POST: ["ig_lead"],
    recordRule: "an IG lead signs or declines only for their own organisation, and only when it is a party asked to sign",
  },
  "api.v1.$.ts": { path: "/api/v1/nothing-here", GET: "public", POST: "public" },
  "api.v1.agreements.ts": { path: "/api/v1/agreements", GET: "token" },
  "api.v1.cases.ts": { path: "/api/v1/cases", GET: "token" },
  "api.v1.deployments.ts": { path: "/api/v1/deployments", GET: "token" },
  "api.v1.exceptions.ts": { path: "/api/v1/exceptions", GET: "token" },
  "api.v1.indemnity.ts": { path: "/api/v1/indemnity", GET: "token" },
  "api.v1.indemnity-practices.ts": { path: "/api/v1/indemnity-practices", GET: "token" },
  "api.v1.openapi[.]json.ts": { path: "/api/v1/openapi.json", GET: "public" },
  "api.v1.opt-in.ts": { path: "/api/v1/opt-in", GET: "token" },
  "api.v1.organisations.ts": { path: "/api/v1/organisations", GET: "token" },
  "api.v1.summary.ts": { path: "/api/v1/summary", GET: "token" },
  "board-pack.tsx": { path: "/board-pack", GET: ["board", "programme"], POST: ["board", "programme"] },
  "cases._index.tsx": { path: "/cases", GET: "signed-in" },
  "cases[.]csv.ts": { path: "/cases.csv", GET: "signed-in" },
  "cases.new.tsx": { path: "/cases/new", GET: "signed-in", POST: "signed-in" },
  "cases.$reference._index.tsx": {
    path: "/cases/BC-2016-001",
    GET: "signed-in",
    POST: "signed-in",
    recordRule: "each step only for the role and state its rule names, never on one's own case; comments changed only by their author",
  },
  "cases.$reference.edit._index.tsx": {
    path: "/cases/BC-2016-010/edit",
    GET: "signed-in",
    recordRule: "authors and co-authors only, while the case is a draft or changes are requested",
  },
  "cases.$reference.edit.$section.tsx": {
    path: "/cases/BC-2016-010/edit/risks",
    GET: "signed-in",
    POST: "signed-in",
    recordRule: "authors and co-authors only, while the case is a draft or changes are requested; co-authors are changed by the main author only",
  },
  "cases.$reference.edit.check-answers.tsx": {
    path: "/cases/BC-2016-010/edit/check-answers",
    GET: "signed-in",
    POST: "signed-in",
    recordRule: "authors and co-authors only, while the case is a draft or changes are requested",
  },
  "consent._index.tsx": { path: "/consent", GET: "signed-in" },
  "consent[.]csv.ts": { path: "/consent.csv", GET: "signed-in" },
  "consent.upload.tsx": { path: "/consent/upload", GET: PROGRAMME, POST: PROGRAMME, upload: true },
  "exceptions._index.tsx": { path: "/exceptions", GET: "signed-in" },
  "exceptions[.]csv.ts": { path: "/exceptions.csv", GET: "signed-in" },
  "exceptions.$exceptionKey.acknowledge.tsx": {
    path: "/exceptions/opt_in_below_target%3AP92016/acknowledge",
    GET: ["programme", "ig_lead", "ccg", "board"],
    POST: ["programme", "ig_lead", "ccg", "board"],
    recordRule: "the role that should act on the exception (an IG lead only for their own organisation's, or a case at IG review) or the programme team",
  },
  "healthz.ts": { path: "/healthz", GET: "public" },
  "indemnity._index.tsx": { path: "/indemnity", GET: INDEMNITY_READERS },
  "indemnity[.]csv.ts": { path: "/indemnity.csv", GET: INDEMNITY_READERS },
  "indemnity.new.tsx": { path: "/indemnity/new", GET: ["ccg"], POST: ["ccg"] },
  "indemnity.$coverId.edit.tsx": { path: "/indemnity/1/edit", GET: ["ccg"], POST: ["ccg"] },
  "indemnity.$coverId.renew.tsx": { path: "/indemnity/1/renew", GET: ["ccg"], POST: ["ccg"] },
  "login.tsx": { path: "/login", GET: "public", POST: "public" },
  "logout.tsx": { path: "/logout", GET: "public", POST: "public" },
  "maturity._index.tsx": { path: "/maturity", GET: "signed-in" },
  "maturity[.]csv.ts": { path: "/maturity.csv", GET: "signed-in" },
  "maturity.$odsCode.tsx": { path: "/maturity/P92001", GET: "signed-in" },
  "maturity.assess.tsx": {
    path: "/maturity/assess",
    GET: ["programme", "ig_lead"],
    POST: ["programme", "ig_lead"],
    recordRule: "an IG lead assesses only their own organisation",
  },
  "maturity.frameworks.new.tsx": { path: "/maturity/frameworks/new", GET: ["admin"], POST: ["admin"] },
  "organisations._index.tsx": { path: "/organisations", GET: "signed-in" },
  "organisations[.]csv.ts": { path: "/organisations.csv", GET: "signed-in" },
  "organisations.new.tsx": { path: "/organisations/new", GET: PROGRAMME, POST: PROGRAMME },
  "organisations.import.tsx": { path: "/organisations/import", GET: PROGRAMME, POST: PROGRAMME, upload: true },
  "organisations.$odsCode/route.tsx": { path: "/organisations/P92001", GET: "signed-in", recordRule: `indemnity detail only for ${INDEMNITY_READERS.join(", ")}` },
  "organisations.$odsCode_.edit.tsx": { path: "/organisations/P92001/edit", GET: PROGRAMME, POST: PROGRAMME },
  "organisations.$odsCode_.services.new.tsx": { path: "/organisations/P92001/services/new", GET: PROGRAMME, POST: PROGRAMME },
  "organisations.$odsCode_.services.$serviceId.edit.tsx": { path: "/organisations/02H/services/41/edit", GET: PROGRAMME, POST: PROGRAMME },
  "rollout._index.tsx": { path: "/rollout", GET: "signed-in" },
  "rollout[.]csv.ts": { path: "/rollout.csv", GET: "signed-in" },
  "rollout.deployments.new.tsx": { path: "/rollout/deployments/new", GET: PROGRAMME, POST: PROGRAMME },
  "rollout.deployments.$deploymentId.tsx": { path: "/rollout/deployments/1", GET: "signed-in" },
  "rollout.deployments.$deploymentId_.edit.tsx": { path: "/rollout/deployments/1/edit", GET: PROGRAMME, POST: PROGRAMME },
  "rollout.deployments.$deploymentId_.events.$eventId.void.tsx": { path: "/rollout/deployments/1/events/1/void", GET: PROGRAMME, POST: PROGRAMME },
  "rollout.deployments.$deploymentId_.status.tsx": { path: "/rollout/deployments/1/status", GET: PROGRAMME, POST: PROGRAMME },
  "rollout.deployments.$deploymentId_.usage.tsx": { path: "/rollout/deployments/1/usage", GET: PROGRAMME, POST: PROGRAMME },
  "rollout.milestones.tsx": { path: "/rollout/milestones", GET: "signed-in" },
  "rollout.milestones[.]csv.ts": { path: "/rollout/milestones.csv", GET: "signed-in" },
  "rollout.priorities[.]csv.ts": { path: "/rollout/priorities.csv", GET: "signed-in" },
  "rollout.priorities.$priorityId.endorse.tsx": { path: "/rollout/priorities/1/endorse", GET: ["board"], POST: ["board"] },
  "rollout.usage.import.tsx": { path: "/rollout/usage/import", GET: PROGRAMME, POST: PROGRAMME, upload: true },
  "tasks.tsx": { path: "/tasks", GET: "signed-in" },
  "notifications.tsx": { path: "/notifications", GET: "signed-in", POST: "signed-in", recordRule: "each user reads and marks as read only their own notifications" },
  "settings.notifications.tsx": { path: "/settings/notifications", GET: "signed-in", POST: "signed-in", recordRule: "each user changes only their own e-mail choices" },
  "transparency.tsx": { path: "/transparency", GET: "public" },
};

/** Paths whose POST carries a file upload (they get the upload limit rather than the form limit). */
export const UPLOAD_PATHS: readonly string[] = Object.values(ROUTE_ACCESS)
  .filter((r) => r.upload)
  .map((r) => r.path);
