/**
 * Golden claims for typical cases (issue: billing), and the arithmetic under them: unit
 * thresholds, billable time cuts, modifiers by billing role.
 */
import { describe, expect, it } from 'vitest';
import { at, ev, trials } from '../helpers/events';
import { claimFor, lumbarEvents, PEOPLE } from '../helpers/billing';
import { minutesForUnits, timeUnits } from '../../shared/billing/codes';
import type { Claim } from '../../shared/billing/scrubber';

const lines = (c: Claim) => c.lines.map((l) => [l.code, l.modifiers.join(' '), l.units, l.minutes]);

describe('unit arithmetic (billing-rules.md §1.2)', () => {
  it.each([
    [7, 0], [8, 1], [22, 1], [23, 2], [37, 2], [38, 3], [52, 3], [53, 4], [67, 4], [68, 5], [135, 9],
  ])('15-minute codes: %i min → %i units', (min, units) => {
    expect(timeUnits('95940', min)).toBe(units);
    expect(timeUnits('G0453', min)).toBe(units);
  });
  it.each([[30, 0], [31, 1], [90, 1], [91, 2], [150, 2], [151, 3]])('95941: %i min → %i units', (min, units) => expect(timeUnits('95941', min)).toBe(units));
  it('the fewest minutes for n units', () => {
    expect([1, 2, 3, 4].map((n) => minutesForUnits('95940', n))).toEqual([8, 23, 38, 53]);
    expect([1, 2, 3].map((n) => minutesForUnits('95941', n))).toEqual([31, 91, 151]);
  });
});

describe('golden claims', () => {
  it('one-level lumbar fusion, SSEP + MEP + EMG, reader in the OR, commercial: 95938, 95939, 95861, 95940 × 9', () => {
    const c = claimFor();
    expect(lines(c)).toEqual([
      ['95938', '', 1, null],
      ['95939', '', 1, null],
      ['95861', '', 1, null],
      ['95940', '', 9, 135],
    ]);
    expect(c).toMatchObject({ clean: true, dateOfService: '2026-11-26', placeOfService: '22', renderingNpi: '1234567893', referringNpi: '1000000012', diagnosisCodes: ['M43.16', 'M48.062'] });
    expect(c.lines.every((l) => l.icdPointers.join() === '1,2' && l.eventIds.length > 0)).toBe(true);
    expect(c.lines[3]!.intervals).toEqual([{ start: at(28), end: at(163) }]);
  });

  it('scoliosis, remote reader, commercial: 95941 by the hour', () => {
    const events = [
      ...trials('SSEP', 10, 320, 2, { limb: 'upper', modalityName: 'Upper SSEP' }),
      ...trials('SSEP', 11, 320, 2, { limb: 'lower', modalityName: 'Lower SSEP' }),
      ev('baseline', 25, { modality: 'SSEP', text: 'Baseline SSEP obtained' }),
      ...trials('TCMEP', 12, 320, 10, { limb: 'lower', modalityName: 'Lower MEP' }),
      ...trials('TCMEP', 12, 320, 10, { limb: 'upper', modalityName: 'Upper MEP' }),
      ev('baseline', 30, { modality: 'TCMEP', text: 'Baseline MEP obtained' }),
      ...trials('EMG_TRIGGERED', 60, 200, 5, { limb: 'lower', side: 'bilateral', modalityName: 'Triggered EMG' }),
      ev('monitoring_start', 20, { text: 'Monitoring start' }),
      ev('monitoring_end', 322, { text: 'Monitoring end' }),
    ];
    const c = claimFor({
      events,
      record: { procedure: { description: 'T4-L3 posterior spinal fusion for adolescent idiopathic scoliosis', cpt: '22802', side: 'bilateral', levels: 'T4-L3' }, readerLocation: 'remote', diagnosisCodes: ['M41.125'] },
      details: { surgeonOrder: ['SSEP', 'TCMEP', 'EMG_TRIGGERED'] },
    });
    // 20 → 322 is 302 min; the MEP baseline finished at 30: 292 billable minutes → 5 hours (31, 91, 151, 211, 271).
    expect(lines(c)).toEqual([
      ['95938', '', 1, null],
      ['95939', '', 1, null],
      ['95861', '', 1, null],
      ['95941', '', 5, 292],
    ]);
    expect(c.billable.excluded).toEqual([{ reason: 'baselines', start: at(20), end: at(30), minutes: 10 }]);
    expect(c.lines[3]!.note).toBe('292 min of monitoring (10 min of baseline acquisition not counted). Reader remote; remote time is 95941 for this payer.');
    expect(c.clean).toBe(true);
  });

  it('carotid endarterectomy, EEG + upper SSEP, Medicare, remote reader: 95925, 95955, G0453', () => {
    const events = [
      ...trials('EEG', 5, 120, 0.5, { modalityName: 'EEG 16ch' }),
      ev('baseline', 12, { modality: 'EEG', text: 'Baseline EEG symmetric' }),
      ...trials('SSEP', 6, 120, 2, { limb: 'upper', modalityName: 'Upper SSEP' }),
      ev('baseline', 14, { modality: 'SSEP', text: 'Baseline median SSEP obtained' }),
      ev('monitoring_start', 20),
      ev('milestone', 60, { text: 'Carotid cross-clamp on' }),
      ev('monitoring_end', 115),
    ];
    const c = claimFor({
      events,
      record: { procedure: { description: 'Left carotid endarterectomy', cpt: '35301', side: 'left', levels: '' }, readerLocation: 'remote', payer: { type: 'medicare_ffs', name: 'Medicare Part B' }, placeOfService: '21', diagnosisCodes: ['I65.22'] },
      details: { surgeonOrder: ['EEG', 'SSEP'] },
    });
    expect(lines(c)).toEqual([
      ['95925', '', 1, null],
      ['95955', '', 1, null],
      ['G0453', '', 6, 95],
    ]);
    expect(c.timeCodeReason).toBe('Reader remote; Medicare pays remote time as G0453.');
    expect(c.clean).toBe(true);
  });

  it('a case crossing midnight is reported on the day monitoring started, with its total time', () => {
    const shift = (m: number) => m + 15 * 60; // 23:00 UTC onwards
    const events = lumbarEvents().map((e) => ({ ...e, occurredAt: e.occurredAt + 15 * 3_600_000 }));
    const c = claimFor({ events });
    expect(new Date(at(shift(28))).toISOString()).toBe('2026-11-26T23:28:00.000Z');
    expect(new Date(at(shift(163))).toISOString()).toBe('2026-11-27T01:43:00.000Z');
    expect(lines(c).at(-1)).toEqual(['95940', '', 9, 135]);
    expect(c.dateOfService).toBe('2026-11-26');
    expect(c.clean).toBe(true);
    // Entered on the day it ended instead: the scrubber says which day it must be.
    const wrong = claimFor({ events, record: { dateOfService: '2026-11-27' } });
    expect(wrong.findings.find((f) => f.rule === 'C02')?.message).toBe('Monitoring started on 2026-11-26 but the date of service is 2026-11-27; a case is reported on the day monitoring started.');
  });

  it('split, interrupted monitoring: the minutes of each segment add up (60 + 40 = 100 min → 7 units)', () => {
    const events = [
      ...lumbarEvents().filter((e) => e.kind !== 'monitoring_start' && e.kind !== 'monitoring_end'),
      ev('monitoring_start', 30),
      ev('monitoring_end', 90, { text: 'Monitoring paused: anterior approach, patient repositioned' }),
      ev('monitoring_start', 120),
      ev('monitoring_end', 160),
    ];
    const c = claimFor({ events });
    expect(lines(c).at(-1)).toEqual(['95940', '', 7, 100]);
    expect(c.lines.at(-1)!.intervals).toEqual([
      { start: at(30), end: at(90) },
      { start: at(120), end: at(160) },
    ]);
  });
});

describe('billable time', () => {
  it('monitoring marked before the baselines were done: the baseline time is not billed', () => {
    const events = [...lumbarEvents().filter((e) => e.kind !== 'monitoring_start'), ev('monitoring_start', 15)];
    const c = claimFor({ events });
    expect(c.billable).toMatchObject({ minutes: 141, monitoredMinutes: 148, excluded: [{ reason: 'baselines', minutes: 7 }] });
  });
  it('standby with no recorded activity, electrode removal, and the reader\'s connection all cut the time', () => {
    const events = [
      ...trials('SSEP', 10, 60, 2, { limb: 'upper' }),
      ...trials('SSEP', 100, 200, 2, { limb: 'upper' }),
      ev('baseline', 12, { modality: 'SSEP', text: 'Baseline SSEP' }),
      ev('monitoring_start', 20),
      ev('physician_joined', 25, { text: 'Reader connected' }),
      ev('note', 190, { text: 'Electrodes removed' }),
      ev('monitoring_end', 200),
    ];
    const c = claimFor({ events, details: { surgeonOrder: ['SSEP'] } });
    // 20→200 = 180; gap 60→100 (40, no activity); removal at 190 (10); reader from 25 (5): 125.
    expect(c.billable.excluded.map((e) => [e.reason, e.minutes])).toEqual([['no_activity', 40], ['after_removal', 10], ['reader_absent', 5]]);
    expect(c.billable.minutes).toBe(125);
  });
});

describe('modifiers by the practice\'s billing role', () => {
  it('professional: 26 on split base codes, time codes bare', () => {
    expect(lines(claimFor({ practice: { role: 'professional' } }))).toEqual([
      ['95938', '26', 1, null],
      ['95939', '26', 1, null],
      ['95861', '26', 1, null],
      ['95940', '', 9, 135],
    ]);
  });
  it('technical: TC on base codes and no time code (the time is the physician\'s)', () => {
    const c = claimFor({ practice: { role: 'technical' } });
    expect(lines(c)).toEqual([
      ['95938', 'TC', 1, null],
      ['95939', 'TC', 1, null],
      ['95861', 'TC', 1, null],
    ]);
    expect(c.timeCodeReason).toMatch(/Technical-only/);
  });
  it('EMG as 95870 per limb when the practice bills limited studies', () => {
    expect(lines(claimFor({ details: { emgLimited: true } }))[2]).toEqual(['95870', '', 2, null]);
  });
  it('in the OR but covering a second room: 95941 for commercial payers', () => {
    const c = claimFor({ others: [{ caseId: 'other', label: '2026-11-26, A.B.', payerType: 'commercial', timeCode: '95941', orRoom: 'OR 9', intervals: [{ start: at(100), end: at(200) }] }] });
    expect(c.timeCode).toBe('95941');
    expect(c.timeCodeReason).toBe('Reader in the OR but covering 2 cases at once: 95941.');
    expect(PEOPLE.physician.npi).toBe(c.renderingNpi);
  });
});
