import { useEffect, useRef, useState } from 'react';
import { layoutTimelineFigure, type Shape } from '../../../../shared/domain/timeline-figure';
import type { Timeline } from '../../../../shared/domain/timeline';

/** Draws the shared timeline layout as SVG, sized to its container. */
export function TimelineFigure({ timeline, timeZone, now }: { timeline: Timeline; timeZone: string; now: number | null }) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => entry && setWidth(Math.max(320, Math.floor(entry.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const fig = layoutTimelineFigure(timeline, { width, timeZone, now });
  return (
    <div ref={box} className="timeline-figure">
      <svg width={fig.width} height={fig.height} viewBox={`0 0 ${fig.width} ${fig.height}`} role="img" aria-label="Case timeline">
        {fig.shapes.map((s, i) => (
          <ShapeView key={i} s={s} />
        ))}
      </svg>
    </div>
  );
}

function ShapeView({ s }: { s: Shape }) {
  const cls = `tl-${s.tone}`;
  const title = 'title' in s && s.title ? <title>{s.title}</title> : null;
  switch (s.type) {
    case 'rect':
      return (
        <rect x={s.x} y={s.y} width={s.w} height={s.h} className={cls}>
          {title}
        </rect>
      );
    case 'line':
      return (
        <line x1={s.x1} y1={s.y1} x2={s.x2} y2={s.y2} className={`${cls}${s.dashed ? ' tl-dashed' : ''}`}>
          {title}
        </line>
      );
    case 'text':
      return (
        <text x={s.x} y={s.y} textAnchor={s.anchor} fontSize={s.size} className={cls}>
          {s.text}
        </text>
      );
    case 'diamond':
      return (
        <path d={`M${s.x} ${s.y - s.r}L${s.x + s.r} ${s.y}L${s.x} ${s.y + s.r}L${s.x - s.r} ${s.y}Z`} className={cls}>
          {title}
        </path>
      );
    case 'triangle':
      return (
        <path d={`M${s.x} ${s.y - s.r}L${s.x + s.r} ${s.y + s.r * 0.8}L${s.x - s.r} ${s.y + s.r * 0.8}Z`} className={cls} data-marker="alert">
          {title}
        </path>
      );
    case 'circle':
      return (
        <circle cx={s.x} cy={s.y} r={s.r} className={cls}>
          {title}
        </circle>
      );
  }
}
