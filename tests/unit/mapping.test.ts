import { describe, expect, it } from 'vitest';
import { classifyText, compileRule, compileRules, DEFAULT_RULES, isValidRuleFields, mapModalityName, type MappingRuleFields } from '../../shared/domain/mapping';
import { normalizeDeviceEvent } from '../../shared/domain/normalize';

const rules = compileRules(DEFAULT_RULES);

describe('modality names as sites write them', () => {
  it.each([
    // Cadwell mode names seen in reader code (vendor-formats.md §1a), NIM-Eclipse names (§3).
    ['MEP', 'TCMEP', null, null],
    ['L MEP', 'TCMEP', 'left', null],
    ['R MEP', 'TCMEP', 'right', null],
    ['Lower SSEP', 'SSEP', null, 'lower'],
    ['Upper SSEP', 'SSEP', null, 'upper'],
    ['TOF', 'TOF', null, null],
    ['EEG', 'EEG', null, null],
    ['TES MEP', 'TCMEP', null, null],
    ['TcMEP', 'TCMEP', null, null],
    ['H Reflex', 'HREFLEX', null, null],
    ['MEP Drempel', 'EMG_TRIGGERED', null, null],
    ['CMAP', 'TCMEP', null, null],
    ['d-wave', 'DWAVE', null, null],
    ['Left tibial SSEP', 'SSEP', 'left', 'lower'],
    ['Rt median SEP', 'SSEP', 'right', 'upper'],
    ['Free-run EMG', 'EMG_FREE', null, null],
    ['tEMG', 'EMG_TRIGGERED', null, null],
    ['BAEP', 'BAEP', null, null],
    ['Facial nerve EMG', 'EMG_CRANIAL', null, 'cranial'],
    ['Bilateral lower MEP', 'TCMEP', 'bilateral', 'lower'],
    // Both limbs named: the fact is about the modality as a whole.
    ['Baseline upper and lower SSEP obtained', 'SSEP', null, null],
  ])('%s → %s %s %s', (name, modality, side, limb) => {
    expect(mapModalityName(name, rules)).toEqual({ modality, side, limb });
  });

  it('leaves unknown names unmapped (kept verbatim on the event)', () => {
    expect(mapModalityName('Research Paired Averaged', rules)).toEqual({ modality: null, side: null, limb: null });
    expect(mapModalityName('Impedance', rules).modality).toBeNull();
  });

  it('a site rule wins over the built-ins by priority', () => {
    const site: MappingRuleFields = { target: 'modality', matchType: 'word', pattern: 'DNEP', modality: 'DWAVE', limb: null, side: null, kind: null, priority: 50, enabled: true };
    expect(mapModalityName('DNEP', compileRules([...DEFAULT_RULES, site])).modality).toBe('DWAVE');
    expect(mapModalityName('DNEP', rules).modality).toBeNull();
  });
});

describe('free text → event kind', () => {
  it.each([
    ['Baseline SSEP obtained', 'baseline'],
    ['Incision', 'milestone'],
    ['Pedicle screw L4 left', 'milestone'],
    ['Loss of R APB MEP, surgeon notified', 'alert'],
    ['Left tibialis anterior TcMEP amplitude down 80% from baseline.', 'alert'],
    ['Left TA TcMEP back to baseline amplitude.', 'alert_resolved'],
    ['Surgeon notified of left TA MEP change.', 'surgeon_notified'],
    ['MAP raised to 85 mmHg, retractor released.', 'intervention'],
    ['At closure all modalities at baseline.', 'note'],
    ['Closing', 'milestone'],
    ['Propofol bolus 50 mg', 'anesthesia_change'],
    ['MAP 62', 'vitals'],
    ['Dr. Example joined remotely', 'physician_joined'],
    ['Monitoring start.', 'monitoring_start'],
    ['Monitoring ended', 'monitoring_end'],
    ['Patient in room. Electrodes placed, impedances < 5 kOhm.', null],
  ])('%s → %s', (text, kind) => expect(classifyText(text, rules)).toBe(kind));
});

describe('normalising a device fact', () => {
  it('turns the wall clock into an instant in the source zone and keeps the raw value', () => {
    const r = normalizeDeviceEvent({ wallClock: '2026-11-26T08:05:00', key: 'e1', text: 'Incision', raw: '1795766700000000' }, rules, 'America/New_York');
    expect(r).toEqual({
      ok: true,
      events: [
        {
          keySuffix: '',
          kind: 'milestone',
          modality: null,
          side: null,
          limb: null,
          modalityName: null,
          text: 'Incision',
          occurredAt: Date.UTC(2026, 10, 26, 13, 5),
          raw: '1795766700000000',
          clockZone: 'America/New_York',
          payload: null,
        },
      ],
    });
  });

  it('a trial keeps its format kind and maps its mode name', () => {
    const r = normalizeDeviceEvent({ wallClock: '2026-11-26T08:05:00.250', key: 't1', text: '', kind: 'modality_activity', modalityName: 'L MEP', raw: 'x', extra: { trialNumber: 3 } }, rules, 'UTC');
    expect(r.ok && r.events[0]).toMatchObject({ kind: 'modality_activity', modality: 'TCMEP', side: 'left', modalityName: 'L MEP', payload: { trialNumber: 3 } });
  });

  it('an alert reported with its notification makes two facts at the same time', () => {
    const r = normalizeDeviceEvent({ wallClock: '2026-11-26T09:36:00', key: 'e9', text: 'Loss of R APB MEP, surgeon notified', raw: '09:36:00' }, rules, 'UTC');
    expect(r.ok && r.events.map((e) => [e.kind, e.keySuffix, e.modality, e.side, e.limb])).toEqual([
      ['alert', '', 'TCMEP', 'right', 'upper'],
      ['surgeon_notified', ':notified', 'TCMEP', 'right', 'upper'],
    ]);
  });

  it('refuses an unreadable time instead of guessing', () => {
    expect(normalizeDeviceEvent({ wallClock: '25:99', key: 'x', text: 'x', raw: 'x' }, rules, 'UTC')).toEqual({ ok: false, reason: 'unreadable time "25:99"' });
  });
});

describe('rule validation', () => {
  it('reports unusable patterns in plain words', () => {
    expect(compileRule({ matchType: 'regex', pattern: '(' })).toMatch(/not a valid regular expression/);
    expect(compileRule({ matchType: 'contains', pattern: '  ' })).toBe('The pattern is empty.');
    expect(isValidRuleFields({ target: 'modality', matchType: 'word', pattern: 'x', modality: null, limb: null, side: null, kind: null, priority: 1, enabled: true })).toBe('Choose the modality this name means.');
  });

  it('every built-in rule compiles', () => {
    for (const r of DEFAULT_RULES) expect(isValidRuleFields(r)).toBeNull();
  });
});
