/**
 * How a modality was stimulated and recorded, and the baseline peaks a device marked: read back
 * from stored payloads without trusting them, chosen per device mode on the timeline, worded by
 * the draft only where the record states them, and accepted by the AI fact check as record values.
 */
import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../shared/domain/timeline';
import { channelValues, describeStimulation, roundAmplitude, type RecordedSetup, type Stimulation } from '../../shared/domain/recorded-setup';
import { setupOf } from '../../shared/domain/stored-setup';
import { buildCaseFacts } from '../../shared/report/facts';
import { buildDraft } from '../../shared/report/draft';
import { checkNarrative } from '../../shared/report/fact-check';
import type { CaseEvent } from '../../shared/domain/event';
import { at, ev, trials } from '../helpers/events';
import { record } from '../helpers/billing';

const stim = (over: Partial<Stimulation> = {}): Stimulation => ({
  stimulator: 'TCS-9 Stimulator at Cortical Module',
  outputs: [
    { label: 'C4', usage: 'Anode' },
    { label: 'C3', usage: 'Cathode' },
  ],
  intensities: [120],
  unit: 'mA',
  pulses: 5,
  pulseWidthUs: 50,
  isiMs: 2,
  rateHz: 2,
  ...over,
});

const CORTICAL: RecordedSetup = {
  stimulation: [stim({ stimulator: 'Electrical Stimulator at Limb Module 2', outputs: [{ label: 'L posterior tibial n. ankle', usage: 'Cathode' }], intensities: [25], pulses: 1, pulseWidthUs: 300, isiMs: null, rateHz: 4.7 })],
  channels: [
    {
      name: 'L PTN Cortical',
      active: "Cz'",
      reference: 'Fz',
      cursors: [
        { label: 'N45', latencyMs: 45.24, microvolts: -1.3 },
        { label: 'P37', latencyMs: 37.38, microvolts: 1.634 },
      ],
    },
    { name: 'L PTN Popliteal', active: 'L PF', reference: 'L PF ref', cursors: [{ label: 'N8', latencyMs: 8.1, microvolts: -3 }] },
    { name: 'R PTN Cortical', active: "Cz'", reference: 'Fz', cursors: [] },
  ],
};

describe('recorded setup', () => {
  it('is read back from a stored payload only when every field has the right shape', () => {
    expect(setupOf({ setup: CORTICAL })).toEqual(CORTICAL);
    expect(setupOf(null)).toBeNull();
    expect(setupOf({ record: 3 })).toBeNull();
    for (const bad of [
      { ...CORTICAL, channels: [{ name: 'x', active: null, reference: null, cursors: [{ label: 'P', latencyMs: 'soon', microvolts: null }] }] },
      { ...CORTICAL, stimulation: [{ ...stim(), unit: 'kV' }] },
      { ...CORTICAL, channels: [{ name: 'x'.repeat(201), active: null, reference: null, cursors: [] }] },
      { stimulation: [], channels: 'L APB' },
      'setup',
    ]) {
      expect(setupOf({ setup: bad })).toBeNull();
    }
  });

  it('states an amplitude only between two cursors with voltages, named in latency order', () => {
    const v = channelValues(CORTICAL);
    // The channel without cursors has no values: nothing is measured by Closeout.
    expect(v.map((x) => x.channel.name)).toEqual(['L PTN Cortical', 'L PTN Popliteal']);
    expect(v[0]!.peaks.map((p) => p.label)).toEqual(['P37', 'N45']);
    expect(v[0]!.amplitude).toEqual({ from: 'P37', to: 'N45', microvolts: 2.93 });
    expect(v[1]!.amplitude).toBeNull();
    const noVolts = channelValues({ stimulation: [], channels: [{ name: 'A', active: null, reference: null, cursors: [{ label: 'P', latencyMs: 20, microvolts: null }, { label: 'N', latencyMs: 23, microvolts: null }] }] });
    expect(noVolts[0]!.amplitude).toBeNull();
    expect([roundAmplitude(2.934), roundAmplitude(41.76), roundAmplitude(1320.4)]).toEqual([2.93, 41.8, 1320]);
  });

  it('words a stimulation from what it states, and leaves out what it does not', () => {
    expect(describeStimulation(stim())).toBe('TCS-9 Stimulator at Cortical Module (C4, anode; C3, cathode), 120 mA, 50 µs, 5 pulses 2 ms apart, 2 Hz');
    // An EDF sweep names no stimulator or outputs; an amplitude left out of the export is not "0 mA".
    expect(describeStimulation(stim({ stimulator: null, outputs: [], intensities: [], unit: null, pulses: 1, isiMs: null, rateHz: 0 }))).toBe('50 µs');
    expect(describeStimulation(stim({ stimulator: null, outputs: [], intensities: [120, 118] }))).toBe('120 / 118 mA, 50 µs, 5 pulses 2 ms apart, 2 Hz');
  });
});

describe('setup on the timeline, in the facts and in the draft', () => {
  /** An EDF mode file: channels on its first sweep, a stimulus on every sweep, the first without amplitude. */
  const edfSweeps = (name: string, side: string, from: number, outputs: Stimulation['outputs']) =>
    trials('TCMEP', from, from + 60, 5, { modalityName: name, side }).map((e, i) => ({
      ...e,
      payload: {
        setup: {
          stimulation: [stim({ stimulator: null, outputs, intensities: i === 0 ? [] : [100 + i], unit: i === 0 ? null : 'mA' })],
          channels: i === 0 ? [{ name: `${side === 'left' ? 'L' : 'R'} APB`, active: null, reference: null, cursors: [] }] : [],
        },
      },
    }));

  const events = (): CaseEvent[] => [
    ev('monitoring_start', 8),
    ev('baseline', 12, { modality: 'SSEP', limb: 'lower', modalityName: 'Lower SSEP', payload: { setup: CORTICAL } }),
    ...trials('SSEP', 10, 70, 2, { limb: 'lower', modalityName: 'Lower SSEP' }),
    // Added out of time order: the earliest stated setup still wins.
    ...edfSweeps('R MEP', 'right', 11, [{ label: 'C3', usage: 'Anode' }]).reverse(),
    ...edfSweeps('L MEP', 'left', 10, [{ label: 'C4', usage: 'Anode' }]),
    ev('baseline', 9, { modality: 'TCMEP', text: 'Baseline TcMEP obtained' }),
    ev('monitoring_end', 72),
  ];

  it('keeps one setup per device mode: the first stimulation with an intensity, the first channel list', () => {
    const t = buildTimeline(events());
    const mep = t.lanes.find((l) => l.modality === 'TCMEP')!;
    expect(mep.setups.map((s) => s.name)).toEqual(['L MEP', 'R MEP']);
    const left = mep.setups[0]!;
    // Sweep 0 had no amplitude: sweep 1 (minute 15) is the first that states one.
    expect(left.setup.stimulation[0]!.intensities).toEqual([101]);
    expect(left.at).toBe(at(15));
    expect(left.setup.channels.map((c) => c.name)).toEqual(['L APB']);
    expect(left.eventIds).toHaveLength(2);
    expect(mep.setups[1]!.setup.channels.map((c) => c.name)).toEqual(['R APB']);
    const ssep = t.lanes.find((l) => l.modality === 'SSEP')!;
    expect(ssep.setups).toEqual([expect.objectContaining({ name: 'Lower SSEP', setup: CORTICAL })]);
    expect(ssep.baselines[0]!.setup).toEqual(CORTICAL);
  });

  it('the draft states stimulation, channels and baseline values where the record holds them, and only there', () => {
    const facts = buildCaseFacts({ record: record(), people: { surgeon: null, technologist: null, physician: null }, events: events() });
    const draft = buildDraft(facts);
    const modalities = draft.sections.find((s) => s.id === 'modalities')!.text.split('\n');
    const ssepLine = modalities.find((l) => l.startsWith('- SSEP'))!;
    expect(ssepLine).toContain(
      "Stimulation: Electrical Stimulator at Limb Module 2 (L posterior tibial n. ankle, cathode), 25 mA, 300 µs, 4.7 Hz (as at 08:12). Recording: L PTN Cortical (Cz'–Fz), L PTN Popliteal (L PF–L PF ref), R PTN Cortical (Cz'–Fz).",
    );
    const mepLine = modalities.find((l) => l.startsWith('- TcMEP'))!;
    expect(mepLine).toContain('Stimulation: L MEP: C4, anode, 101 mA, 50 µs, 5 pulses 2 ms apart, 2 Hz (as at 08:15); R MEP: C3, anode, 101 mA');
    expect(mepLine).toContain('Recording: L MEP: L APB; R MEP: R APB.');

    const baselines = draft.sections.find((s) => s.id === 'baselines')!.text.split('\n');
    expect(baselines).toContain("08:12 SSEP (lower limb): baseline obtained. L PTN Cortical (Cz'–Fz): P37 37.4 ms, N45 45.2 ms, P37–N45 2.93 µV; L PTN Popliteal (L PF–L PF ref): N8 8.1 ms.");
    // A typed baseline states no values: none are made up for it.
    expect(baselines).toContain('08:09 TcMEP: Baseline TcMEP obtained.');

    // An AI narrative may quote every value the draft states; a changed one is caught.
    const section = draft.sections.find((s) => s.id === 'baselines')!.text;
    expect(checkNarrative(section, facts).findings).toEqual([]);
    expect(checkNarrative('P37 latency 38.4 ms, amplitude 2.93 µV.', facts).findings.map((f) => f.token)).toEqual(['38.4 ms']);
  });
});
