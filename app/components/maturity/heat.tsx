import { formatScore } from "~/models/maturity.labels";

// The heat map's colour bands: a single-hue blue scale (readable with every common colour
// vision deficiency), darker for more mature. The number is always printed in the cell, so
// colour is never the only signal; each band's text colour keeps contrast above 4.5:1.

export const HEAT_BANDS = [
  { upTo: 20, label: "0–19% of the scale", background: "#f0f4f5", text: "#212b32" },
  { upTo: 40, label: "20–39%", background: "#c6dbef", text: "#212b32" },
  { upTo: 60, label: "40–59%", background: "#7fb2dc", text: "#212b32" },
  { upTo: 80, label: "60–79%", background: "#2f6fae", text: "#ffffff" },
  { upTo: Infinity, label: "80–100%", background: "#0b3a6e", text: "#ffffff" },
] as const;

export function heatBand(percentOfScale: number) {
  return HEAT_BANDS.find((band) => percentOfScale < band.upTo) ?? HEAT_BANDS[HEAT_BANDS.length - 1]!;
}

export function HeatCell({ score, scale }: { score: number | null; scale: { scaleMin: number; scaleMax: number } }) {
  if (score === null) return <span className="nhsuk-u-secondary-text-colour">Not scored</span>;
  const percent = ((score - scale.scaleMin) / (scale.scaleMax - scale.scaleMin)) * 100;
  const band = heatBand(percent);
  return (
    <span className="sb-heat" style={{ background: band.background, color: band.text }}>
      {formatScore(score)}
    </span>
  );
}

export function HeatLegend({ scale }: { scale: { scaleMin: number; scaleMax: number } }) {
  const at = (percent: number) => scale.scaleMin + ((scale.scaleMax - scale.scaleMin) * percent) / 100;
  return (
    <div className="sb-heat-legend">
      <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
        <strong>Key:</strong> shading by score as a share of the scale ({formatScore(scale.scaleMin)} to {formatScore(scale.scaleMax)}); darker is more mature
      </p>
      <ul className="nhsuk-list nhsuk-body-s sb-heat-legend__list">
        {HEAT_BANDS.map((band, i) => {
          const from = i === 0 ? 0 : HEAT_BANDS[i - 1]!.upTo;
          const to = Number.isFinite(band.upTo) ? band.upTo : 100;
          return (
            <li key={band.label}>
              <span className="sb-heat sb-heat--swatch" style={{ background: band.background, color: band.text }} aria-hidden="true">
                &nbsp;
              </span>{" "}
              {formatScore(at(from), 2)} to {i === HEAT_BANDS.length - 1 ? formatScore(at(to), 2) : `under ${formatScore(at(to), 2)}`}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
