import { useEffect, useId, useRef, type ReactNode } from "react";
import { cx, headingTag, type HeadingLevel } from "./utils";

export interface NotificationBannerProps {
  /** "success" adds nhsuk-notification-banner--success and role="alert". */
  variant?: "success";
  /** Title in the coloured header. Defaults to "Success" or "Important". */
  title?: ReactNode;
  titleId?: string;
  titleLevel?: HeadingLevel;
  /** Main message, rendered as `<h3 class="nhsuk-notification-banner__heading">`. */
  heading?: ReactNode;
  /** Body. A plain string with no heading becomes the banner heading paragraph. */
  children?: ReactNode;
  /** Override the role (defaults: "alert" for success, otherwise "region"). */
  role?: "alert" | "region" | "status";
  /**
   * Success banners take focus when they appear (as nhsuk-frontend's script
   * does); set true to stop that.
   */
  disableAutoFocus?: boolean;
  className?: string;
  id?: string;
}

/** Notification banner (v10 markup). */
export function NotificationBanner({
  variant,
  title,
  titleId,
  titleLevel = 2,
  heading,
  children,
  role,
  disableAutoFocus,
  className,
  id,
}: NotificationBannerProps) {
  const generatedId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const resolvedTitleId = titleId ?? `nhsuk-notification-banner-title${generatedId.replace(/:/g, "-")}`;
  const resolvedRole = role ?? (variant === "success" ? "alert" : "region");
  const autoFocus = resolvedRole === "alert" && !disableAutoFocus;
  const TitleTag = headingTag(titleLevel, 2);
  const hasHeading = heading !== undefined && heading !== null && heading !== "";

  useEffect(() => {
    if (autoFocus && ref.current) ref.current.focus();
  }, [autoFocus]);

  return (
    <div
      ref={ref}
      className={cx("nhsuk-notification-banner", variant === "success" && "nhsuk-notification-banner--success", className)}
      id={id}
      data-module="nhsuk-notification-banner"
      // Focus is handled above; stop nhsuk-frontend's script doing it again.
      data-disable-auto-focus="true"
      role={resolvedRole}
      aria-labelledby={resolvedTitleId}
      tabIndex={autoFocus ? -1 : undefined}
    >
      <div className="nhsuk-notification-banner__header">
        <TitleTag className="nhsuk-notification-banner__title" id={resolvedTitleId}>
          {title ?? (variant === "success" ? "Success" : "Important")}
        </TitleTag>
      </div>
      <div className="nhsuk-notification-banner__content">
        {hasHeading ? <h3 className="nhsuk-notification-banner__heading">{heading}</h3> : null}
        {typeof children === "string" ? (
          <p className={hasHeading ? "nhsuk-body" : "nhsuk-notification-banner__heading"}>{children}</p>
        ) : (
          children
        )}
      </div>
    </div>
  );
}
