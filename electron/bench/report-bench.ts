/**
 * Report speed: case facts + the full draft for a 12-hour case with 50,000 events, and the
 * update after one more event arrives (what the live draft beside the timeline costs).
 */
import { CaseInputSchema, type CaseRecord } from '../../shared/domain/case';
import type { CaseEvent } from '../../shared/domain/event';
import type { EventKind } from '../../shared/domain/event-kinds';
import { buildCaseFacts } from '../../shared/report/facts';
import { buildDraft } from '../../shared/report/draft';
import { LiveReport } from '../../shared/report/live-report';
import { median, type BenchRow } from './bench-row';

const T0 = Date.UTC(2026, 10, 26, 7, 0, 0);
const HOURS = 12;

export function syntheticCaseEvents(total = 50_000): CaseEvent[] {
  const events: CaseEvent[] = [];
  let id = 1;
  const push = (kind: EventKind, at: number, extra: Partial<CaseEvent> = {}) =>
    events.push({ id: id++, caseId: 'bench', kind, modality: null, side: null, limb: null, modalityName: null, text: '', occurredAt: at, receivedAt: at + 5, source: 'folder:bench', dedupeKey: `k${id}`, raw: null, clockZone: 'UTC', payload: null, ...extra });
  const span = HOURS * 3600_000;
  push('monitoring_start', T0 + 20 * 60_000, { text: 'Monitoring start' });
  const modes: Array<Partial<CaseEvent>> = [
    { modality: 'SSEP', limb: 'upper', modalityName: 'Upper SSEP' },
    { modality: 'SSEP', limb: 'lower', modalityName: 'Lower SSEP' },
    { modality: 'TCMEP', side: 'left', modalityName: 'L MEP' },
    { modality: 'TCMEP', side: 'right', modalityName: 'R MEP' },
    { modality: 'EMG_FREE', modalityName: 'Free Run EMG' },
  ];
  for (const m of modes) push('baseline', T0 + 15 * 60_000, { ...m, text: 'Baseline obtained' });
  let n = 0;
  while (events.length < total - 200) {
    const m = modes[n % modes.length] as Partial<CaseEvent>;
    push('modality_activity', T0 + 20 * 60_000 + Math.floor((n / (total - 200)) * span), m);
    n++;
  }
  for (let k = 0; k < 40; k++) {
    const at = T0 + 30 * 60_000 + k * 17 * 60_000;
    push('milestone', at, { text: `Milestone ${k}` });
    push('vitals', at + 60_000, { text: `MAP ${70 + (k % 10)} mmHg` });
    if (k % 8 === 3) {
      push('alert', at + 120_000, { modality: 'TCMEP', side: 'left', limb: 'lower', text: 'Left TA TcMEP amplitude down 70% from baseline' });
      push('surgeon_notified', at + 180_000, { text: 'Surgeon notified' });
      push('intervention', at + 240_000, { text: 'MAP raised to 85 mmHg' });
      push('alert_resolved', at + 900_000, { modality: 'TCMEP', side: 'left', text: 'Left TA TcMEP back to baseline' });
    }
  }
  push('note', T0 + span - 10 * 60_000, { text: 'At closure all modalities at baseline' });
  push('monitoring_end', T0 + span, { text: 'Monitoring end' });
  return events;
}

export function benchReport(opts: { runs?: number } = {}): BenchRow[] {
  const runs = opts.runs ?? 15;
  const record: CaseRecord = {
    ...CaseInputSchema.parse({
      patient: { lastName: 'Bench', firstName: 'Synthetic', mrn: 'B-1', dateOfBirth: '1970-01-01', sex: 'U' },
      procedure: { description: 'Scoliosis correction T4-L2' },
      dateOfService: '2026-11-26',
    }),
    id: 'bench',
    status: 'capturing',
    timeZone: 'UTC',
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  };
  const people = { surgeon: null, technologist: null, physician: null };
  const events = syntheticCaseEvents();
  const full: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    buildDraft(buildCaseFacts({ record, people, events }));
    full.push(performance.now() - t0);
  }
  const live = new LiveReport(record, people);
  live.add(events);
  live.draft();
  const inc: number[] = [];
  let nextId = events.length + 10;
  for (let i = 0; i < runs * 4; i++) {
    const last = events[events.length - 1] as CaseEvent;
    const e: CaseEvent = { ...last, id: nextId++, kind: 'modality_activity', modality: 'SSEP', limb: 'upper', text: '', occurredAt: last.occurredAt + 1000 + i, dedupeKey: `inc${i}` };
    const t0 = performance.now();
    live.add([e]);
    live.draft();
    inc.push(performance.now() - t0);
  }
  const f = median(full);
  const u = median(inc);
  return [
    { measure: `Report: facts + full draft, 12-hour case, ${events.length.toLocaleString('en-US')} events`, target: '≤ 50 ms', median: `${f.toFixed(1)} ms`, pass: f <= 50 },
    { measure: 'Report: live draft update after one new event (same case)', target: '≤ 5 ms', median: `${u.toFixed(2)} ms`, pass: u <= 5 },
  ];
}
