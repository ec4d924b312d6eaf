import type { HTMLAttributes, ReactNode } from "react";
import { Icon } from "./Icon";
import { cx, headingTag, type HeadingLevel } from "./utils";

export type CardVariant = "feature" | "primary" | "secondary" | "warning";

export interface CardProps extends Omit<HTMLAttributes<HTMLDivElement>, "title"> {
  /** Card heading (`<h2 class="nhsuk-card__heading">` by default). */
  heading?: ReactNode;
  headingLevel?: HeadingLevel;
  /** nhsuk-heading-{size} on the heading, e.g. "m" for clickable cards. */
  headingSize?: "xs" | "s" | "m" | "l";
  /** Visually hidden prefix for the heading, e.g. "Important" (read as "Important: heading"). */
  headingVisuallyHiddenText?: string;
  /** Links the heading. Ignored for feature cards (as in nhsuk-frontend). */
  href?: string;
  /** Make the whole card clickable via the heading link. Defaults to true when `href` is set. */
  clickable?: boolean;
  /** Short text rendered as `<p class="nhsuk-card__description">`. */
  description?: ReactNode;
  variant?: CardVariant;
  children?: ReactNode;
}

/** Card (nhsuk-card) with optional link, description/children and feature/primary/secondary/warning variants. */
export function Card({
  heading,
  headingLevel,
  headingSize,
  headingVisuallyHiddenText,
  href,
  clickable,
  description,
  variant,
  children,
  className,
  ...rest
}: CardProps) {
  const linkHeading = !!href && variant !== "feature";
  const isClickable = clickable ?? linkHeading;
  const Heading = headingTag(headingLevel, 2);
  const hasHeading = heading !== undefined && heading !== null && heading !== "";

  let headingContent: ReactNode = heading;
  if (linkHeading) {
    headingContent = (
      <a className="nhsuk-card__link" href={href}>
        {headingVisuallyHiddenText ? <span className="nhsuk-u-visually-hidden">{headingVisuallyHiddenText}: </span> : null}
        {heading}
      </a>
    );
  } else if (headingVisuallyHiddenText) {
    headingContent = (
      <span role="text">
        <span className="nhsuk-u-visually-hidden">{headingVisuallyHiddenText}: </span>
        {heading}
      </span>
    );
  }

  return (
    <div
      className={cx("nhsuk-card", isClickable && "nhsuk-card--clickable", variant && `nhsuk-card--${variant}`, className)}
      {...rest}
    >
      <div className="nhsuk-card__content">
        {hasHeading ? (
          <Heading className={cx("nhsuk-card__heading", headingSize && `nhsuk-heading-${headingSize}`)}>{headingContent}</Heading>
        ) : null}
        {description !== undefined && description !== null && description !== "" ? (
          <p className="nhsuk-card__description">{description}</p>
        ) : null}
        {children}
        {variant === "primary" ? <Icon name="chevron-right-circle" /> : null}
      </div>
    </div>
  );
}
