import { Children, type ReactNode } from "react";
import { cx } from "./utils";

export interface CardGroupProps {
  /** Each child (usually a Card) becomes a grid column. */
  children: ReactNode;
  /** Column width per card. Defaults to "one-third". */
  columnWidth?: "one-half" | "one-third" | "one-quarter" | "full";
  className?: string;
}

/** Equal-height row of cards: `<ul class="nhsuk-grid-row nhsuk-card-group">`. */
export function CardGroup({ children, columnWidth = "one-third", className }: CardGroupProps) {
  return (
    <ul className={cx("nhsuk-grid-row", "nhsuk-card-group", className)}>
      {Children.toArray(children).map((child, index) => (
        <li className={`nhsuk-grid-column-${columnWidth} nhsuk-card-group__item`} key={index}>
          {child}
        </li>
      ))}
    </ul>
  );
}
