/**
 * A modality as typed on the command line: its id or its label in any case and spacing; a text
 * that names none exactly lists what it is part of, so the message offers choices, never a guess.
 * The other flags of `closeout entry`: a fixed list is read loosely and, when wrong, listed; a flag
 * the kind of entry does not take is refused rather than silently dropped.
 */
import { describe, expect, it } from 'vitest';
import { MODALITIES, MODALITY_LABELS, modalityFromTyped } from '../../shared/domain/modality';
import { entryFromFlags, parseModality } from '../../electron/cli/commands/entry';
import { QuickEntrySchema } from '../../shared/domain/quick-entry';

describe('modalityFromTyped', () => {
  it('reads every id and every label, in any case, with or without spaces, hyphens and underscores', () => {
    for (const m of MODALITIES) {
      for (const typed of [m, m.toLowerCase(), m.replace(/_/g, ' '), MODALITY_LABELS[m], MODALITY_LABELS[m].toUpperCase(), MODALITY_LABELS[m].replace(/[-\s]/g, '')]) {
        expect(modalityFromTyped(typed), typed).toEqual({ modality: m });
      }
    }
    expect(modalityFromTyped('  tcMEP ')).toEqual({ modality: 'TCMEP' });
    expect(modalityFromTyped('free-run emg')).toEqual({ modality: 'EMG_FREE' });
  });

  it('does not guess: "EMG" is three kinds, "MEP" is only part of TcMEP, and nonsense is nothing', () => {
    expect(modalityFromTyped('EMG')).toEqual({ modality: null, near: ['EMG_FREE', 'EMG_TRIGGERED', 'EMG_CRANIAL'] });
    expect(modalityFromTyped('MEP')).toEqual({ modality: null, near: ['TCMEP'] });
    expect(modalityFromTyped('lunch')).toEqual({ modality: null, near: [] });
    expect(modalityFromTyped('')).toEqual({ modality: null, near: [] });
  });
});

describe('closeout entry --modality', () => {
  it('says which modalities a text could mean, with their labels', () => {
    expect(parseModality('tcmep')).toBe('TCMEP');
    expect(() => parseModality('EMG')).toThrow('"EMG" could be EMG_FREE (Free-run EMG), EMG_TRIGGERED (Triggered EMG) or EMG_CRANIAL (Cranial nerve EMG): say which.');
    expect(() => parseModality('MEP')).toThrow('"MEP" is not a modality; did you mean TCMEP (TcMEP)?');
    expect(() => parseModality('lunch')).toThrow(/^"lunch" is not a modality Closeout knows\. --modality must be one of: SSEP, TCMEP \(TcMEP\), .*PHASE_REVERSAL \(Phase reversal\)\.$/);
  });
});

describe('closeout entry flags', () => {
  const flags = (o: Record<string, string>) => (k: string) => o[k];

  it('reads listed values typed with hyphens, spaces or capitals, and an alert\'s one limb', () => {
    const i = QuickEntrySchema.parse(entryFromFlags('intervention', flags({ action: 'MAP-raised', detail: 'to 90' })));
    expect(i).toEqual({ kind: 'intervention', action: 'map_raised', detail: 'to 90' });
    expect(QuickEntrySchema.parse(entryFromFlags('surgeon_notified', flags({ who: 'Dr Sample', role: 'interpreting-physician' })))).toMatchObject({ role: 'interpreting physician' });
    expect(QuickEntrySchema.parse(entryFromFlags('closing', flags({ status: 'at-baseline' })))).toMatchObject({ status: 'at_baseline' });
    expect(QuickEntrySchema.parse(entryFromFlags('alert', flags({ modality: 'ssep', limbs: 'Lower', side: 'Left', amplitude: '55' })))).toMatchObject({ modality: 'SSEP', limb: 'lower', side: 'left', amplitudeDropPct: 55 });
    expect(QuickEntrySchema.parse(entryFromFlags('baseline', flags({ modality: 'tcmep', limbs: 'upper, lower' })))).toMatchObject({ limbs: ['upper', 'lower'] });
  });

  it('lists the choices for a wrong value, and refuses a flag the entry does not take instead of dropping it', () => {
    expect(() => entryFromFlags('intervention', flags({ action: 'prayed' }))).toThrow('--action must be one of: map-raised, retractor-released, irrigation, anesthetic-change, screw-redirected, correction-reduced, repositioned, steroids, wake-up-test, other; not "prayed".');
    expect(() => entryFromFlags('surgeon_notified', flags({ who: 'Dr Sample', alert: '6' }))).toThrow('--alert does not apply to surgeon-notified: it takes --who, --role.');
    expect(() => entryFromFlags('monitoring_start', flags({ modality: 'SSEP' }))).toThrow('--modality does not apply to monitoring-start: it takes only --at.');
    expect(() => entryFromFlags('alert', flags({ modality: 'SSEP', limbs: 'upper,lower', amplitude: '50' }))).toThrow('An alert is on one limb');
    expect(() => entryFromFlags('baseline', flags({ modality: 'SSEP', limbs: 'trunk' }))).toThrow('--limbs must be one of: upper, lower; not "trunk".');
    expect(() => entryFromFlags('alert_resolved', flags({ recovery: 'mostly' }))).toThrow('--recovery must be one of: full, partial, none; not "mostly".');
  });
});
