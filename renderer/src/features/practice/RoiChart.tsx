import { pct, usd, type RoiResult } from '../../../../shared/roi/roi';
import { CHART_W, niceMax } from './charts';

const H = 240;
const LEFT = 72;
const RIGHT = 16;
const TOP = 14;
const BOTTOM = 34;

/**
 * Monthly leakage against the denial rate (a straight line: each denial costs the same), with
 * today's rate and the expected rate marked. Redrawn on every keystroke from the same model.
 */
export function RoiChart({ result }: { result: RoiResult }) {
  const { series, now, withCloseout } = result;
  const xMax = series[series.length - 1]?.denialRatePct ?? 40;
  const yMax = niceMax(Math.max(...series.map((p) => p.leakage), now.leakage, withCloseout.leakage));
  const w = CHART_W - LEFT - RIGHT;
  const h = H - TOP - BOTTOM;
  const sx = (rate: number) => LEFT + (Math.min(rate, xMax) / xMax) * w;
  const sy = (v: number) => TOP + h - (v / yMax) * h;
  const xTicks = Array.from({ length: xMax / 10 + 1 }, (_, i) => i * 10);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * yMax);
  const points = series.map((p) => `${sx(p.denialRatePct).toFixed(1)},${sy(p.leakage).toFixed(1)}`).join(' ');
  const marks = [
    { key: 'now', name: 'Now', s: now, className: 'roi-now', anchor: 'start' as const },
    { key: 'expected', name: 'With Closeout', s: withCloseout, className: 'roi-expected', anchor: 'end' as const },
  ];
  const label = `Monthly leakage against denial rate, 0 to ${xMax}%: ${usd(now.leakage)} at ${pct(now.denialRatePct)} now, ${usd(withCloseout.leakage)} at ${pct(withCloseout.denialRatePct)} with Closeout.`;
  return (
    <figure className="chart-figure roi-chart">
      <svg className="chart" viewBox={`0 0 ${CHART_W} ${H}`} width="100%" role="img" aria-label={label}>
        <title>{label}</title>
        {yTicks.map((t) => (
          <g key={t}>
            <line x1={LEFT} x2={CHART_W - RIGHT} y1={sy(t)} y2={sy(t)} className="chart-grid" />
            <text x={LEFT - 6} y={sy(t) + 4} textAnchor="end" className="chart-axis">
              {usd(t, true)}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text key={t} x={sx(t)} y={H - 16} textAnchor="middle" className="chart-axis">
            {t}%
          </text>
        ))}
        <text x={LEFT + w / 2} y={H - 2} textAnchor="middle" className="chart-axis">
          Denial rate
        </text>
        <polyline points={points} className="roi-line" />
        {marks.map((m) => {
          const x = sx(m.s.denialRatePct);
          const y = sy(m.s.leakage);
          // Keep the label inside the frame: flip it to the other side near an edge.
          const anchor = x > CHART_W - 190 ? 'end' : x < LEFT + 190 ? 'start' : m.anchor;
          return (
            <g key={m.key} className={`roi-mark ${m.className}`} data-mark={m.key} data-rate={m.s.denialRatePct} data-leakage={m.s.leakage}>
              <line x1={x} x2={x} y1={TOP} y2={TOP + h} className="roi-mark-line" />
              <circle cx={x} cy={y} r={5} className="roi-mark-dot" />
              <text x={anchor === 'start' ? x + 8 : x - 8} y={Math.max(TOP + 12, y - 10)} textAnchor={anchor} className="roi-mark-label">
                {`${m.name} ${pct(m.s.denialRatePct)}: ${usd(m.s.leakage)}`}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
