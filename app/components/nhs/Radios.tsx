import type { InputHTMLAttributes, ReactNode } from "react";
import { ErrorMessage } from "./ErrorMessage";
import { Fieldset } from "./Fieldset";
import { Hint } from "./Hint";
import type { LegendSize } from "./Legend";
import { cx, fieldState, type FieldError, type HeadingLevel } from "./utils";

export interface ChoiceItem {
  value: string;
  label: ReactNode;
  hint?: ReactNode;
  disabled?: boolean;
  /** Override the generated id (`${id}`, `${id}-2`, `${id}-3`, ...). */
  id?: string;
}

/** A divider between choices, for example "or". */
export interface ChoiceDivider {
  divider: string;
}

export type ChoiceListItem = ChoiceItem | ChoiceDivider;

export function isDivider(item: ChoiceListItem): item is ChoiceDivider {
  return "divider" in item && typeof (item as ChoiceDivider).divider === "string";
}

/** Props shared by radios and checkboxes. */
export interface ChoiceFieldProps {
  /**
   * Id prefix: the first input gets this id (so the error summary can link to
   * `#id`), later ones `${id}-2`, `${id}-3`... Hint and error use `${id}-hint` / `${id}-error`.
   */
  id: string;
  name: string;
  /** Fieldset legend (the question). */
  label: ReactNode;
  hint?: ReactNode;
  error?: FieldError;
  items: readonly ChoiceListItem[];
  inline?: boolean;
  small?: boolean;
  legendSize?: LegendSize;
  isPageHeading?: boolean;
  headingLevel?: HeadingLevel;
  className?: string;
  formGroupClassName?: string;
}

export interface RadiosProps
  extends ChoiceFieldProps,
    Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name" | "type" | "value" | "defaultValue" | "className" | "children"> {
  /** Value of the initially checked radio. */
  defaultValue?: string | null;
  /** Controlled checked value (use with onChange). */
  value?: string | null;
}

export function choiceId(id: string, item: ChoiceItem, index: number): string {
  return item.id ?? (index === 0 ? id : `${id}-${index + 1}`);
}

/** Radios (nhsuk-radios) in a fieldset, with hint and inline error message. */
export function Radios({
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
}: RadiosProps) {
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
          className={cx("nhsuk-radios", inline && "nhsuk-radios--inline", small && "nhsuk-radios--small", className)}
          data-module="nhsuk-radios"
        >
          {items.map((item, index) => {
            if (isDivider(item)) {
              return (
                <div className="nhsuk-radios__divider" key={`divider-${index}`}>
                  {item.divider}
                </div>
              );
            }
            const itemId = choiceId(id, item, choiceIndex++);
            const itemHintId = item.hint ? `${itemId}-item-hint` : undefined;
            const checkedProps =
              value !== undefined
                ? { checked: value === item.value }
                : defaultValue !== undefined
                  ? { defaultChecked: defaultValue === item.value }
                  : {};
            return (
              <div className="nhsuk-radios__item" key={itemId}>
                <input
                  className="nhsuk-radios__input"
                  id={itemId}
                  name={name}
                  type="radio"
                  value={item.value}
                  disabled={item.disabled || disabled || undefined}
                  aria-describedby={itemHintId}
                  {...checkedProps}
                  {...rest}
                />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor={itemId}>
                  {item.label}
                </label>
                {itemHintId ? (
                  <Hint id={itemHintId} className="nhsuk-radios__hint">
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
