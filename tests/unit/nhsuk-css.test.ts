import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postcss from "postcss";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { Checkboxes, DateInput, FileUpload, Radios, Select, TextInput, Textarea } from "~/components/nhs";
import { beforeAll, describe, expect, it } from "vitest";
import { NHS_FRONTEND_COMPONENTS } from "~/lib/nhsuk-behaviour";
import { builtClassPrefixes, purgeNhsukFrontendCss, STARTED_NHSUK_SCRIPTS } from "../../nhsuk-css.config";

const NHSUK_CSS = path.resolve("node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css");
const APP_CSS = path.resolve("app/styles/app.css");

/** The selectors of every rule in a stylesheet, one string each. */
function selectorsOf(css: string): string[] {
  const selectors: string[] = [];
  postcss.parse(css).walkRules((rule) => void selectors.push(...rule.selectors));
  return selectors;
}

describe("the nhsuk-frontend CSS the production build ships", () => {
  const original = fs.readFileSync(NHSUK_CSS, "utf8");
  let shipped = "";
  let selectors: string[] = [];
  const has = (selector: string) => selectors.includes(selector);

  beforeAll(async () => {
    shipped = (await postcss([purgeNhsukFrontendCss()]).process(original, { from: NHSUK_CSS })).css;
    selectors = selectorsOf(shipped);
  }, 30_000);

  it("is a good deal smaller than the whole stylesheet", () => {
    expect(shipped.length).toBeLessThan(original.length * 0.75);
  });

  it("drops the components ShareBoard never renders", () => {
    for (const unused of [".nhsuk-hero", ".nhsuk-tabs__list", ".nhsuk-character-count", ".nhsuk-do-dont-list", ".nhsuk-password-input"]) {
      expect(selectors.filter((s) => s.includes(unused)), unused).toEqual([]);
    }
  });

  it("keeps what the nhsuk-frontend scripts we start add or rely on at run time", () => {
    for (const selector of [
      ".nhsuk-header__menu",
      ".nhsuk-header__menu-toggle[aria-expanded=true]:after",
      ".nhsuk-header__menu-list",
      ".nhsuk-scroll--scrollable",
      ".nhsuk-frontend-supported .nhsuk-radios__conditional--hidden",
      ".nhsuk-frontend-supported .nhsuk-checkboxes__conditional--hidden",
      ".nhsuk-file-upload__drop-zone",
      ".nhsuk-file-upload__drop-button--empty",
      ".nhsuk-skip-link-focused-element:focus",
    ]) {
      expect(has(selector) || selectors.some((s) => s.startsWith(selector)), selector).toBe(true);
    }
  });

  it("keeps every variant of a class our components build from a prop, used today or not", () => {
    for (const selector of [".nhsuk-button--secondary", ".nhsuk-button--reverse", ".nhsuk-tag--green", ".nhsuk-card--feature", ".nhsuk-heading-xl", ".nhsuk-grid-column-one-quarter", ".nhsuk-u-width-one-half", ".nhsuk-input--width-10", ".nhsuk-label--l", ".nhsuk-fieldset__legend--m"]) {
      expect(has(selector), selector).toBe(true);
    }
  });

  it("keeps the classes written out in our code", () => {
    for (const selector of [".nhsuk-table--responsive", ".nhsuk-summary-list__row", ".nhsuk-error-summary", ".nhsuk-u-visually-hidden", ".nhsuk-pagination__link"]) {
      expect(selectors.some((s) => s.startsWith(selector)), selector).toBe(true);
    }
  });

  it("keeps the rules of every design-system class our form fields and other components render", () => {
    // Rendered, not read from the source: a class put together from parts in a component (a
    // template string) is in the markup but not in the code the build scans.
    const markup = renderToStaticMarkup(
      createElement(
        "div",
        null,
        createElement(Radios, { id: "r", name: "r", label: "Radios", hint: "Hint", error: "Error", inline: true, items: [{ value: "a", label: "A", hint: "Item hint" }, { divider: "or" }, { value: "b", label: "B" }] }),
        createElement(Radios, { id: "rs", name: "rs", label: "Small radios", small: true, items: [{ value: "a", label: "A" }] }),
        createElement(Checkboxes, { id: "c", name: "c", label: "Checkboxes", hint: "Hint", error: "Error", items: [{ value: "a", label: "A", hint: "Item hint" }, { divider: "or" }, { value: "b", label: "B" }] }),
        createElement(Checkboxes, { id: "cs", name: "cs", label: "Small checkboxes", small: true, inline: true, items: [{ value: "a", label: "A" }] }),
        createElement(TextInput, { id: "t", name: "t", label: "Text", hint: "Hint", error: "Error", width: 10, code: true, inputPrefix: "£", inputSuffix: "each" }),
        createElement(Textarea, { id: "ta", name: "ta", label: "Textarea", error: "Error", isPageHeading: true, labelSize: "l" }),
        createElement(Select, { id: "s", name: "s", label: "Select", error: "Error", options: [{ value: "a", label: "A" }] }),
        createElement(FileUpload, { id: "f", name: "f", label: "File", hint: "Hint", error: "Error" }),
        createElement(DateInput, { id: "d", name: "d", label: "Date", hint: "Hint", error: "Error", defaultValue: "2016-10-" }),
      ),
    );
    const rendered = new Set([...markup.matchAll(/class="([^"]*)"/g)].flatMap((m) => m[1]!.split(/\s+/)).filter((c) => c.startsWith("nhsuk-")));
    const styledIn = (list: string[]) => (cls: string) => list.some((selector) => new RegExp(`\\.${cls}(?![a-z0-9_-])`).test(selector));
    const styledOriginally = [...rendered].filter(styledIn(selectorsOf(original)));
    expect(styledOriginally).toEqual(expect.arrayContaining(["nhsuk-radios__input", "nhsuk-checkboxes__label", "nhsuk-form-group--error", "nhsuk-date-input__input"]));
    expect(styledOriginally.filter((cls) => !styledIn(selectors)(cls))).toEqual([]);
  });

  it("leaves our own stylesheet whole (its classes include ones recharts makes at run time)", async () => {
    const appCss = fs.readFileSync(APP_CSS, "utf8");
    const processed = (await postcss([purgeNhsukFrontendCss()]).process(appCss, { from: APP_CSS })).css;
    expect(selectorsOf(processed)).toEqual(selectorsOf(appCss));
    expect(selectorsOf(appCss).some((s) => s.includes("recharts"))).toBe(true);
  });

  it("looks in the script of every nhsuk-frontend component we start", () => {
    const started = NHS_FRONTEND_COMPONENTS.map((component) => component.moduleName).sort();
    expect(STARTED_NHSUK_SCRIPTS.map((name) => `nhsuk-${name}`).sort()).toEqual(started);
  });
});

describe("builtClassPrefixes", () => {
  it("finds the class prefixes a template string completes, not whole names followed by more classes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhsuk-css-"));
    const file = path.join(dir, "example.tsx");
    fs.writeFileSync(file, 'cx(`nhsuk-tag--${colour}`, `nhsuk-grid-column-${width} x`, `nhsuk-button${extra ? " nhsuk-button--small" : ""}`, `nhsuk-table__caption--${size}`)');
    try {
      expect(builtClassPrefixes([file])).toEqual(["nhsuk-grid-column-", "nhsuk-table__caption--", "nhsuk-tag--"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
