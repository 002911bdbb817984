/**
 * A plain table: a shaded header row, wrapped cells, a hairline under each row. A row that does
 * not fit goes to the next page, under a repeated header.
 */
import { rgb } from 'pdf-lib';
import { lineHeight, RULE, CONTENT_BOTTOM, type PageFlow } from './pdf-flow';
import type { TextStyle } from './pdf-fonts';
import { wrapText } from './pdf-text';

export type Column = Readonly<{ title: string; /** Share of the table's width. */ width: number; align?: 'left' | 'right' }>;

const HEAD_FILL = rgb(0.925, 0.94, 0.955);
const PAD_X = 3;
const PAD_Y = 3;

export function drawTable(flow: PageFlow, columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, size = 8.5): void {
  const total = columns.reduce((s, c) => s + c.width, 0);
  const widths = columns.map((c) => (c.width / total) * flow.width);
  const xs = widths.map((_, i) => flow.left + widths.slice(0, i).reduce((s, w) => s + w, 0));
  const body: TextStyle = { size };
  const head: TextStyle = { size, weight: 'bold' };
  const lh = lineHeight(size);

  const layout = (cells: readonly string[], style: TextStyle) => {
    const lines = columns.map((_, i) => wrapText(flow.fonts, cells[i] ?? '', style, (widths[i] as number) - 2 * PAD_X));
    return { lines, height: Math.max(...lines.map((l) => l.length)) * lh + 2 * PAD_Y };
  };
  const draw = (row: ReturnType<typeof layout>, style: TextStyle, fill: boolean) => {
    const page = flow.page;
    const top = flow.y;
    if (fill) page.drawRectangle({ x: flow.left, y: top - row.height, width: flow.width, height: row.height, color: HEAD_FILL });
    row.lines.forEach((lines, i) => {
      const x0 = xs[i] as number;
      const w = widths[i] as number;
      lines.forEach((l, k) => {
        const baseline = top - PAD_Y - k * lh - size * 0.98;
        const x = columns[i]?.align === 'right' ? x0 + w - PAD_X - flow.fonts.width(l, style) : x0 + PAD_X;
        flow.fonts.draw(page, l, x, baseline, style);
      });
    });
    page.drawLine({ start: { x: flow.left, y: top - row.height }, end: { x: flow.right, y: top - row.height }, thickness: 0.5, color: RULE });
    flow.y = top - row.height;
  };

  const header = layout(
    columns.map((c) => c.title),
    head,
  );
  const laid = rows.map((r) => layout(r, body));
  flow.ensure(header.height + (laid[0]?.height ?? 0));
  draw(header, head, true);
  for (const row of laid) {
    if (flow.y - row.height < CONTENT_BOTTOM) {
      flow.newPage();
      draw(header, head, true);
    }
    draw(row, body, false);
  }
}
