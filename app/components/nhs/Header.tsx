import type { ReactNode } from "react";
import { Icon } from "./Icon";
import { cx } from "./utils";

export interface HeaderNavItem {
  href: string;
  text: ReactNode;
  /** This link is the current page: aria-current="page". */
  current?: boolean;
  /** The current page is within this section: aria-current="true". */
  active?: boolean;
}

export interface HeaderAccountItem {
  text: ReactNode;
  /** Rendered as a link. */
  href?: string;
  /** Rendered as a button in a form posting to this action. */
  action?: string;
  method?: "post" | "get";
  /** Show the user icon before the text. */
  icon?: boolean;
}

export interface HeaderAccount {
  /** Signed-in user's name, shown first with the user icon. */
  name: ReactNode;
  /** Optional link for the user's name (for example a profile page). */
  href?: string;
  /** Extra items shown between the name and "Sign out" (for example the user's role). */
  items?: HeaderAccountItem[];
  /**
   * The sign out item. Defaults to a "Sign out" link to /logout.
   * Give `action` instead of `href` to render a POST form button, or `false` to omit.
   */
  signOut?: { href?: string; action?: string; method?: "post" | "get"; text?: ReactNode } | false;
  /** aria-label of the account navigation. Defaults to "Account". */
  ariaLabel?: string;
}

export interface HeaderProps {
  serviceName?: ReactNode;
  /** Link for the service name. */
  serviceHref?: string;
  /**
   * Link for the NHS logo. When it is missing or equal to `serviceHref`, the
   * logo and service name are combined into a single link (as nhsuk-frontend does).
   */
  homeHref?: string;
  navigation?: HeaderNavItem[];
  /** aria-label of the primary navigation. Defaults to "Menu". */
  navigationLabel?: string;
  account?: HeaderAccount;
  /** White header variant (nhsuk-header--white). */
  white?: boolean;
  className?: string;
  id?: string;
}

function NhsLogo({ alt = "NHS" }: { alt?: string }) {
  return (
    <svg
      className="nhsuk-header__logo"
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 200 80"
      height="40"
      width="100"
      focusable="false"
      role="img"
      aria-label={alt}
    >
      <title>{alt}</title>
      <path
        fill="currentcolor"
        d="M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z"
      />
    </svg>
  );
}

function AccountItemContent({ item }: { item: HeaderAccountItem }) {
  const content = (
    <>
      {item.icon ? <Icon name="user" /> : null}
      {item.text}
    </>
  );
  if (item.href) {
    return (
      <a className="nhsuk-header__account-link" href={item.href}>
        {content}
      </a>
    );
  }
  if (item.action) {
    return (
      <form className="nhsuk-header__account-form" action={item.action} method={item.method ?? "post"} noValidate>
        <button className="nhsuk-header__account-button">{content}</button>
      </form>
    );
  }
  return content;
}

function plainText(node: ReactNode): string | undefined {
  return typeof node === "string" || typeof node === "number" ? String(node) : undefined;
}

/**
 * NHS.UK header (nhsuk-frontend v10 markup): logo + service name, optional
 * account navigation, and primary navigation. The navigation is a plain list
 * of links that wraps without JavaScript; nhsuk-frontend's Header JS (via
 * `initAll()`) only moves overflowing items into a "More" menu.
 */
export function Header({
  serviceName,
  serviceHref,
  homeHref,
  navigation = [],
  navigationLabel = "Menu",
  account,
  white,
  className,
  id,
}: HeaderProps) {
  const hasService = serviceName !== undefined && serviceName !== null && serviceName !== "";
  const combine = hasService && !!serviceHref && (!homeHref || homeHref === serviceHref);
  const logoHref = combine ? serviceHref : homeHref;
  const serviceText = plainText(serviceName);
  const logoAriaLabel = ["NHS", combine ? serviceText : undefined, "homepage"].filter(Boolean).join(" ");

  const navItems = navigation.filter(Boolean);
  // nhsuk-frontend's Header JS moves nav items into the "More" menu. Re-key the
  // header when the set of links changes so React never has to insert or
  // remove list items that the script may have moved.
  const navKey = navItems.map((item) => item.href).join("|");

  const accountItems: HeaderAccountItem[] = [];
  if (account) {
    accountItems.push({ text: account.name, href: account.href, icon: true });
    accountItems.push(...(account.items ?? []));
    if (account.signOut !== false) {
      const signOut = account.signOut ?? {};
      accountItems.push({
        text: signOut.text ?? "Sign out",
        href: signOut.action ? undefined : (signOut.href ?? "/logout"),
        action: signOut.action,
        method: signOut.method,
      });
    }
  }

  return (
    <header
      key={navKey}
      className={cx("nhsuk-header", white && "nhsuk-header--white", className)}
      id={id}
      data-module="nhsuk-header"
      role="banner"
    >
      <div className="nhsuk-header__container nhsuk-width-container">
        <div className="nhsuk-header__service">
          {logoHref ? (
            <a className="nhsuk-header__service-logo" href={logoHref} aria-label={logoAriaLabel}>
              <NhsLogo />
              {combine ? <span className="nhsuk-header__service-name">{serviceName}</span> : null}
            </a>
          ) : (
            <NhsLogo />
          )}
          {hasService && !combine ? (
            serviceHref ? (
              <a className="nhsuk-header__service-name" href={serviceHref}>
                {serviceName}
              </a>
            ) : (
              <span className="nhsuk-header__service-name">{serviceName}</span>
            )
          ) : null}
        </div>
        {account ? (
          <nav className="nhsuk-header__account" aria-label={account.ariaLabel ?? "Account"}>
            <ul className="nhsuk-header__account-list">
              {accountItems.map((item, index) => (
                <li className="nhsuk-header__account-item" key={index}>
                  <AccountItemContent item={item} />
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
      </div>
      {navItems.length ? (
        <nav className="nhsuk-header__navigation" aria-label={navigationLabel}>
          <div className="nhsuk-header__navigation-container nhsuk-width-container">
            <ul className="nhsuk-header__navigation-list">
              {navItems.map((item) => {
                const isCurrent = item.current || item.active;
                return (
                  <li
                    key={item.href}
                    className={cx("nhsuk-header__navigation-item", isCurrent && "nhsuk-header__navigation-item--current")}
                  >
                    <a
                      className="nhsuk-header__navigation-link"
                      href={item.href}
                      aria-current={item.current ? "page" : item.active ? "true" : undefined}
                    >
                      {isCurrent ? (
                        // Keeps a visible indicator for users who override colours.
                        <strong className="nhsuk-header__navigation-item-current-fallback">{item.text}</strong>
                      ) : (
                        item.text
                      )}
                    </a>
                  </li>
                );
              })}
              <li className="nhsuk-header__menu" hidden>
                <button
                  type="button"
                  className="nhsuk-header__menu-toggle nhsuk-header__navigation-link"
                  id="toggle-menu"
                  aria-expanded="false"
                >
                  <span className="nhsuk-u-visually-hidden">Browse </span>More
                </button>
              </li>
            </ul>
          </div>
        </nav>
      ) : null}
    </header>
  );
}
