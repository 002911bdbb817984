/**
 * The timeline picture as plain shapes: one lane per modality over the case time, monitoring
 * stretches, baselines, alerts (to their recovery), milestones. The screen (SVG) and the PDF both
 * draw exactly these shapes, so the report shows the same picture the technologist saw.
 */
import { laneName, type Timeline } from './timeline';
import { wallClockFormatter } from './timeline';

export type Tone = 'axis' | 'grid' | 'label' | 'muted' | 'monitoring' | 'lane' | 'activity' | 'entered' | 'baseline' | 'alert' | 'recovered' | 'milestone' | 'gap' | 'reader' | 'now';

/** What a span only the technologist's entries hold is called, wherever it is drawn or listed. */
export const ENTERED_LABEL = 'Entered by the technologist';

export type Shape =
  | Readonly<{ type: 'rect'; x: number; y: number; w: number; h: number; tone: Tone; title?: string }>
  | Readonly<{ type: 'line'; x1: number; y1: number; x2: number; y2: number; tone: Tone; dashed?: boolean; title?: string }>
  | Readonly<{ type: 'text'; x: number; y: number; text: string; tone: Tone; anchor: 'start' | 'middle' | 'end'; size: number }>
  | Readonly<{ type: 'diamond' | 'triangle' | 'circle'; x: number; y: number; r: number; tone: Tone; title?: string }>;

export type Figure = Readonly<{ width: number; height: number; shapes: readonly Shape[]; start: number; end: number }>;

export type FigureOptions = Readonly<{ width: number; timeZone: string; now?: number | null; laneHeight?: number; labelWidth?: number }>;

/** Tick spacing that gives a readable axis for the span. */
function tickStep(spanMs: number): number {
  const min = 60_000;
  for (const m of [5, 10, 15, 30, 60, 120, 180, 240, 360]) if (spanMs / (m * min) <= 10) return m * min;
  return 720 * min;
}

export function layoutTimelineFigure(t: Timeline, opts: FigureOptions): Figure {
  const laneH = opts.laneHeight ?? 18;
  const labelW = opts.labelWidth ?? 150;
  const top = 30;
  const width = opts.width;
  const plotW = Math.max(50, width - labelW - 10);
  const clock = wallClockFormatter(opts.timeZone);

  const times = [t.firstEventAt, t.lastEventAt, t.monitoring.start, t.monitoring.end, opts.now ?? null].filter((x): x is number => x !== null);
  const shapes: Shape[] = [];
  if (times.length === 0) {
    shapes.push({ type: 'text', x: width / 2, y: top, text: 'Nothing captured yet', tone: 'muted', anchor: 'middle', size: 12 });
    return { width, height: top + 20, shapes, start: 0, end: 0 };
  }
  let start = Math.min(...times);
  let end = Math.max(...times);
  if (end - start < 30 * 60_000) end = start + 30 * 60_000;
  const pad = (end - start) * 0.02;
  start -= pad;
  end += pad;
  const x = (ms: number) => labelW + ((ms - start) / (end - start)) * plotW;

  const rows = ['Monitoring', ...t.lanes.map(laneName), ...(t.readerPresence.length ? ['Reader online'] : [])];
  const bottom = top + rows.length * laneH + 6;

  // Axis and grid.
  const step = tickStep(end - start);
  for (let tick = Math.ceil(start / step) * step; tick <= end; tick += step) {
    shapes.push({ type: 'line', x1: x(tick), y1: top - 4, x2: x(tick), y2: bottom, tone: 'grid' });
    shapes.push({ type: 'text', x: x(tick), y: top - 8, text: clock(tick), tone: 'axis', anchor: 'middle', size: 10 });
  }
  rows.forEach((name, i) => {
    const y = top + i * laneH;
    shapes.push({ type: 'rect', x: labelW, y, w: plotW, h: laneH - 2, tone: 'lane' });
    shapes.push({ type: 'text', x: labelW - 6, y: y + laneH / 2 + 3, text: name, tone: 'label', anchor: 'end', size: 10 });
  });

  // Monitoring stretches and gaps within them.
  for (const seg of t.monitoring.segments) {
    shapes.push({ type: 'rect', x: x(seg.start), y: top + 2, w: Math.max(1, x(seg.end) - x(seg.start)), h: laneH - 6, tone: 'monitoring', title: `Monitoring ${clock(seg.start)}–${clock(seg.end)}${t.monitoring.derived ? ' (derived from activity)' : ''}` });
  }
  for (const g of t.gaps) {
    shapes.push({ type: 'rect', x: x(g.start), y: top + 2, w: Math.max(1, x(g.end) - x(g.start)), h: laneH - 6, tone: 'gap', title: `No modality activity ${clock(g.start)}–${clock(g.end)}` });
  }

  // Lanes: active stretches, baselines.
  t.lanes.forEach((lane, i) => {
    const y = top + (i + 1) * laneH;
    // A span only the technologist's entries hold is drawn apart from device recordings.
    for (const iv of lane.intervals) {
      shapes.push({
        type: 'rect',
        x: x(iv.start),
        y: y + 3,
        w: Math.max(2, x(iv.end) - x(iv.start)),
        h: laneH - 8,
        tone: lane.entered ? 'entered' : 'activity',
        title: `${laneName(lane)} ${clock(iv.start)}–${clock(iv.end)}${lane.entered ? ` (${ENTERED_LABEL.toLowerCase()}, no device recordings)` : ''}`,
      });
    }
    for (const b of lane.baselines) shapes.push({ type: 'diamond', x: x(b.at), y: y + laneH / 2 - 1, r: 4, tone: 'baseline', title: `Baseline ${clock(b.at)}` });
  });

  // Alerts: a marker on their lane (or the monitoring row), a line to the recovery.
  for (const a of t.alerts) {
    const laneIndex = t.lanes.findIndex((l) => l.modality === a.modality && (l.limb === a.limb || a.limb === null));
    const y = top + (laneIndex >= 0 ? laneIndex + 1 : 0) * laneH + laneH / 2 - 1;
    if (a.resolved) {
      shapes.push({ type: 'line', x1: x(a.at), y1: y, x2: x(a.resolved.at), y2: y, tone: 'recovered', title: `Recovered ${clock(a.resolved.at)}` });
      shapes.push({ type: 'circle', x: x(a.resolved.at), y, r: 3.5, tone: 'recovered', title: `Recovered ${clock(a.resolved.at)}: ${a.resolved.text}` });
    }
    shapes.push({ type: 'triangle', x: x(a.at), y, r: 5, tone: 'alert', title: `Alert ${clock(a.at)}: ${a.text}` });
  }

  // Reader presence.
  if (t.readerPresence.length) {
    const y = top + (rows.length - 1) * laneH;
    for (const p of t.readerPresence) {
      const e = p.end ?? opts.now ?? t.lastEventAt ?? p.start;
      shapes.push({ type: 'rect', x: x(p.start), y: y + 3, w: Math.max(2, x(e) - x(p.start)), h: laneH - 8, tone: 'reader', title: `Reader online ${clock(p.start)}–${p.end ? clock(p.end) : 'now'}` });
    }
  }

  // Milestones: dashed lines over all lanes; labels on two rows below the plot, a label left out
  // where it would overlap its neighbour (its line and tooltip remain).
  const rowEnds = [-Infinity, -Infinity];
  for (const m of t.milestones) {
    shapes.push({ type: 'line', x1: x(m.at), y1: top, x2: x(m.at), y2: bottom - 6, tone: 'milestone', dashed: true, title: `${clock(m.at)} ${m.text}` });
    const label = shortLabel(m.text, 22);
    const half = label.length * 2.6;
    const row = rowEnds.findIndex((end) => x(m.at) - half > end + 4);
    if (row < 0) continue;
    rowEnds[row] = x(m.at) + half;
    shapes.push({ type: 'text', x: x(m.at), y: bottom + 8 + row * 11, text: label, tone: 'milestone', anchor: 'middle', size: 9 });
  }

  if (opts.now) shapes.push({ type: 'line', x1: x(opts.now), y1: top - 4, x2: x(opts.now), y2: bottom, tone: 'now', title: `Now ${clock(opts.now)}` });

  return { width, height: bottom + (t.milestones.length ? 28 : 6), shapes, start, end };
}

/**
 * A label of at most about `n` characters, shortened at a word end ("Patient positioned…", never
 * "Patient positioned pr…"). A first word longer than `n` is kept whole: a cut word misleads.
 */
export function shortLabel(s: string, n: number): string {
  const t = s.trim().replace(/[.;:,]+$/, '');
  if (t.length <= n) return t;
  const words = t.split(/\s+/);
  let out = words[0] ?? '';
  for (const w of words.slice(1)) {
    if (out.length + 1 + w.replace(/[.;:,]+$/, '').length > n - 1) break;
    out += ` ${w}`;
  }
  return `${out.replace(/[.;:,(\-–]+$/, '')}…`;
}
