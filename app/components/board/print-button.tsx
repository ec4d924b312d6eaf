import { useEffect, useState } from "react";

/** Opens the browser's print dialog (where "Save as PDF" is). Shown only once JavaScript is running, since it needs it. */
export function PrintButton({ children = "Print or save as PDF" }: { children?: string }) {
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  if (!ready) return <p className="sb-no-print">Use your browser's Print command to print this board pack or save it as a PDF.</p>;
  return (
    <button type="button" className="nhsuk-button nhsuk-button--secondary sb-no-print" data-module="nhsuk-button" onClick={() => window.print()}>
      {children}
    </button>
  );
}
