import type { ReactNode } from "react";
import { BackLink } from "./BackLink";
import { cx } from "./utils";

export interface BreadcrumbItem {
  href: string;
  text: ReactNode;
}

export interface BreadcrumbProps {
  /** Ancestor pages, outermost first. The current page is not included. */
  items: BreadcrumbItem[];
  /** aria-label of the nav. Defaults to "Breadcrumb". */
  ariaLabel?: string;
  reverse?: boolean;
  className?: string;
  id?: string;
}

/**
 * Breadcrumb (v10 markup). Like nhsuk-frontend, it also renders a back link to
 * the last item ("Back to ...") which the CSS shows on small screens instead of the list.
 */
export function Breadcrumb({ items, ariaLabel = "Breadcrumb", reverse, className, id }: BreadcrumbProps) {
  const linked = items.filter((item) => item && item.href);
  if (!linked.length) return null;
  const last = linked[linked.length - 1];
  return (
    <nav className={cx("nhsuk-breadcrumb", reverse && "nhsuk-breadcrumb--reverse", className)} id={id} aria-label={ariaLabel}>
      <ol className="nhsuk-breadcrumb__list">
        {linked.map((item, index) => (
          <li className="nhsuk-breadcrumb__list-item" key={`${item.href}-${index}`}>
            <a className="nhsuk-breadcrumb__link" href={item.href}>
              {item.text}
            </a>
          </li>
        ))}
      </ol>
      <BackLink href={last.href} visuallyHiddenText="Back to" reverse={reverse}>
        {last.text}
      </BackLink>
    </nav>
  );
}
