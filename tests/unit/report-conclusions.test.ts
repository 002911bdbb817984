/**
 * Which clinical conclusions the draft may state, for each shape a record can have. A report is
 * a medical-legal document: "no significant change" is written only where monitored modalities
 * with their baselines cover marked monitoring and no alert exists; otherwise the draft says what
 * is missing, and the interpretation suggestion draws no conclusion the record does not hold.
 */
import { describe, expect, it } from 'vitest';
import { buildCaseFacts } from '../../shared/report/facts';
import { buildDraft, NO_CHANGE_OCCURRED, NO_CHANGE_RECORDED, type Draft } from '../../shared/report/draft';
import type { CaseEvent } from '../../shared/domain/event';
import { ev, trials } from '../helpers/events';
import { record } from '../helpers/billing';

const draftOf = (events: CaseEvent[]): Draft => buildDraft(buildCaseFacts({ record: record(), people: { surgeon: null, technologist: null, physician: null }, events }));

const baselines = () => [ev('baseline', 5, { modality: 'SSEP', text: 'Baseline SSEP obtained' }), ev('baseline', 6, { modality: 'TCMEP', text: 'Baseline TcMEP obtained' })];
const recordings = (from = 10, to = 120) => [...trials('SSEP', from, to, 2, { limb: 'lower', modalityName: 'Lower SSEP' }), ...trials('TCMEP', from, to, 5, { modalityName: 'TcMEP' })];
const start = () => ev('monitoring_start', 8, { text: 'Monitoring start' });
const end = () => ev('monitoring_end', 121, { text: 'Monitoring end' });
const alert = () => [
  ev('alert', 60, { modality: 'TCMEP', side: 'left', limb: 'lower', text: 'Left TA TcMEP amplitude down 80% from baseline' }),
  ev('surgeon_notified', 61, { text: 'Surgeon notified' }),
  ev('intervention', 62, { text: 'MAP raised to 85 mmHg' }),
];
const recovery = () => ev('alert_resolved', 75, { modality: 'TCMEP', side: 'left', text: 'Left TA TcMEP back to baseline' });

type Shape = Readonly<{
  name: string;
  events: () => CaseEvent[];
  /** The first line of "Intraoperative events". */
  head: string;
  /** A gap saying why changes from baseline cannot be stated (its reasons). */
  unestablished: string | null;
  /** Sentences the interpretation suggestion must hold, and must not. */
  suggests: readonly string[];
  neverSuggests: readonly string[];
}>;

const NOT_STATED = (why: string) => `No alert was recorded, but whether responses stayed at baseline cannot be stated from this record: ${why}.`;

const SHAPES: readonly Shape[] = [
  {
    name: 'empty record',
    events: () => [],
    head: NOT_STATED('no modality recordings were captured and monitoring start and end were not marked'),
    unestablished: 'no modality recordings were captured; monitoring start and end were not marked',
    suggests: [],
    neverSuggests: ['monitored', NO_CHANGE_OCCURRED],
  },
  {
    name: 'notes only (what a technologist typed, kept as notes)',
    events: () => [
      ev('note', 8, { text: 'Monitoring start' }),
      ev('note', 60, { text: 'Alert: left deltoid TcMEP down 60%, surgeon Dr Sample notified' }),
      ev('note', 121, { text: 'Monitoring end' }),
    ],
    head: NOT_STATED('no modality recordings were captured and monitoring start and end were not marked'),
    unestablished: 'no modality recordings were captured; monitoring start and end were not marked',
    suggests: [],
    neverSuggests: ['monitored', NO_CHANGE_OCCURRED],
  },
  {
    name: 'modalities recorded, no baselines',
    events: () => [start(), ...recordings(), end()],
    head: NOT_STATED('no baseline was recorded for SSEP (lower limb) and no baseline was recorded for TcMEP'),
    unestablished: 'no baseline was recorded for SSEP (lower limb); no baseline was recorded for TcMEP',
    suggests: ['SSEP and TcMEP were monitored.'],
    neverSuggests: [NO_CHANGE_OCCURRED],
  },
  {
    name: 'monitoring end not marked',
    events: () => [...baselines(), start(), ...recordings()],
    head: NOT_STATED('monitoring end was not marked'),
    unestablished: 'monitoring end was not marked',
    suggests: ['SSEP and TcMEP were monitored.'],
    neverSuggests: [NO_CHANGE_OCCURRED],
  },
  {
    name: 'no monitoring marks at all (span taken from the recordings)',
    events: () => [...baselines(), ...recordings()],
    head: NOT_STATED('monitoring start and end were not marked'),
    unestablished: 'monitoring start and end were not marked',
    suggests: ['SSEP and TcMEP were monitored.'],
    neverSuggests: [NO_CHANGE_OCCURRED],
  },
  {
    name: 'a stretch of monitoring with nothing recorded',
    events: () => [...baselines(), start(), ...recordings(10, 40), ...recordings(80, 120), end()],
    head: NOT_STATED('nothing was recorded from 08:40 to 09:20'),
    unestablished: 'nothing was recorded from 08:40 to 09:20',
    suggests: ['SSEP and TcMEP were monitored.'],
    neverSuggests: [NO_CHANGE_OCCURRED],
  },
  {
    name: 'alert with no recorded recovery',
    events: () => [...baselines(), start(), ...recordings(), ...alert(), end()],
    head: '1 significant change was recorded.',
    unestablished: null,
    suggests: ['SSEP and TcMEP were monitored.', 'The change in TcMEP, left lower limb at 09:00 has no recorded recovery.'],
    neverSuggests: [NO_CHANGE_OCCURRED, 'recovered by'],
  },
  {
    name: 'alert that recovered',
    events: () => [...baselines(), start(), ...recordings(), ...alert(), recovery(), end()],
    head: '1 significant change was recorded.',
    unestablished: null,
    suggests: ['The change in TcMEP, left lower limb at 09:00 recovered by 09:15 after MAP raised to 85 mmHg.'],
    neverSuggests: [NO_CHANGE_OCCURRED, 'has no recorded recovery'],
  },
  {
    name: 'complete and uneventful: the one shape that supports "no significant change"',
    events: () => [...baselines(), start(), ...recordings(), end()],
    head: NO_CHANGE_RECORDED,
    unestablished: null,
    suggests: ['SSEP and TcMEP were monitored.', NO_CHANGE_OCCURRED],
    neverSuggests: ['recovered by', 'has no recorded recovery'],
  },
  {
    // No device: nothing is recorded until "baseline obtained" is typed 25 min in (baseline acquisition).
    name: 'typed by hand and uneventful: the time before the first baseline is not a stretch left unrecorded',
    events: () => [start(), ev('baseline', 33, { modality: 'SSEP', limb: 'lower', source: 'keyboard' }), ev('baseline', 36, { modality: 'TCMEP', limb: 'lower', source: 'keyboard' }), end()],
    head: NO_CHANGE_RECORDED,
    unestablished: null,
    suggests: ['SSEP and TcMEP were monitored.', NO_CHANGE_OCCURRED],
    neverSuggests: ['recovered by', 'nothing was recorded'],
  },
];

describe('the conclusions a draft may state, by the shape of the record', () => {
  it.each(SHAPES)('$name', (shape) => {
    const d = draftOf(shape.events());
    const events = d.sections.find((s) => s.id === 'events')!;
    const interp = d.sections.find((s) => s.id === 'interpretation')!;
    expect(events.text.split('\n')[0]).toBe(shape.head);

    const gap = d.gaps.find((g) => g.startsWith('Changes from baseline: cannot be stated'));
    expect(gap ?? null).toBe(shape.unestablished === null ? null : `Changes from baseline: cannot be stated (${shape.unestablished})`);

    const suggestion = interp.suggestion ?? '';
    for (const s of shape.suggests) expect(suggestion).toContain(s);
    for (const s of shape.neverSuggests) expect(suggestion).not.toContain(s);
    if (shape.suggests.length === 0) expect(interp.suggestion).toBeNull();

    // "No significant change" is a clinical conclusion: nowhere in the draft unless the record holds it.
    const everything = d.sections.flatMap((s) => [s.text, s.suggestion ?? '']).join('\n');
    const allowed = shape.head === NO_CHANGE_RECORDED;
    expect(everything.includes(NO_CHANGE_RECORDED), 'states "no significant change … recorded"').toBe(allowed);
    expect(everything.includes(NO_CHANGE_OCCURRED), 'states "no significant changes … occurred"').toBe(allowed);
    // The interpretation itself is never written by the draft.
    expect(interp.gaps).toEqual(['Interpretation: not written by the interpreting physician']);
  });
});
