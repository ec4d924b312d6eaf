import type { HTMLAttributes, ReactNode } from "react";
import { cx } from "./utils";

export interface ButtonGroupProps extends HTMLAttributes<HTMLDivElement> {
  children: ReactNode;
  /** Spacing for small buttons (nhsuk-button-group--small). */
  small?: boolean;
}

/** Lays out buttons and links side by side (nhsuk-button-group). */
export function ButtonGroup({ children, small, className, ...rest }: ButtonGroupProps) {
  return (
    <div className={cx("nhsuk-button-group", small && "nhsuk-button-group--small", className)} {...rest}>
      {children}
    </div>
  );
}
