import type { AnchorHTMLAttributes, ReactNode } from "react";
import { cx } from "./utils";

export interface BackLinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  href: string;
  /** Link text. Defaults to "Back". */
  children?: ReactNode;
  /** Visually hidden prefix, for example "Back to" before a page name. */
  visuallyHiddenText?: string;
  reverse?: boolean;
}

/** Back link (nhsuk-back-link), always a real link so it works without JavaScript. */
export function BackLink({ href, children = "Back", visuallyHiddenText, reverse, className, ...rest }: BackLinkProps) {
  return (
    <a className={cx("nhsuk-back-link", reverse && "nhsuk-back-link--reverse", className)} href={href} {...rest}>
      {visuallyHiddenText ? <span className="nhsuk-u-visually-hidden">{visuallyHiddenText} </span> : null}
      {children}
    </a>
  );
}
