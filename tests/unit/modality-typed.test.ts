/**
 * A modality as typed on the command line: its id or its label in any case and spacing; a text
 * that names none exactly lists what it is part of, so the message offers choices, never a guess.
 */
import { describe, expect, it } from 'vitest';
import { MODALITIES, MODALITY_LABELS, modalityFromTyped } from '../../shared/domain/modality';
import { parseModality } from '../../electron/cli/commands/entry';

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
