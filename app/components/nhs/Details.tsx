import type { DetailsHTMLAttributes, ReactNode } from "react";
import { cx } from "./utils";

export interface DetailsProps extends Omit<DetailsHTMLAttributes<HTMLDetailsElement>, "children"> {
  summary: ReactNode;
  children: ReactNode;
  reverse?: boolean;
}

/** Details (native `<details>`, so it works without JavaScript). */
export function Details({ summary, children, reverse, className, ...rest }: DetailsProps) {
  return (
    <details className={cx("nhsuk-details", reverse && "nhsuk-details--reverse", className)} {...rest}>
      <summary className="nhsuk-details__summary">
        <span className="nhsuk-details__summary-text">{summary}</span>
      </summary>
      <div className="nhsuk-details__text">{children}</div>
    </details>
  );
}
