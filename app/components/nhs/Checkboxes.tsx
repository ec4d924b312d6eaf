import type { InputHTMLAttributes } from "react";
import { ErrorMessage } from "./ErrorMessage";
import { Fieldset } from "./Fieldset";
import { Hint } from "./Hint";
import { choiceId, isDivider, type ChoiceFieldProps } from "./Radios";
import { cx, fieldState } from "./utils";

export interface CheckboxesProps
  extends ChoiceFieldProps,
    Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name" | "type" | "value" | "defaultValue" | "className" | "children"> {
  /** Values of the initially checked boxes. */
  defaultValue?: readonly string[] | null;
  /** Controlled checked values (use with onChange). */
  value?: readonly string[] | null;
}

/** Checkboxes (nhsuk-checkboxes) in a fieldset, with hint and inline error message. All share `name`. */
export function Checkboxes({
  id,
  name,
  label,
  hint,
  error,
  items,
  inline,
  small,
  legendSize,
  isPageHeading,
  headingLevel,
  className,
  formGroupClassName,
  defaultValue,
  value,
  disabled,
  "aria-describedby": ariaDescribedBy,
  ...rest
}: CheckboxesProps) {
  const state = fieldState(id, { hint, error, describedBy: ariaDescribedBy });
  let choiceIndex = 0;
  return (
    <div className={cx("nhsuk-form-group", state.invalid && "nhsuk-form-group--error", formGroupClassName)}>
      <Fieldset
        legend={label}
        legendSize={legendSize}
        isPageHeading={isPageHeading}
        headingLevel={headingLevel}
        describedBy={state.describedBy}
      >
        {state.hintId ? <Hint id={state.hintId}>{hint}</Hint> : null}
        {state.errorId ? <ErrorMessage id={state.errorId}>{state.message}</ErrorMessage> : null}
        <div
          className={cx("nhsuk-checkboxes", inline && "nhsuk-checkboxes--inline", small && "nhsuk-checkboxes--small", className)}
          data-module="nhsuk-checkboxes"
        >
          {items.map((item, index) => {
            if (isDivider(item)) {
              return (
                <div className="nhsuk-checkboxes__divider" key={`divider-${index}`}>
                  {item.divider}
                </div>
              );
            }
            const itemId = choiceId(id, item, choiceIndex++);
            const itemHintId = item.hint ? `${itemId}-item-hint` : undefined;
            const checkedProps = value
              ? { checked: value.includes(item.value) }
              : defaultValue
                ? { defaultChecked: defaultValue.includes(item.value) }
                : {};
            return (
              <div className="nhsuk-checkboxes__item" key={itemId}>
                <input
                  className="nhsuk-checkboxes__input"
                  id={itemId}
                  name={name}
                  type="checkbox"
                  value={item.value}
                  disabled={item.disabled || disabled || undefined}
                  aria-describedby={itemHintId}
                  {...checkedProps}
                  {...rest}
                />
                <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={itemId}>
                  {item.label}
                </label>
                {itemHintId ? (
                  <Hint id={itemHintId} className="nhsuk-checkboxes__hint">
                    {item.hint}
                  </Hint>
                ) : null}
              </div>
            );
          })}
        </div>
      </Fieldset>
    </div>
  );
}
