import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { addDaysIso, endOfMonthIso, monthRange } from "~/lib/dates";
import { DEPLOYMENT_STATUSES, type DeploymentStatus } from "../../db/schema/enums";
import { changeDeploymentStatus, countServicesLive, createDeployment, createService, getDeployment, listDeployments, RolloutRuleError, servicesLiveByMonth, voidStatusEvent } from "~/models/rollout.server";
import { getProgrammeSummary } from "~/models/summary.server";

// Facts over time: a figure as at a date counts only what was valid on that date, so status
// changes dated later, later deployments and corrections of later events never move it.

const programme = { userId: null, label: "programme@example.org" };
const START = "2015-01-01";
const day = (offset: number) => addDaysIso(START, offset);
const LAST_DAY = 669; // the reporting date

type Change = { deployment: number; status: DeploymentStatus; day: number };
type Correction = { deployment: number; pick: number };

let run = 0;
let laterFactsRecorded = 0;
function newDeployment(firstDay: number, status: DeploymentStatus) {
  run += 1;
  const service = createService({ actor: programme, organisationId: 3, input: { name: `History run ${run}`, category: null, description: null } });
  return createDeployment({ actor: programme, input: { serviceId: service.id, capabilityCode: "mig_view", status, effectiveOn: day(firstDay), plannedGoLive: day(Math.min(firstDay + 90, LAST_DAY)), owner: null, notes: null } }).id;
}

let recorded = 0;
/** Records what makes sense; a refused status (same twice in a row, before the first) is a user's mistake the app refuses. */
function attempt(fn: () => unknown) {
  try {
    fn();
    recorded += 1;
  } catch (error) {
    if (!(error instanceof RolloutRuleError)) throw error;
  }
}

function correct(id: number, pick: number, onlyAfter: string | null) {
  const standing = getDeployment({ id })!.events.filter((e) => !e.voidedAt && (onlyAfter === null || e.effectiveOn > onlyAfter));
  if (standing.length) attempt(() => voidStatusEvent({ actor: programme, deploymentId: id, eventId: standing[pick % standing.length]!.id, input: { reason: "Recorded in error" } }));
}

/** The services-live and late figures the programme summary shows, as at every month end up to `cutoff`, and the chart's series. */
function figuresUpTo(cutoff: string) {
  const monthEnds = monthRange("2015-01", cutoff.slice(0, 7)).map(endOfMonthIso).filter((d) => d <= cutoff);
  return {
    byMonthEnd: monthEnds.map((asAt) => ({ asAt, servicesLive: countServicesLive({ asAt }), deploymentsLate: listDeployments({ asAt, late: true, page: 1, pageSize: 1 }).total })),
    chart: servicesLiveByMonth({ from: "2015-01", to: cutoff.slice(0, 7), asAt: cutoff }),
    summaryAtCutoff: (({ servicesLive, deploymentsLate }) => ({ servicesLive, deploymentsLate }))(getProgrammeSummary({ asAt: cutoff })),
  };
}

const status = fc.constantFrom(...DEPLOYMENT_STATUSES);
const change = (maxDeployment: number) => fc.record({ deployment: fc.nat(maxDeployment), status, day: fc.integer({ min: 0, max: LAST_DAY }) });
const correction = (maxDeployment: number) => fc.record({ deployment: fc.nat(maxDeployment), pick: fc.nat(30) });

describe("deployment history over time", () => {
  it("starts from the case study's 32 services live as at 31 July 2016", () => {
    expect(getProgrammeSummary({ asAt: "2016-07-31" }).servicesLive).toBe(32);
  });

  it("never moves the services-live figures as at a month end when later status facts and corrections are added", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 450 }), { minLength: 3, maxLength: 3 }),
        fc.array(change(2), { maxLength: 12 }),
        fc.array(correction(2), { maxLength: 3 }),
        // The cutoff: a month end from mid-2015 to the month before the reporting date.
        fc.integer({ min: 5, max: 20 }),
        fc.array(change(3), { minLength: 1, maxLength: 10 }),
        fc.array(correction(3), { maxLength: 4 }),
        fc.integer({ min: 0, max: LAST_DAY }),
        (firstDays, history, historyCorrections, cutoffMonth, later, laterCorrections, newFirstDay) => {
          const ids = firstDays.map((d) => newDeployment(d, "planned"));
          for (const c of history) attempt(() => changeDeploymentStatus({ actor: programme, id: ids[c.deployment]!, input: { status: c.status, effectiveOn: day(c.day), note: null } }));
          for (const c of historyCorrections) correct(ids[c.deployment]!, c.pick, null);

          const cutoff = endOfMonthIso(monthRange("2015-01", "2016-10")[cutoffMonth]!);
          const before = figuresUpTo(cutoff);

          // Later facts: a deployment that starts after the cutoff, changes dated after it, corrections of events dated after it.
          const laterFirst = Math.max(newFirstDay, (Date.parse(cutoff) - Date.parse(START)) / 86_400_000 + 1);
          const all = [...ids, newDeployment(Math.min(laterFirst, LAST_DAY), "in_progress")];
          const afterCutoff = (c: Change) => day(c.day) > cutoff;
          const changesBefore = recorded;
          for (const c of later.filter(afterCutoff)) attempt(() => changeDeploymentStatus({ actor: programme, id: all[c.deployment]!, input: { status: c.status, effectiveOn: day(c.day), note: null } }));
          laterFactsRecorded += recorded - changesBefore;
          const recordedBefore = recorded;
          for (const c of laterCorrections as Correction[]) correct(all[c.deployment]!, c.pick, cutoff);
          laterFactsRecorded += recorded - recordedBefore;

          expect(figuresUpTo(cutoff)).toEqual(before);
        },
      ),
      { numRuns: 30 },
    );
    // The property was tested against real later facts, not only refused ones.
    expect(laterFactsRecorded).toBeGreaterThan(10);
  }, 90_000);
});
