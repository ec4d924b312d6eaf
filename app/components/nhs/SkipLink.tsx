import type { AnchorHTMLAttributes, ReactNode } from "react";
import { cx } from "./utils";

export interface SkipLinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  /** Defaults to "#maincontent" (the id of the page's `<main>`). */
  href?: string;
  children?: ReactNode;
}

/** Skip link: must be the first focusable element on the page. */
export function SkipLink({ href = "#maincontent", children = "Skip to main content", className, ...rest }: SkipLinkProps) {
  return (
    <a className={cx("nhsuk-skip-link", className)} data-module="nhsuk-skip-link" href={href} {...rest}>
      {children}
    </a>
  );
}
