/**
 * The case timeline as vector drawing: the very shapes `layoutTimelineFigure` gives the screen
 * (renderer/src/features/cases/TimelineFigure.tsx draws them as SVG), in the screen's colours
 * (renderer/src/styles.css, `.tl-*`), one figure unit to one point.
 */
import { rgb, type Color, type PDFPage } from 'pdf-lib';
import { ENTERED_LABEL, layoutTimelineFigure, type Shape, type Tone } from '../../../../shared/domain/timeline-figure';
import type { Timeline } from '../../../../shared/domain/timeline';
import { assertNever } from '../../../../shared/util/assert-never';
import type { PdfFonts } from './pdf-fonts';
import type { PageFlow } from './pdf-flow';

function hex(h: string): Color {
  const n = Number.parseInt(h.slice(1), 16);
  return rgb(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255);
}

type Paint = Readonly<{ fill?: Color; stroke?: Color; width?: number }>;

/** styles.css: `.tl-<tone>` (fill for areas and text, stroke for lines). */
const TONES: Readonly<Record<Tone, Paint>> = {
  lane: { fill: hex('#f7f8fa') },
  grid: { stroke: hex('#e3e7ec'), width: 1 },
  axis: { fill: hex('#4a5566') },
  label: { fill: hex('#4a5566') },
  muted: { fill: hex('#7a8596') },
  monitoring: { fill: hex('#cfe7ef') },
  gap: { fill: hex('#f6d9d6') },
  activity: { fill: hex('#1f6f8b') },
  entered: { fill: hex('#d5e8ef'), stroke: hex('#1f6f8b'), width: 1 },
  reader: { fill: hex('#8a7bc4') },
  baseline: { fill: hex('#f2b705'), stroke: hex('#8a6a00'), width: 1 },
  alert: { fill: hex('#c62828'), stroke: hex('#7f1414'), width: 1 },
  recovered: { fill: hex('#2e7d4f'), stroke: hex('#2e7d4f'), width: 2 },
  milestone: { stroke: hex('#6b7787'), width: 1, fill: hex('#4a5566') },
  now: { stroke: hex('#c62828'), width: 1.5 },
};

/** Draw shapes whose coordinates run right and down from (ox, oy), the figure's top left. */
export function drawShapes(page: PDFPage, fonts: PdfFonts, shapes: readonly Shape[], ox: number, oy: number): void {
  const X = (x: number) => ox + x;
  const Y = (y: number) => oy - y;
  for (const s of shapes) {
    const p = TONES[s.tone];
    switch (s.type) {
      case 'rect':
        page.drawRectangle({ x: X(s.x), y: Y(s.y + s.h), width: s.w, height: s.h, ...(p.fill ? { color: p.fill } : {}), ...(p.stroke ? { borderColor: p.stroke, borderWidth: p.width ?? 1 } : {}) });
        break;
      case 'line':
        if (!p.stroke) break;
        page.drawLine({ start: { x: X(s.x1), y: Y(s.y1) }, end: { x: X(s.x2), y: Y(s.y2) }, thickness: p.width ?? 1, color: p.stroke, ...(s.dashed ? { dashArray: [3, 3] } : {}) });
        break;
      case 'text': {
        const style = { size: s.size, color: p.fill ?? TONES.label.fill };
        const text = fonts.clean(s.text);
        const w = s.anchor === 'start' ? 0 : fonts.width(text, style);
        fonts.draw(page, text, X(s.x) - (s.anchor === 'middle' ? w / 2 : s.anchor === 'end' ? w : 0), Y(s.y), style);
        break;
      }
      case 'diamond':
      case 'triangle': {
        // The screen's SVG paths, in figure coordinates (pdf-lib flips SVG's y for us).
        const d =
          s.type === 'diamond'
            ? `M${s.x} ${s.y - s.r}L${s.x + s.r} ${s.y}L${s.x} ${s.y + s.r}L${s.x - s.r} ${s.y}Z`
            : `M${s.x} ${s.y - s.r}L${s.x + s.r} ${s.y + s.r * 0.8}L${s.x - s.r} ${s.y + s.r * 0.8}Z`;
        page.drawSvgPath(d, { x: ox, y: oy, ...(p.fill ? { color: p.fill } : {}), ...(p.stroke ? { borderColor: p.stroke, borderWidth: p.width ?? 1 } : {}) });
        break;
      }
      case 'circle':
        page.drawCircle({ x: X(s.x), y: Y(s.y), size: s.r, ...(p.fill ? { color: p.fill } : {}), ...(p.stroke ? { borderColor: p.stroke, borderWidth: p.width ?? 1 } : {}) });
        break;
      default:
        assertNever(s, 'shape');
    }
  }
}

/** What the marks mean, drawn with the same shapes. */
function legendShapes(fonts: PdfFonts, t: Timeline, width: number): { shapes: Shape[]; height: number } {
  const items: Array<[Shape, string, number]> = [
    [{ type: 'rect', x: 0, y: -4, w: 12, h: 8, tone: 'monitoring' }, 'Monitoring', 12],
    [{ type: 'rect', x: 0, y: -3, w: 12, h: 6, tone: 'activity' }, 'Recording', 12],
    ...(t.lanes.some((l) => l.entered) ? [[{ type: 'rect', x: 0, y: -3, w: 12, h: 6, tone: 'entered' }, ENTERED_LABEL, 12] as [Shape, string, number]] : []),
    [{ type: 'rect', x: 0, y: -4, w: 12, h: 8, tone: 'gap' }, 'No activity', 12],
    [{ type: 'diamond', x: 4, y: 0, r: 4, tone: 'baseline' }, 'Baseline', 8],
    [{ type: 'triangle', x: 5, y: 0, r: 5, tone: 'alert' }, 'Alert', 10],
    [{ type: 'circle', x: 3.5, y: 0, r: 3.5, tone: 'recovered' }, 'Recovery', 7],
    [{ type: 'line', x1: 0, y1: 0, x2: 12, y2: 0, tone: 'milestone', dashed: true }, 'Milestone', 12],
    ...(t.readerPresence.length ? [[{ type: 'rect', x: 0, y: -3, w: 12, h: 6, tone: 'reader' }, 'Reader online', 12] as [Shape, string, number]] : []),
  ];
  const shapes: Shape[] = [];
  const size = 8;
  let x = 0;
  let y = 6;
  for (const [mark, label, w] of items) {
    const need = w + 4 + fonts.width(label, { size }) + 14;
    if (x > 0 && x + need > width) {
      x = 0;
      y += 13;
    }
    shapes.push(move(mark, x, y));
    shapes.push({ type: 'text', x: x + w + 4, y: y + 3, text: label, tone: 'label', anchor: 'start', size });
    x += need;
  }
  return { shapes, height: y + 8 };
}

function move(s: Shape, dx: number, dy: number): Shape {
  switch (s.type) {
    case 'rect':
    case 'text':
    case 'diamond':
    case 'triangle':
    case 'circle':
      return { ...s, x: s.x + dx, y: s.y + dy };
    case 'line':
      return { ...s, x1: s.x1 + dx, y1: s.y1 + dy, x2: s.x2 + dx, y2: s.y2 + dy };
    default:
      return assertNever(s, 'shape');
  }
}

/** The figure at the cursor, full width, with its legend below; on the next page if need be. */
export function drawTimeline(flow: PageFlow, t: Timeline, timeZone: string, now: number | null): void {
  const fig = layoutTimelineFigure(t, { width: flow.width, timeZone, now });
  const legend = legendShapes(flow.fonts, t, flow.width);
  flow.ensure(fig.height + legend.height);
  drawShapes(flow.page, flow.fonts, fig.shapes, flow.left, flow.y);
  flow.y -= fig.height;
  drawShapes(flow.page, flow.fonts, legend.shapes, flow.left, flow.y);
  flow.y -= legend.height;
}
