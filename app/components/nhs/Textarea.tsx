import { forwardRef, type TextareaHTMLAttributes } from "react";
import { ErrorMessage } from "./ErrorMessage";
import { Hint } from "./Hint";
import { Label } from "./Label";
import type { FieldProps } from "./TextInput";
import { cx, fieldState } from "./utils";

export interface TextareaProps extends FieldProps, Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id" | "name"> {}

/** Textarea (nhsuk-textarea) with label, hint and inline error message. */
// Pure: a page importing the components barrel without using Textarea does not load it.
export const Textarea = /* @__PURE__ */ forwardRef<HTMLTextAreaElement, TextareaProps>(function Textarea(
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
    rows = 5,
    className,
    "aria-describedby": ariaDescribedBy,
    ...rest
  },
  ref,
) {
  const state = fieldState(id, { hint, error, describedBy: ariaDescribedBy });
  return (
    <div className={cx("nhsuk-form-group", state.invalid && "nhsuk-form-group--error", formGroupClassName)}>
      <Label htmlFor={id} size={labelSize} isPageHeading={isPageHeading} headingLevel={headingLevel} className={labelClassName}>
        {label}
      </Label>
      {state.hintId ? <Hint id={state.hintId}>{hint}</Hint> : null}
      {state.errorId ? <ErrorMessage id={state.errorId}>{state.message}</ErrorMessage> : null}
      <textarea
        ref={ref}
        className={cx("nhsuk-textarea", state.invalid && "nhsuk-textarea--error", className)}
        id={id}
        name={name}
        rows={rows}
        aria-describedby={state.describedBy}
        aria-invalid={state.invalid || undefined}
        {...rest}
      />
    </div>
  );
});
