import { describe, expect, it } from "vitest";
import {
  CASE_TRANSITIONS,
  caseFormValues,
  diffSnapshots,
  missingForSubmission,
  missingTransitionFields,
  parseCaseForm,
  parseCaseListQuery,
  rowCount,
  stepLabel,
} from "~/models/cases.schema";

const lookups = { organisations: new Map([[1, "Frog Lane Medical Centre"], [2, "Wigan Council"]]), services: new Map<number, string>(), capabilities: new Map<number, string>() };

describe("the case form", () => {
  it("drops blank risk rows, keeps partial ones and reads scores", () => {
    const parsed = parseCaseForm({ title: "T", "risk-1-description": "", "risk-1-likelihood": "", "risk-2-description": "Leak", "risk-2-likelihood": "3", "risk-2-impact": "", "risk-2-mitigation": "" });
    expect(parsed.ok && parsed.draft.risks).toEqual([{ description: "Leak", likelihood: 3, impact: null, mitigation: "" }]);
  });

  it("asks for both halves of a proposed deployment row", () => {
    const parsed = parseCaseForm({ title: "T", "deployment-2-serviceId": "7" });
    expect(parsed.errors).toEqual({ "deployment-2-capabilityId": "Choose what the service would use, or clear this row" });
  });

  it("records a DPIA that is not needed as not required, and refuses 'not required' when one is needed", () => {
    const notNeeded = parseCaseForm({ title: "T", dpiaNeeded: "no", dpiaStatus: "" });
    expect(notNeeded.ok && [notNeeded.draft.dpiaNeeded, notNeeded.draft.dpiaStatus]).toEqual([false, "not_required"]);
    expect(parseCaseForm({ title: "T", dpiaNeeded: "yes", dpiaStatus: "not_required" }).errors.dpiaStatus).toMatch(/You said a DPIA is needed/);
  });

  it("round-trips a case through its form values", () => {
    const parsed = parseCaseForm({ title: "T", partnerOrganisationIds: ["2", "1"], systems: ["mig", "edt"], "caldicott-3": "Minimum only.", targetGoLive: "2017-01-02", coAuthorEmails: "Sam@Example.org, pat@example.org" });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.draft.coAuthorEmails).toEqual(["sam@example.org", "pat@example.org"]);
    const again = parseCaseForm(caseFormValues(parsed.draft));
    expect(again.ok && again.draft).toEqual(parsed.draft);
  });

  it("shows three spare rows after the last one in use", () => {
    expect(rowCount({}, "risk")).toBe(3);
    expect(rowCount({ "risk-4-description": "x" }, "risk")).toBe(7);
  });
});

describe("completeness", () => {
  it("lists everything an empty case lacks, in form order, each linked to its field", () => {
    const missing = missingForSubmission({ title: "T" });
    expect(missing[0]).toEqual({ field: "summary", text: "Say what is proposed and why" });
    expect(missing.map((m) => m.field)).toContain("caldicott-8");
    expect(missing.at(-1)!.field).toBe("targetGoLive");
  });

  it("flags an incomplete risk row", () => {
    const missing = missingForSubmission({ risks: [{ description: "Leak", likelihood: 2, impact: null, mitigation: "" }] });
    expect(missing).toContainEqual({ field: "risk-1-description", text: "Complete risk 1: its description, likelihood, impact and mitigation" });
  });
});

describe("the workflow table", () => {
  it("has a rule for every step the issue names, each from its states and by its role", () => {
    const table = Object.fromEntries(CASE_TRANSITIONS.map((t) => [t.action, [t.from.join("|"), t.to, Array.isArray(t.who) ? t.who.join("|") : t.who]]));
    expect(table).toEqual({
      submit: ["draft|changes_requested", "submitted", "authors"],
      withdraw: ["draft|submitted|ig_review|changes_requested|board_review|deferred", "withdrawn", "authors"],
      start_review: ["submitted", "ig_review", "ig_lead"],
      request_changes: ["ig_review", "changes_requested", "ig_lead"],
      pass_to_board: ["ig_review", "board_review", "ig_lead"],
      approve: ["board_review", "approved", "board"],
      reject: ["board_review", "rejected", "board"],
      defer: ["board_review", "deferred", "board"],
      return_to_board: ["deferred", "board_review", "board"],
      mark_implemented: ["approved", "implemented", "programme"],
    });
  });

  it("needs a rationale and a meeting date or minute reference for a decision", () => {
    expect(missingTransitionFields("approve", { rationale: "Fine", meetingReference: "Minute 4" })).toEqual({});
    expect(missingTransitionFields("defer", { rationale: "Fine" })).toEqual({ meetingDate: "Give the board meeting date or the minute reference" });
  });

  it("names each step on the timeline", () => {
    expect(stepLabel(null, "draft")).toBe("Case started");
    expect(stepLabel("changes_requested", "submitted")).toBe("Resubmitted for IG review after changes");
    expect(stepLabel("deferred", "board_review")).toBe("Returned to board review");
  });
});

describe("differences between snapshots", () => {
  it("reports changed answers in words, ignoring the order of partners", () => {
    const before = { title: "A", partnerOrganisationIds: [1, 2], dataItems: "All", dpiaNeeded: true };
    const after = { title: "A", partnerOrganisationIds: [2], dataItems: "Some", dpiaNeeded: true };
    expect(diffSnapshots(before, after, lookups)).toEqual([
      { field: "dataItems", label: "Data items", before: "All", after: "Some" },
      { field: "partnerOrganisationIds", label: "Partner organisations", before: "Frog Lane Medical Centre; Wigan Council", after: "Wigan Council" },
    ]);
    expect(diffSnapshots({ partnerOrganisationIds: [2, 1] }, { partnerOrganisationIds: [1, 2] }, lookups)).toEqual([]);
  });
});

describe("the list's URL", () => {
  it("falls back to the user's own cases when they have no queue, and ignores unknown values", () => {
    const q = parseCaseListQuery(new URLSearchParams("scope=queue&state=nonsense&sort=-since&page=2"), ["practitioner"]);
    expect(q).toMatchObject({ scope: "mine", state: undefined, table: { sort: { id: "since", desc: true }, page: 2 } });
    expect(parseCaseListQuery(new URLSearchParams(""), ["board"]).scope).toBe("queue");
    expect(parseCaseListQuery(new URLSearchParams(""), ["programme"]).scope).toBe("all");
  });
});
