import { eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { businessCases, indemnityCovers, organisations, settings, users } from "../../db/schema";
import { agreementFormValues } from "~/models/agreements.server";
import { dpiaFor, saveDpia } from "~/models/agreement-changes.server";
import { getUserWithRoles } from "~/models/users.server";
import { SYSTEM_ACTOR } from "~/lib/audit.server";
import { getFramework } from "~/models/maturity.server";
import { evidenceField, scoreField } from "~/models/maturity.schema";
import { createBusinessCase } from "../../seeds/factories";
import { epraccurLine } from "./epraccur";
import { agreementFormFields, caseContent } from "./fixtures";

// A VALID request for every POST route, keyed by route file, for the authorisation matrix
// (tests/integration/route-access.test.ts): the matrix proves that a persona who may not act is
// refused even when the request is one that would have worked, and that the body is valid by
// requiring at least one persona who may act to succeed with it. Built from the demo data (real
// references and ids), called afresh for each persona, so versions and ids are current.
//
// Each POST test runs in a transaction rolled back at its end, so a body may rely on the demo data
// as seeded, and a fixture a builder makes (below) is gone afterwards.
//
// A new POST route needs one line here: `"<route file>": () => form({ field: "value", ... })`,
// or `{ path, body }` when the registry's sample path is not one the action can succeed on.

export type RouteBody = URLSearchParams | FormData;
export type BodyBuilder = () => RouteBody | { path: string; body: RouteBody };

/** A complete draft by the demo practitioner, for the check-answers submit (made when first needed). */
function completeDraftReference() {
  const title = "Matrix test complete draft";
  const made = getDb().select({ reference: businessCases.reference }).from(businessCases).where(eq(businessCases.title, title)).get();
  if (made) return made.reference;
  return createBusinessCase(getDb(), {
    ...caseContent({
      title,
      summary: "Let out-of-hours clinicians see GP records.",
      dataItems: "Medications and allergies.",
      dpiaNeeded: false,
      dpiaStatus: "not_required",
      targetGoLive: "2017-03-01",
      partnerOrganisationIds: [Number(orgId("P92002"))],
    }),
    authorId: Number(userId("practitioner@example.org")),
    state: "draft",
  }).reference;
}

/** The draft ISA-004 with its DPIA recorded as not required, so it may be sent for signature. */
function draftReadyToSend() {
  const reference = "ISA-004";
  if (dpiaFor({ reference })?.dpia?.status !== "not_required") {
    const input = { reference: "DPIA-2016-009", status: "not_required" as const, notRequiredReason: "No new data flows", completedOn: null, residualRisk: null, icoConsultedOn: null, notes: null };
    saveDpia({ actor: SYSTEM_ACTOR, user: getUserWithRoles({ userId: Number(userId("programme@example.org")) })!, reference, input });
  }
  return reference;
}

export const ROUTE_BODIES_FILE = "tests/helpers/route-bodies.ts";

let serial = 0;
/** A fresh suffix for things that must be unique (references, codes), the same on every run. */
const next = () => String(++serial).padStart(3, "0");

function form(fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
  return body;
}

function upload(fields: Record<string, string>, fileName: string, text: string) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  body.set("file", new File([text], fileName, { type: "text/csv" }));
  return body;
}

const orgId = (odsCode: string) => String(getDb().select({ id: organisations.id }).from(organisations).where(eq(organisations.odsCode, odsCode)).get()!.id);
const userId = (email: string) => String(getDb().select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id);
const caseVersion = (reference: string) => String(getDb().select({ version: businessCases.version }).from(businessCases).where(eq(businessCases.reference, reference)).get()!.version);
const setting = (key: string) => getDb().select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()?.value ?? "";

function assessment(frameworkCode: string, organisation: string) {
  const fields: Record<string, string> = { framework: frameworkCode, organisation, assessedOn: "2016-10-14", assessor: "Matrix test assessor" };
  for (const d of getFramework({ code: frameworkCode })!.dimensions) {
    fields[scoreField(d.code)] = "3";
    fields[evidenceField(d.code)] = `Evidence for ${d.name}`;
  }
  return form(fields);
}

function coverAsItIs(coverId: number) {
  const cover = getDb().select().from(indemnityCovers).where(eq(indemnityCovers.id, coverId)).get()!;
  return form({
    intent: "correct",
    scope: cover.scope,
    startOn: cover.startOn,
    endOn: cover.endOn,
    status: cover.status,
    documentReference: cover.documentReference ?? "",
    signedBy: cover.signedBy ?? "",
    correctionReason: "Matrix test: saved as it is",
  });
}

export const ROUTE_BODIES: Record<string, BodyBuilder> = {
  "admin._index.tsx": () => form({ intent: "disable", userId: userId("ig.p92031@example.org") }),
  "admin.settings.tsx": () =>
    form(
      Object.fromEntries(
        ["partnership_name", "reporting_date", "opt_in_target_percent", "maturity_low_threshold_percent", "case_sla_working_days", "indemnity_warning_days", "agreement_review_notice_days"].map((k) => [k, setting(k)]),
      ),
    ),
  "admin.tokens.tsx": () => form({ intent: "create", name: "Matrix test token", expiresOn: "" }),
  "agreements.new.tsx": () => form(agreementFormFields({ reference: `MATRIX-${next()}`, title: "Matrix test agreement", parties: ["RRF", "P92001"] })),
  "agreements.$reference._index.tsx": () => ({ path: `/agreements/${draftReadyToSend()}`, body: form({ intent: "send" }) }),
  "agreements.$reference.review.tsx": () => form({ reviewedOn: "2016-10-31", outcome: "no_change", note: "Matrix test: still fit for purpose" }),
  "agreements.$reference.edit.tsx": () => form({ ...(agreementFormValues({ reference: "ISA-001" })!.values as Record<string, string | string[]>), intent: "save" }),
  "agreements.$reference.dpia.tsx": () => form({ reference: "DPIA-2016-099", status: "in_progress" }),
  "agreements.$reference.end.tsx": () => form({ status: "terminated", endedOn: "2016-10-31", endReason: "Matrix test: replaced by a regional agreement" }),
  "agreements.$reference.sign.tsx": () => form({ intent: "sign", signatoryName: "Ida Lead", signatoryRole: "Head of information governance", signedOn: "2016-10-31", authorityDeclared: "yes" }),
  "api.v1.$.ts": () => form({}),
  "board-pack.tsx": () => form({ asAt: "2016-10-31" }),
  "cases.new.tsx": () => form({ intent: "continue", title: "Matrix test proposal", summary: "Let community pharmacists see allergies.", purpose: "direct_care" }),
  "cases.$reference._index.tsx": () => form({ intent: "comment", body: "Matrix test comment" }),
  "cases.$reference.edit.$section.tsx": () =>
    form({ version: caseVersion("BC-2016-010"), "risk-1-description": "Records seen by the wrong clinician", "risk-1-likelihood": "2", "risk-1-impact": "3", "risk-1-mitigation": "Role-based access and audit" }),
  "cases.$reference.edit.check-answers.tsx": () => {
    const reference = completeDraftReference();
    return { path: `/cases/${reference}/edit/check-answers`, body: form({ version: caseVersion(reference) }) };
  },
  "consent.upload.tsx": () => upload({}, "returns.csv", "ods_code,month,registered,opted_in,declined,not_asked\r\nP92001,2016-10,1000,600,100,300\r\n"),
  "exceptions.$exceptionKey.acknowledge.tsx": () => form({ reason: "Matrix test: the practice's new opt-in campaign starts next month", reviewBy: "2016-12-31" }),
  "indemnity.new.tsx": () => form({ organisationId: orgId("P92063"), scope: "Sharing for direct care via MIG and EDT", startOn: "2016-10-01", endOn: "2018-09-30", status: "active", signedBy: "Jane Whitfield" }),
  "indemnity.$coverId.edit.tsx": () => coverAsItIs(1),
  "indemnity.$coverId.renew.tsx": () => form({ scope: "Sharing for direct care via MIG and EDT", startOn: "2018-11-05", endOn: "2020-11-04", status: "pending" }),
  "login.tsx": () => form({ email: "ig.p92030@example.org", password: "shareboard-demo", redirectTo: "/" }),
  "logout.tsx": () => form({}),
  "maturity.assess.tsx": () => assessment("wgll", "RRF"),
  "maturity.frameworks.new.tsx": () => form({ name: "Matrix framework", code: `matrix${next()}`, scaleMin: "1", scaleMax: "5", wholeNumbers: "yes", dimensions: "Readiness\nCapabilities" }),
  "notifications.tsx": () => form({ intent: "read-all" }),
  "organisations.new.tsx": () => form({ odsCode: `Y87${next()}`, name: "Matrix Test Practice", type: "gp_practice", status: "active" }),
  "organisations.import.tsx": () => upload({ intent: "preview", commissionerCode: "02H", includeClosed: "no" }, "epraccur.csv", epraccurLine({ 1: "Y88001", 2: "MATRIX PRACTICE" }).join(",") + "\r\n"),
  "organisations.$odsCode_.edit.tsx": () => form({ odsCode: "P92001", name: "Mesnes Park Surgery", type: "gp_practice", status: "active", locality: "Wigan", listSize: "8000" }),
  "organisations.$odsCode_.services.new.tsx": () => form({ name: "Matrix test clinic" }),
  "organisations.$odsCode_.services.$serviceId.edit.tsx": () => form({ name: "Matrix test service" }),
  "rollout.deployments.new.tsx": () => form({ serviceId: "45", capabilityCode: "mig_view", status: "planned", effectiveOn: "2016-10-01" }),
  "rollout.deployments.$deploymentId_.edit.tsx": () => form({ owner: "Matrix test owner" }),
  "rollout.deployments.$deploymentId_.events.$eventId.void.tsx": () => form({ reason: "Matrix test: recorded against the wrong deployment" }),
  "rollout.deployments.$deploymentId_.status.tsx": () => form({ status: "paused", effectiveOn: "2016-10-31", note: "Matrix test: paused while smartcards are reissued" }),
  "rollout.deployments.$deploymentId_.usage.tsx": () => form({ month: "2016-10", views: "10" }),
  "rollout.priorities.$priorityId.endorse.tsx": () => form({ endorsedOn: "2016-10-11", minuteReference: "BOARD-2016-10-11/4" }),
  "rollout.usage.import.tsx": () => upload({ intent: "preview" }, "usage.csv", "ods_code,service,capability,month,views\r\nRY2,Leigh walk-in centre,mig_view,2016-10,1234\r\n"),
  "settings.notifications.tsx": () => form({ case_approved: "off" }),
};
