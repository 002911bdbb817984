import type { CaseEvent } from '../../shared/domain/event';
import type { Person } from '../../shared/domain/person';
import type { PersonInput } from '../../shared/domain/person';
import { ev, trials } from './events';

/** The people of the synthetic case files (invented names; the NPIs pass the check digit). */
export const FILE_PEOPLE = {
  surgeon: { role: 'surgeon', lastName: 'Cutter', firstName: 'Sam', credential: 'MD', npi: '1000000012' },
  technologist: { role: 'technologist', lastName: 'Wave', firstName: 'Tess', credential: 'CNIM', npi: null },
  physician: { role: 'physician', lastName: 'Reader', firstName: 'Rita', credential: 'MD, PhD', npi: '1987654328' },
} as const satisfies Record<string, PersonInput>;

export function filePerson(role: keyof typeof FILE_PEOPLE, id = role): Person {
  return { ...FILE_PEOPLE[role], id, active: true, createdAt: 0, updatedAt: 0 };
}

/**
 * A synthetic spine case as capture stores it: device trials with their raw wall clocks and
 * payloads, an alert with its follow-up, typed notes, and two events at the same instant.
 */
export function fileCaseEvents(caseId = 'case-1'): CaseEvent[] {
  const device = { source: 'folder:src-1', clockZone: 'America/Chicago', caseId };
  const withRaw = (e: CaseEvent, i: number): CaseEvent => ({ ...e, raw: `11/26/2026 02:${String(i % 60).padStart(2, '0')}:00`, dedupeKey: `xltek:${i}:${e.kind}` });
  const out: CaseEvent[] = [
    ev('monitoring_start', 28, { ...device, text: 'Monitoring start' }),
    ev('baseline', 20, { ...device, modality: 'SSEP', limb: 'lower', modalityName: 'Lower SSEP', text: 'Baseline upper and lower SSEP obtained, good morphology' }),
    ...trials('SSEP', 25, 160, 2, { ...device, limb: 'lower', modalityName: 'Lower SSEP', payload: { amplitudeUv: 1.8, latencyMs: 38.2, channels: ['Cz-Fpz'] } }),
    ev('baseline', 22, { ...device, modality: 'TCMEP', text: 'Baseline TcMEP obtained' }),
    ...trials('TCMEP', 25, 160, 6, { ...device, side: 'left', modalityName: 'L MEP' }),
    ev('milestone', 34, { ...device, text: 'Incision' }),
    ev('vitals', 95, { source: 'serial:vitals', clockZone: 'UTC', caseId, text: 'MAP 58 mmHg', payload: { map: 58, unit: 'mm[Hg]' } }),
    ev('alert', 96, { ...device, modality: 'TCMEP', side: 'left', limb: 'lower', text: 'Loss of L TA MEP, surgeon notified' }),
    // The same device fact made two events at one instant (normalize.ts).
    ev('surgeon_notified', 96, { ...device, text: 'Loss of L TA MEP, surgeon notified' }),
    ev('intervention', 98, { source: 'keyboard', caseId, text: 'MAP raised to 85 mmHg, retractor released', clockZone: 'America/Chicago' }),
    ev('alert_resolved', 112, { ...device, modality: 'TCMEP', side: 'left', text: 'Left TA TcMEP back to baseline' }),
    ev('anesthesia_change', 60, { source: 'keyboard', caseId, text: 'Propofol increased to 150 mcg/kg/min', clockZone: 'America/Chicago' }),
    ev('milestone', 150, { ...device, text: 'Closure' }),
    ev('note', 160, { source: 'keyboard', caseId, text: 'At closure all modalities at baseline "unchanged" — ✓', clockZone: 'America/Chicago' }),
    ev('monitoring_end', 163, { ...device, text: 'Monitoring end' }),
  ];
  return out.map((e, i) => (e.source.startsWith('folder:') ? withRaw(e, i) : e));
}

/** Events as the store hands them out: by time, then by id. */
export function byStoreOrder(events: readonly CaseEvent[]): CaseEvent[] {
  return [...events].sort((a, b) => a.occurredAt - b.occurredAt || a.id - b.id);
}

/**
 * Facts name the events they come from by id, and ids are per database. Renumber them by the
 * events' position in store order so facts from two stores (or a file) can be compared.
 */
export function relabelEventIds<T>(value: T, events: readonly CaseEvent[]): T {
  const rank = new Map(byStoreOrder(events).map((e, i) => [e.id, i + 1]));
  const map = (id: unknown) => (typeof id === 'number' ? (rank.get(id) ?? `unknown ${id}`) : id);
  const walk = (v: unknown, key: string): unknown => {
    if (Array.isArray(v)) return /eventIds$/i.test(key) ? v.map(map) : v.map((x) => walk(x, ''));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return /eventId$/i.test(key) ? map(v) : v;
  };
  return walk(value, '') as T;
}
