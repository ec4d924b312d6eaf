import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <RemixBrowser />
    </StrictMode>,
  );
});

// nhsuk-frontend's behaviour (header "More" menu, details polyfills); once per page load.
import("nhsuk-frontend").then((nhsuk) => nhsuk.initAll()).catch(() => {});
