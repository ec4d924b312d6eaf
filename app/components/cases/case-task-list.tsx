import type { ReactNode } from "react";
import { Tag } from "~/components/nhs";
import { SECTION_STATUS_LABELS, type SectionStatus } from "~/models/cases.sections";

/** The NHS task list (nhsuk-frontend 10 markup): one linked row per section and its status. */
export function CaseTaskList({ reference, sections, coAuthors }: { reference: string; sections: { slug: string; title: string; hint: string; status: SectionStatus }[]; coAuthors?: { count: number } }) {
  const quiet = (text: string, secondary = false) => (
    <Tag color={false} border={false} className={`nhsuk-u-font-weight-normal${secondary ? " nhsuk-u-secondary-text-colour" : ""}`}>
      {text}
    </Tag>
  );
  const statusTag = (status: SectionStatus) =>
    status === "completed" ? quiet(SECTION_STATUS_LABELS.completed) : <Tag color={status === "incomplete" ? "blue" : "grey"}>{SECTION_STATUS_LABELS[status]}</Tag>;
  const row = (slug: string, title: string, hint: string, status: ReactNode, index: number) => (
    <li className="nhsuk-task-list__item nhsuk-task-list__item--with-link" key={slug}>
      <div className="nhsuk-task-list__name-and-hint">
        <a className="nhsuk-task-list__link nhsuk-link" href={`/cases/${reference}/edit/${slug}`} aria-describedby={`task-list-${index}-hint task-list-${index}-status`}>
          {title}
        </a>
        <div className="nhsuk-task-list__hint" id={`task-list-${index}-hint`}>
          {hint}
        </div>
      </div>
      <div className="nhsuk-task-list__status" id={`task-list-${index}-status`}>
        {status}
      </div>
    </li>
  );
  return (
    <ul className="nhsuk-task-list">
      {sections.map((s, i) => row(s.slug, s.title, s.hint, statusTag(s.status), i + 1))}
      {coAuthors ? row("co-authors", "Co-authors", "People writing this case with you (optional)", quiet(coAuthors.count ? `${coAuthors.count} added` : "Optional", true), sections.length + 1) : null}
    </ul>
  );
}
