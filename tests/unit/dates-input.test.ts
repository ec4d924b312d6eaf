import { describe, expect, it } from "vitest";
import { z } from "zod";
import { optionalIsoDate, requiredIsoDate, requiredIsoMonth } from "~/lib/date-field";
import { combineMonthParts, formatMonthExample, monthPartsOf, monthProblem } from "~/lib/month-field";
import { combineDateParts, dateProblem, datePartsOf, formatDateExample } from "~/lib/dates";
import { formToObject, parseWith, readDate } from "~/lib/forms";

const form = (entries: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(entries)) data.append(key, value);
  return data;
};

describe("combining the NHS date input's three boxes", () => {
  it("makes an ISO date of a real date, with or without leading zeros", () => {
    expect(combineDateParts({ day: "31", month: "10", year: "2016" })).toBe("2016-10-31");
    expect(combineDateParts({ day: "1", month: "7", year: "2016" })).toBe("2016-07-01");
    expect(combineDateParts({ day: "01", month: "07", year: "2016" })).toBe("2016-07-01");
    expect(combineDateParts({ day: "29", month: "2", year: "2016" })).toBe("2016-02-29");
  });

  it("ignores spaces around what was typed", () => {
    expect(combineDateParts({ day: " 31 ", month: "10 ", year: "\t2016" })).toBe("2016-10-31");
  });

  it("accepts the month as a name", () => {
    expect(combineDateParts({ day: "31", month: "October", year: "2016" })).toBe("2016-10-31");
    expect(combineDateParts({ day: "31", month: "oct", year: "2016" })).toBe("2016-10-31");
  });

  it("is empty when all three are empty", () => {
    expect(combineDateParts({ day: "", month: " ", year: "" })).toBe("");
  });

  it("keeps what was typed when it is not a real date, so the message can say why", () => {
    expect(combineDateParts({ day: "31", month: "", year: "2016" })).toBe("2016--31");
    expect(combineDateParts({ day: "31", month: "2", year: "2016" })).toBe("2016-2-31");
    expect(combineDateParts({ day: "31", month: "10", year: "16" })).toBe("16-10-31");
    expect(combineDateParts({ day: "29", month: "2", year: "2017" })).toBe("2017-2-29");
  });
});

describe("the NHS messages for a typed date", () => {
  const problem = (value: string, required = true) => dateProblem(value, "the date of the change", { required });

  it("asks for the date when it is required and empty", () => {
    expect(problem("")).toBe("Enter the date of the change");
    expect(problem("", false)).toBeNull();
  });

  it("names the missing parts", () => {
    expect(problem(combineDateParts({ day: "31", month: "", year: "2016" }))).toBe("The date of the change must include a month");
    expect(problem(combineDateParts({ day: "", month: "", year: "2016" }))).toBe("The date of the change must include a day and month");
    expect(problem(combineDateParts({ day: "31", month: "10", year: "" }))).toBe("The date of the change must include a year");
  });

  it("refuses a date that does not exist", () => {
    expect(problem(combineDateParts({ day: "31", month: "2", year: "2016" }))).toBe("The date of the change must be a real date");
    expect(problem(combineDateParts({ day: "1", month: "13", year: "2016" }))).toBe("The date of the change must be a real date");
    expect(problem(combineDateParts({ day: "one", month: "1", year: "2016" }))).toBe("The date of the change must be a real date");
    expect(problem("31/10/2016")).toBe("The date of the change must be a real date");
    expect(problem("2016-02-31")).toBe("The date of the change must be a real date");
  });

  it("asks for a 4-number year", () => {
    expect(problem(combineDateParts({ day: "31", month: "10", year: "16" }))).toBe("Year must include 4 numbers");
  });

  it("accepts a real ISO date", () => {
    expect(problem("2016-10-31")).toBeNull();
  });
});

describe("formToObject and readDate", () => {
  it("turn the three boxes into one field and drop the boxes", () => {
    expect(formToObject(form({ "effectiveOn-day": "3", "effectiveOn-month": "10", "effectiveOn-year": "2016", note: "x" }))).toEqual({ effectiveOn: "2016-10-03", note: "x" });
    expect(formToObject(new URLSearchParams("asAt-day=&asAt-month=&asAt-year=&page=2"))).toEqual({ asAt: "", page: "2" });
  });

  it("keep a plain ISO date as API clients and tests send it", () => {
    expect(formToObject(form({ effectiveOn: "2016-10-03" }))).toEqual({ effectiveOn: "2016-10-03" });
    expect(readDate(form({ effectiveOn: "2016-10-03" }), "effectiveOn")).toBe("2016-10-03");
  });

  it("leave a field that only ends in -day alone when the other boxes are absent", () => {
    expect(formToObject(form({ "working-day": "Monday" }))).toEqual({ "working-day": "Monday" });
  });

  it("read a date from the boxes, and nothing when neither form is there", () => {
    expect(readDate(form({ "expiresOn-day": "1", "expiresOn-month": "4", "expiresOn-year": "2017" }), "expiresOn")).toBe("2017-04-01");
    expect(readDate(form({}), "expiresOn")).toBe("");
  });

  it("give the date schemas what they need for the NHS messages", () => {
    const schema = z.object({ startOn: requiredIsoDate("the date the cover starts"), endOn: optionalIsoDate("the date the cover ends") });
    const ok = parseWith(schema, form({ "startOn-day": "1", "startOn-month": "4", "startOn-year": "2017", "endOn-day": "", "endOn-month": "", "endOn-year": "" }));
    expect(ok).toMatchObject({ ok: true, data: { startOn: "2017-04-01", endOn: null } });
    const bad = parseWith(schema, form({ "startOn-day": "", "startOn-month": "", "startOn-year": "", "endOn-day": "31", "endOn-month": "4", "endOn-year": "2017" }));
    expect(bad.errors).toEqual({ startOn: "Enter the date the cover starts", endOn: "The date the cover ends must be a real date" });
  });
});

describe("showing a date in the boxes", () => {
  it("shows an ISO date without leading zeros, and a refused one as it was typed", () => {
    expect(datePartsOf("2016-07-01")).toEqual({ day: "1", month: "7", year: "2016" });
    expect(datePartsOf("2016--31")).toEqual({ day: "31", month: "", year: "2016" });
    // A refused form shows again what was sent: a repeated field arrives as an array, not a string.
    expect(datePartsOf(["2016-07-01", "%"])).toEqual({ day: "", month: "", year: "" });
    expect(datePartsOf({})).toEqual({ day: "", month: "", year: "" });
    expect(datePartsOf("")).toEqual({ day: "", month: "", year: "" });
    expect(datePartsOf("31/10/2016")).toEqual({ day: "", month: "", year: "" });
    expect(formatDateExample("2016-10-31")).toBe("31 10 2016");
  });
});

describe("the NHS month input's two boxes (month and year)", () => {
  it("makes YYYY-MM of a real month, the month as a number or a name", () => {
    expect(combineMonthParts({ month: "10", year: "2016" })).toBe("2016-10");
    expect(combineMonthParts({ month: " 7 ", year: "2016" })).toBe("2016-07");
    expect(combineMonthParts({ month: "July", year: "2016" })).toBe("2016-07");
  });

  it("is empty when both are empty and keeps what was typed otherwise", () => {
    expect(combineMonthParts({ month: "", year: " " })).toBe("");
    expect(combineMonthParts({ month: "13", year: "2016" })).toBe("2016-13");
    expect(combineMonthParts({ month: "", year: "2016" })).toBe("2016-");
    expect(combineMonthParts({ month: "10", year: "16" })).toBe("16-10");
  });

  it("gives the NHS message for each way a month can be wrong", () => {
    expect(monthProblem("", "the month", { required: true })).toBe("Enter the month");
    expect(monthProblem("", "the month", { required: false })).toBeNull();
    expect(monthProblem("2016-10", "the month", { required: true })).toBeNull();
    expect(monthProblem("2016-", "the month", { required: true })).toBe("The month must include a month");
    expect(monthProblem("-10", "the month", { required: true })).toBe("The month must include a year");
    expect(monthProblem("16-10", "the month", { required: true })).toBe("Year must include 4 numbers");
    expect(monthProblem("2016-13", "the month", { required: true })).toBe("The month must be a real month");
    expect(monthProblem("October", "the month", { required: true })).toBe("The month must be a real month");
  });

  it("shows a month again in its two boxes, and as the hint's example", () => {
    expect(monthPartsOf("2016-07")).toEqual({ month: "7", year: "2016" });
    expect(monthPartsOf("2016-13")).toEqual({ month: "13", year: "2016" });
    expect(monthPartsOf(null)).toEqual({ month: "", year: "" });
    expect(formatMonthExample("2016-10")).toBe("10 2016");
  });

  it("joins month-month and month-year into one field in formToObject, leaving a date input alone", () => {
    expect(formToObject(form({ "month-month": "10", "month-year": "2016", views: "5" }))).toEqual({ month: "2016-10", views: "5" });
    expect(formToObject(form({ "d-day": "31", "d-month": "10", "d-year": "2016" }))).toEqual({ d: "2016-10-31" });
    const parsed = parseWith(z.object({ month: requiredIsoMonth("the month") }), form({ "month-month": "", "month-year": "2016" }));
    expect(parsed.errors).toEqual({ month: "The month must include a month" });
  });
});
