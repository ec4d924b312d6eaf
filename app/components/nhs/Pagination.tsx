import type { ReactNode } from "react";
import { Icon } from "./Icon";
import { cx } from "./utils";

export interface PaginationLink {
  href: string;
  /** Page label shown under "Previous"/"Next", e.g. the page title or "2 of 5". */
  label?: ReactNode;
  /** Replaces the "Previous page" / "Next page" title text. */
  text?: ReactNode;
}

export type PaginationItem =
  | { number: number | string; href: string; current?: boolean; ariaLabel?: string }
  | { ellipsis: true };

export interface PaginationProps {
  previous?: PaginationLink | null;
  next?: PaginationLink | null;
  /** Numbered page links. When given, renders the numbered variant. */
  items?: readonly PaginationItem[];
  /** aria-label of the nav. Defaults to "Pagination". */
  ariaLabel?: string;
  className?: string;
  id?: string;
}

function Title({ text, fallback }: { text?: ReactNode; fallback: "Previous" | "Next" }) {
  return (
    <span className="nhsuk-pagination__title">
      {text ?? (
        <>
          {fallback}
          <span className="nhsuk-u-visually-hidden"> page</span>
        </>
      )}
    </span>
  );
}

/** Pagination (v10 markup): previous/next links with page labels, or numbered pages. */
export function Pagination({ previous, next, items, ariaLabel = "Pagination", className, id }: PaginationProps) {
  const numbered = !!items && items.length > 0;
  if (!previous && !next && !numbered) return null;

  if (numbered) {
    return (
      <nav className={cx("nhsuk-pagination", "nhsuk-pagination--numbered", className)} id={id} role="navigation" aria-label={ariaLabel}>
        {previous ? (
          <a href={previous.href} className="nhsuk-pagination__previous" rel="prev">
            <Icon name="arrow-left" />
            <Title text={previous.text} fallback="Previous" />
          </a>
        ) : null}
        <ul className="nhsuk-pagination__list">
          {items.map((item, index) =>
            "ellipsis" in item ? (
              <li className="nhsuk-pagination__item nhsuk-pagination__item--ellipsis" key={`ellipsis-${index}`}>
                &ctdot;
              </li>
            ) : (
              <li
                className={cx("nhsuk-pagination__item", item.current && "nhsuk-pagination__item--current")}
                key={`${item.number}-${index}`}
              >
                <a
                  className="nhsuk-pagination__link"
                  href={item.href}
                  aria-label={item.ariaLabel ?? `Page ${item.number}`}
                  aria-current={item.current ? "page" : undefined}
                >
                  {item.number}
                </a>
              </li>
            ),
          )}
        </ul>
        {next ? (
          <a href={next.href} className="nhsuk-pagination__next" rel="next">
            <Title text={next.text} fallback="Next" />
            <Icon name="arrow-right" />
          </a>
        ) : null}
      </nav>
    );
  }

  return (
    <nav className={cx("nhsuk-pagination", className)} id={id} role="navigation" aria-label={ariaLabel}>
      <ul className="nhsuk-list nhsuk-pagination__list">
        {previous ? (
          <li className="nhsuk-pagination-item--previous">
            <a className="nhsuk-pagination__link nhsuk-pagination__link--prev" href={previous.href} rel="prev">
              <Title text={previous.text} fallback="Previous" />
              {previous.label !== undefined && previous.label !== null && previous.label !== "" ? (
                <>
                  <span className="nhsuk-u-visually-hidden">:</span>
                  <span className="nhsuk-pagination__page">{previous.label}</span>
                </>
              ) : null}
              <Icon name="arrow-left" />
            </a>
          </li>
        ) : null}
        {next ? (
          <li className="nhsuk-pagination-item--next">
            <a className="nhsuk-pagination__link nhsuk-pagination__link--next" href={next.href} rel="next">
              <Title text={next.text} fallback="Next" />
              {next.label !== undefined && next.label !== null && next.label !== "" ? (
                <>
                  <span className="nhsuk-u-visually-hidden">:</span>
                  <span className="nhsuk-pagination__page">{next.label}</span>
                </>
              ) : null}
              <Icon name="arrow-right" />
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
