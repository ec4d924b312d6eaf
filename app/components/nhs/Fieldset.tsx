import type { FieldsetHTMLAttributes, ReactNode } from "react";
import { Legend, type LegendSize } from "./Legend";
import { cx, type HeadingLevel } from "./utils";

export interface FieldsetProps extends FieldsetHTMLAttributes<HTMLFieldSetElement> {
  legend?: ReactNode;
  legendSize?: LegendSize;
  isPageHeading?: boolean;
  headingLevel?: HeadingLevel;
  legendClassName?: string;
  /** Space-separated ids for aria-describedby (hint and error message ids). */
  describedBy?: string;
  children?: ReactNode;
}

/** Fieldset with legend (nhsuk-fieldset). */
export function Fieldset({
  legend,
  legendSize,
  isPageHeading,
  headingLevel,
  legendClassName,
  describedBy,
  children,
  className,
  ...rest
}: FieldsetProps) {
  return (
    <fieldset className={cx("nhsuk-fieldset", className)} aria-describedby={describedBy || undefined} {...rest}>
      {legend !== undefined && legend !== null && legend !== "" ? (
        <Legend size={legendSize} isPageHeading={isPageHeading} headingLevel={headingLevel} className={legendClassName}>
          {legend}
        </Legend>
      ) : null}
      {children}
    </fieldset>
  );
}
