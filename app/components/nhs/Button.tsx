import { forwardRef, type AnchorHTMLAttributes, type ButtonHTMLAttributes, type ReactNode, type Ref } from "react";
import { cx } from "./utils";

export type ButtonVariant = "primary" | "secondary" | "secondary-solid" | "reverse" | "warning" | "login";

interface ButtonBaseProps {
  variant?: ButtonVariant;
  small?: boolean;
  /** Sets data-prevent-double-click (handled by nhsuk-frontend's script). */
  preventDoubleClick?: boolean;
  className?: string;
  children?: ReactNode;
}

export type ButtonAsButtonProps = ButtonBaseProps &
  Omit<ButtonHTMLAttributes<HTMLButtonElement>, "className" | "children"> & { href?: undefined };

export type ButtonAsLinkProps = ButtonBaseProps &
  Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "className" | "children"> & { href: string };

export type ButtonProps = ButtonAsButtonProps | ButtonAsLinkProps;

export function buttonClassName({
  variant = "primary",
  small,
  className,
}: Pick<ButtonBaseProps, "variant" | "small" | "className">): string {
  return cx("nhsuk-button", variant !== "primary" && `nhsuk-button--${variant}`, small && "nhsuk-button--small", className);
}

/**
 * Button (nhsuk-button). Renders `<button type="submit">` by default, or an
 * `<a role="button" draggable="false">` when `href` is given (as nhsuk-frontend does).
 */
// Pure: a page importing the components barrel without using Button does not load it.
export const Button = /* @__PURE__ */ forwardRef<HTMLButtonElement | HTMLAnchorElement, ButtonProps>(function Button(props, ref) {
  const { variant, small, preventDoubleClick, className, children, ...rest } = props;
  const classes = buttonClassName({ variant, small, className });
  const doubleClick = preventDoubleClick === undefined ? undefined : String(preventDoubleClick);

  if (typeof rest.href === "string") {
    const linkProps = rest as Omit<ButtonAsLinkProps, keyof ButtonBaseProps>;
    return (
      <a
        ref={ref as Ref<HTMLAnchorElement>}
        className={classes}
        data-module="nhsuk-button"
        data-prevent-double-click={doubleClick}
        role="button"
        draggable="false"
        {...linkProps}
      >
        {children}
      </a>
    );
  }

  const { type = "submit", disabled, ...buttonProps } = rest as Omit<ButtonAsButtonProps, keyof ButtonBaseProps>;
  return (
    <button
      ref={ref as Ref<HTMLButtonElement>}
      className={classes}
      data-module="nhsuk-button"
      data-prevent-double-click={doubleClick}
      type={type}
      disabled={disabled}
      aria-disabled={disabled ? "true" : undefined}
      {...buttonProps}
    >
      {children}
    </button>
  );
});
