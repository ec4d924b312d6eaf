// Data sharing agreements (with parties, signatures, coverage and DPIAs) and the CCG's
// indemnity register. Each agreement is set up to show one part of the lifecycle:
//   ISA-001 active, review due within 90 days of the reporting date (the borough-wide contract)
//   ISA-002 v1 superseded by v2 (the hospice two-way flow)
//   ISA-003 awaiting signatures (integrated nursing and end of life care)
//   ISA-004 draft; ISA-005 expired (a pre-SharetoCare agreement)
// and the register holds what the board must see: cover expiring within 90/30/7 days and a
// lapsed-and-renewed cover. The CCG indemnifies practices (the case study), so cover is held by
// every practice and by no one else; on the reporting date every practice is covered.

import type { InferInsertModel } from "drizzle-orm";
import type { DbOrTx } from "../app/lib/db.server";
import { addDaysIso } from "../app/lib/dates";
import { indemnityCovers } from "../db/schema";
import { createAgreement, createIndemnityCover, DEFAULT_INDEMNITY_SCOPE, insertMany, type AgreementValues, type SignatureValues } from "./factories";
import type { Organisation, SeededOrganisations } from "./organisations";
import type { SeededRollout } from "./rollout";
import type { SeededUsers } from "./users";

const MIG_EDT_DATA_ITEMS =
  "Detailed care record from the GP system, viewed read-only through MIG: demographics, problems and diagnoses, medications, allergies, investigation results, procedures, recent encounters, referrals and care plans. Documents sent by EDT: discharge summaries, clinic letters and out-of-hours consultation reports.";
const VIEW_RETENTION =
  "Viewed in real time and not stored by the viewing organisation, except where a clinician copies information into their own record, which is then kept under the Records Management Code of Practice.";

const at = (date: string, time = "09:00:00") => `${date}T${time}.000Z`;

/**
 * Service-level coverage of every service at these organisations that has gone live (including
 * one paused since), so as-at views of earlier dates find them covered too.
 */
function liveServicesOf(rollout: SeededRollout, organisationIds: number[], except: number[] = []) {
  const ids = new Set<number>();
  for (const d of rollout.deployments) {
    if (d.actualGoLive !== null && organisationIds.includes(d.organisationId) && !except.includes(d.serviceId)) ids.add(d.serviceId);
  }
  return [...ids].sort((a, b) => a - b).map((serviceId) => ({ serviceId }));
}

export function seedAgreements(tx: DbOrTx, orgs: SeededOrganisations, users: SeededUsers, rollout: SeededRollout) {
  const { partners, practices } = orgs;

  /** A party that signed, by its own IG lead, with authority declared. */
  const signed = (org: Organisation, signedOn: string, requestedOn: string, signatoryRole = "Information governance lead"): NonNullable<AgreementValues["parties"]>[number] => {
    const userId = users.igLeadOf.get(org.id);
    if (!userId) throw new Error(`No IG lead for ${org.odsCode}`);
    const signature: SignatureValues = { status: "signed", signedByUserId: userId, signatoryName: users.nameOf(userId), signatoryRole, signedOn, requestedAt: at(requestedOn), authorityDeclared: true };
    return { organisationId: org.id, role: "joint_controller", signature };
  };
  const requested = (org: Organisation, requestedOn: string): NonNullable<AgreementValues["parties"]>[number] => ({
    organisationId: org.id,
    role: "joint_controller",
    signature: { status: "requested", requestedAt: at(requestedOn) },
  });

  // (a) The borough-wide contract: sent in November 2014; partners signed in December; each
  // practice signed when it joined the programme (later joiners adhere by signing).
  const isa001Sent = "2014-11-17";
  const isa001Partners = [partners.ccg, partners.acute, partners.community, partners.mentalHealth, partners.council, partners.federation, partners.pharmacy];
  const partnerSignedOn = (org: Organisation) => (org.signedUpOn! > "2014-12-15" ? org.signedUpOn! : "2014-12-15");
  const frailtyUnit = rollout.serviceId("Frailty assessment unit");
  const isa001 = createAgreement(tx, {
    reference: "ISA-001",
    version: 1,
    title: "SharetoCare Information Assurance Contract and Information Sharing Agreement",
    purpose: "direct_care",
    article6Basis: "6_1_e",
    article9Condition: "9_2_h",
    commonLawBasis: "implied_consent",
    consentModel: "opt_in_point_of_care",
    dataItems: MIG_EDT_DATA_ITEMS,
    retention: VIEW_RETENTION,
    reviewIntervalMonths: 24,
    effectiveOn: "2015-01-01",
    status: "active",
    sentForSignatureAt: at(isa001Sent),
    activatedOn: "2015-01-01",
    createdBy: users.id("ig@example.org"),
    createdAt: at("2014-10-20"),
    updatedAt: at("2015-12-14"),
    parties: [
      ...isa001Partners.map((org) => {
        const on = partnerSignedOn(org);
        return signed(org, on, on > "2014-12-15" ? addDaysIso(on, -14) : isa001Sent, org.type === "private_provider" ? "Director and IG lead" : "Information governance lead, on behalf of the chief executive");
      }),
      ...practices.map((p) => {
        const on = p.signedUpOn! > "2014-12-15" ? p.signedUpOn! : "2014-12-15";
        return signed(p, on, on > "2014-12-15" ? addDaysIso(on, -14) : isa001Sent, "Practice manager, on behalf of the partners");
      }),
    ],
    // Every live service of the parties but one: the frailty unit went live in July 2016 and was
    // never added to the schedule (the "sharing without an agreement" exception).
    coverage: liveServicesOf(rollout, isa001Partners.map((o) => o.id), [frailtyUnit]),
    dpia: { reference: "DPIA-2014-001", status: "completed", completedOn: "2014-12-01", residualRisk: "low", notes: "Opt-in at the point of care, role-based access and audit trails visible to the GP reduce the residual risk to low.", updatedAt: at("2014-12-01") },
  });

  // (b) The hospice agreement: v1 (hospice staff view GP records) superseded by v2, which adds
  // the two-way flow (GPs view hospice records).
  const hospiceParties = [partners.hospice, partners.acute, practices[0]!, practices[4]!, practices[12]!, practices[20]!];
  const isa002v1 = createAgreement(tx, {
    reference: "ISA-002",
    version: 1,
    title: "Hospice and primary care record sharing agreement",
    dataItems: "Detailed care record from the GP system viewed by hospice clinicians through MIG.",
    retention: VIEW_RETENTION,
    effectiveOn: "2015-09-01",
    status: "superseded",
    sentForSignatureAt: at("2015-07-13"),
    activatedOn: "2015-09-01",
    endedOn: "2016-06-01",
    endReason: "Superseded by version 2, which adds the two-way flow.",
    createdBy: users.id("ig.hospice@example.org"),
    createdAt: at("2015-07-06"),
    updatedAt: at("2016-06-01"),
    parties: hospiceParties.map((o) => signed(o, "2015-08-17", "2015-07-13")),
    coverage: [{ serviceId: rollout.serviceId("Hospice inpatient unit") }],
    dpia: { reference: "DPIA-2015-004", status: "completed", completedOn: "2015-08-03", residualRisk: "medium", notes: "Medium residual risk: hospice staff use shared devices on the ward.", updatedAt: at("2015-08-03") },
  });
  const twoWay = rollout.deployment("Hospice inpatient unit", "two_way");
  createAgreement(tx, {
    reference: "ISA-002",
    version: 2,
    previousVersionId: isa002v1.id,
    title: "Hospice and primary care record sharing agreement (two-way flow)",
    dataItems: "Detailed care record from the GP system viewed by hospice clinicians through MIG; hospice records (end of life care plans, preferred place of death, medicines) viewed by GPs.",
    retention: VIEW_RETENTION,
    effectiveOn: "2016-06-01",
    status: "active",
    sentForSignatureAt: at("2016-04-18"),
    activatedOn: "2016-06-01",
    createdBy: users.id("ig.hospice@example.org"),
    createdAt: at("2016-04-11"),
    updatedAt: at("2016-06-01"),
    parties: hospiceParties.map((o, i) => signed(o, addDaysIso("2016-05-09", i), "2016-04-18")),
    coverage: [
      { serviceId: rollout.serviceId("Hospice inpatient unit") },
      { serviceId: rollout.serviceId("Hospice at home") },
      { serviceId: twoWay.serviceId, deploymentId: twoWay.id },
    ],
    // Completed with high residual risk and no ICO consultation yet: the DPIA warning.
    dpia: { reference: "DPIA-2016-002", status: "completed", completedOn: "2016-05-20", residualRisk: "high", notes: "Hospice records include sensitive end of life discussions; role-based access for GPs is not yet granular. High residual risk: the ICO must be consulted before go-live.", updatedAt: at("2016-05-20") },
  });

  // (c) Awaiting signatures: some parties signed, the acute trust and P92001 still to sign (so
  // ig@example.org and ig.gp@example.org each have a signature waiting).
  const sent = "2016-09-20";
  createAgreement(tx, {
    reference: "ISA-003",
    version: 1,
    title: "Integrated nursing and end of life care information sharing agreement",
    dataItems: "Detailed care record and end of life care plans viewed through MIG by integrated nursing teams and end of life care services.",
    retention: VIEW_RETENTION,
    effectiveOn: "2016-11-01",
    status: "awaiting_signatures",
    sentForSignatureAt: at(sent),
    createdBy: users.id("ig.community@example.org"),
    createdAt: at("2016-08-30"),
    updatedAt: at("2016-10-12"),
    parties: [
      signed(partners.community, "2016-09-22", sent),
      signed(partners.hospice, "2016-10-03", sent),
      signed(partners.ccg, "2016-09-27", sent),
      requested(partners.acute, sent),
      requested(partners.council, sent),
      requested(practices[0]!, sent),
      signed(practices[1]!, "2016-10-12", sent),
      signed(practices[2]!, "2016-09-29", sent),
    ],
    coverage: [
      "Integrated nursing team – Wigan North",
      "Integrated nursing team – Leigh West",
      "Integrated nursing team – Atherton and Tyldesley",
      "Integrated nursing team – Golborne and Lowton",
      "End of life care coordination team",
      "Specialist palliative care team",
    ].map((name) => ({ serviceId: rollout.serviceId(name) })),
    dpia: { reference: "DPIA-2016-007", status: "in_progress", notes: "Data flows mapped; DPO review booked for November.", updatedAt: at("2016-10-12") },
  });

  // (d) A draft, not yet sent: parties named, no signatures requested.
  createAgreement(tx, {
    reference: "ISA-004",
    version: 1,
    title: "Care home liaison information sharing agreement",
    dataItems: "Detailed care record viewed through MIG by the council's care home liaison team.",
    effectiveOn: "2017-01-01",
    status: "draft",
    createdBy: users.id("ig.council@example.org"),
    createdAt: at("2016-10-17"),
    updatedAt: at("2016-10-17"),
    parties: [partners.council, partners.community, partners.ccg].map((o) => ({ organisationId: o.id, role: "joint_controller" as const })),
    coverage: [{ serviceId: rollout.serviceId("Care home liaison team") }],
    dpia: { reference: "DPIA-2016-009", status: "not_started", updatedAt: at("2016-10-17") },
  });

  // (e) Expired: the out-of-hours summary agreement that SharetoCare replaced.
  createAgreement(tx, {
    reference: "ISA-005",
    version: 1,
    title: "Out of hours summary record sharing agreement",
    commonLawBasis: "implied_consent",
    consentModel: "implied",
    dataItems: "Summary record (medications, allergies, significant problems) viewed by the out of hours service.",
    retention: VIEW_RETENTION,
    effectiveOn: "2013-04-01",
    status: "expired",
    sentForSignatureAt: at("2013-02-11"),
    activatedOn: "2013-04-01",
    endedOn: "2015-04-01",
    endReason: "Reached its review date; replaced by the SharetoCare agreement (ISA-001).",
    createdBy: users.id("ig.community@example.org"),
    createdAt: at("2013-02-04"),
    updatedAt: at("2015-04-01"),
    parties: [partners.community, partners.ccg, practices[0]!, practices[1]!, practices[2]!].map((o) => signed(o, "2013-03-11", "2013-02-11")),
    coverage: [{ serviceId: rollout.serviceId("GP out of hours service") }],
    dpia: { reference: "PIA-2013-001", status: "not_required", notRequiredReason: "Predates the DPIA requirement; a privacy impact assessment is held on paper.", updatedAt: at("2013-02-04") },
  });

  return { isa001 };
}

/** The CCG officers who sign indemnity deeds. */
const SIGNED_BY = ["Jane Whitfield, Chief Finance Officer, NHS Wigan Borough CCG", "Colin CCG, Indemnity and contracts manager, NHS Wigan Borough CCG"];

/**
 * Cover for every practice, 1 April 2015 to 31 March 2017, with the exceptions listed at the top
 * of this file. Private providers hold none: the CCG indemnifies the practices whose records they view.
 */
export function seedIndemnity(tx: DbOrTx, orgs: SeededOrganisations, users: SeededUsers) {
  const ccgUser = users.id("ccg@example.org");
  const ref = (start: string, code: string) => `IND-${start.slice(0, 4)}-${code}`;
  const standard = (org: Organisation, i: number): InferInsertModel<typeof indemnityCovers> => ({
    organisationId: org.id,
    scope: DEFAULT_INDEMNITY_SCOPE,
    startOn: "2015-04-01",
    endOn: "2017-03-31",
    status: "active",
    documentReference: ref("2015-04-01", org.odsCode),
    signedBy: SIGNED_BY[i % 2]!,
    createdBy: ccgUser,
    createdAt: at("2015-03-23"),
    updatedAt: at("2015-03-23"),
  });

  // Expiring soon, relative to 31 October 2016: within 90 days, within 30, within 7.
  const expiring: Record<string, { startOn: string; endOn: string }> = {
    P92010: { startOn: "2015-01-20", endOn: "2017-01-19" },
    P92020: { startOn: "2014-11-25", endOn: "2016-11-24" },
    P92031: { startOn: "2014-11-04", endOn: "2016-11-04" },
  };
  const renewed = "P92040";

  const rows = orgs.practices
    .filter((p) => p.odsCode !== renewed)
    .map((p, i) => {
      const special = expiring[p.odsCode];
      return special ? { ...standard(p, i), ...special, documentReference: ref(special.startOn, p.odsCode) } : standard(p, i);
    });
  insertMany(tx, indemnityCovers, rows);

  // One practice let its first cover lapse and was renewed three weeks later: as at a date in
  // that gap its record could be viewed, private pharmacies among the viewers, with no cover.
  const practice = orgs.byCode.get(renewed)!;
  const first = createIndemnityCover(tx, {
    organisationId: practice.id,
    startOn: "2014-07-01",
    endOn: "2015-06-30",
    status: "lapsed",
    documentReference: ref("2014-07-01", renewed),
    signedBy: SIGNED_BY[0]!,
    createdBy: ccgUser,
    createdAt: at("2014-06-23"),
    updatedAt: at("2015-07-01"),
  });
  createIndemnityCover(tx, {
    organisationId: practice.id,
    startOn: "2015-07-20",
    endOn: "2017-07-19",
    status: "active",
    documentReference: ref("2015-07-20", renewed),
    signedBy: SIGNED_BY[1]!,
    renewsCoverId: first.id,
    createdBy: ccgUser,
    createdAt: at("2015-07-20"),
    updatedAt: at("2015-07-20"),
  });
  return rows.length + 2;
}
