// Business cases (sharing proposals) in every workflow state, each with a coherent history:
// who moved it, when, with what note, and a snapshot of the case at each step. IG reviews are by
// ig@example.org, board decisions by board@example.org; authors are the two practitioners, so
// nobody reviews or decides their own case. Two cases have waited longer than the 20-working-day
// service level by 31 October 2016 (one at IG review, one at board review).

import type { DbOrTx } from "../app/lib/db.server";
import type { CaseState } from "../db/schema/enums";
import { createBusinessCase, type BusinessCaseValues, type CaseContent, type CaseTransitionValues, type StandardCapabilityCode } from "./factories";
import type { SeededOrganisations } from "./organisations";
import type { SeededRollout } from "./rollout";
import type { SeededUsers } from "./users";

type Risk = NonNullable<CaseContent["risks"]>[number];

const at = (date: string, time = "10:00") => `${date}T${time}:00.000Z`;

/** The eight Caldicott principles, each confirmed in a sentence about this proposal. */
function caldicott(who: string, why: string, minimum: string): Record<string, string> {
  return {
    "1": `The purpose is ${why}; it has been agreed with the clinicians who will use it.`,
    "2": `${who} cannot give safe care without this information, and there is no way to do so without identifiable data.`,
    "3": `Only ${minimum} is shared; the rest of the record is not needed and is not shown.`,
    "4": `Access is limited by role to the staff of ${who} directly caring for the patient, and every access is audited.`,
    "5": `Every user completes data security training and signs the SharetoCare acceptable use statement before access.`,
    "6": `The lawful basis is UK GDPR Article 6(1)(e) with Article 9(2)(h); the common law duty is met by implied consent for direct care.`,
    "7": `Sharing supports individual care, so the duty to share is given equal weight to the duty to protect confidentiality.`,
    "8": `Patients are asked for their consent at the point of care and told how their record is used, in leaflets and on the SharetoCare website.`,
  };
}

/** The lawful-basis block every direct-care proposal here shares. */
const DIRECT_CARE: CaseContent = {
  purpose: "direct_care",
  article6Basis: "6_1_e",
  article9Condition: "9_2_h",
  commonLawBasis: "implied_consent",
  consentModel: "opt_in_point_of_care",
};

const risk = (description: string, likelihood: number, impact: number, mitigation: string): Risk => ({ description, likelihood, impact, mitigation });

// Monthly IM&T partnership board meetings (second Tuesday) and the minute item of each decision.
const meeting = (date: string, item: number) => ({ meetingDate: date, meetingReference: `IM&T board minute ${date.slice(0, 4)}/${date.slice(5, 7)}/${item}` });

export function seedBusinessCases(tx: DbOrTx, orgs: SeededOrganisations, users: SeededUsers, rollout: SeededRollout, caps: Record<StandardCapabilityCode, { id: number }>) {
  const { partners, practices } = orgs;
  const pat = users.id("practitioner@example.org");
  const sam = users.id("practitioner2@example.org");
  const ig = users.id("ig@example.org");
  const board = users.id("board@example.org");
  const programme = users.id("programme@example.org");

  // Steps of the workflow, with the usual actor for each.
  const created = (by: number, date: string): CaseTransitionValues => ({ toState: "draft", actorId: by, at: at(date, "09:30"), note: "Case started." });
  const submit = (by: number, date: string, note = "Submitted for review.", edits?: CaseContent): CaseTransitionValues => ({ toState: "submitted", actorId: by, at: at(date, "14:00"), note, edits });
  const igReview = (date: string): CaseTransitionValues => ({ toState: "ig_review", actorId: ig, at: at(date, "09:15"), note: "Taken for IG review." });
  const toBoard = (date: string, igRecommendation: string): CaseTransitionValues => ({ toState: "board_review", actorId: ig, at: at(date, "16:30"), note: "IG review complete.", igRecommendation });
  const changes = (date: string, note: string): CaseTransitionValues => ({ toState: "changes_requested", actorId: ig, at: at(date, "15:00"), note });
  const decide = (toState: CaseState, date: string, item: number, rationale: string): CaseTransitionValues => ({ toState, actorId: board, at: at(date, "12:00"), rationale, interestDeclared: "None declared.", ...meeting(date, item) });
  const implement = (date: string, note: string): CaseTransitionValues => ({ toState: "implemented", actorId: programme, at: at(date, "17:00"), note });
  const withdraw = (by: number, date: string, note: string): CaseTransitionValues => ({ toState: "withdrawn", actorId: by, at: at(date, "11:00"), note });

  const cases: BusinessCaseValues[] = [
    {
      reference: "BC-2016-001",
      title: "End of life care coordination team access to the detailed care record",
      summary: "Give the end of life care coordination team read-only MIG access to the GP record, so care plans, medicines and preferences are known when a patient is referred.",
      authorId: sam,
      coAuthorIds: [pat],
      sponsorOrganisationId: partners.community.id,
      ...DIRECT_CARE,
      direction: "one_way",
      systems: ["mig"],
      dataItems: "Demographics, problems, medications, allergies, end of life care plan, preferred place of care, DNACPR status, recent encounters.",
      benefit: "Faster, safer planning in the last months of life: the team no longer waits for faxed summaries, and patients are not asked to repeat their wishes.",
      clinicianInvolvement: "Designed with the palliative care consultants, district nurses and two GP practices; tested in the Wigan North team.",
      publicInvolvement: "Discussed with the hospice patient and carer forum, who asked for the consent question to be asked gently and only once.",
      dpiaNeeded: true,
      dpiaStatus: "completed",
      risks: [
        risk("Staff view records of patients they are not caring for.", 2, 4, "Role-based access, legitimate relationship check in MIG and monthly audit of access."),
        risk("Out-of-date end of life care plans are relied on.", 3, 4, "The plan's date is shown; the team confirms wishes at first contact."),
      ],
      caldicott: caldicott("the end of life care coordination team", "to coordinate care for people in the last year of life", "the end of life care summary and the items listed"),
      targetGoLive: "2016-09-26",
      partnerOrganisationIds: [partners.community.id, partners.hospice.id, practices[1]!.id],
      deployments: [{ serviceId: rollout.serviceId("End of life care coordination team"), capabilityId: caps.mig_view.id, deploymentId: rollout.deployment("End of life care coordination team", "mig_view").id }],
      transitions: [
        created(sam, "2016-04-04"),
        submit(sam, "2016-04-18"),
        igReview("2016-04-20"),
        toBoard("2016-05-23", "Recommend approval: lawful basis and consent model as ISA-001; add the team to the ISA-003 schedule."),
        decide("approved", "2016-06-14", 4, "Approved: clear benefit to patients at the end of life, with proportionate safeguards."),
        implement("2016-10-10", "Deployment live on 10 October 2016."),
      ],
    },
    {
      reference: "BC-2016-002",
      title: "Care home liaison team access to the detailed care record",
      summary: "Let the council's care home liaison team view the GP record of care home residents they support, to prevent avoidable admissions.",
      authorId: pat,
      sponsorOrganisationId: partners.council.id,
      ...DIRECT_CARE,
      direction: "one_way",
      systems: ["mig"],
      // As first submitted; narrowed on resubmission (see the transitions).
      dataItems: "The full GP record.",
      benefit: "Fewer avoidable admissions from care homes; medicines reviews done with the full picture.",
      clinicianInvolvement: "Proposed by GPs covering care homes, with the liaison team's nurses and social workers.",
      publicInvolvement: "Shared with Healthwatch Wigan and the care home residents' forum.",
      dpiaNeeded: true,
      dpiaStatus: "in_progress",
      risks: [
        risk("Social care staff see clinical detail beyond their need.", 3, 3, "View restricted to the listed items; sensitive codes suppressed."),
        risk("Care home staff ask to see the record too.", 2, 3, "Access only for the liaison team; care homes receive summaries from them."),
      ],
      caldicott: caldicott("the care home liaison team", "to support residents of care homes and prevent avoidable admissions", "the items listed, with sensitive codes suppressed"),
      targetGoLive: "2017-01-16",
      partnerOrganisationIds: [partners.council.id, partners.community.id, partners.ccg.id],
      // Approved, no deployment created yet: "create planned deployments" has work to do.
      deployments: [{ serviceId: rollout.serviceId("Care home liaison team"), capabilityId: caps.mig_view.id, deploymentId: null }],
      transitions: [
        created(pat, "2016-07-25"),
        submit(pat, "2016-08-01"),
        igReview("2016-08-03"),
        changes("2016-08-15", "Please limit the data items to what the team needs and suppress sensitive codes (Caldicott principle 3)."),
        submit(pat, "2016-08-22", "Resubmitted with the data items narrowed.", { dataItems: "Demographics, problems, medications, allergies, recent encounters and care plans." }),
        igReview("2016-08-24"),
        toBoard("2016-09-05", "Recommend approval once ISA-004 is signed; DPIA to be completed before go-live."),
        decide("approved", "2016-10-11", 4, "Approved, subject to ISA-004 being signed and the DPIA completed before go-live."),
      ],
    },
    {
      reference: "BC-2016-003",
      title: "Full GP record for a private physiotherapy provider",
      summary: "Send the full GP record to a private physiotherapy provider for patients referred for musculoskeletal care.",
      authorId: pat,
      sponsorOrganisationId: practices[1]!.id,
      ...DIRECT_CARE,
      direction: "one_way",
      systems: ["mig", "edt"],
      dataItems: "The full GP record.",
      benefit: "Physiotherapists would see relevant history without asking the patient.",
      clinicianInvolvement: "Requested by the provider's clinical lead; discussed with two GPs.",
      publicInvolvement: "None yet.",
      dpiaNeeded: true,
      dpiaStatus: "not_started",
      risks: [risk("Far more information shared than needed for physiotherapy.", 4, 4, "None proposed."), risk("The provider is not party to the agreement and has no indemnity.", 4, 3, "Provider to sign ISA-001.")],
      caldicott: caldicott("the physiotherapy provider", "to support musculoskeletal care", "the full record"),
      targetGoLive: "2016-09-01",
      partnerOrganisationIds: [practices[1]!.id, partners.federation.id],
      transitions: [
        created(pat, "2016-04-25"),
        submit(pat, "2016-05-03"),
        igReview("2016-05-04"),
        toBoard("2016-06-20", "Do not approve: not the minimum necessary; the provider is outside the agreement and the indemnity."),
        decide("rejected", "2016-07-12", 5, "Rejected: the full record is not necessary for the purpose (Caldicott principles 2 and 3). A referral summary by EDT may be proposed instead."),
      ],
    },
    {
      reference: "BC-2016-004",
      title: "Patients' online access to their shared care record (pilot)",
      summary: "Pilot online access for patients of two practices to their own detailed care record, including entries from partner organisations.",
      authorId: pat,
      sponsorOrganisationId: partners.ccg.id,
      ...DIRECT_CARE,
      direction: "one_way",
      systems: ["other"],
      dataItems: "The patient's own detailed care record, excluding third-party information and results not yet discussed.",
      benefit: "Patients can check their record, prepare for appointments and correct errors; builds public confidence in SharetoCare.",
      clinicianInvolvement: "Two practices volunteered; the LMC was consulted.",
      publicInvolvement: "Patient participation groups at both practices asked for it.",
      dpiaNeeded: true,
      dpiaStatus: "in_progress",
      risks: [
        risk("Coercive access by a family member.", 2, 5, "Identity checks and a coercion screening question at registration."),
        risk("Patients see results before a clinician has discussed them.", 3, 3, "Results released after a set delay."),
      ],
      caldicott: caldicott("the patient", "to let patients see their own record", "the patient's own record, without third-party information"),
      targetGoLive: "2017-04-03",
      partnerOrganisationIds: [partners.ccg.id, practices[0]!.id, practices[1]!.id],
      transitions: [
        created(pat, "2016-06-27"),
        submit(pat, "2016-07-04"),
        igReview("2016-07-06"),
        toBoard("2016-08-15", "Lawful; recommend waiting for the national guidance on patient access to coded records."),
        decide("deferred", "2016-09-13", 3, "Deferred until the national guidance is published; to return to the January 2017 board."),
      ],
    },
    {
      reference: "BC-2016-005",
      title: "School nursing access to the detailed care record",
      summary: "Give school nurses read-only access to the GP record of the children on their caseload.",
      authorId: sam,
      sponsorOrganisationId: partners.community.id,
      ...DIRECT_CARE,
      direction: "one_way",
      systems: ["mig"],
      dataItems: "Demographics, immunisations, problems, medications and allergies of children on the caseload.",
      benefit: "Health plans in school built on accurate medical information.",
      clinicianInvolvement: "School nursing team leads and the named GP for safeguarding.",
      publicInvolvement: "Planned with the youth council.",
      dpiaNeeded: false,
      dpiaStatus: "not_required",
      risks: [risk("Consent for children is not recorded consistently.", 3, 3, "Gillick competence assessed and recorded at consent.")],
      caldicott: caldicott("the school nursing team", "to plan children's health care in school", "immunisations, problems, medications and allergies"),
      targetGoLive: "2016-09-05",
      partnerOrganisationIds: [partners.community.id, partners.council.id],
      transitions: [
        created(sam, "2016-03-07"),
        submit(sam, "2016-03-14"),
        igReview("2016-03-16"),
        withdraw(sam, "2016-04-11", "Withdrawn: school nursing moves to a new provider in 2017; we will resubmit with them."),
      ],
    },
    {
      reference: "BC-2016-006",
      title: "Discharge medicines sent to community pharmacies by EDT",
      summary: "Send the hospital's discharge medicines list to the patient's nominated community pharmacy by EDT, for a post-discharge medicines review.",
      authorId: sam,
      sponsorOrganisationId: partners.acute.id,
      ...DIRECT_CARE,
      direction: "one_way",
      systems: ["edt"],
      dataItems: "Discharge medicines list, changes made in hospital and the reason for each change.",
      benefit: "Fewer medicines errors after discharge; pharmacists can start a review within a week.",
      clinicianInvolvement: "Hospital pharmacists and two community pharmacists.",
      publicInvolvement: "Tested with the hospital's patient panel.",
      dpiaNeeded: true,
      dpiaStatus: "not_started",
      risks: [risk("Letters sent to the wrong pharmacy.", 2, 4, "Nominated pharmacy taken from the national spine, confirmed with the patient at discharge.")],
      caldicott: caldicott("community pharmacists", "to review medicines after discharge from hospital", "the discharge medicines list and its changes"),
      targetGoLive: "2017-02-06",
      partnerOrganisationIds: [partners.acute.id, partners.pharmacy.id],
      transitions: [
        created(sam, "2016-09-12"),
        submit(sam, "2016-09-19"),
        igReview("2016-09-21"),
        changes("2016-10-10", "Please list the data items per message, complete the DPIA screening and say how the pharmacy chain's lapsed indemnity will be resolved."),
      ],
      comments: [
        { authorId: ig, body: "The pharmacy chain's indemnity lapsed on 30 September; the CCG needs to renew it before anything new is shared with them.", createdAt: at("2016-10-10", "15:05") },
        { authorId: sam, body: "Thanks, I have asked the CCG contracts team and will update the case this week.", createdAt: at("2016-10-12", "08:45") },
      ],
    },
    {
      reference: "BC-2016-007",
      title: "Crisis team discharge letters to practices by EDT",
      summary: "Send the crisis resolution and home treatment team's discharge letters to GP practices by EDT instead of post.",
      authorId: pat,
      sponsorOrganisationId: partners.mentalHealth.id,
      ...DIRECT_CARE,
      direction: "one_way",
      systems: ["edt"],
      dataItems: "Discharge letter: presenting problem, risk assessment summary, medicines, follow-up plan.",
      benefit: "GPs know within a day that their patient has left crisis care and what follow-up is needed.",
      clinicianInvolvement: "Crisis team consultant and the GP mental health lead.",
      publicInvolvement: "Discussed at the mental health service user forum.",
      dpiaNeeded: false,
      dpiaStatus: "not_required",
      risks: [risk("Sensitive mental health information reaches the wrong practice.", 1, 5, "Practice taken from the patient's registration on the spine; EDT delivery receipts checked.")],
      caldicott: caldicott("GP practices", "to continue care after discharge from crisis care", "the discharge letter"),
      targetGoLive: "2017-01-30",
      partnerOrganisationIds: [partners.mentalHealth.id, practices[1]!.id],
      // Waiting at IG review since 12 September: over the 20-working-day service level.
      transitions: [created(pat, "2016-08-30"), submit(pat, "2016-09-05"), igReview("2016-09-12")],
    },
    {
      reference: "BC-2016-008",
      title: "Out of hours access to end of life care plans",
      summary: "Show hospice and GP end of life care plans to the GP out of hours service, so decisions at night follow the patient's wishes.",
      authorId: sam,
      sponsorOrganisationId: partners.community.id,
      ...DIRECT_CARE,
      direction: "one_way",
      systems: ["mig"],
      dataItems: "End of life care plan, preferred place of care and death, DNACPR status, anticipatory medicines.",
      benefit: "Fewer unwanted admissions at the end of life; patients die where they chose.",
      clinicianInvolvement: "Out of hours GPs, the hospice medical director and district nurses.",
      publicInvolvement: "Hospice carers' forum.",
      dpiaNeeded: true,
      dpiaStatus: "completed",
      risks: [risk("Plan not found in an emergency.", 2, 5, "Plans flagged on the out of hours system's patient banner.")],
      caldicott: caldicott("the out of hours service", "to follow patients' end of life wishes out of hours", "the end of life care plan items listed"),
      targetGoLive: "2016-12-05",
      partnerOrganisationIds: [partners.community.id, partners.hospice.id],
      // Waiting at board review since 19 September: over the service level.
      transitions: [
        created(sam, "2016-08-15"),
        submit(sam, "2016-08-22"),
        igReview("2016-08-24"),
        toBoard("2016-09-19", "Recommend approval: covered by ISA-002 v2 for hospice plans and ISA-001 for GP plans."),
      ],
      comments: [{ authorId: board, body: "Not reached at the October board; listed first for November.", createdAt: at("2016-10-11", "16:00") }],
    },
    {
      reference: "BC-2016-009",
      title: "Two-way record flow with the extended access hubs",
      summary: "Let consultations at the extended access hubs flow back into the patient's GP record, rather than being sent as separate notes.",
      authorId: pat,
      sponsorOrganisationId: partners.federation.id,
      ...DIRECT_CARE,
      direction: "two_way",
      systems: ["mig", "edt"],
      dataItems: "Hub consultation notes, prescriptions issued and referrals made.",
      benefit: "The GP record stays complete; no re-keying of hub notes by practice staff.",
      clinicianInvolvement: "Hub GPs and practice managers from five practices.",
      publicInvolvement: "Patient participation group chairs.",
      dpiaNeeded: true,
      dpiaStatus: "not_started",
      risks: [risk("Duplicate entries in the GP record.", 3, 2, "Hub entries tagged by source; practices review them in the workflow.")],
      caldicott: caldicott("the extended access hubs", "to keep the GP record complete after hub consultations", "consultation notes, prescriptions and referrals"),
      targetGoLive: "2017-03-01",
      partnerOrganisationIds: [partners.federation.id, practices[0]!.id, practices[1]!.id],
      deployments: [{ serviceId: rollout.serviceId("Extended access hub – Wigan"), capabilityId: caps.two_way.id, deploymentId: null }],
      transitions: [created(pat, "2016-10-17"), submit(pat, "2016-10-24")],
    },
    {
      // A draft: started, not finished (many fields still empty).
      reference: "BC-2016-010",
      title: "Social prescribing link workers: view of the detailed care record",
      summary: "Link workers would see problems and recent encounters to support people referred for social prescribing.",
      authorId: pat,
      sponsorOrganisationId: practices[1]!.id,
      purpose: "direct_care",
      direction: "one_way",
      systems: ["mig"],
      partnerOrganisationIds: [practices[1]!.id],
      transitions: [created(pat, "2016-10-26")],
    },
  ];

  for (const c of cases) createBusinessCase(tx, c);
  return cases.length;
}
