import type { InputHTMLAttributes, ReactNode } from "react";
import { Fieldset } from "./Fieldset";
import { FieldMessages, FormGroup } from "./FormGroup";
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

export interface RadiosProps extends ChoiceFieldProps, ChoiceInputProps {
  /** Value of the initially checked radio. */
  defaultValue?: string | null;
  /** Controlled checked value (use with onChange). */
  value?: string | null;
}

export function choiceId(id: string, item: ChoiceItem, index: number): string {
  return item.id ?? (index === 0 ? id : `${id}-${index + 1}`);
}

type ChoiceInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name" | "type" | "value" | "defaultValue" | "className" | "children">;

/**
 * Each choice component's classes, written out whole: the production build keeps only the
 * design system's rules whose class names appear in our code (nhsuk-css.config.ts), so a class
 * put together from parts would lose its styles.
 */
const CHOICE_CLASSES = {
  radios: {
    list: "nhsuk-radios",
    inline: "nhsuk-radios--inline",
    small: "nhsuk-radios--small",
    divider: "nhsuk-radios__divider",
    item: "nhsuk-radios__item",
    input: "nhsuk-radios__input",
    label: "nhsuk-label nhsuk-radios__label",
    hint: "nhsuk-radios__hint",
    type: "radio",
  },
  checkboxes: {
    list: "nhsuk-checkboxes",
    inline: "nhsuk-checkboxes--inline",
    small: "nhsuk-checkboxes--small",
    divider: "nhsuk-checkboxes__divider",
    item: "nhsuk-checkboxes__item",
    input: "nhsuk-checkboxes__input",
    label: "nhsuk-label nhsuk-checkboxes__label",
    hint: "nhsuk-checkboxes__hint",
    type: "checkbox",
  },
} as const;

/**
 * The fieldset radios and checkboxes share (nhsuk-radios or nhsuk-checkboxes): the question as its
 * legend, hint, inline error message and one input per item, with dividers between them.
 * `checkedProps` says how each item is checked (controlled or not).
 */
function ChoiceFieldset({
  kind,
  checkedProps,
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
  disabled,
  "aria-describedby": ariaDescribedBy,
  ...rest
}: ChoiceFieldProps & ChoiceInputProps & { kind: keyof typeof CHOICE_CLASSES; checkedProps: (item: ChoiceItem) => { checked?: boolean; defaultChecked?: boolean } }) {
  const state = fieldState(id, { hint, error, describedBy: ariaDescribedBy });
  const classes = CHOICE_CLASSES[kind];
  let choiceIndex = 0;
  return (
    <FormGroup invalid={state.invalid} className={formGroupClassName}>
      <Fieldset legend={label} legendSize={legendSize} isPageHeading={isPageHeading} headingLevel={headingLevel} describedBy={state.describedBy}>
        <FieldMessages state={state} hint={hint} />
        <div className={cx(classes.list, inline && classes.inline, small && classes.small, className)} data-module={classes.list}>
          {items.map((item, index) => {
            if (isDivider(item)) {
              return (
                <div className={classes.divider} key={`divider-${index}`}>
                  {item.divider}
                </div>
              );
            }
            const itemId = choiceId(id, item, choiceIndex++);
            const itemHintId = item.hint ? `${itemId}-item-hint` : undefined;
            return (
              <div className={classes.item} key={itemId}>
                <input
                  className={classes.input}
                  id={itemId}
                  name={name}
                  type={classes.type}
                  value={item.value}
                  disabled={item.disabled || disabled || undefined}
                  aria-describedby={itemHintId}
                  {...checkedProps(item)}
                  {...rest}
                />
                <label className={classes.label} htmlFor={itemId}>
                  {item.label}
                </label>
                {itemHintId ? (
                  <Hint id={itemHintId} className={classes.hint}>
                    {item.hint}
                  </Hint>
                ) : null}
              </div>
            );
          })}
        </div>
      </Fieldset>
    </FormGroup>
  );
}

/** Radios (nhsuk-radios) in a fieldset, with hint and inline error message. */
export function Radios({ defaultValue, value, ...props }: RadiosProps) {
  const checkedProps = (item: ChoiceItem) =>
    value !== undefined ? { checked: value === item.value } : defaultValue !== undefined ? { defaultChecked: defaultValue === item.value } : {};
  return <ChoiceFieldset kind="radios" checkedProps={checkedProps} {...props} />;
}

export interface CheckboxesProps extends ChoiceFieldProps, ChoiceInputProps {
  /** Values of the initially checked boxes. */
  defaultValue?: readonly string[] | null;
  /** Controlled checked values (use with onChange). */
  value?: readonly string[] | null;
}

/** Checkboxes (nhsuk-checkboxes) in a fieldset, with hint and inline error message. All share `name`. */
export function Checkboxes({ defaultValue, value, ...props }: CheckboxesProps) {
  const checkedProps = (item: ChoiceItem) => (value ? { checked: value.includes(item.value) } : defaultValue ? { defaultChecked: defaultValue.includes(item.value) } : {});
  return <ChoiceFieldset kind="checkboxes" checkedProps={checkedProps} {...props} />;
}
