import type { CaseEvent } from '../../shared/domain/event';
import type { EventKind } from '../../shared/domain/event-kinds';

/** 2026-11-26 08:00:00 UTC: minute 0 of the synthetic cases in tests. */
export const T0 = Date.UTC(2026, 10, 26, 8, 0, 0);
export const at = (minute: number) => T0 + Math.round(minute * 60_000);

let nextId = 1;

/** A synthetic captured event, `minute` minutes after T0. */
export function ev(kind: EventKind, minute: number, extra: Partial<CaseEvent> = {}): CaseEvent {
  const id = extra.id ?? nextId++;
  return {
    id,
    caseId: 'case-1',
    kind,
    modality: null,
    side: null,
    limb: null,
    modalityName: null,
    text: '',
    occurredAt: at(minute),
    receivedAt: at(minute) + 1000,
    source: 'folder:src1',
    dedupeKey: `k${id}`,
    raw: null,
    clockZone: 'UTC',
    payload: null,
    ...extra,
  };
}

/** Trials of one modality every `every` minutes from `from` to `to`. */
export function trials(modality: string, from: number, to: number, every: number, extra: Partial<CaseEvent> = {}): CaseEvent[] {
  const out: CaseEvent[] = [];
  for (let m = from; m <= to + 1e-9; m += every) out.push(ev('modality_activity', m, { modality, ...extra }));
  return out;
}
