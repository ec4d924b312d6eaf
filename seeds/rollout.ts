// Services, deployments (with their status history), monthly usage, milestones and priorities.
//
// The story follows the case study: the detailed care record (MIG) went first to the walk-in
// centre and community pharmacies, then extended-hours GP hubs, then hospital, mental health,
// social care and end-of-life services: 32 services live by 31 July 2016. After that come the
// next steps: integrated nursing and end of life care, a hospice two-way flow, more EDT.

import type { InferSelectModel } from "drizzle-orm";
import type { DbOrTx } from "../app/lib/db.server";
import { addDaysIso, monthOf, monthRange } from "../app/lib/dates";
import { capabilities, deploymentUsage } from "../db/schema";
import type { DeploymentStatus } from "../db/schema/enums";
import { createDeployment, createMilestone, createPriority, createService, insertMany, type StandardCapabilityCode, type StatusEventValues } from "./factories";
import type { PartnerKey, SeededOrganisations } from "./organisations";
import { rngFor } from "./prng";
import type { SeededUsers } from "./users";

/** The last month of the demo data; the reporting date is its last day. */
export const LAST_MONTH = "2016-10";
export const REPORTING_DATE = "2016-10-31";
export const MIG_MILESTONE_DATE = "2016-07-31";

type Capability = InferSelectModel<typeof capabilities>;
type Step = [status: DeploymentStatus, effectiveOn: string, note?: string];

type PlannedDeployment = {
  capability: StandardCapabilityCode;
  plannedGoLive: string;
  events: Step[];
  notes?: string;
};

type ServicePlan = {
  org: PartnerKey;
  name: string;
  category: string;
  owner: string;
  description?: string;
  deployments: PlannedDeployment[];
};

/**
 * The usual path to go-live: logged as planned about 12 weeks before the planned date, work
 * starting 5 weeks before it (or before go-live, if that came early), then live.
 */
function wentLive(plannedGoLive: string, liveOn: string, ...after: Step[]): PlannedDeployment["events"] {
  const startBy = liveOn < plannedGoLive ? liveOn : plannedGoLive;
  return [["planned", addDaysIso(plannedGoLive, -84)], ["in_progress", addDaysIso(startBy, -35)], ["live", liveOn], ...after];
}

/** A detailed care record (mig_view) deployment that went live. */
function migLive(plannedGoLive: string, liveOn: string, ...after: Step[]): PlannedDeployment {
  return { capability: "mig_view", plannedGoLive, events: wentLive(plannedGoLive, liveOn, ...after) };
}

// Categories drive the illustrative usage figures (record views a month once fully in use).
const MONTHLY_VIEWS: Record<string, number> = {
  "Urgent care": 900,
  "Out of hours": 1100,
  "Community pharmacy": 140,
  "Extended GP access": 520,
  "Acute hospital": 1400,
  "Mental health": 380,
  "Community nursing": 450,
  "Integrated nursing": 420,
  "Social care": 260,
  "Medicines management": 300,
  "End of life care": 160,
  Hospice: 190,
  "Continuing healthcare": 120,
  Therapies: 80,
};

export const SERVICE_PLANS: ServicePlan[] = [
  // --- The 32 services live by 31 July 2016 (in go-live order) -------------------------------
  { org: "community", name: "Leigh walk-in centre", category: "Urgent care", owner: "Karen Hodgkinson", description: "Nurse-led walk-in centre, first service to use the detailed care record.", deployments: [migLive("2015-04-06", "2015-04-07"), { capability: "edt", plannedGoLive: "2015-10-19", events: wentLive("2015-10-19", "2015-11-02") }] },
  { org: "pharmacy", name: "Community pharmacy – Wigan town centre", category: "Community pharmacy", owner: "Leanne Gaskell", deployments: [migLive("2015-04-20", "2015-04-20")] },
  { org: "pharmacy", name: "Community pharmacy – Leigh", category: "Community pharmacy", owner: "Leanne Gaskell", deployments: [migLive("2015-05-05", "2015-05-11")] },
  { org: "federation", name: "Extended access hub – Wigan", category: "Extended GP access", owner: "Tariq Bolton", description: "Evening and weekend GP appointments for patients of every Wigan practice.", deployments: [migLive("2015-05-18", "2015-05-18")] },
  { org: "federation", name: "Extended access hub – Leigh", category: "Extended GP access", owner: "Tariq Bolton", deployments: [migLive("2015-06-01", "2015-06-08")] },
  { org: "pharmacy", name: "Community pharmacy – Hindley", category: "Community pharmacy", owner: "Leanne Gaskell", deployments: [migLive("2015-06-15", "2015-06-22")] },
  { org: "community", name: "GP out of hours service", category: "Out of hours", owner: "Karen Hodgkinson", deployments: [migLive("2015-07-01", "2015-07-06"), { capability: "edt", plannedGoLive: "2016-01-25", events: wentLive("2016-01-25", "2016-02-01") }] },
  { org: "federation", name: "Extended access hub – Ashton-in-Makerfield", category: "Extended GP access", owner: "Tariq Bolton", deployments: [migLive("2015-07-13", "2015-07-20")] },
  { org: "pharmacy", name: "Community pharmacy – Golborne", category: "Community pharmacy", owner: "Leanne Gaskell", deployments: [migLive("2015-08-03", "2015-08-17")] },
  { org: "acute", name: "Emergency department", category: "Acute hospital", owner: "Mark Fairhurst", description: "Royal Albert Edward Infirmary emergency department.", deployments: [migLive("2015-09-01", "2015-09-14"), { capability: "edt", plannedGoLive: "2015-09-14", events: wentLive("2015-09-14", "2015-09-14") }] },
  { org: "acute", name: "Acute medical unit", category: "Acute hospital", owner: "Mark Fairhurst", deployments: [migLive("2015-09-14", "2015-10-05")] },
  { org: "federation", name: "Extended access hub – Atherton", category: "Extended GP access", owner: "Tariq Bolton", deployments: [migLive("2015-10-05", "2015-10-12")] },
  { org: "community", name: "District nursing – Wigan", category: "Community nursing", owner: "Sue Prescott", deployments: [migLive("2015-10-19", "2015-11-02")] },
  { org: "community", name: "District nursing – Leigh", category: "Community nursing", owner: "Sue Prescott", deployments: [migLive("2015-11-02", "2015-11-16")] },
  { org: "ccg", name: "Medicines optimisation team", category: "Medicines management", owner: "Anil Chauhan", description: "CCG pharmacists working in practices and care homes.", deployments: [migLive("2015-11-16", "2015-11-23")] },
  { org: "council", name: "Adult social care – hospital discharge team", category: "Social care", owner: "Jenny Latham", deployments: [migLive("2015-12-01", "2015-12-07")] },
  { org: "community", name: "Community matrons", category: "Community nursing", owner: "Sue Prescott", deployments: [migLive("2016-01-11", "2016-01-11")] },
  { org: "community", name: "District nursing – Ashton-in-Makerfield", category: "Community nursing", owner: "Sue Prescott", deployments: [migLive("2016-01-25", "2016-02-01")] },
  { org: "federation", name: "Extended access hub – Standish", category: "Extended GP access", owner: "Tariq Bolton", deployments: [migLive("2016-02-01", "2016-02-08")] },
  { org: "mentalHealth", name: "Hospital mental health liaison assessment", category: "Mental health", owner: "Dr Helen Marsh", description: "Mental health assessment for patients in the acute hospital.", deployments: [migLive("2016-02-15", "2016-02-22")] },
  { org: "acute", name: "Mortuary and bereavement service", category: "Acute hospital", owner: "Joanne Unsworth", deployments: [migLive("2016-03-01", "2016-03-07")] },
  { org: "council", name: "Adult social care – Wigan locality team", category: "Social care", owner: "Jenny Latham", deployments: [migLive("2016-03-07", "2016-03-14")] },
  { org: "community", name: "District nursing – Hindley", category: "Community nursing", owner: "Sue Prescott", deployments: [migLive("2016-03-21", "2016-04-04")] },
  { org: "council", name: "Adult social care – Leigh locality team", category: "Social care", owner: "Jenny Latham", deployments: [migLive("2016-04-04", "2016-04-11")] },
  { org: "mentalHealth", name: "Crisis resolution and home treatment", category: "Mental health", owner: "Dr Helen Marsh", deployments: [migLive("2016-04-18", "2016-04-25"), { capability: "edt", plannedGoLive: "2017-01-30", events: [["planned", "2016-10-17"]] }] },
  { org: "community", name: "Intermediate care team", category: "Community nursing", owner: "Sue Prescott", deployments: [migLive("2016-05-03", "2016-05-09")] },
  {
    org: "hospice",
    name: "Hospice inpatient unit",
    category: "Hospice",
    owner: "Hannah Melling",
    deployments: [
      migLive("2016-05-09", "2016-05-16"),
      // Next step: GPs see hospice records too, and hospice letters go to practices by EDT.
      { capability: "two_way", plannedGoLive: "2016-12-31", events: [["planned", "2016-06-01"], ["in_progress", "2016-09-05"]] },
      { capability: "edt", plannedGoLive: "2016-11-30", events: [["planned", "2016-07-04"], ["in_progress", "2016-10-03"]] },
    ],
  },
  { org: "acute", name: "Hospital pharmacy medicines reconciliation", category: "Acute hospital", owner: "Joanne Unsworth", deployments: [migLive("2016-05-23", "2016-06-06")] },
  {
    org: "council",
    name: "Reablement service",
    category: "Social care",
    owner: "Jenny Latham",
    // Paused after the milestone date, so "live as at 31 July 2016" and "live today" differ.
    deployments: [migLive("2016-06-06", "2016-06-13", ["paused", "2016-09-05", "Paused while the council moves to its new social care case management system."])],
  },
  { org: "mentalHealth", name: "Community mental health team – Wigan", category: "Mental health", owner: "Dr Helen Marsh", deployments: [migLive("2016-06-20", "2016-06-27")] },
  { org: "acute", name: "Pre-operative assessment clinic", category: "Acute hospital", owner: "Mark Fairhurst", deployments: [migLive("2016-06-27", "2016-07-04")] },
  // Live but left out of every agreement's coverage: the "sharing without agreement" demo case.
  { org: "acute", name: "Frailty assessment unit", category: "Acute hospital", owner: "Mark Fairhurst", deployments: [migLive("2016-07-04", "2016-07-11")] },

  // --- Next steps after July 2016 -------------------------------------------------------------
  { org: "community", name: "Integrated nursing team – Wigan North", category: "Integrated nursing", owner: "Sue Prescott", deployments: [{ capability: "mig_view", plannedGoLive: "2016-08-15", events: [["planned", "2016-05-16"], ["in_progress", "2016-07-04"], ["live", "2016-08-22"]] }] },
  // Late: planned for September, still in progress at the reporting date.
  { org: "community", name: "Integrated nursing team – Leigh West", category: "Integrated nursing", owner: "Sue Prescott", deployments: [{ capability: "mig_view", plannedGoLive: "2016-09-30", events: [["planned", "2016-06-06"], ["in_progress", "2016-08-08"]], notes: "Smartcard roll-out to the team is behind plan." }] },
  { org: "community", name: "Integrated nursing team – Atherton and Tyldesley", category: "Integrated nursing", owner: "Sue Prescott", deployments: [{ capability: "mig_view", plannedGoLive: "2016-12-12", events: [["planned", "2016-08-15"], ["in_progress", "2016-10-17"]] }] },
  { org: "community", name: "Integrated nursing team – Golborne and Lowton", category: "Integrated nursing", owner: "Sue Prescott", deployments: [{ capability: "mig_view", plannedGoLive: "2017-02-13", events: [["planned", "2016-09-12"]] }] },
  // Went live in October; the implemented business case links to this deployment.
  { org: "community", name: "End of life care coordination team", category: "End of life care", owner: "Sam Practitioner", deployments: [{ capability: "mig_view", plannedGoLive: "2016-09-26", events: [["planned", "2016-06-14"], ["in_progress", "2016-08-01"], ["live", "2016-10-10"]] }] },
  // Late, at an organisation with low digital maturity.
  { org: "hospice", name: "Hospice at home", category: "End of life care", owner: "Hannah Melling", deployments: [{ capability: "mig_view", plannedGoLive: "2016-09-15", events: [["planned", "2016-06-13"], ["in_progress", "2016-08-01"]], notes: "Waiting for mobile devices with secure network access." }] },
  // Late and not started.
  { org: "acute", name: "Specialist palliative care team", category: "End of life care", owner: "Joanne Unsworth", deployments: [{ capability: "mig_view", plannedGoLive: "2016-10-14", events: [["planned", "2016-07-18"]] }] },
  { org: "mentalHealth", name: "Memory assessment service", category: "Mental health", owner: "Dr Helen Marsh", deployments: [{ capability: "mig_view", plannedGoLive: "2017-03-20", events: [["planned", "2016-10-03"]] }] },
  { org: "ccg", name: "Continuing healthcare team", category: "Continuing healthcare", owner: "Anil Chauhan", deployments: [{ capability: "mig_view", plannedGoLive: "2016-11-28", events: [["planned", "2016-08-01"], ["in_progress", "2016-10-24"]] }] },
  { org: "federation", name: "Extended access hub – Hindley", category: "Extended GP access", owner: "Tariq Bolton", deployments: [{ capability: "mig_view", plannedGoLive: "2016-11-14", events: [["planned", "2016-08-22"], ["in_progress", "2016-10-10"]] }] },
  { org: "pharmacy", name: "Community pharmacy – Tyldesley", category: "Community pharmacy", owner: "Leanne Gaskell", deployments: [{ capability: "mig_view", plannedGoLive: "2016-11-21", events: [["planned", "2016-09-05"]] }] },
  // Withdrawn before go-live: a deployment that never happened still has a history.
  { org: "community", name: "Podiatry service", category: "Therapies", owner: "Karen Hodgkinson", deployments: [{ capability: "mig_view", plannedGoLive: "2015-09-28", events: [["planned", "2015-06-01"], ["in_progress", "2015-08-10"], ["withdrawn", "2015-11-02", "The summary care record meets the service's need."]] }] },
  // No deployment yet: the approved business case proposes one.
  { org: "council", name: "Care home liaison team", category: "Social care", owner: "Jenny Latham", deployments: [] },
];

export type SeededDeployment = {
  id: number;
  serviceId: number;
  organisationId: number;
  capability: StandardCapabilityCode;
  status: DeploymentStatus;
  actualGoLive: string | null;
  events: StatusEventValues[];
};

export type SeededRollout = {
  services: Map<string, { id: number; organisationId: number }>;
  deployments: SeededDeployment[];
  /** The deployment of a capability at a named service. */
  deployment(serviceName: string, capability: StandardCapabilityCode): SeededDeployment;
  serviceId(name: string): number;
};

/** Status recorded at 16:00 on its effective date: a plausible, fixed "recorded at". */
const recordedAt = (date: string) => `${date}T16:00:00.000Z`;

export function seedRollout(tx: DbOrTx, orgs: SeededOrganisations, users: SeededUsers, caps: Record<StandardCapabilityCode, Capability>): SeededRollout {
  const programmeUser = users.id("programme@example.org");
  const services = new Map<string, { id: number; organisationId: number }>();
  const seeded: SeededDeployment[] = [];
  const usage: { deploymentId: number; month: string; views: number; recordedAt: string }[] = [];

  for (const plan of SERVICE_PLANS) {
    const organisationId = orgs.partners[plan.org].id;
    const service = createService(tx, { organisationId, name: plan.name, category: plan.category, description: plan.description ?? null });
    services.set(plan.name, { id: service.id, organisationId });
    for (const d of plan.deployments) {
      const events = d.events.map(([status, effectiveOn, note]) => ({ status, effectiveOn, note: note ?? null, recordedBy: programmeUser, recordedAt: recordedAt(effectiveOn) }));
      const row = createDeployment(tx, { serviceId: service.id, capabilityId: caps[d.capability].id, plannedGoLive: d.plannedGoLive, owner: plan.owner, notes: d.notes ?? null, events });
      seeded.push({ id: row.id, serviceId: service.id, organisationId, capability: d.capability, status: row.status, actualGoLive: row.actualGoLive, events });
      if (d.capability !== "edt") usage.push(...usageFor(row.id, plan.category, events));
    }
  }
  insertMany(tx, deploymentUsage, usage);

  return {
    services,
    deployments: seeded,
    deployment(serviceName, capability) {
      const serviceId = services.get(serviceName)?.id;
      const found = seeded.find((d) => d.serviceId === serviceId && d.capability === capability);
      if (!found) throw new Error(`No ${capability} deployment at ${serviceName}`);
      return found;
    },
    serviceId(name) {
      const found = services.get(name);
      if (!found) throw new Error(`No service ${name}`);
      return found.id;
    },
  };
}

/**
 * Monthly record views from the go-live month to the last month: ramping up over the first
 * months, with month-to-month noise; nothing in months spent wholly paused or withdrawn.
 * (EDT sends documents rather than showing records, so it has no view counts.)
 */
function usageFor(deploymentId: number, category: string, events: StatusEventValues[]) {
  const goLive = events.find((e) => e.status === "live")?.effectiveOn;
  if (!goLive) return [];
  const rng = rngFor(`usage-${deploymentId}`);
  const full = (MONTHLY_VIEWS[category] ?? 200) * rng.between(0.7, 1.3);
  return monthRange(monthOf(goLive), LAST_MONTH).map((month, i) => {
    const statusAtStart = [...events].filter((e) => monthOf(e.effectiveOn) < month).at(-1)?.status;
    const liveDuring = statusAtStart === "live" || events.some((e) => monthOf(e.effectiveOn) === month && e.status === "live");
    const ramp = Math.min(1, 0.25 + 0.2 * i);
    const views = liveDuring ? Math.round(full * ramp * rng.between(0.85, 1.15)) : 0;
    return { deploymentId, month, views, recordedAt: `${month}-28T09:00:00.000Z` };
  });
}

export function seedMilestones(tx: DbOrTx, caps: Record<StandardCapabilityCode, Capability>) {
  const rows = [
    { title: "32 services with the detailed care record live", metric: "services_live" as const, capabilityId: caps.mig_view.id, targetValue: 32, dueOn: MIG_MILESTONE_DATE, description: "The detailed care record (MIG view) live in 32 services across the partners." },
    { title: "All 63 practices signed up", metric: "practices_signed_up" as const, capabilityId: null, targetValue: 63, dueOn: "2015-12-31", description: "Every practice in the borough signed up to SharetoCare, its agreement and its indemnity." },
    { title: "Borough opt-in rate 60%", metric: "opt_in_rate" as const, capabilityId: null, targetValue: 60, dueOn: "2017-03-31", description: "Patients who have opted in at the point of care, as a share of registered patients." },
    { title: "Integrated nursing and end of life care live", metric: "services_live" as const, capabilityId: caps.mig_view.id, targetValue: 40, dueOn: "2016-12-31", description: "The detailed care record extended to integrated nursing teams and end of life care services." },
  ];
  for (const row of rows) createMilestone(tx, { ...row, createdAt: "2015-04-14T12:00:00.000Z" });
}

/**
 * Board-endorsed priorities, re-endorsed every 12 months. As at 31 October 2016: one overdue
 * (last endorsed October 2015), one due within 90 days (January 2016), two not due.
 */
export function seedPriorities(tx: DbOrTx, users: SeededUsers) {
  const board = users.id("board@example.org");
  const minute = (date: string, item: number) => `IM&T board minute ${date.slice(0, 4)}/${date.slice(5, 7)}/${item}`;
  const priorities = [
    {
      title: "Widen access to the shared care record",
      description: "Continue rolling out the detailed care record to more locations and services, such as integrated nursing and end of life care.",
      endorsed: [["2015-04-14", 2], ["2016-04-12", 3]],
    },
    {
      title: "Two-way record flows (hospice)",
      description: "Let GPs view hospice records as well as hospice staff viewing GP records.",
      endorsed: [["2015-10-13", 4]],
    },
    {
      title: "Patients' access to their own records",
      description: "Enable patients to see their own records, to empower them and build public confidence.",
      endorsed: [["2016-01-12", 5]],
    },
    {
      title: "Sustain the opt-in consent model",
      description: "Keep asking for consent at the point of care and tell people how their records are used.",
      endorsed: [["2015-07-14", 3], ["2016-07-12", 2]],
    },
  ] as const;
  for (const p of priorities) {
    createPriority(tx, {
      title: p.title,
      description: p.description,
      endorsementIntervalMonths: 12,
      createdAt: `${p.endorsed[0][0]}T12:00:00.000Z`,
      endorsements: p.endorsed.map(([date, item]) => ({
        endorsedOn: date,
        endorsedBy: board,
        minuteReference: minute(date, item),
        note: "Endorsed by the IM&T partnership board.",
        createdAt: `${date}T12:00:00.000Z`,
      })),
    });
  }
}
