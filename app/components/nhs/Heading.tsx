import type { HTMLAttributes, ReactNode } from "react";
import { cx, headingTag, type HeadingLevel } from "./utils";

export type HeadingSize = "xxs" | "xs" | "s" | "m" | "l" | "xl";
export type CaptionSize = "m" | "l" | "xl" | "xxl";

export interface CaptionProps extends HTMLAttributes<HTMLSpanElement> {
  children: ReactNode;
  /** nhsuk-caption-{size}; omit for the plain nhsuk-caption. */
  size?: CaptionSize;
  /** Caption placed after the heading text (nhsuk-caption--bottom). */
  bottom?: boolean;
}

/** Caption (nhsuk-caption / nhsuk-caption-{size}), usually inside a heading. */
export function Caption({ children, size, bottom, className, ...rest }: CaptionProps) {
  return (
    <span className={cx(size ? `nhsuk-caption-${size}` : "nhsuk-caption", bottom && "nhsuk-caption--bottom", className)} {...rest}>
      {children}
    </span>
  );
}

export interface HeadingProps extends HTMLAttributes<HTMLHeadingElement> {
  children: ReactNode;
  /** Defaults to 1. */
  level?: HeadingLevel;
  /** nhsuk-heading-{size}. Without it the element's default NHS styles apply. */
  size?: HeadingSize;
  /** Caption rendered inside the heading, before the text (e.g. a section name). */
  caption?: ReactNode;
}

/** Heading helper: `<h1 class="nhsuk-heading-l"><span class="nhsuk-caption-l">caption</span>text</h1>`. */
export function Heading({ children, level, size, caption, className, ...rest }: HeadingProps) {
  const Tag = headingTag(level, 1);
  const captionSize: CaptionSize | undefined = size === "m" || size === "l" || size === "xl" ? size : undefined;
  return (
    <Tag className={cx(size && `nhsuk-heading-${size}`, className) || undefined} {...rest}>
      {caption !== undefined && caption !== null && caption !== "" ? <Caption size={captionSize}>{caption}</Caption> : null}
      {children}
    </Tag>
  );
}
