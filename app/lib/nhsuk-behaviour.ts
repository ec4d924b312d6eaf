import { Button, Checkboxes, ErrorSummary, FileUpload, Header, InitError, NotificationBanner, Radios, Scroll, SkipLink, createAll } from "nhsuk-frontend";

// nhsuk-frontend's scripts for the components ShareBoard draws, and only those: its initAll()
// starts all fourteen, which put character counts, tabs, code blocks, password inputs and tables
// we never render (about 5 KiB gzipped) on every page. A unit test checks this list against the
// data-module attributes in app/components.

export const NHS_FRONTEND_COMPONENTS = [Button, Checkboxes, ErrorSummary, FileUpload, Header, NotificationBanner, Radios, Scroll, SkipLink] as const;

/** Starts each listed component on the elements that carry its data-module attribute. */
export function startNhsFrontend() {
  for (const Component of NHS_FRONTEND_COMPONENTS) createAll(Component);
}

/**
 * Starts the header's script on a header drawn since the page loaded: signing in draws the header
 * again with the person's links, which the script must fit (moving the rest into "More").
 */
export function startNhsHeader() {
  createAll(Header, undefined, {
    onError(error) {
      // Already started: nothing to do. Anything else is reported as createAll reports it.
      if (!(error instanceof InitError)) console.log(error);
    },
  });
}
