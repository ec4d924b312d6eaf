/**
 * React components for the NHS.UK design system, written from the
 * nhsuk-frontend 10.x Nunjucks templates. All are server-renderable.
 */
export * from "./utils";
export * from "./Icon";
export * from "./SkipLink";
export * from "./Header";
export * from "./Footer";
export * from "./BackLink";
export * from "./Breadcrumb";
export * from "./ErrorSummary";
export * from "./ErrorMessage";
export * from "./Hint";
export * from "./Label";
export * from "./Legend";
export * from "./Fieldset";
export * from "./TextInput";
export * from "./DateInput";
export * from "./Textarea";
export * from "./Select";
export * from "./Radios"; // and Checkboxes
export * from "./FileUpload";
export * from "./Button";
export * from "./ButtonGroup";
export * from "./Tag";
export * from "./SummaryList";
export * from "./Table";
export * from "./Card";
export * from "./CardGroup";
export * from "./Panel";
export * from "./InsetText";
export * from "./WarningCallout";
export * from "./Details";
export * from "./NotificationBanner";
export * from "./Pagination";
export * from "./Heading";
