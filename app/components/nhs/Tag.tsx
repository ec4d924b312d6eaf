import type { HTMLAttributes, ReactNode } from "react";
import { cx } from "./utils";

export const TAG_COLOURS = [
  "white",
  "grey",
  "green",
  "aqua-green",
  "blue",
  "purple",
  "pink",
  "red",
  "orange",
  "yellow",
] as const;

export type TagColour = (typeof TAG_COLOURS)[number];

export interface TagProps extends Omit<HTMLAttributes<HTMLElement>, "color"> {
  children: ReactNode;
  /** Colour modifier (nhsuk-tag--{color}); omit for the default blue tag, `false` for no colour. */
  color?: TagColour | false;
  /** Set false to remove the border (nhsuk-tag--no-border). */
  border?: boolean;
}

/** Tag (`<strong class="nhsuk-tag">`). Use text that makes sense without the colour. */
export function Tag({ children, color, border, className, ...rest }: TagProps) {
  return (
    <strong
      className={cx(
        "nhsuk-tag",
        color && TAG_COLOURS.includes(color) && `nhsuk-tag--${color}`,
        color === false && "nhsuk-tag--no-colour",
        border === false && "nhsuk-tag--no-border",
        className,
      )}
      {...rest}
    >
      {children}
    </strong>
  );
}
