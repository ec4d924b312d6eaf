import type { LabelHTMLAttributes, ReactNode } from "react";
import { cx, headingTag, type HeadingLevel } from "./utils";

export type LabelSize = "s" | "m" | "l" | "xl";

export interface LabelProps extends LabelHTMLAttributes<HTMLLabelElement> {
  children: ReactNode;
  size?: LabelSize;
  /** Wrap the label in a heading (h1 by default) when the field is the page's main question. */
  isPageHeading?: boolean;
  headingLevel?: HeadingLevel;
}

/** Form label (nhsuk-label), optionally wrapped in a page heading (nhsuk-label-wrapper). */
export function Label({ children, size, isPageHeading, headingLevel, className, ...rest }: LabelProps) {
  const label = (
    <label className={cx("nhsuk-label", size && `nhsuk-label--${size}`, className)} {...rest}>
      {children}
    </label>
  );
  if (!isPageHeading) return label;
  const Tag = headingTag(headingLevel, 1);
  return <Tag className="nhsuk-label-wrapper">{label}</Tag>;
}
