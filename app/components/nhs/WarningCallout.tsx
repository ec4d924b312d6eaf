import type { ReactNode } from "react";
import { Card } from "./Card";
import type { HeadingLevel } from "./utils";

export interface WarningCalloutProps {
  /** Defaults to "Important". Headings without the word "important" get a visually hidden "Important:" prefix. */
  heading?: ReactNode;
  headingLevel?: HeadingLevel;
  /** Plain strings are wrapped in a paragraph. */
  children?: ReactNode;
  className?: string;
  id?: string;
}

/**
 * Warning callout. In nhsuk-frontend v10 this is a card with the warning
 * variant (`nhsuk-card nhsuk-card--warning`), not the old nhsuk-warning-callout classes.
 */
export function WarningCallout({ heading = "Important", headingLevel = 3, children, className, id }: WarningCalloutProps) {
  const needsPrefix = typeof heading === "string" && !/important/i.test(heading);
  return (
    <Card
      variant="warning"
      heading={heading}
      headingLevel={headingLevel}
      headingVisuallyHiddenText={needsPrefix ? "Important" : undefined}
      description={typeof children === "string" ? children : undefined}
      className={className}
      id={id}
    >
      {typeof children === "string" ? null : children}
    </Card>
  );
}
