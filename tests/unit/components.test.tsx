import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import type { ReactElement } from "react";
import {
  BackLink,
  Breadcrumb,
  Button,
  ButtonGroup,
  Card,
  Checkboxes,
  DateInput,
  MonthInput,
  Details,
  ErrorMessage,
  ErrorSummary,
  Fieldset,
  FileUpload,
  Footer,
  Header,
  Heading,
  InsetText,
  NotificationBanner,
  Pagination,
  Panel,
  Radios,
  Select,
  SkipLink,
  SummaryList,
  Table,
  Tag,
  Textarea,
  TextInput,
  WarningCallout,
  errorSummaryItems,
} from "~/components/nhs";

const html = (element: ReactElement) => renderToStaticMarkup(element);

/** Parse `<tag ...attrs>` for the first element matching a predicate on its raw opening tag. */
function openingTag(markup: string, contains: string): string {
  const match = markup.match(new RegExp(`<[a-z0-9]+[^>]*${contains.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[^>]*>`, "i"));
  if (!match) throw new Error(`No element containing ${contains} in ${markup}`);
  return match[0];
}

describe("SkipLink", () => {
  it("links to #maincontent", () => {
    expect(html(<SkipLink />)).toBe(
      '<a class="nhsuk-skip-link" data-module="nhsuk-skip-link" href="#maincontent">Skip to main content</a>',
    );
  });
});

describe("Header", () => {
  const navigation = [
    { href: "/", text: "Dashboard" },
    { href: "/sites", text: "Sites", current: true },
    { href: "/reports", text: "Reports" },
  ];

  it("renders v10 header with combined logo and service name link", () => {
    const out = html(<Header serviceName="ShareBoard" serviceHref="/" navigation={navigation} />);
    expect(out).toContain('<header class="nhsuk-header" data-module="nhsuk-header" role="banner">');
    expect(out).toContain('<div class="nhsuk-header__container nhsuk-width-container"><div class="nhsuk-header__service">');
    expect(out).toContain('<a class="nhsuk-header__service-logo" href="/" aria-label="NHS ShareBoard homepage">');
    expect(out).toContain('<span class="nhsuk-header__service-name">ShareBoard</span>');
    expect(out).toContain('class="nhsuk-header__logo"');
  });

  it("renders separate logo and service links when hrefs differ", () => {
    const out = html(<Header serviceName="ShareBoard" serviceHref="/dashboard" homeHref="https://www.nhs.uk" />);
    expect(out).toContain('<a class="nhsuk-header__service-logo" href="https://www.nhs.uk" aria-label="NHS homepage">');
    expect(out).toContain('<a class="nhsuk-header__service-name" href="/dashboard">ShareBoard</a>');
  });

  it("renders the navigation list with aria-current on the current item only", () => {
    const out = html(<Header serviceName="ShareBoard" serviceHref="/" navigation={navigation} />);
    expect(out).toContain('<nav class="nhsuk-header__navigation" aria-label="Menu">');
    expect(out).toContain('<ul class="nhsuk-header__navigation-list">');
    expect(out).toContain(
      '<li class="nhsuk-header__navigation-item nhsuk-header__navigation-item--current"><a class="nhsuk-header__navigation-link" href="/sites" aria-current="page"><strong class="nhsuk-header__navigation-item-current-fallback">Sites</strong></a></li>',
    );
    expect(out).toContain('<li class="nhsuk-header__navigation-item"><a class="nhsuk-header__navigation-link" href="/reports">Reports</a></li>');
    expect(out.match(/aria-current/g)).toHaveLength(1);
    // The "More" menu item nhsuk-frontend's script needs, hidden until it is enhanced.
    expect(out).toContain('<li class="nhsuk-header__menu" hidden="">');
    expect(out).toContain('class="nhsuk-header__menu-toggle nhsuk-header__navigation-link"');
  });

  it("marks a section item as active with aria-current=true", () => {
    const out = html(<Header serviceName="S" navigation={[{ href: "/sites", text: "Sites", active: true }]} />);
    expect(out).toContain('aria-current="true"');
  });

  it("renders the account area with the user's name and a Sign out link", () => {
    const out = html(
      <Header serviceName="ShareBoard" serviceHref="/" navigation={navigation} account={{ name: "Florence Nightingale" }} />,
    );
    expect(out).toContain('<nav class="nhsuk-header__account" aria-label="Account"><ul class="nhsuk-header__account-list">');
    expect(out).toMatch(/<li class="nhsuk-header__account-item"><svg class="nhsuk-icon nhsuk-icon--user"[^>]*aria-hidden="true">.*?<\/svg>Florence Nightingale<\/li>/);
    expect(out).toContain('<li class="nhsuk-header__account-item"><a class="nhsuk-header__account-link" href="/logout">Sign out</a></li>');
  });

  it("can render sign out as a POST form button", () => {
    const out = html(<Header serviceName="S" account={{ name: "A", signOut: { action: "/logout" } }} />);
    expect(out).toContain(
      '<form class="nhsuk-header__account-form" action="/logout" method="post" novalidate=""><button class="nhsuk-header__account-button">Sign out</button></form>',
    );
  });

  it("omits the navigation and account when signed out", () => {
    const out = html(<Header serviceName="ShareBoard" serviceHref="/" navigation={[]} />);
    expect(out).not.toContain("nhsuk-header__navigation");
    expect(out).not.toContain("nhsuk-header__menu");
    expect(out).not.toContain("nhsuk-header__account");
  });
});

describe("Footer", () => {
  it("renders links, meta text and copyright", () => {
    const out = html(
      <Footer links={[{ href: "/accessibility", text: "Accessibility statement" }]} meta="Built by the partnership" copyright="© ShareBoard" />,
    );
    expect(out).toContain('<footer class="nhsuk-footer" role="contentinfo"><div class="nhsuk-width-container"><div class="nhsuk-footer__meta">');
    expect(out).toContain('<h2 class="nhsuk-u-visually-hidden">Support links</h2>');
    expect(out).toContain(
      '<li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="/accessibility">Accessibility statement</a></li>',
    );
    expect(out).toContain('<p class="nhsuk-body-s">Built by the partnership</p>');
    expect(out).toContain('<p class="nhsuk-body-s">© ShareBoard</p>');
  });
});

describe("Breadcrumb and BackLink", () => {
  it("renders the breadcrumb list and a back link to the last item", () => {
    const out = html(
      <Breadcrumb
        items={[
          { href: "/", text: "Home" },
          { href: "/sites", text: "Sites" },
        ]}
      />,
    );
    expect(out).toContain('<nav class="nhsuk-breadcrumb" aria-label="Breadcrumb"><ol class="nhsuk-breadcrumb__list">');
    expect(out).toContain('<li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href="/sites">Sites</a></li>');
    expect(out).toContain('<a class="nhsuk-back-link" href="/sites"><span class="nhsuk-u-visually-hidden">Back to </span>Sites</a>');
  });

  it("renders a back link", () => {
    expect(html(<BackLink href="/sites" />)).toBe('<a class="nhsuk-back-link" href="/sites">Back</a>');
  });
});

describe("ErrorSummary", () => {
  it("renders nothing when there are no errors", () => {
    expect(html(<ErrorSummary errors={{}} />)).toBe("");
    expect(html(<ErrorSummary errors={{ name: undefined, email: [] }} />)).toBe("");
    expect(html(<ErrorSummary errors={[]} />)).toBe("");
    expect(html(<ErrorSummary errors={undefined} />)).toBe("");
  });

  it("links each error to its field id", () => {
    const out = html(<ErrorSummary errors={{ name: "Enter a name", "go-live": ["Enter a date", "Second"], email: undefined }} />);
    expect(out).toContain('class="nhsuk-error-summary"');
    expect(out).toContain('tabindex="-1"');
    expect(out).toContain('data-module="nhsuk-error-summary"');
    expect(out).toContain('<div role="alert"><h2 class="nhsuk-error-summary__heading">There is a problem</h2>');
    expect(out).toContain('<ul class="nhsuk-list nhsuk-error-summary__list">');
    expect(out).toContain('<li><a href="#name">Enter a name</a></li>');
    expect(out).toContain('<li><a href="#go-live">Enter a date</a></li>');
    expect(out).not.toContain("Second");
    expect(out).not.toContain("#email");
  });

  it("accepts a list of items and a custom title, and leaves _form errors unlinked", () => {
    const out = html(<ErrorSummary title="Fix these" errors={[{ href: "#site", text: "Choose a site" }]} />);
    expect(out).toContain('<h2 class="nhsuk-error-summary__heading">Fix these</h2>');
    expect(out).toContain('<li><a href="#site">Choose a site</a></li>');
    expect(errorSummaryItems({ _form: "Email or password is wrong" })).toEqual([{ href: undefined, text: "Email or password is wrong" }]);
  });
});

describe("form fields", () => {
  it("TextInput renders label, hint, error with prefix and error classes", () => {
    const out = html(<TextInput id="name" name="name" label="Site name" hint="As it appears on ODS" error="Enter a site name" defaultValue="x" width={20} />);
    expect(out).toContain('<div class="nhsuk-form-group nhsuk-form-group--error">');
    expect(out).toContain('<label class="nhsuk-label" for="name">Site name</label>');
    expect(out).toContain('<div class="nhsuk-hint" id="name-hint">As it appears on ODS</div>');
    expect(out).toContain(
      '<span class="nhsuk-error-message" id="name-error"><span class="nhsuk-u-visually-hidden">Error: </span>Enter a site name</span>',
    );
    const input = openingTag(out, 'id="name"');
    expect(input).toContain('class="nhsuk-input nhsuk-input--error nhsuk-input--width-20"');
    expect(input).toContain('aria-describedby="name-hint name-error"');
    expect(input).toContain('type="text"');
    expect(input).toContain('value="x"');
  });

  it("TextInput without error has no error classes or describedby", () => {
    const out = html(<TextInput id="email" name="email" label="Email" type="email" autoComplete="email" />);
    expect(out).not.toContain("error");
    expect(out).toContain('<input class="nhsuk-input" id="email" name="email" type="email" autoComplete="email"/>');
  });

  it("Label can be the page heading", () => {
    const out = html(<TextInput id="q" name="q" label="What is the site called?" labelSize="l" isPageHeading />);
    expect(out).toContain('<h1 class="nhsuk-label-wrapper"><label class="nhsuk-label nhsuk-label--l" for="q">');
  });

  it("Textarea and Select show error classes on the control", () => {
    const textarea = html(<Textarea id="notes" name="notes" label="Notes" error={["Too long"]} />);
    expect(textarea).toContain('class="nhsuk-textarea nhsuk-textarea--error"');
    expect(textarea).toContain('rows="5"');
    expect(textarea).toContain('<span class="nhsuk-u-visually-hidden">Error: </span>Too long');

    const select = html(
      <Select
        id="region"
        name="region"
        label="Region"
        error="Choose a region"
        emptyOption="Choose a region"
        defaultValue="north"
        options={[
          { value: "north", label: "North" },
          { value: "south", label: "South" },
        ]}
      />,
    );
    expect(select).toContain('<div class="nhsuk-form-group nhsuk-form-group--error">');
    expect(select).toContain('class="nhsuk-select nhsuk-select--error"');
    expect(select).toContain('<option value="">Choose a region</option>');
    expect(select).toContain('<option value="north" selected="">North</option>');
  });

  it("Radios render a fieldset with legend, ids for the error summary, and inline option", () => {
    const out = html(
      <Radios
        id="status"
        name="status"
        label="Status"
        hint="Select one"
        error="Select a status"
        inline
        defaultValue="live"
        items={[
          { value: "planned", label: "Planned" },
          { value: "live", label: "Live", hint: "Sharing records" },
        ]}
      />,
    );
    expect(out).toContain('<div class="nhsuk-form-group nhsuk-form-group--error"><fieldset class="nhsuk-fieldset" aria-describedby="status-hint status-error">');
    expect(out).toContain('<legend class="nhsuk-fieldset__legend">Status</legend>');
    expect(out).toContain('<div class="nhsuk-radios nhsuk-radios--inline" data-module="nhsuk-radios">');
    expect(out).toContain('<input class="nhsuk-radios__input" id="status" name="status" type="radio" value="planned"/>');
    expect(openingTag(out, 'id="status-2"')).toContain('checked=""');
    expect(openingTag(out, 'id="status-2"')).toContain('aria-describedby="status-2-item-hint"');
    expect(out).toContain('<label class="nhsuk-label nhsuk-radios__label" for="status-2">Live</label>');
    expect(out).toContain('<div class="nhsuk-hint nhsuk-radios__hint" id="status-2-item-hint">Sharing records</div>');
    expect(out).toContain('<span class="nhsuk-u-visually-hidden">Error: </span>Select a status');
  });

  it("Checkboxes check defaults and use the legend size", () => {
    const out = html(
      <Checkboxes
        id="orgs"
        name="orgs"
        label="Organisations"
        legendSize="m"
        defaultValue={["gp"]}
        items={[
          { value: "gp", label: "GP practice" },
          { value: "la", label: "Local authority" },
        ]}
      />,
    );
    expect(out).toContain('<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">Organisations</legend>');
    expect(out).toContain('<div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes">');
    expect(openingTag(out, 'id="orgs"')).toContain('checked=""');
    expect(openingTag(out, 'id="orgs-2"')).not.toContain("checked");
    expect(out).toContain('<label class="nhsuk-label nhsuk-checkboxes__label" for="orgs-2">Local authority</label>');
  });

  it("DateInput is the NHS date input: a fieldset with day, month and year boxes", () => {
    const out = html(<DateInput id="go-live" name="goLive" label="Go-live date" hint="For example, 1 4 2025" defaultValue="2025-04-01" />);
    expect(out).not.toContain('type="date"');
    expect(openingTag(out, 'class="nhsuk-fieldset"')).toContain('aria-describedby="go-live-hint"');
    expect(out).toContain('<legend class="nhsuk-fieldset__legend">Go-live date</legend>');
    expect(openingTag(out, 'class="nhsuk-date-input"')).toContain('id="go-live"');
    const day = openingTag(out, 'id="go-live-day"');
    expect(day).toContain('name="goLive-day"');
    expect(day).toContain('inputMode="numeric"');
    expect(day).toContain('class="nhsuk-input nhsuk-date-input__input nhsuk-input--width-2"');
    expect(day).toContain('value="1"');
    expect(openingTag(out, 'id="go-live-month"')).toContain('value="4"');
    const year = openingTag(out, 'id="go-live-year"');
    expect(year).toContain('class="nhsuk-input nhsuk-date-input__input nhsuk-input--width-4"');
    expect(year).toContain('value="2025"');
    expect(out).toContain('<label class="nhsuk-label nhsuk-date-input__label" for="go-live-month">Month</label>');
  });

  it("DateInput marks only the missing box when a date is incomplete, and all three when it is not real", () => {
    const missing = html(<DateInput id="d" name="d" label="Date" defaultValue="2016--31" error="Date must include a month" />);
    expect(missing).toContain('<div class="nhsuk-form-group nhsuk-form-group--error">');
    expect(missing).toContain("Date must include a month");
    expect(openingTag(missing, 'id="d-month"')).toContain("nhsuk-input--error");
    expect(openingTag(missing, 'id="d-day"')).not.toContain("nhsuk-input--error");
    expect(openingTag(missing, 'id="d-day"')).toContain('value="31"');
    const unreal = html(<DateInput id="d" name="d" label="Date" defaultValue="2016-2-31" error="Date must be a real date" />);
    for (const part of ["day", "month", "year"]) expect(openingTag(unreal, `id="d-${part}"`)).toContain("nhsuk-input--error");
    const shortYear = html(<DateInput id="d" name="d" label="Date" defaultValue="16-10-31" error="Year must include 4 numbers" />);
    expect(openingTag(shortYear, 'id="d-year"')).toContain("nhsuk-input--error");
    expect(openingTag(shortYear, 'id="d-day"')).not.toContain("nhsuk-input--error");
  });

  it("MonthInput is the NHS date input with month and year boxes only, marking the box that is missing", () => {
    const out = html(<MonthInput id="month" name="month" label="Month" hint="For example, 10 2016" defaultValue="2016-07" />);
    expect(out).not.toContain('id="month-day"');
    expect(openingTag(out, 'class="nhsuk-date-input"')).toContain('data-date-input="month"');
    const month = openingTag(out, 'id="month-month"');
    expect(month).toContain('name="month-month"');
    expect(month).toContain('value="7"');
    expect(openingTag(out, 'id="month-year"')).toContain('value="2016"');
    const missing = html(<MonthInput id="m" name="m" label="Month" defaultValue="2016-" error="The month must include a month" />);
    expect(openingTag(missing, 'id="m-month"')).toContain("nhsuk-input--error");
    expect(openingTag(missing, 'id="m-year"')).not.toContain("nhsuk-input--error");
    const unreal = html(<MonthInput id="m" name="m" label="Month" defaultValue="2016-13" error="The month must be a real month" />);
    for (const part of ["month", "year"]) expect(openingTag(unreal, `id="m-${part}"`)).toContain("nhsuk-input--error");
  });

  it("FileUpload uses v10 file upload classes", () => {
    const out = html(<FileUpload id="csv" name="csv" label="CSV file" error="Choose a CSV file" accept=".csv" />);
    expect(out).toContain('<div class="nhsuk-form-group nhsuk-form-group--error nhsuk-file-upload">');
    const input = openingTag(out, 'id="csv"');
    expect(input).toContain('class="nhsuk-file-upload__input"');
    expect(input).toContain('type="file"');
    expect(input).toContain('aria-describedby="csv-error"');
  });

  it("Fieldset renders a page heading legend", () => {
    const out = html(
      <Fieldset legend="Contact details" legendSize="l" isPageHeading>
        <p>x</p>
      </Fieldset>,
    );
    expect(out).toBe(
      '<fieldset class="nhsuk-fieldset"><legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--l"><h1 class="nhsuk-fieldset__heading">Contact details</h1></legend><p>x</p></fieldset>',
    );
  });

  it("ErrorMessage has the visually hidden prefix", () => {
    expect(html(<ErrorMessage id="x-error">Bad</ErrorMessage>)).toBe(
      '<span class="nhsuk-error-message" id="x-error"><span class="nhsuk-u-visually-hidden">Error: </span>Bad</span>',
    );
  });
});

describe("Button", () => {
  it("renders a submit button with variant classes", () => {
    expect(html(<Button>Save</Button>)).toBe('<button class="nhsuk-button" data-module="nhsuk-button" type="submit">Save</button>');
    expect(html(<Button variant="secondary">Cancel</Button>)).toContain('class="nhsuk-button nhsuk-button--secondary"');
    expect(html(<Button variant="reverse">R</Button>)).toContain('class="nhsuk-button nhsuk-button--reverse"');
    expect(html(<Button variant="warning" type="button">Delete</Button>)).toContain(
      '<button class="nhsuk-button nhsuk-button--warning" data-module="nhsuk-button" type="button">',
    );
  });

  it("renders a link button when href is given", () => {
    expect(html(<Button href="/sites/new">Add a site</Button>)).toBe(
      '<a class="nhsuk-button" data-module="nhsuk-button" role="button" draggable="false" href="/sites/new">Add a site</a>',
    );
  });

  it("groups buttons", () => {
    expect(
      html(
        <ButtonGroup>
          <Button>Save</Button>
        </ButtonGroup>,
      ),
    ).toMatch(/^<div class="nhsuk-button-group"><button/);
  });
});

describe("Tag", () => {
  it("maps colour to the modifier class", () => {
    expect(html(<Tag color="green">Live</Tag>)).toBe('<strong class="nhsuk-tag nhsuk-tag--green">Live</strong>');
    expect(html(<Tag color="aqua-green">A</Tag>)).toContain("nhsuk-tag--aqua-green");
    expect(html(<Tag>Default</Tag>)).toBe('<strong class="nhsuk-tag">Default</strong>');
    expect(html(<Tag color="red" className="extra">X</Tag>)).toContain('class="nhsuk-tag nhsuk-tag--red extra"');
  });
});

describe("SummaryList", () => {
  it("renders rows with actions and visually hidden action context", () => {
    const out = html(
      <SummaryList
        rows={[
          { key: "Name", value: "Leeds GP", actions: [{ href: "/edit#name", text: "Change", visuallyHiddenText: "name" }] },
          { key: "Status", value: <Tag color="green">Live</Tag> },
        ]}
      />,
    );
    expect(out).toContain('<dl class="nhsuk-summary-list">');
    expect(out).toContain(
      '<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Name</dt><dd class="nhsuk-summary-list__value">Leeds GP</dd><dd class="nhsuk-summary-list__actions"><a class="nhsuk-link" href="/edit#name">Change<span class="nhsuk-u-visually-hidden"> name</span></a></dd></div>',
    );
    expect(out).toContain('<div class="nhsuk-summary-list__row nhsuk-summary-list__row--no-actions">');
  });
});

describe("Table", () => {
  it("renders caption, head, rows and numeric alignment", () => {
    const out = html(
      <Table
        caption="Sites by region"
        captionSize="m"
        head={["Region", "Sites"]}
        rows={[
          ["North", 12],
          ["South", { content: 3 }],
        ]}
        numericColumns={[1]}
        firstCellIsHeader
        responsive={false}
      />,
    );
    expect(out).toContain('<table class="nhsuk-table"><caption class="nhsuk-table__caption nhsuk-table__caption--m">Sites by region</caption>');
    expect(out).toContain('<thead class="nhsuk-table__head"><tr class="nhsuk-table__row"><th class="nhsuk-table__header" scope="col">Region</th>');
    expect(out).toContain('<th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col">Sites</th>');
    expect(out).toContain('<th class="nhsuk-table__header" scope="row">North</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">12</td>');
    expect(out).toContain('<td class="nhsuk-table__cell nhsuk-table__cell--numeric">3</td>');
  });

  it("is responsive by default: roles and cell headings, so rows stack on a phone", () => {
    const out = html(<Table head={["Region"]} rows={[["North"]]} />);
    expect(out).toContain('<table class="nhsuk-table nhsuk-table--responsive" role="table">');
    expect(out).toContain('<th class="nhsuk-table__header" scope="col" role="columnheader">Region</th>');
    expect(out).toContain('<td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Region </span>North</td>');
  });
});

describe("content components", () => {
  it("Card with href is clickable and links the heading", () => {
    const out = html(<Card heading="Sites" href="/sites" description="All sites" />);
    expect(out).toBe(
      '<div class="nhsuk-card nhsuk-card--clickable"><div class="nhsuk-card__content"><h2 class="nhsuk-card__heading"><a class="nhsuk-card__link" href="/sites">Sites</a></h2><p class="nhsuk-card__description">All sites</p></div></div>',
    );
  });

  it("Card feature and primary variants", () => {
    expect(html(<Card variant="feature" heading="F">x</Card>)).toContain('class="nhsuk-card nhsuk-card--feature"');
    const primary = html(<Card variant="primary" heading="P" href="/p" />);
    expect(primary).toContain('class="nhsuk-card nhsuk-card--clickable nhsuk-card--primary"');
    expect(primary).toContain("nhsuk-icon--chevron-right-circle");
  });

  it("WarningCallout is a warning card with an Important prefix", () => {
    const out = html(<WarningCallout heading="Data is provisional">Figures may change.</WarningCallout>);
    expect(out).toContain('class="nhsuk-card nhsuk-card--warning"');
    expect(out).toContain(
      '<h3 class="nhsuk-card__heading"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>Data is provisional</span></h3>',
    );
    expect(out).toContain('<p class="nhsuk-card__description">Figures may change.</p>');
  });

  it("InsetText, Panel and Details", () => {
    expect(html(<InsetText>Note</InsetText>)).toBe(
      '<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span><p>Note</p></div>',
    );
    expect(html(<Panel heading="Import complete">12 rows</Panel>)).toBe(
      '<div class="nhsuk-panel"><h1 class="nhsuk-panel__heading">Import complete</h1><div class="nhsuk-panel__body">12 rows</div></div>',
    );
    expect(html(<Details summary="Help">Text</Details>)).toBe(
      '<details class="nhsuk-details"><summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Help</span></summary><div class="nhsuk-details__text">Text</div></details>',
    );
  });

  it("NotificationBanner success has role=alert and a labelled title", () => {
    const out = html(<NotificationBanner variant="success">Site saved</NotificationBanner>);
    const root = openingTag(out, "nhsuk-notification-banner nhsuk-notification-banner--success");
    expect(root).toContain('role="alert"');
    const labelledBy = root.match(/aria-labelledby="([^"]+)"/)?.[1];
    expect(labelledBy).toBeTruthy();
    expect(out).toContain(`<h2 class="nhsuk-notification-banner__title" id="${labelledBy}">Success</h2>`);
    expect(out).toContain('<p class="nhsuk-notification-banner__heading">Site saved</p>');
    expect(html(<NotificationBanner>Info</NotificationBanner>)).toContain('role="region"');
  });

  it("Pagination renders previous/next links with page labels", () => {
    const out = html(<Pagination previous={{ href: "?page=1", label: "1 of 3" }} next={{ href: "?page=3", label: "3 of 3" }} />);
    expect(out).toContain('<nav class="nhsuk-pagination" role="navigation" aria-label="Pagination"><ul class="nhsuk-list nhsuk-pagination__list">');
    expect(out).toContain(
      '<a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href="?page=1" rel="prev"><span class="nhsuk-pagination__title">Previous<span class="nhsuk-u-visually-hidden"> page</span></span><span class="nhsuk-u-visually-hidden">:</span><span class="nhsuk-pagination__page">1 of 3</span>',
    );
    expect(out).toContain('class="nhsuk-pagination__link nhsuk-pagination__link--next" href="?page=3" rel="next"');
    expect(html(<Pagination />)).toBe("");
  });

  it("numbered Pagination marks the current page", () => {
    const out = html(
      <Pagination
        items={[
          { number: 1, href: "?page=1" },
          { number: 2, href: "?page=2", current: true },
        ]}
        previous={{ href: "?page=1" }}
      />,
    );
    expect(out).toContain('class="nhsuk-pagination nhsuk-pagination--numbered"');
    expect(out).toContain('<li class="nhsuk-pagination__item nhsuk-pagination__item--current"><a class="nhsuk-pagination__link" href="?page=2" aria-label="Page 2" aria-current="page">2</a></li>');
  });

  it("Heading with caption", () => {
    expect(html(<Heading size="l" caption="Sites">Leeds GP</Heading>)).toBe(
      '<h1 class="nhsuk-heading-l"><span class="nhsuk-caption-l">Sites</span>Leeds GP</h1>',
    );
  });
});
