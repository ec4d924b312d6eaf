import type { ReactNode } from "react";
import { cx } from "./utils";

export interface FooterLink {
  href: string;
  text: ReactNode;
}

export interface FooterNavigationColumn {
  heading?: ReactNode;
  items: FooterLink[];
}

export interface FooterProps {
  /** Support links shown in the footer meta area (accessibility statement, privacy, ...). */
  links?: FooterLink[];
  /** Visually hidden heading for the support links. Defaults to "Support links". */
  linksHeading?: string;
  /** Meta text shown after the links, for example a licence or contact line. */
  meta?: ReactNode;
  /** Copyright line. Defaults to "© NHS England"; pass false to omit. */
  copyright?: ReactNode | false;
  /** Optional navigation columns above the meta area (up to 4 per row). */
  navigation?: FooterNavigationColumn[];
  className?: string;
  id?: string;
}

function FooterList({ items }: { items: FooterLink[] }) {
  return (
    <ul className="nhsuk-footer__list">
      {items.map((item, index) => (
        <li className="nhsuk-footer__list-item" key={`${item.href}-${index}`}>
          <a className="nhsuk-footer__list-item-link" href={item.href}>
            {item.text}
          </a>
        </li>
      ))}
    </ul>
  );
}

const COLUMN_WIDTH = { 1: "full", 2: "one-half", 3: "one-third", 4: "one-quarter" } as const;

/** NHS.UK footer (v10 markup): optional navigation columns, support links, meta text and copyright. */
export function Footer({
  links = [],
  linksHeading = "Support links",
  meta,
  copyright = "© NHS England",
  navigation = [],
  className,
  id,
}: FooterProps) {
  const columns = Math.min(Math.max(navigation.length, 1), 4) as 1 | 2 | 3 | 4;
  const rows: FooterNavigationColumn[][] = [];
  for (let i = 0; i < navigation.length; i += 4) rows.push(navigation.slice(i, i + 4));

  return (
    <footer className={cx("nhsuk-footer", className)} id={id} role="contentinfo">
      <div className="nhsuk-width-container">
        {rows.map((row, rowIndex) => (
          <div className="nhsuk-footer__navigation nhsuk-grid-row" key={rowIndex}>
            {row.map((column, columnIndex) => (
              <div className={`nhsuk-grid-column-${COLUMN_WIDTH[columns]}`} key={columnIndex}>
                {column.heading ? <h2 className="nhsuk-footer__heading nhsuk-heading-s">{column.heading}</h2> : null}
                <FooterList items={column.items} />
              </div>
            ))}
          </div>
        ))}
        <div className="nhsuk-footer__meta">
          {links.length ? (
            <>
              <h2 className="nhsuk-u-visually-hidden">{linksHeading}</h2>
              <FooterList items={links} />
            </>
          ) : null}
          {meta !== undefined && meta !== null && meta !== false ? (
            typeof meta === "string" ? <p className="nhsuk-body-s">{meta}</p> : meta
          ) : null}
          {copyright !== false && copyright !== null && copyright !== "" ? (
            <p className="nhsuk-body-s">{copyright}</p>
          ) : null}
        </div>
      </div>
    </footer>
  );
}
