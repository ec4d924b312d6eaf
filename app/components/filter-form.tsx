import { Form, Link, useMatches, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { Button } from "~/components/nhs/Button";
import { DateInput } from "~/components/nhs/DateInput";
import { Select } from "~/components/nhs/Select";
import { formatDate, formatDateExample } from "~/lib/dates";
import { readDate } from "~/lib/forms";
import { hrefWith } from "~/lib/table-query";

const AS_AT_PARTS = ["asAt-day", "asAt-month", "asAt-year"];

/**
 * Hidden inputs that carry the current URL's other parameters through a GET form, so
 * filtering keeps the sort and the as-at date. `page` is dropped: new filters mean page 1.
 */
function KeepParams({ searchParams, except }: { searchParams: URLSearchParams; except: readonly string[] }) {
  const skip = new Set([...except, "page"]);
  return (
    <>
      {[...searchParams.entries()]
        .filter(([name]) => !skip.has(name))
        .map(([name, value], index) => (
          <input key={`${name}-${index}`} type="hidden" name={name} value={value} />
        ))}
    </>
  );
}

export interface FilterFormProps {
  /** Names of the parameters the children set; they are cleared by "Clear filters" and not duplicated as hidden inputs. */
  fields: readonly string[];
  /** Legend for the group of filters, for example "Filter organisations". */
  legend?: ReactNode;
  children: ReactNode;
}

/**
 * A GET form for a table's filters: works without JavaScript, and with it Remix
 * navigates without a full reload. Children are NHS inputs whose `name`s are in `fields`;
 * give them `defaultValue` from the search params and a `key` of that value so they
 * reset after a client-side navigation.
 */
export function FilterForm({ fields, legend = "Filters", children }: FilterFormProps) {
  const [searchParams] = useSearchParams();
  const active = fields.some((name) => searchParams.getAll(name).some((value) => value !== ""));
  return (
    <Form method="get" className="sb-filter-form" preventScrollReset>
      <KeepParams searchParams={searchParams} except={fields} />
      <fieldset className="nhsuk-fieldset">
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        {children}
      </fieldset>
      <div className="nhsuk-button-group">
        <Button variant="secondary" small>
          Apply filters
        </Button>
        {active ? (
          <Link
            className="nhsuk-link"
            to={hrefWith(searchParams, Object.fromEntries(fields.map((name) => [name, null])))}
            preventScrollReset
          >
            Clear filters
          </Link>
        ) : null}
      </div>
    </Form>
  );
}

export interface AsAtFormProps {
  /** Used when the URL has no `asAt`: normally the reporting date. */
  defaultValue: string;
  /** Latest date that can be chosen, as `YYYY-MM-DD` (normally the reporting date): named in the hint. */
  max?: string;
  /** Earliest date that can be chosen, as `YYYY-MM-DD`: named in the hint when `max` is given too. */
  min?: string;
  id?: string;
  /** Why the date asked for cannot be shown (shown at the field). Defaults to the page loader's `asAtError`. */
  error?: string;
}

/**
 * Chooses the date the page's figures are shown as at. The form sends the NHS date input's three
 * boxes (`asAt-day`, `asAt-month`, `asAt-year`); resolveAsAt redirects those to the canonical
 * `?asAt=YYYY-MM-DD`, the form links and bookmarks use.
 */
export function AsAtForm({ defaultValue, max, min, id = "asAt", error }: AsAtFormProps) {
  const [searchParams] = useSearchParams();
  // Pages return resolveAsAt's error as `asAtError`: show it at the field as well as in the summary.
  const pageData = useMatches().at(-1)?.data as { asAtError?: unknown } | undefined;
  const fieldError = error ?? (typeof pageData?.asAtError === "string" ? pageData.asAtError : undefined);
  const typed = AS_AT_PARTS.some((name) => searchParams.has(name)) ? readDate(searchParams, "asAt") : "";
  const value = typed || searchParams.get("asAt") || defaultValue;
  const range = min && max ? `, from ${formatDate(min)} to ${formatDate(max)}` : max ? `, up to ${formatDate(max)}` : "";
  return (
    <Form method="get" className="sb-as-at-form">
      <KeepParams searchParams={searchParams} except={["asAt", ...AS_AT_PARTS]} />
      <DateInput key={value} id={id} name="asAt" label="As at" hint={`Figures as they stood at the end of this day${range}. For example, ${formatDateExample(max ?? defaultValue)}`} defaultValue={value} error={fieldError} />
      <Button variant="secondary" small>
        Show
      </Button>
    </Form>
  );
}

type FilterSelectProps = {
  /** The URL parameter the select sets. */
  name: string;
  label: string;
  options: { value: string; label: string }[];
  /** The choice meaning "no filter", e.g. "Any status". */
  emptyOption: string;
  id?: string;
  /** The current value when the page has parsed it; otherwise it is read from the URL. */
  value?: string | null;
};

/**
 * One filter in a FilterForm: an NHS select bound to a URL parameter. Re-keyed on the value so
 * it shows the URL's choice after client-side navigation (defaultValue only applies on mount).
 */
export function FilterSelect({ name, label, options, emptyOption, id = `filter-${name}`, value }: FilterSelectProps) {
  const [searchParams] = useSearchParams();
  const current = value ?? searchParams.get(name) ?? "";
  return <Select key={`${name}-${current}`} id={id} name={name} label={label} emptyOption={emptyOption} options={options} defaultValue={current} />;
}
