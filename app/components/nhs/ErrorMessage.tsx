import type { HTMLAttributes, ReactNode } from "react";
import { cx } from "./utils";

export interface ErrorMessageProps extends HTMLAttributes<HTMLSpanElement> {
  children: ReactNode;
  /** Visually hidden prefix. Defaults to "Error". */
  visuallyHiddenText?: string;
}

/** Inline error message with the visually hidden "Error:" prefix. */
export function ErrorMessage({ children, visuallyHiddenText = "Error", className, ...rest }: ErrorMessageProps) {
  return (
    <span className={cx("nhsuk-error-message", className)} {...rest}>
      {visuallyHiddenText ? <span className="nhsuk-u-visually-hidden">{visuallyHiddenText}: </span> : null}
      {children}
    </span>
  );
}
