import type { ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { describe, expect, it } from "vitest";
import { AsAtForm, FilterForm, FilterSelect } from "~/components/filter-form";
import { Select } from "~/components/nhs/Select";

// <Form> needs a data router, so render the way the server does: a static handler for one route.
async function render(url: string, element: ReactNode, loader?: () => Record<string, unknown>) {
  const routes = [{ path: "/organisations", element, loader }];
  const handler = createStaticHandler(routes);
  const context = await handler.query(new Request(`http://localhost${url}`));
  if (context instanceof Response) throw new Error("unexpected redirect");
  return renderToStaticMarkup(
    <StaticRouterProvider router={createStaticRouter(handler.dataRoutes, context)} context={context} hydrate={false} />,
  );
}

const hiddenInputs = (html: string) =>
  [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"\/>/g)].map((m) => `${m[1]}=${m[2]}`);

const filters = (
  <FilterForm fields={["locality"]} legend="Filter organisations">
    <Select id="locality" name="locality" label="Locality" emptyOption="All localities" options={[{ value: "North", label: "North" }]} />
  </FilterForm>
);

describe("FilterForm", () => {
  it("is a GET form that carries the sort and as-at date but not the page or its own fields", async () => {
    const html = await render("/organisations?locality=North&sort=-name&page=3&asAt=2025-03-31", filters);
    expect(html).toMatch(/<form method="get"/);
    expect(hiddenInputs(html)).toEqual(["sort=-name", "asAt=2025-03-31"]);
    expect(html).toContain("Filter organisations");
    expect(html).toContain('name="locality"');
    expect(html).toMatch(/<button[^>]*type="submit"[^>]*>Apply filters<\/button>/);
  });

  it("offers to clear the filters, keeping the sort", async () => {
    const html = await render("/organisations?locality=North&sort=-name&page=3", filters);
    expect(html).toMatch(/<a[^>]*href="\/organisations\?sort=-name"[^>]*>Clear filters<\/a>/);
  });

  it("does not offer to clear filters that are not set", async () => {
    const html = await render("/organisations?sort=-name", filters);
    expect(html).not.toContain("Clear filters");
  });
});

describe("AsAtForm", () => {
  const boxes = (html: string) =>
    Object.fromEntries([...html.matchAll(/<input[^>]*name="(asAt-(?:day|month|year))"[^>]*value="([^"]*)"/g)].map((m) => [m[1], m[2]]));

  it("asks for a date in the NHS date input, showing the one in the URL, and keeps the other params except the page", async () => {
    const html = await render(
      "/organisations?asAt=2025-01-31&locality=North&page=2",
      <AsAtForm defaultValue="2025-03-31" max="2025-03-31" />,
    );
    expect(html).toMatch(/<form method="get"/);
    expect(html).toMatch(/<legend class="nhsuk-fieldset__legend">As at<\/legend>/);
    expect(html).toContain("Figures as they stood at the end of this day, up to 31 March 2025. For example, 31 3 2025");
    expect(boxes(html)).toEqual({ "asAt-day": "31", "asAt-month": "1", "asAt-year": "2025" });
    expect(html).not.toContain('type="date"');
    expect(hiddenInputs(html)).toEqual(["locality=North"]);
    expect(html).toMatch(/<button[^>]*>Show<\/button>/);
  });

  it("falls back to the reporting date", async () => {
    const html = await render("/organisations", <AsAtForm defaultValue="2025-03-31" />);
    expect(boxes(html)).toEqual({ "asAt-day": "31", "asAt-month": "3", "asAt-year": "2025" });
  });

  it("shows a refused date as it was typed, and does not carry the boxes as hidden inputs", async () => {
    const html = await render("/organisations?asAt-day=31&asAt-month=&asAt-year=2025&sort=name", <AsAtForm defaultValue="2025-03-31" />, () => ({ asAtError: "The as-at date must include a month" }));
    expect(boxes(html)).toEqual({ "asAt-day": "31", "asAt-month": "", "asAt-year": "2025" });
    expect(hiddenInputs(html)).toEqual(["sort=name"]);
    // The page's as-at error, from its loader, is shown at the field with the empty box marked.
    expect(html).toContain('<span class="nhsuk-error-message" id="asAt-error">');
    expect(html).toContain("The as-at date must include a month");
    expect(html).toMatch(/<input class="[^"]*nhsuk-input--error"[^>]*id="asAt-month"/);
  });
});

describe("FilterSelect", () => {
  const options = [
    { value: "North", label: "North" },
    { value: "South", label: "South" },
  ];

  it("shows the URL's choice for its parameter, with an 'any' choice first", async () => {
    const html = await render("/organisations?locality=South", <FilterSelect name="locality" label="Locality" emptyOption="Any locality" options={options} />);
    expect(html).toContain('id="filter-locality"');
    expect(html).toContain('name="locality"');
    expect(html).toMatch(/<option value="">Any locality<\/option>/);
    expect(html).toMatch(/<option value="South" selected="">South<\/option>/);
  });

  it("prefers the value the page parsed over the raw URL", async () => {
    const html = await render("/organisations?locality=Nowhere", <FilterSelect name="locality" label="Locality" emptyOption="Any" value="" options={options} />);
    expect(html).toMatch(/<option value="" selected="">Any<\/option>/);
    expect(html).not.toMatch(/value="(North|South)" selected/);
  });
});
