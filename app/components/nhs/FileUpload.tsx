import { forwardRef, type InputHTMLAttributes } from "react";
import { ErrorMessage } from "./ErrorMessage";
import { Hint } from "./Hint";
import { Label } from "./Label";
import type { FieldProps } from "./TextInput";
import { cx, fieldState } from "./utils";

export interface FileUploadProps extends FieldProps, Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name" | "type"> {
  /**
   * Add data-module="nhsuk-file-upload" so nhsuk-frontend's script replaces
   * the native control with its drop zone. Off by default: the script moves
   * the input in the DOM, which React cannot reconcile if this component
   * re-renders (for example when an error message appears after a client-side
   * submission). The native input is fully styled without it.
   */
  enhanced?: boolean;
}

/** File upload (v10 nhsuk-file-upload markup) with label, hint and inline error message. */
// Pure: a page importing the components barrel without using FileUpload does not load it.
export const FileUpload = /* @__PURE__ */ forwardRef<HTMLInputElement, FileUploadProps>(function FileUpload(
  {
    id,
    name,
    label,
    hint,
    error,
    labelSize,
    isPageHeading,
    headingLevel,
    labelClassName,
    formGroupClassName,
    enhanced = false,
    className,
    "aria-describedby": ariaDescribedBy,
    ...rest
  },
  ref,
) {
  const state = fieldState(id, { hint, error, describedBy: ariaDescribedBy });
  return (
    <div
      className={cx("nhsuk-form-group", state.invalid && "nhsuk-form-group--error", "nhsuk-file-upload", formGroupClassName)}
      data-module={enhanced ? "nhsuk-file-upload" : undefined}
    >
      <Label htmlFor={id} size={labelSize} isPageHeading={isPageHeading} headingLevel={headingLevel} className={labelClassName}>
        {label}
      </Label>
      {state.hintId ? <Hint id={state.hintId}>{hint}</Hint> : null}
      {state.errorId ? <ErrorMessage id={state.errorId}>{state.message}</ErrorMessage> : null}
      <input
        ref={ref}
        className={cx("nhsuk-file-upload__input", className)}
        id={id}
        name={name}
        type="file"
        aria-describedby={state.describedBy}
        aria-invalid={state.invalid || undefined}
        {...rest}
      />
    </div>
  );
});
