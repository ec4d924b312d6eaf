import { describe, expect, it } from "vitest";
import {
  decisionTargetDays,
  describeChange,
  previousMonthEnd,
  ragAgreementReviews,
  ragDecisionTime,
  ragDeploymentsLate,
  ragIndemnity,
  ragMaturity,
  ragOptIn,
  ragPracticesSignedUp,
  ragServicesLive,
} from "~/models/rag";

describe("red/amber/green rules", () => {
  it("rates the opt-in rate green at or above target, amber within 5 points, red below that, unrated without returns", () => {
    expect(ragOptIn(60, 60)).toBe("green");
    expect(ragOptIn(72.4, 60)).toBe("green");
    expect(ragOptIn(59.9, 60)).toBe("amber");
    expect(ragOptIn(55, 60)).toBe("amber");
    expect(ragOptIn(54.9, 60)).toBe("red");
    expect(ragOptIn(null, 60)).toBe("none");
  });

  it("rates late deployments green at none, amber for 1 to 3, red for more", () => {
    expect(ragDeploymentsLate(0)).toBe("green");
    expect(ragDeploymentsLate(1)).toBe("amber");
    expect(ragDeploymentsLate(3)).toBe("amber");
    expect(ragDeploymentsLate(4)).toBe("red");
  });

  it("rates services live against the milestone: met is green, 75% met with the date ahead is amber, missed or further behind is red", () => {
    const milestone = { target: 40, dueOn: "2016-12-31" };
    expect(ragServicesLive(40, milestone, "2016-10-31")).toBe("green");
    expect(ragServicesLive(30, milestone, "2016-10-31")).toBe("amber");
    expect(ragServicesLive(29, milestone, "2016-10-31")).toBe("red");
    expect(ragServicesLive(39, milestone, "2017-01-01")).toBe("red");
    expect(ragServicesLive(39, milestone, "2016-12-31")).toBe("amber");
    expect(ragServicesLive(5, null, "2016-10-31")).toBe("none");
  });

  it("rates practices signed up green from 90% of all practices, amber from 75%, red below, unrated with no practices", () => {
    expect(ragPracticesSignedUp(63, 63)).toBe("green");
    expect(ragPracticesSignedUp(9, 10)).toBe("green");
    expect(ragPracticesSignedUp(8, 10)).toBe("amber");
    expect(ragPracticesSignedUp(3, 4)).toBe("amber");
    expect(ragPracticesSignedUp(7, 10)).toBe("red");
    expect(ragPracticesSignedUp(0, 0)).toBe("none");
  });

  it("rates indemnity green when every signed-up practice is covered, amber for a gap of 1 or 2, red for more", () => {
    expect(ragIndemnity(63, 63)).toBe("green");
    expect(ragIndemnity(61, 63)).toBe("amber");
    expect(ragIndemnity(60, 63)).toBe("red");
    expect(ragIndemnity(0, 0)).toBe("none");
  });

  it("rates agreement reviews red when any is overdue, amber when any is due, green otherwise", () => {
    expect(ragAgreementReviews(0, 0)).toBe("green");
    expect(ragAgreementReviews(2, 0)).toBe("amber");
    expect(ragAgreementReviews(0, 1)).toBe("red");
  });

  it("rates the median days to decision against two stages at the service level", () => {
    expect(decisionTargetDays(20)).toBe(56);
    expect(ragDecisionTime(56, 56)).toBe("green");
    expect(ragDecisionTime(84, 56)).toBe("amber");
    expect(ragDecisionTime(85, 56)).toBe("red");
    expect(ragDecisionTime(null, 56)).toBe("none");
  });

  it("rates average maturity red below the low-maturity threshold, amber within 10 points above it, green from there", () => {
    expect(ragMaturity(49.9, 50)).toBe("red");
    expect(ragMaturity(50, 50)).toBe("amber");
    expect(ragMaturity(59.9, 50)).toBe("amber");
    expect(ragMaturity(60, 50)).toBe("green");
    expect(ragMaturity(null, 50)).toBe("none");
  });
});

describe("change since the previous month", () => {
  it("measures from the end of the month before the as-at date's month", () => {
    expect(previousMonthEnd("2016-10-31")).toBe("2016-09-30");
    expect(previousMonthEnd("2016-10-15")).toBe("2016-09-30");
    expect(previousMonthEnd("2016-03-01")).toBe("2016-02-29");
    expect(previousMonthEnd("2016-01-31")).toBe("2015-12-31");
  });

  it("describes the change with its sign, the unit and the date", () => {
    expect(describeChange(33, 31, "2016-09-30")).toBe("+2 since 30 September 2016");
    expect(describeChange(2, 3, "2016-09-30")).toBe("−1 since 30 September 2016");
    expect(describeChange(5, 5, "2016-09-30")).toBe("No change since 30 September 2016");
    expect(describeChange(60.54, 58.9, "2016-09-30", " points")).toBe("+1.6 points since 30 September 2016");
    expect(describeChange(null, 3, "2016-09-30")).toBeNull();
  });
});
