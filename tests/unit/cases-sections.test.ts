import { describe, expect, it } from "vitest";
import { CASE_SECTIONS, mergeSection, missingInSection, sectionOfField, sectionStatuses } from "~/models/cases.sections";
import { ARTICLE_6_LABELS, CALDICOTT_PRINCIPLES, CONTENT_KEYS, caseFormChoices, missingForSubmission } from "~/models/cases.schema";

describe("business case sections", () => {
  it("gives every question the submission rules ask for to exactly one section", () => {
    const fields = missingForSubmission({ risks: [{ description: "Leak", likelihood: null, impact: null, mitigation: "" }] }).map((m) => m.field);
    for (const field of fields) expect(sectionOfField(field), field).toBeDefined();
    const answered = CASE_SECTIONS.flatMap((s) => s.answers);
    for (const key of CONTENT_KEYS) expect(answered, key).toContain(key);
    expect(new Set(answered).size).toBe(answered.length);
  });

  it("replaces only the saved section's fields, clearing one the form left out, and never carries co-authors elsewhere", () => {
    const stored = { title: "T", partnerOrganisationIds: ["1", "2"], sponsorOrganisationId: "1", "risk-1-description": "Leak", coAuthorEmails: "sam@example.org" };
    const merged = mergeSection(stored, { sponsorOrganisationId: "3", "risk-1-description": "Ignored", title: "Ignored" }, "organisations");
    expect(merged).toEqual({ title: "T", sponsorOrganisationId: "3", "risk-1-description": "Leak" });
    expect(mergeSection(stored, { coAuthorEmails: "" }, "co-authors").coAuthorEmails).toBe("");
  });

  it("marks a section not started, incomplete or completed from what is stored", () => {
    const statuses = Object.fromEntries(
      sectionStatuses({ title: "T", summary: "S", purpose: "direct_care", dataItems: "Allergies", caldicott: { "1": "Justified." } }).map((s) => [s.slug, s.status]),
    );
    expect(statuses).toMatchObject({ about: "completed", data: "incomplete", caldicott: "incomplete", risks: "not_started", organisations: "not_started" });
    expect(missingInSection({ title: "T" }, "involvement").map((m) => m.field)).toEqual(["clinicianInvolvement", "publicInvolvement"]);
  });

  it("gives each section's form the answers its own questions offer, in words, and no other section's", () => {
    const offered = CASE_SECTIONS.flatMap((section) => {
      const { choices, principles } = caseFormChoices(section.slug);
      for (const field of Object.keys(choices)) expect(section.fields, `${section.slug} offers ${field}`).toContain(field);
      expect(principles.length, section.slug).toBe(section.slug === "caldicott" ? 8 : 0);
      return Object.keys(choices);
    });
    expect(offered.sort()).toEqual(["article6Basis", "article9Condition", "commonLawBasis", "consentModel", "direction", "dpiaStatus", "purpose", "systems"]);
    const article6 = caseFormChoices("lawful-basis").choices.article6Basis!;
    expect(article6.map((c) => c.value)).toEqual(Object.keys(ARTICLE_6_LABELS));
    expect(article6.find((c) => c.value === "6_1_e")).toEqual({ value: "6_1_e", label: ARTICLE_6_LABELS["6_1_e"], hint: "Usual for direct care" });
    expect(caseFormChoices("caldicott").principles[2]).toEqual({ key: "3", text: CALDICOTT_PRINCIPLES["3"] });
    expect(caseFormChoices("co-authors")).toEqual({ choices: {}, principles: [] });
  });
});
