import { inArray, sql } from "drizzle-orm";
import { agreementParties, organisations } from "../../db/schema";
import type { CaseState, OrganisationType, Role } from "../../db/schema/enums";
import { getDb, type DbOrTx } from "~/lib/db.server";
import { memoiseByDataVersion } from "~/lib/data-version.server";
import { daysBetween, formatDate, monthOf } from "~/lib/dates";
import { inSentence } from "~/lib/words";
import { CASE_STATE_LABELS } from "./cases.schema";
import { DEPLOYMENT_STATUS_LABELS } from "./rollout.schema";
import { agreementsWithHighRiskDpiaWithoutIco, liveDeploymentsWithoutActiveAgreement, listAgreements } from "./agreements.server";
import { coverExpiring, practicesViewableWithoutCover } from "./indemnity.server";
import { listDeployments } from "./rollout.server";
import { nameAsAtSql, namesUnchangedSince } from "./organisation-history.server";
import { practicesBelowTargetOrFalling } from "./consent.server";
import { lowMaturityAtRisk } from "./maturity.server";
import { casesWaitingPastSla } from "./cases.server";
import { listPriorities } from "./milestones.server";
import { getSettings } from "./settings.server";
import {
  SEVERITY_RANK,
  type ExceptionKind,
  type ExceptionOrganisation,
  type ExceptionSeverity,
  type ProgrammeException,
} from "./exceptions.schema";

export type ExceptionFilters = {
  asAt: string;
  locality?: string | null;
  organisationType?: OrganisationType | null;
  kind?: ExceptionKind | null;
  severity?: ExceptionSeverity | null;
  /** Only the exceptions this role should act on. */
  role?: Role | null;
  organisationId?: number | null;
};

const CASE_ACTOR: Partial<Record<CaseState, Role>> = { submitted: "ig_lead", ig_review: "ig_lead", board_review: "board" };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function organisationsById(db: DbOrTx, ids: number[], asAt: string) {
  const unique = [...new Set(ids)];
  const rows = unique.length
    ? db
        .select({ id: organisations.id, odsCode: organisations.odsCode, name: nameAsAtSql(db, organisations.id, asAt), type: organisations.type, locality: organisations.locality })
        .from(organisations)
        // One bound list, not a parameter per id: the opt-in rule names ~4,600 practices nationally,
        // and building and compiling a statement with that many parameters cost more than the
        // look-ups (15-20 against 9 ms).
        .where(sql`${organisations.id} in (select value from json_each(${JSON.stringify(unique)}))`)
        .all()
    : [];
  return new Map(rows.map((r) => [r.id, { odsCode: r.odsCode, name: r.name, type: r.type, locality: r.locality } satisfies ExceptionOrganisation]));
}

/** The roles each kind of exception can ask to act, so a filtered call runs only the rules it needs. */
const KIND_ROLES: Record<ExceptionKind, readonly Role[]> = {
  sharing_without_agreement: ["ig_lead"],
  sharing_without_cover: ["ccg"],
  cover_expiring: ["ccg"],
  agreement_review_overdue: ["ig_lead"],
  agreement_review_due: ["ig_lead"],
  dpia_high_risk_without_ico: ["ig_lead"],
  deployment_late: ["programme"],
  opt_in_falling: ["programme"],
  opt_in_below_target: ["programme"],
  low_maturity_rollout_planned: ["programme"],
  case_waiting_past_sla: ["ig_lead", "board", "programme"],
  priority_endorsement_due: ["board"],
};

/** Whether a rule producing these kinds can contribute to a list filtered by kind and role. */
function ruleWanted(filters: Pick<ExceptionFilters, "kind" | "role">, ...kinds: ExceptionKind[]) {
  return kinds.some((k) => (!filters.kind || filters.kind === k) && (!filters.role || KIND_ROLES[k].includes(filters.role)));
}

type EngineException = ProgrammeException & { organisationId: number | null; partyIds?: number[] };

/** Names rows' organisations as they were called on the date (rules that read names elsewhere). */
type NamedAsAt = <T extends { organisationId: number }>(rows: T[], field: keyof T & ("organisationName" | "name")) => T[];

function partiesOf(db: DbOrTx, agreementIds: number[]) {
  return agreementIds.length
    ? db
        .select({ agreementId: agreementParties.agreementId, organisationId: agreementParties.organisationId })
        .from(agreementParties)
        .where(inArray(agreementParties.agreementId, agreementIds))
        .all()
    : [];
}

type Rule = {
  name: string;
  kinds: readonly ExceptionKind[];
  run: (db: DbOrTx, asAt: string, namedAsAt: NamedAsAt) => EngineException[];
  /**
   * "month" when the rule's exceptions depend on the date only through its month and the names
   * organisations had on it: every day of a month on which the names were alike then shares one
   * kept figure (ruleKey), so a date nobody has opened finds it ready once any such day was.
   */
  sharedBy?: "month";
};

/**
 * The rules, in the order the engine has always listed them. Each is a figure of its own, kept
 * until a table IT reads changes: a cover renewed recomputes the cover rules, not the opt-in or
 * business-case rules, and the whole list is put back together from the kept parts.
 */
const RULES: readonly Rule[] = [
  {
    name: "sharing-without-agreement",
    kinds: ["sharing_without_agreement"],
    run: (db, asAt, namedAsAt) =>
      namedAsAt(liveDeploymentsWithoutActiveAgreement({ asAt, db }), "organisationName").map((d) => ({
        id: `sharing_without_agreement:${d.deploymentId}`,
        kind: "sharing_without_agreement",
        severity: "high",
        title: `${d.serviceName} (${d.organisationName}) shares records with no active agreement covering it`,
        detail: `${d.capabilityName} live since ${formatDate(d.liveSince)}; no data sharing agreement in force on ${formatDate(asAt)} covers this service.`,
        organisation: null,
        organisationId: d.organisationId,
        record: null,
        href: `/rollout/deployments/${d.deploymentId}`,
        actionRole: "ig_lead",
        dueOn: d.liveSince,
      })),
  },
  // The case study's indemnity: the CCG covers practices; the gap is a practice whose record services
  // can view while it has no cover. High when a private organisation under the NHS badge is among them.
  {
    name: "sharing-without-cover",
    kinds: ["sharing_without_cover"],
    run: (db, asAt) =>
      practicesViewableWithoutCover({ asAt, db }).map((p) => {
        const named = p.privateOrganisations.map((o) => `${o.organisationName} (${plural(o.services, "service")})`).join(", ");
        return {
          id: `sharing_without_cover:${p.odsCode}`,
          kind: "sharing_without_cover",
          severity: p.privateServices > 0 ? "high" : "medium",
          title: `${p.organisationName} has no indemnity cover while ${plural(p.services, "service")} (${p.privateServices} private) can view its record`,
          detail: `${named ? `Private providers (NHS-funded) viewing it: ${named}. ` : ""}No CCG indemnity cover in force on ${formatDate(asAt)}${p.lastCoverEndedOn ? `; the last cover ended on ${formatDate(p.lastCoverEndedOn)}` : ""}.`,
          organisation: null,
          organisationId: p.organisationId,
          record: null,
          href: `/organisations/${p.odsCode}`,
          actionHref: `/indemnity?asAt=${asAt}#viewable-without-cover`,
          actionRole: "ccg",
          dueOn: p.lastCoverEndedOn,
        };
      }),
  },
  {
    name: "cover-expiring",
    kinds: ["cover_expiring"],
    run: (db, asAt, namedAsAt) =>
      namedAsAt(coverExpiring({ asAt, withinDays: getSettings(db).indemnity_warning_days, db }), "organisationName").map((c) => ({
        id: `cover_expiring:${c.odsCode}:${c.coverId}`,
        kind: "cover_expiring",
        severity: c.daysLeft <= 7 ? "high" : c.daysLeft <= 30 ? "medium" : "low",
        title: `Indemnity cover for ${c.organisationName} ends in ${plural(c.daysLeft, "day")}`,
        detail: `Cover ${c.documentReference ?? ""} ends on ${formatDate(c.endOn)} and no renewal has been recorded.`.replace("  ", " "),
        organisation: null,
        organisationId: c.organisationId,
        record: c.documentReference,
        href: `/indemnity?asAt=${asAt}#expiring`,
        actionHref: `/indemnity/${c.coverId}/renew`,
        actionRole: "ccg",
        dueOn: c.endOn,
      })),
  },
  {
    name: "agreement-review",
    kinds: ["agreement_review_due", "agreement_review_overdue"],
    run: (db, asAt) => {
      const reviews = listAgreements({ asAt, status: "active", reviewDue: "due_or_overdue", page: 1, pageSize: 10_000, db }).rows;
      const partyRows = partiesOf(db, reviews.map((r) => r.id));
      return reviews.map((a) => {
        const overdue = a.reviewState === "overdue";
        return {
          id: `agreement_review:${a.reference}:${a.version}`,
          kind: overdue ? "agreement_review_overdue" : "agreement_review_due",
          severity: overdue ? "medium" : "low",
          title: overdue
            ? `Review of ${a.reference} "${a.title}" is ${plural(daysBetween(a.reviewOn, asAt), "day")} overdue`
            : `Review of ${a.reference} "${a.title}" is due on ${formatDate(a.reviewOn)}`,
          detail: `Version ${a.version}, ${plural(a.parties, "party", "parties")}. The review date is ${formatDate(a.reviewOn)}.`,
          organisation: null,
          organisationId: null,
          partyIds: partyRows.filter((p) => p.agreementId === a.id).map((p) => p.organisationId),
          record: `${a.reference} v${a.version}`,
          href: `/agreements/${encodeURIComponent(a.reference)}`,
          actionRole: "ig_lead",
          dueOn: a.reviewOn,
        };
      });
    },
  },
  // UK GDPR Article 36: high residual risk must go to the ICO before the processing.
  {
    name: "dpia-high-risk-without-ico",
    kinds: ["dpia_high_risk_without_ico"],
    run: (db, asAt) => {
      const highRisk = agreementsWithHighRiskDpiaWithoutIco({ asAt, db });
      const highRiskParties = partiesOf(db, highRisk.map((a) => a.id));
      return highRisk.map((a) => ({
        id: `dpia_high_risk_without_ico:${a.reference}:${a.version}`,
        kind: "dpia_high_risk_without_ico",
        severity: "high",
        title: `${a.reference} "${a.title}": the DPIA found high residual risk and the ICO has not been consulted`,
        detail: `DPIA ${a.dpiaReference}${a.completedOn ? `, completed on ${formatDate(a.completedOn)},` : ""} found high risk remaining after mitigation; the ICO must be consulted before the processing. Record the consultation date on the DPIA.`,
        organisation: null,
        organisationId: null,
        partyIds: highRiskParties.filter((p) => p.agreementId === a.id).map((p) => p.organisationId),
        record: `${a.reference} v${a.version}`,
        href: `/agreements/${encodeURIComponent(a.reference)}`,
        actionHref: `/agreements/${encodeURIComponent(a.reference)}/dpia`,
        actionRole: "ig_lead",
        dueOn: a.completedOn,
      }));
    },
  },
  {
    name: "deployment-late",
    kinds: ["deployment_late"],
    run: (db, asAt) =>
      listDeployments({ asAt, late: true, db }).rows.map((d) => ({
        id: `deployment_late:${d.id}`,
        kind: "deployment_late",
        severity: "medium",
        title: `${d.serviceName} (${d.organisationName}): ${d.capabilityName} is late`,
        detail: `Planned to go live on ${formatDate(d.plannedGoLive)}; ${inSentence(DEPLOYMENT_STATUS_LABELS[d.status])} on ${formatDate(asAt)}${d.owner ? `. Owner: ${d.owner}` : ""}.`,
        organisation: null,
        organisationId: d.organisationId,
        record: null,
        href: `/rollout/deployments/${d.id}`,
        actionRole: "programme",
        dueOn: d.plannedGoLive,
      })),
  },
  {
    name: "opt-in",
    kinds: ["opt_in_falling", "opt_in_below_target"],
    // The practices' latest returns as at the month (listOptInByPractice is kept by month) and
    // their names on the date: 30-50 ms nationally for a date nobody has opened, now once a month.
    sharedBy: "month",
    run: (db, asAt, namedAsAt) => {
      const target = getSettings(db).opt_in_target_percent;
      const out: EngineException[] = [];
      const rate = (p: { rate: number | null }) => (p.rate === null ? "No rate" : `${p.rate.toFixed(1)}%`);
      for (const p of namedAsAt(practicesBelowTargetOrFalling({ asAt, db }), "name")) {
        // A practice's opt-in exception: the same in all but its kind, severity and wording.
        const practice = (kind: "opt_in_falling" | "opt_in_below_target", severity: ExceptionSeverity, title: string, detail: string): EngineException => ({
          id: `${kind}:${p.odsCode}`,
          kind,
          severity,
          title,
          detail,
          organisation: null,
          organisationId: p.organisationId,
          record: null,
          href: `/organisations/${p.odsCode}`,
          actionRole: "programme",
          dueOn: null,
        });
        if (p.falling) {
          out.push(practice("opt_in_falling", "medium", `Opt-in at ${p.name} has fallen three months running`, `${rate(p)} in ${p.month ?? "its latest return"} against a target of ${target}%.`));
        } else if (p.belowTarget) {
          out.push(practice("opt_in_below_target", "low", `Opt-in at ${p.name} is below the ${target}% target`, `${rate(p)} of registered patients opted in (${p.month ?? "latest return"}).`));
        }
      }
      return out;
    },
  },
  {
    name: "low-maturity",
    kinds: ["low_maturity_rollout_planned"],
    run: (db, asAt, namedAsAt) =>
      namedAsAt(lowMaturityAtRisk({ asAt, db }), "name").map((m) => ({
        id: `low_maturity:${m.odsCode}:${m.frameworkCode}`,
        kind: "low_maturity_rollout_planned",
        severity: "medium",
        title: `${m.name} has low digital maturity (${m.frameworkName}) with roll-out planned`,
        detail: `${m.frameworkName}: overall ${Number(m.overallScore).toFixed(1)} (${Math.round(m.percentOfScale)}% of the scale, assessed ${formatDate(m.assessedOn)}); ${plural(Number(m.deploymentsPlannedOrInProgress), "deployment")} planned or in progress.`,
        organisation: null,
        organisationId: m.organisationId,
        record: null,
        href: `/maturity/${m.odsCode}`,
        actionRole: "programme",
        dueOn: null,
      })),
  },
  {
    name: "case-waiting",
    kinds: ["case_waiting_past_sla"],
    run: (db, asAt) =>
      casesWaitingPastSla({ asAt, db }).map((c) => ({
        id: `case_waiting:${c.reference}`,
        kind: "case_waiting_past_sla",
        severity: "medium",
        title: `${c.reference} "${c.title}" has waited ${plural(c.workingDays, "working day")} at ${inSentence(CASE_STATE_LABELS[c.state])}`,
        detail: `The service level is ${c.sla} working days per stage; waiting since ${formatDate(c.since)}${c.sponsorName ? `. Sponsor: ${c.sponsorName}` : ""}.`,
        organisation: null,
        organisationId: null,
        record: c.reference,
        href: `/cases/${encodeURIComponent(c.reference)}`,
        actionRole: CASE_ACTOR[c.state as CaseState] ?? "programme",
        dueOn: c.since,
      })),
  },
  {
    name: "priority-endorsement",
    kinds: ["priority_endorsement_due"],
    run: (db, asAt) =>
      listPriorities({ asAt, db })
        .filter((p) => p.state === "overdue" || p.state === "due_soon" || p.state === "never")
        .map((p) => ({
          id: `priority_endorsement:${p.id}`,
          kind: "priority_endorsement_due",
          severity: p.state === "due_soon" ? "low" : "medium",
          title:
            p.state === "never"
              ? `Priority "${p.title}" has never been endorsed by the board`
              : p.state === "overdue"
                ? `Priority "${p.title}" was due for re-endorsement on ${formatDate(p.dueOn)}`
                : `Priority "${p.title}" is due for re-endorsement on ${formatDate(p.dueOn)}`,
          detail: p.lastEndorsedOn ? `Last endorsed on ${formatDate(p.lastEndorsedOn)}${p.minuteReference ? ` (${p.minuteReference})` : ""}.` : "No endorsement recorded.",
          organisation: null,
          organisationId: null,
          record: null,
          href: `/rollout/priorities/${p.id}/endorse`,
          actionRole: "board",
          dueOn: p.dueOn,
        })),
  },
];

/** The names of the rules' figures (`exceptions.rule.<name>`, keyed by the date), for tests. */
export const EXCEPTION_RULE_NAMES = RULES.map((r) => r.name);

/**
 * Each rule's exceptions as at a date as a step of its own (its kept figure, as the lists read it),
 * for working the pages' figures out a part at a time (app/models/figure-refresh.server.ts).
 */
export function exceptionRuleSteps(asAt: string): { name: string; run: () => void }[] {
  return RULES.map((rule) => ({ name: `exceptions.rule.${rule.name}`, run: () => void ruleExceptions(getDb(), rule, asAt) }));
}

/**
 * What a rule's kept exceptions are keyed by: the date, or for a rule shared by month the month and
 * the day from which the names it gives were all as on the date (namesUnchangedSince).
 */
export function exceptionRuleKey(name: string, asAt: string, db: DbOrTx = getDb()): Record<string, string> {
  const rule = RULES.find((r) => r.name === name);
  if (!rule) throw new Error(`No exception rule is called ${name}`);
  return ruleKey(db, rule, asAt);
}

function ruleKey(db: DbOrTx, rule: Rule, asAt: string): Record<string, string> {
  return rule.sharedBy === "month" ? { month: monthOf(asAt), namesFrom: namesUnchangedSince({ asAt, db }) } : { asAt };
}

/** One rule's exceptions as at a date, with their organisations, kept until a table it read changes. */
function ruleExceptions(db: DbOrTx, rule: Rule, asAt: string): readonly EngineException[] {
  // A rule shared by month is worked out on whichever day of the key is asked for first: every day
  // sharing the key gives the same exceptions (the same names, the same latest returns).
  return memoiseByDataVersion(`exceptions.rule.${rule.name}`, ruleKey(db, rule, asAt), db, () => {
    // Each organisation read once, by the name it had on the date: for the titles and the exceptions' organisation alike.
    const orgs = new Map<number, ExceptionOrganisation>();
    const load = (ids: number[]) => {
      for (const [id, o] of organisationsById(db, [...new Set(ids)].filter((id) => !orgs.has(id)), asAt)) orgs.set(id, o);
    };
    const namedAsAt: NamedAsAt = (rows, field) => {
      load(rows.map((r) => r.organisationId));
      return rows.map((r) => ({ ...r, [field]: orgs.get(r.organisationId)?.name ?? r[field] }));
    };
    const out = rule.run(db, asAt, namedAsAt);
    load(out.map((e) => e.organisationId).filter((id): id is number => id !== null));
    return out.map((e) => ({ ...e, organisation: e.organisationId ? (orgs.get(e.organisationId) ?? null) : null }));
  });
}

/**
 * Every exception as at a date, one list from every rule (only the rules that can produce the
 * kind and role asked for: the task count in the header runs on every request).
 */
function computeAll(db: DbOrTx, asAt: string, wanted: Pick<ExceptionFilters, "kind" | "role"> = {}): readonly EngineException[] {
  return RULES.filter((rule) => ruleWanted(wanted, ...rule.kinds)).flatMap((rule) => ruleExceptions(db, rule, asAt));
}

function matchesOrganisationFilters(
  e: ReturnType<typeof computeAll>[number],
  filters: ExceptionFilters,
  partyOrgs: Map<number, { type: OrganisationType; locality: string | null }>,
) {
  if (!filters.locality && !filters.organisationType && !filters.organisationId) return true;
  const fits = (o: { type: OrganisationType; locality: string | null } | null | undefined) =>
    Boolean(o) && (!filters.locality || o!.locality === filters.locality) && (!filters.organisationType || o!.type === filters.organisationType);
  if (filters.organisationId) {
    if (e.organisationId === filters.organisationId) return true;
    return Boolean(e.partyIds?.includes(filters.organisationId));
  }
  if (e.organisation) return fits(e.organisation);
  // An agreement concerns the filtered group when any of its parties is in it.
  if (e.partyIds) return e.partyIds.some((id) => fits(partyOrgs.get(id)));
  // Partnership-wide exceptions (business cases, priorities) concern everyone.
  return true;
}

/**
 * The one exception engine: every exception in PRODUCT.md's list, computed from the data as at
 * `asAt`, filtered, most severe first (then the earliest due date). Used by the dashboard,
 * organisation pages, /exceptions, the task inbox, the board pack and the API.
 */
export function listExceptions({ db = getDb(), ...filters }: ExceptionFilters & { db?: DbOrTx }): ProgrammeException[] {
  // The filtered, sorted list is kept too: at national scale sorting thousands of exceptions on
  // every page view cost more than the rest of the dashboard's loader.
  const key = { ...exceptionFilterKey(filters), organisationId: filters.organisationId ?? null };
  return memoiseByDataVersion("exceptions-list", key, db, () => filterExceptions(db, filters));
}

/** The filters a kept list of exceptions depends on, each given or null (so one list is not kept twice under two spellings). */
export function exceptionFilterKey(filters: Pick<ExceptionFilters, "asAt" | "locality" | "organisationType" | "kind" | "severity" | "role">) {
  return {
    asAt: filters.asAt,
    locality: filters.locality ?? null,
    organisationType: filters.organisationType ?? null,
    kind: filters.kind ?? null,
    severity: filters.severity ?? null,
    role: filters.role ?? null,
  };
}

function filterExceptions(db: DbOrTx, filters: ExceptionFilters): ProgrammeException[] {
  // Every rule runs once per as-at date until a table it reads changes.
  const all = computeAll(db, filters.asAt, { kind: filters.kind ?? null, role: filters.role ?? null });
  const partyIds = all.flatMap((e) => e.partyIds ?? []);
  const partyOrgs = new Map(
    partyIds.length
      ? db
          .select({ id: organisations.id, type: organisations.type, locality: organisations.locality })
          .from(organisations)
          .where(inArray(organisations.id, [...new Set(partyIds)]))
          .all()
          .map((o) => [o.id, o] as const)
      : [],
  );
  return all
    .filter((e) => (!filters.kind || e.kind === filters.kind) && (!filters.severity || e.severity === filters.severity) && (!filters.role || e.actionRole === filters.role))
    .filter((e) => matchesOrganisationFilters(e, filters, partyOrgs))
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        (a.dueOn ?? "9999").localeCompare(b.dueOn ?? "9999") ||
        a.title.localeCompare(b.title),
    )
    .map(({ organisationId: _o, partyIds: _p, ...e }) => e);
}

export function countExceptionsBySeverity(filters: ExceptionFilters & { db?: DbOrTx }): Record<ExceptionSeverity, number> {
  const counts: Record<ExceptionSeverity, number> = { high: 0, medium: 0, low: 0 };
  for (const e of listExceptions(filters)) counts[e.severity]++;
  return counts;
}
