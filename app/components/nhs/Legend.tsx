import type { HTMLAttributes, ReactNode } from "react";
import { cx, headingTag, type HeadingLevel } from "./utils";

export type LegendSize = "s" | "m" | "l" | "xl";

export interface LegendProps extends HTMLAttributes<HTMLLegendElement> {
  children: ReactNode;
  size?: LegendSize;
  /** Put the legend text in a heading (h1 by default) when the fieldset is the page's main question. */
  isPageHeading?: boolean;
  headingLevel?: HeadingLevel;
}

/** Fieldset legend (nhsuk-fieldset__legend), optionally containing a page heading. */
export function Legend({ children, size, isPageHeading, headingLevel, className, ...rest }: LegendProps) {
  const Tag = headingTag(headingLevel, 1);
  return (
    <legend className={cx("nhsuk-fieldset__legend", size && `nhsuk-fieldset__legend--${size}`, className)} {...rest}>
      {isPageHeading ? <Tag className="nhsuk-fieldset__heading">{children}</Tag> : children}
    </legend>
  );
}
