import { describe, expect, it } from "vitest";
import { countServicesLive, servicesLiveByMonth } from "~/models/rollout.server";
import { endOfMonthIso } from "~/lib/dates";

// servicesLiveByMonth counts every month in one query; it must agree with the as-at count
// (statusAsAt) that every other figure uses, month by month, filtered or not.
describe("services live by month", () => {
  const asAt = "2016-07-15";
  for (const filter of [{}, { organisationType: "gp_practice" as const }, { locality: "Leigh" }]) {
    for (const capabilityCode of ["mig_view", "edt"]) {
      it(`agrees with countServicesLive at each month end for ${capabilityCode} ${JSON.stringify(filter)}`, () => {
        const points = servicesLiveByMonth({ capabilityCode, from: "2014-10", to: "2016-09", asAt, ...filter });
        expect(points).toHaveLength(24);
        expect(points.slice(-2).map((p) => p.servicesLive)).toEqual([null, null]);
        for (const p of points.slice(0, -2)) {
          const date = endOfMonthIso(p.month) > asAt ? asAt : endOfMonthIso(p.month);
          expect(p.servicesLive, p.month).toBe(countServicesLive({ asAt: date, capabilityCode, ...filter }));
        }
      });
    }
  }

  it("reaches 32 services live with the detailed care record at the end of July 2016", () => {
    const points = servicesLiveByMonth({ capabilityCode: "mig_view", from: "2016-06", to: "2016-07", asAt: "2016-07-31" });
    expect(points.at(-1)).toEqual({ month: "2016-07", servicesLive: 32 });
    expect(points[0].servicesLive).toBeLessThanOrEqual(32);
  });
});
