import { BarChartFigure, LineChartFigure } from "~/components/charts";
import { formatDate, formatMonth } from "~/lib/dates";
import type { BoardCharts as BoardChartsData } from "~/models/dashboard.server";

const formatRate = (v: number) => `${(Math.round(v * 10) / 10).toLocaleString("en-GB")}%`;

/** The board's three charts (figures also as tables): services live against milestones, opt-in, pipeline by stage. */
export function BoardCharts({ charts, asAt, scope, width = 800, headingLevel = 3 }: { charts: BoardChartsData; asAt: string; scope: string; width?: number; headingLevel?: 2 | 3 }) {
  const H = headingLevel === 2 ? "h2" : "h3";
  const inRange = (month: string) => charts.servicesLive.some((d) => d.month === month);
  const markers = charts.milestones.filter((m) => inRange(m.month)).map((m) => ({ x: m.month, y: m.target, label: `Target ${m.target}` }));
  const ahead = charts.milestones.filter((m) => !inRange(m.month) && m.dueOn > asAt);
  return (
    <div className="sb-board-charts">
      <section className="sb-board-chart" aria-labelledby="chart-services-heading">
        <H id="chart-services-heading">Services live over time</H>
        <LineChartFigure
          id="board-services-live"
          caption={`Services with the detailed care record live by month: ${scope}`}
          description={`Count at the end of each month (the last month up to ${formatDate(asAt)}), with the milestone targets.`}
          data={charts.servicesLive}
          xKey="month"
          xLabel="Month"
          series={[{ key: "servicesLive", name: "Services live" }]}
          yLabel="Services"
          formatX={(m) => formatMonth(String(m))}
          markers={markers}
          width={width}
        />
        {ahead.length ? (
          <ul>
            {ahead.map((m) => (
              <li key={m.title}>
                Next milestone (partnership-wide): {m.title}, {m.target} by {formatDate(m.dueOn)}.
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <section className="sb-board-chart" aria-labelledby="chart-opt-in-heading">
        <H id="chart-opt-in-heading">Opt-in rate over time</H>
        {charts.optIn.length ? (
          <LineChartFigure
            id="board-opt-in"
            caption={`Opt-in rate by month: ${scope}`}
            description={`Patients opted in as a share of registered patients, with the ${charts.optInTarget}% target.`}
            data={charts.optIn}
            xKey="month"
            xLabel="Month"
            series={[{ key: "rate", name: "Opt-in rate" }]}
            yLabel="Opted in (%)"
            yDomain={[0, 100]}
            formatX={(m) => formatMonth(String(m))}
            formatY={formatRate}
            targets={[{ y: charts.optInTarget, label: `Target ${charts.optInTarget}%`, colour: "#d5281b" }]}
            width={width}
          />
        ) : (
          <p>No opt-in returns for {scope} in the period.</p>
        )}
      </section>
      <section className="sb-board-chart" aria-labelledby="chart-pipeline-heading">
        <H id="chart-pipeline-heading">Business cases in the pipeline</H>
        <BarChartFigure
          id="board-pipeline"
          caption={`Business cases in the pipeline by stage on ${formatDate(asAt)}: ${scope}`}
          description="Cases proposed and not yet decided, withdrawn or implemented, by the stage they were at."
          data={charts.pipeline}
          xKey="stage"
          xLabel="Stage"
          series={[{ key: "cases", name: "Cases" }]}
          yLabel="Cases"
          horizontal
          width={width}
        />
      </section>
    </div>
  );
}
