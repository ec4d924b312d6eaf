// The business case as an NHS task list: which questions each section holds, how a section's
// answers are merged into the stored case, and each section's status. Isomorphic: no database here.

import { CALDICOTT_KEYS, missingForSubmission, type CaseDraft, type CaseFormValues, type MissingItem } from "./cases.labels";

export type CaseSection = {
  slug: string;
  title: string;
  /** What the task list says under the title. */
  hint: string;
  /** Form field names the section owns. */
  fields: readonly string[];
  /** Prefixes of repeating or numbered fields the section owns (risk-2-impact, caldicott-3 ...). */
  prefixes?: readonly string[];
  /** The stored answers the check-answers page lists for the section. */
  answers: readonly (keyof CaseDraft)[];
};

/** The required sections, in the order the task list shows them. Every one must be complete to submit. */
export const CASE_SECTIONS: readonly CaseSection[] = [
  { slug: "about", title: "What and why", hint: "Title, summary and purpose", fields: ["title", "summary", "purpose"], answers: ["title", "summary", "purpose"] },
  {
    slug: "organisations",
    title: "Who would share",
    hint: "Sponsoring organisation and partners",
    fields: ["sponsorOrganisationId", "partnerOrganisationIds"],
    answers: ["sponsorOrganisationId", "partnerOrganisationIds"],
  },
  {
    slug: "systems",
    title: "Systems and services",
    hint: "Which way records flow, the systems, and the services that would use them",
    fields: ["direction", "systems"],
    prefixes: ["deployment-"],
    answers: ["direction", "systems", "proposedDeployments"],
  },
  { slug: "data", title: "Data items and benefit", hint: "What would be shared and how people would benefit", fields: ["dataItems", "benefit"], answers: ["dataItems", "benefit"] },
  {
    slug: "involvement",
    title: "Involvement",
    hint: "Clinicians, patients and the public",
    fields: ["clinicianInvolvement", "publicInvolvement"],
    answers: ["clinicianInvolvement", "publicInvolvement"],
  },
  {
    slug: "lawful-basis",
    title: "Lawful basis",
    hint: "UK GDPR and the common law duty of confidentiality",
    fields: ["article6Basis", "article9Condition", "commonLawBasis"],
    answers: ["article6Basis", "article9Condition", "commonLawBasis"],
  },
  {
    slug: "consent-dpia",
    title: "Consent and DPIA",
    hint: "How consent is asked, and the data protection impact assessment",
    fields: ["consentModel", "dpiaNeeded", "dpiaStatus"],
    answers: ["consentModel", "dpiaNeeded", "dpiaStatus"],
  },
  { slug: "risks", title: "Risks", hint: "What could go wrong and how it will be reduced", fields: [], prefixes: ["risk-"], answers: ["risks"] },
  { slug: "caldicott", title: "Caldicott principles", hint: "How the proposal meets each of the 8 principles", fields: [], prefixes: ["caldicott-"], answers: ["caldicott"] },
  { slug: "go-live", title: "Target go-live", hint: "When the sharing would start", fields: ["targetGoLive"], answers: ["targetGoLive"] },
];

/** Optional, and only for the case's main author: not needed to submit. */
export const CO_AUTHORS_SECTION = { slug: "co-authors", title: "Co-authors", hint: "People writing this case with you (optional)", fields: ["coAuthorEmails"] } as const;

export type SectionSlug = (typeof CASE_SECTIONS)[number]["slug"] | typeof CO_AUTHORS_SECTION.slug;
export type SectionStatus = "completed" | "incomplete" | "not_started";

export const SECTION_STATUS_LABELS: Record<SectionStatus, string> = { completed: "Completed", incomplete: "Incomplete", not_started: "Not started" };

export function findSection(slug: string): CaseSection | undefined {
  return CASE_SECTIONS.find((s) => s.slug === slug);
}

const owns = (section: Pick<CaseSection, "fields" | "prefixes">, field: string) => section.fields.includes(field) || (section.prefixes ?? []).some((p) => field.startsWith(p));

/** The section a form field belongs to (co-authors included). */
export function sectionOfField(field: string): string | undefined {
  if (owns(CO_AUTHORS_SECTION, field)) return CO_AUTHORS_SECTION.slug;
  return CASE_SECTIONS.find((s) => owns(s, field))?.slug;
}

/**
 * The whole case's form values after saving one section: the stored values with that section's
 * fields replaced by what was posted (a field left out, such as no box ticked, is cleared).
 * Co-authors are carried only when their section is the one saved, so other sections never touch them.
 */
export function mergeSection(stored: CaseFormValues, posted: CaseFormValues, slug: string): CaseFormValues {
  const section = slug === CO_AUTHORS_SECTION.slug ? CO_AUTHORS_SECTION : findSection(slug);
  if (!section) throw new Error(`No business case section ${slug}`);
  const merged: CaseFormValues = {};
  for (const [key, value] of Object.entries(stored)) if (!owns(section, key) && key !== "coAuthorEmails") merged[key] = value;
  for (const [key, value] of Object.entries(posted)) if (owns(section, key)) merged[key] = value;
  return merged;
}

/** What is missing from one section before the case can be submitted. */
export function missingInSection(draft: Partial<CaseDraft>, slug: string): MissingItem[] {
  return missingForSubmission(draft).filter((m) => sectionOfField(m.field) === slug);
}

const answered = (v: unknown) => (Array.isArray(v) ? v.length > 0 : v !== null && v !== undefined && String(v).trim() !== "");

/** Each required section's status: nothing answered, some answered, or everything it needs. */
export function sectionStatuses(draft: Partial<CaseDraft>): { slug: string; title: string; hint: string; status: SectionStatus; missing: MissingItem[] }[] {
  const missing = missingForSubmission(draft);
  return CASE_SECTIONS.map((section) => {
    const own = missing.filter((m) => sectionOfField(m.field) === section.slug);
    const started = section.answers.some((key) => (key === "caldicott" ? CALDICOTT_KEYS.some((k) => answered(draft.caldicott?.[k])) : answered(draft[key])));
    return { slug: section.slug, title: section.title, hint: section.hint, missing: own, status: own.length === 0 ? "completed" : started ? "incomplete" : "not_started" };
  });
}
