import type { ReactNode } from "react";

/**
 * One section of the organisation page: a region named by its own heading, so each can be
 * reached from the contents list and by screen reader landmarks. Every section (details,
 * services, usage, and those other areas add: agreements, indemnity, opt-in, maturity) uses it.
 */
export function OrganisationSection({ id, title, children, actions }: { id: string; title: string; children: ReactNode; actions?: ReactNode }) {
  const headingId = `${id}-heading`;
  return (
    <section aria-labelledby={headingId} id={id} className="nhsuk-u-margin-bottom-7">
      <h2 id={headingId}>{title}</h2>
      {actions ? <div className="nhsuk-u-margin-bottom-4">{actions}</div> : null}
      {children}
    </section>
  );
}
