import type { HTMLAttributes, ReactNode } from "react";
import { cx, headingTag, type HeadingLevel } from "./utils";

export interface PanelProps extends HTMLAttributes<HTMLDivElement> {
  heading: ReactNode;
  /** Defaults to 1 (a confirmation page heading). */
  headingLevel?: HeadingLevel;
  headingSize?: "m" | "l" | "xl";
  /** Interruption panel variant (nhsuk-panel--interruption). */
  interruption?: boolean;
  children?: ReactNode;
}

/** Panel (nhsuk-panel), for example on a confirmation page. */
export function Panel({ heading, headingLevel, headingSize, interruption, children, className, ...rest }: PanelProps) {
  const Heading = headingTag(headingLevel, 1);
  return (
    <div className={cx("nhsuk-panel", interruption && "nhsuk-panel--interruption", className)} {...rest}>
      <Heading className={cx("nhsuk-panel__heading", headingSize && `nhsuk-panel__heading--${headingSize}`)}>{heading}</Heading>
      {children !== undefined && children !== null && children !== "" ? <div className="nhsuk-panel__body">{children}</div> : null}
    </div>
  );
}
