import type { HTMLAttributes, ReactNode } from "react";
import { cx } from "./utils";

export interface InsetTextProps extends HTMLAttributes<HTMLDivElement> {
  /** Plain strings are wrapped in a paragraph. */
  children: ReactNode;
  /** Visually hidden prefix. Defaults to "Information". */
  visuallyHiddenText?: string;
}

/** Inset text (nhsuk-inset-text). */
export function InsetText({ children, visuallyHiddenText = "Information", className, ...rest }: InsetTextProps) {
  return (
    <div className={cx("nhsuk-inset-text", className)} {...rest}>
      <span className="nhsuk-u-visually-hidden">{visuallyHiddenText}: </span>
      {typeof children === "string" ? <p>{children}</p> : children}
    </div>
  );
}
