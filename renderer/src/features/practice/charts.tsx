/**
 * Small inline-SVG charts for the practice view (no chart library: the CSP allows nothing
 * remote, and these are a few rectangles and lines). Each chart is one `role="img"` with a
 * spoken summary; the table beside it carries the exact figures.
 */
import type { ReactNode } from 'react';

export const CHART_W = 640;

/** A round upper bound for an axis (quarters of it stay round): 1, 1.2, 2, 3, 4, 6, 8 × a power of ten. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 1.2, 2, 3, 4, 6, 8, 10]) if (step * mag >= v) return step * mag;
  return 10 * mag;
}

function ticks(max: number, n = 4): number[] {
  return Array.from({ length: n + 1 }, (_, i) => (max * i) / n);
}

export type Bar = Readonly<{ key: string; label: string; value: number; className?: string; note?: string }>;

/** Horizontal bars, one per row, with the value at the bar's end. */
export function HBarChart({ label, bars, format, labelWidth = 190 }: { label: string; bars: readonly Bar[]; format: (v: number) => string; labelWidth?: number }) {
  const row = 24;
  const h = Math.max(row, bars.length * row) + 4;
  const valueW = 70;
  const area = CHART_W - labelWidth - valueW;
  const max = Math.max(...bars.map((b) => b.value), 0) || 1;
  return (
    <svg className="chart" viewBox={`0 0 ${CHART_W} ${h}`} width="100%" role="img" aria-label={label}>
      <title>{label}</title>
      {bars.map((b, i) => {
        const y = i * row + 2;
        const w = (b.value / max) * area;
        return (
          <g key={b.key} data-key={b.key} data-value={b.value}>
            <text x={labelWidth - 8} y={y + row / 2 + 4} textAnchor="end" className="chart-label">
              {b.label.length > 30 ? `${b.label.slice(0, 29)}…` : b.label}
              <title>{b.note ?? b.label}</title>
            </text>
            <rect x={labelWidth} y={y + 3} width={Math.max(w, b.value > 0 ? 2 : 0)} height={row - 8} rx={2} className={`chart-bar ${b.className ?? ''}`} />
            <text x={labelWidth + w + 6} y={y + row / 2 + 4} className="chart-value">
              {format(b.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export type Series = Readonly<{ key: string; name: string; className: string; values: ReadonlyArray<number | null> }>;

function Frame({ label, x, max, yFormat, height, children, legend }: { label: string; x: readonly string[]; max: number; yFormat: (v: number) => string; height: number; children: (sx: (i: number) => number, sy: (v: number) => number, band: number) => ReactNode; legend: readonly Series[] }) {
  const left = 64;
  const right = 12;
  const top = 10;
  const bottom = 26;
  const w = CHART_W - left - right;
  const h = height - top - bottom;
  const band = x.length ? w / x.length : w;
  const sx = (i: number) => left + band * (i + 0.5);
  const sy = (v: number) => top + h - (v / max) * h;
  // At most ~8 labels on the axis: every k-th week.
  const every = Math.max(1, Math.ceil(x.length / 8));
  return (
    <figure className="chart-figure">
      <svg className="chart" viewBox={`0 0 ${CHART_W} ${height}`} width="100%" role="img" aria-label={label}>
        <title>{label}</title>
        {ticks(max).map((t) => (
          <g key={t}>
            <line x1={left} x2={CHART_W - right} y1={sy(t)} y2={sy(t)} className="chart-grid" />
            <text x={left - 6} y={sy(t) + 4} textAnchor="end" className="chart-axis">
              {yFormat(t)}
            </text>
          </g>
        ))}
        {x.map((l, i) =>
          i % every === 0 ? (
            <text key={l} x={sx(i)} y={height - 8} textAnchor="middle" className="chart-axis">
              {l}
            </text>
          ) : null,
        )}
        {children(sx, sy, band)}
      </svg>
      <figcaption className="chart-legend">
        {legend.map((s) => (
          <span key={s.key}>
            <i className={`swatch ${s.className}`} aria-hidden="true" /> {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Lines over categories (weeks); a null breaks the line. */
export function LineChart({ label, x, series, yFormat, height = 200 }: { label: string; x: readonly string[]; series: readonly Series[]; yFormat: (v: number) => string; height?: number }) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  return (
    <Frame label={label} x={x} max={max} yFormat={yFormat} height={height} legend={series}>
      {(sx, sy) =>
        series.map((s) => {
          const runs: Array<Array<[number, number]>> = [];
          let run: Array<[number, number]> = [];
          s.values.forEach((v, i) => {
            if (v === null) {
              if (run.length) runs.push(run);
              run = [];
            } else run.push([sx(i), sy(v)]);
          });
          if (run.length) runs.push(run);
          return (
            <g key={s.key} className={`chart-series ${s.className}`} data-series={s.key}>
              {runs.map((r, i) => (
                <polyline key={i} points={r.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')} className="chart-line" />
              ))}
              {s.values.map((v, i) => (v === null ? null : <circle key={i} cx={sx(i)} cy={sy(v)} r={3} className="chart-dot" data-x={x[i]} data-value={v} />))}
            </g>
          );
        })
      }
    </Frame>
  );
}

/** Side-by-side bars per category (weeks). */
export function GroupedBarChart({ label, x, series, yFormat, height = 200 }: { label: string; x: readonly string[]; series: readonly Series[]; yFormat: (v: number) => string; height?: number }) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  return (
    <Frame label={label} x={x} max={max} yFormat={yFormat} height={height} legend={series}>
      {(sx, sy, band) => {
        const inner = Math.min(band * 0.8, 60);
        const bw = inner / Math.max(1, series.length);
        return series.map((s, k) => (
          <g key={s.key} className={`chart-series ${s.className}`} data-series={s.key}>
            {s.values.map((v, i) =>
              v === null || v <= 0 ? null : <rect key={i} x={sx(i) - inner / 2 + k * bw} y={sy(v)} width={Math.max(1, bw - 1)} height={sy(0) - sy(v)} className="chart-bar" data-x={x[i]} data-value={v} />,
            )}
          </g>
        ));
      }}
    </Frame>
  );
}
