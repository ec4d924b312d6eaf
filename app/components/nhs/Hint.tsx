import type { HTMLAttributes, ReactNode } from "react";
import { cx } from "./utils";

export interface HintProps extends HTMLAttributes<HTMLDivElement> {
  children: ReactNode;
}

/** Hint text (nhsuk-hint). Give it an id and reference it from aria-describedby. */
export function Hint({ children, className, ...rest }: HintProps) {
  return (
    <div className={cx("nhsuk-hint", className)} {...rest}>
      {children}
    </div>
  );
}
