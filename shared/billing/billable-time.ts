/**
 * Billable monitoring time from captured facts (billing-rules.md §1.1): the monitoring segments,
 * less the baseline acquisition still running after monitoring was marked as started, less
 * stretches with no recorded activity (standby), cut at electrode removal, and limited to the
 * reader's recorded connection when the log has one. Every cut is listed with its reason, so a
 * coder sees why the minutes differ from the wall clock.
 */
import type { CaseFacts } from '../report/facts';
import { MODALITIES_WITHOUT_BASELINE } from '../domain/modality';

export type Span = Readonly<{ start: number; end: number }>;

export type Exclusion = Readonly<{ reason: 'baselines' | 'no_activity' | 'after_removal' | 'reader_absent'; start: number; end: number; minutes: number }>;

export type BillableTime = Readonly<{
  intervals: readonly Span[];
  /** Whole minutes (rounded as the report rounds them). */
  minutes: number;
  /** The monitoring segments before any cut. */
  monitoredMinutes: number;
  excluded: readonly Exclusion[];
  /** True when start and end were marked (not taken from activity). */
  marked: boolean;
  /**
   * Some of the time rests on a time nobody recorded: monitoring taken from activity, or a start
   * with no end (the last activity stands in). An override never makes such time billable.
   */
  inferred: boolean;
  eventIds: readonly number[];
}>;

const REMOVAL = /\belectrodes?\b.*\b(removed|removal|out)\b|\bremov(ed|al) of (the )?(needles|electrodes)\b/i;
const minutes = (ms: number) => Math.round(ms / 60_000);

/** `spans` minus `cut`, both sorted and non-overlapping. */
export function subtract(spans: readonly Span[], cut: Span): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    if (cut.end <= s.start || cut.start >= s.end) {
      out.push(s);
      continue;
    }
    if (cut.start > s.start) out.push({ start: s.start, end: cut.start });
    if (cut.end < s.end) out.push({ start: cut.end, end: s.end });
  }
  return out;
}

export function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const x of a) for (const y of b) {
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (end > start) out.push({ start, end });
  }
  return out.sort((p, q) => p.start - q.start);
}

export function spanMs(spans: readonly Span[]): number {
  return spans.reduce((s, x) => s + (x.end - x.start), 0);
}

export function billableTime(f: CaseFacts): BillableTime {
  const segments: Span[] = f.monitoring.segments.map((s) => ({ start: s.start, end: s.end }));
  let spans: Span[] = segments;
  const excluded: Exclusion[] = [];
  const cut = (reason: Exclusion['reason'], c: Span) => {
    const before = spanMs(spans);
    spans = subtract(spans, c);
    const removed = before - spanMs(spans);
    if (removed > 0) excluded.push({ reason, start: c.start, end: c.end, minutes: minutes(removed) });
  };

  if (segments.length) {
    // Baselines are paid through the base codes: the time until the last first-baseline of an
    // evoked-potential modality is not monitoring time, even when "monitoring start" came earlier.
    const firstBaselines = f.modalities.filter((m) => !MODALITIES_WITHOUT_BASELINE.has(m.modality) && m.baselines.length).map((m) => m.baselines[0]!.at);
    const baselinesDone = firstBaselines.length ? Math.max(...firstBaselines) : null;
    if (baselinesDone !== null && baselinesDone > segments[0]!.start) cut('baselines', { start: segments[0]!.start, end: baselinesDone });
    for (const g of f.gaps) cut('no_activity', g);
    const removal = [...f.milestones, ...f.notes].filter((p) => REMOVAL.test(p.text)).sort((a, b) => a.at - b.at)[0];
    if (removal) cut('after_removal', { start: removal.at, end: Math.max(removal.at, segments[segments.length - 1]!.end) });
    if (f.readerPresence.length) {
      const end = segments[segments.length - 1]!.end;
      const presence = f.readerPresence.map((p) => ({ start: p.start, end: p.end ?? end }));
      const kept = intersect(spans, presence);
      const removed = spanMs(spans) - spanMs(kept);
      if (removed > 0) excluded.push({ reason: 'reader_absent', start: spans[0]!.start, end: spans[spans.length - 1]!.end, minutes: minutes(removed) });
      spans = kept;
    }
  }
  return {
    intervals: spans,
    minutes: minutes(spanMs(spans)),
    monitoredMinutes: minutes(spanMs(segments)),
    excluded,
    marked: !f.monitoring.derived && segments.length > 0,
    inferred: f.monitoring.derived || f.issues.some((i) => i.kind === 'monitoring_start_without_end'),
    eventIds: f.monitoring.eventIds,
  };
}
