import { createContext, useContext, useLayoutEffect, useEffect, useState, type ReactElement } from "react";

/**
 * Turns a chart element into its SVG markup, kept between requests (app/lib/chart-markup.server.tsx).
 * Provided by entry.server.tsx only: in the browser there is none.
 */
export type ChartMarkupRenderer = (key: string, chart: ReactElement) => string;
export const ChartMarkupContext = createContext<ChartMarkupRenderer | null>(null);

const useIsomorphicLayoutEffect = typeof document === "undefined" ? useEffect : useLayoutEffect;

/**
 * A chart drawn once on the server per set of figures and sent as kept SVG markup (recharts took a
 * quarter of the dashboard's server time on every request). In the browser the page first keeps
 * the markup the server sent, then draws the live chart (tooltips) before the first paint after
 * hydration; a chart that arrives by client-side navigation is drawn live at once.
 */
export function KeptChart({ domId, cacheKey, chart }: { domId: string; cacheKey: string; chart: ReactElement }) {
  const render = useContext(ChartMarkupContext);
  // Drawn live at once: on a server with no markup cache (a test rendering one component), or in the
  // browser when the server's markup is not on the page (client-side navigation).
  const [live, setLive] = useState(() => (typeof document === "undefined" ? !render : !document.getElementById(domId)));
  useIsomorphicLayoutEffect(() => setLive(true), []);
  if (live) return <div id={domId} className="sb-chart__drawing">{chart}</div>;
  const html = render ? render(cacheKey, chart) : (typeof document !== "undefined" && document.getElementById(domId)?.innerHTML) || "";
  return <div id={domId} className="sb-chart__drawing" dangerouslySetInnerHTML={{ __html: html }} />;
}
