import { createContext, useContext, useEffect, useState, type ComponentType } from "react";

// Charts are drawn with recharts on the server and sent as SVG markup; the browser does not need
// recharts to show them. It loads the drawing code (its own chunk, not part of any page's first
// load) only to draw a chart live: when someone points at or focuses a chart (tooltips), or when a
// chart arrives by client-side navigation, with no server markup on the page.

export type ChartKind = "line" | "bar" | "small-multiples";
/** Which drawing and its props (the figure component's own props). */
export type ChartDrawing = { kind: ChartKind; props: object };

/** Loads the recharts drawing component of a kind (a separate chunk in the browser). */
export function loadDrawing(kind: ChartKind): Promise<ComponentType<object>> {
  switch (kind) {
    case "line":
      return import("./line-chart-drawing").then((m) => m.LineChartDrawing as ComponentType<object>);
    case "bar":
      return import("./bar-chart-drawing").then((m) => m.BarChartDrawing as ComponentType<object>);
    case "small-multiples":
      return import("./small-multiples-drawing").then((m) => m.SmallMultiplesDrawing as ComponentType<object>);
  }
}

/**
 * Draws a chart to SVG markup on the server, kept between requests (app/lib/chart-markup.server.tsx).
 * Provided by entry.server.tsx only: in the browser there is none.
 */
export type ChartMarkupRenderer = (key: string, drawing: ChartDrawing) => string;
export const ChartMarkupContext = createContext<ChartMarkupRenderer | null>(null);

/**
 * A chart drawn once on the server per set of figures and sent as kept SVG markup (recharts took a
 * quarter of the dashboard's server time on every request, and is 109 KiB of JavaScript). In the
 * browser the page keeps the markup the server sent and draws live only when asked (see above).
 */
export function KeptChart({ domId, cacheKey, drawing }: { domId: string; cacheKey: string; drawing: ChartDrawing }) {
  const render = useContext(ChartMarkupContext);
  const [Live, setLive] = useState<{ Drawing: ComponentType<object> } | null>(null);
  // In the browser with no server markup for this chart (client-side navigation): draw it now.
  const [needsDrawing] = useState(() => typeof document !== "undefined" && !document.getElementById(domId));
  const drawLive = () => {
    if (!Live) void loadDrawing(drawing.kind).then((Drawing) => setLive({ Drawing }));
  };
  useEffect(() => {
    if (needsDrawing) drawLive();
    // Only once, on mount: later figures re-render the live drawing through its props.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  if (Live) {
    return (
      <div id={domId} className="sb-chart__drawing">
        <Live.Drawing {...drawing.props} />
      </div>
    );
  }
  if (needsDrawing) {
    return (
      <div id={domId} className="sb-chart__drawing">
        <p className="nhsuk-body-s nhsuk-u-secondary-text-colour">Drawing the chart…</p>
      </div>
    );
  }
  if (!render && typeof document === "undefined") throw new Error("A chart rendered on the server needs the ChartMarkupContext renderer (entry.server.tsx provides it).");
  // On the server, the kept markup; while hydrating, the markup the server sent, kept as it is.
  const html = render ? render(cacheKey, drawing) : document.getElementById(domId)?.innerHTML ?? "";
  return <div id={domId} className="sb-chart__drawing" onPointerEnter={drawLive} onFocus={drawLive} dangerouslySetInnerHTML={{ __html: html }} />;
}
