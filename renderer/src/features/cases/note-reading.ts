import type { CaseEvent } from '../../../../shared/domain/event';
import { EVENT_KIND_LABELS, EVENT_KINDS, type EventKind } from '../../../../shared/domain/event-kinds';
import { isModality, modalityLabel } from '../../../../shared/domain/modality';

export type Reading = Readonly<{ kind: EventKind; kindLabel: string; modality: string | null; side: string | null; limb: string | null; notified: boolean }>;

/** How the site's rules read a typed note (stored beside it by the backend), if as anything but a note. */
export function readingOf(e: CaseEvent): Reading | null {
  if (e.kind !== 'note' || e.source !== 'keyboard') return null;
  const r = e.payload?.['reading'] as Record<string, unknown> | undefined;
  const kind = r?.['kind'];
  if (typeof kind !== 'string' || !(EVENT_KINDS as readonly string[]).includes(kind)) return null;
  const str = (k: string) => (typeof r?.[k] === 'string' ? (r[k] as string) : null);
  return { kind: kind as EventKind, kindLabel: EVENT_KIND_LABELS[kind as EventKind], modality: str('modality'), side: str('side'), limb: str('limb'), notified: r?.['notified'] === true };
}

/** "an alert in TcMEP (left, lower limb), with the surgeon notified". */
export function readingLabel(r: Reading): string {
  const article = /^[aeiou]/i.test(r.kindLabel) ? 'an' : 'a';
  const site = r.modality && isModality(r.modality) ? ` in ${modalityLabel(r.modality, r.side, r.limb)}` : '';
  return `${article} ${r.kindLabel.toLowerCase()}${site}${r.notified ? ', with the surgeon notified' : ''}`;
}
