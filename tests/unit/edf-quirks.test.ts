/**
 * The EDF reader on synthetic files, one malformation or vendor quirk at a time, then a fuzz
 * loop over mutated copies of a real file: it must warn and carry on, or refuse with NotEdfError,
 * never crash or hang.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesSource, type ByteSource } from '../../shared/parsers/byte-source';
import {
  cadwellTrials,
  decodeEdfText,
  inspectEdf,
  modalityNameFromFileName,
  NotEdfError,
  openCadwellEdf,
  openEdf,
  parseCadwellStimulus,
  type EdfSummary,
} from '../../shared/parsers/edf';
import { bytes, tal, timekeeping, writeEdf, type EdfSpec, type SignalSpec } from '../helpers/edf-writer';
import { TESTDATA } from '../helpers/temp-dir';
import { mulberry32 as rng } from '../../shared/util/seeded-random';

const EEG: SignalSpec = { label: 'EEG Fpz-Cz', samplesPerRecord: 8 };
const ANNOT = (samples = 32): SignalSpec => ({ label: 'EDF Annotations', samplesPerRecord: samples });

function inspect(spec: EdfSpec): EdfSummary {
  return inspectEdf(bytesSource(writeEdf(spec)));
}

const texts = (s: EdfSummary) => s.annotations.map((a) => a.text);
const warned = (s: EdfSummary, re: RegExp) => s.warnings.some((w) => re.test(w.message));

/** A byte source that counts what a reader asks of it: work measured without a clock. */
function counting(inner: ByteSource): ByteSource & { bytesRead: number; reads: number } {
  const c = {
    size: inner.size,
    bytesRead: 0,
    reads: 0,
    read(offset: number, length: number): Uint8Array {
      const out = inner.read(offset, length);
      c.bytesRead += out.length;
      c.reads++;
      return out;
    },
  };
  return c;
}

describe('annotations (TALs)', () => {
  it('several annotation signals: the time-keeping TAL is only the first of the first signal', () => {
    const s = inspect({
      reserved: 'EDF+C',
      signals: [EEG, ANNOT(), EEG, ANNOT()],
      recordCount: 2,
      annotations: (r, sig) => (sig === 1 ? bytes(timekeeping(`+${r}`), tal(`+${r}.25`, ['first'])) : bytes(tal(`+${r}.5`, ['second']))),
    });
    expect(s.header.annotationSignals).toEqual([1, 3]);
    expect(s.recordOnsetsRaw).toEqual(['+0', '+1']);
    expect(s.annotations.map((a) => [a.record, a.signal, a.onsetSec, a.text])).toEqual([
      [0, 1, 0.25, 'first'],
      [0, 3, 0.5, 'second'],
      [1, 1, 1.25, 'first'],
      [1, 3, 1.5, 'second'],
    ]);
    expect(s.warnings).toEqual([]);
  });

  it('UTF-8 text, several texts per TAL, durations absent, 0 and present, negative onsets', () => {
    const s = inspect({
      signals: [EEG, ANNOT(64)],
      recordCount: 1,
      annotations: () => bytes(timekeeping('+0'), tal('+0', ['Café ✓', '仰卧']), tal('+1.5', ['zero'], '0'), tal('-2.25', ['before'], '1.5')),
    });
    expect(s.annotations.map((a) => ({ onset: a.onsetSec, raw: a.onsetRaw, duration: a.durationSec, text: a.text, tal: a.tal, index: a.index }))).toEqual([
      { onset: 0, raw: '+0', duration: null, text: 'Café ✓', tal: 1, index: 0 },
      { onset: 0, raw: '+0', duration: null, text: '仰卧', tal: 1, index: 1 },
      { onset: 1.5, raw: '+1.5', duration: 0, text: 'zero', tal: 2, index: 0 },
      { onset: -2.25, raw: '-2.25', duration: 1.5, text: 'before', tal: 3, index: 0 },
    ]);
    expect(s.warnings).toEqual([]);
  });

  it('text inside the time-keeping TAL is kept as an annotation, with a warning', () => {
    const s = inspect({ reserved: 'EDF+D', signals: [EEG, ANNOT()], recordCount: 3, annotations: (r) => tal(`+${r * 2}`, [`trial ${r}`]) });
    expect(s.recordOnsetsRaw).toEqual(['+0', '+2', '+4']);
    expect(texts(s)).toEqual(['trial 0', 'trial 1', 'trial 2']);
    expect(s.warnings.map((w) => w.message)).toHaveLength(1);
    expect(s.warnings[0]?.message).toMatch(/time-keeping TAL carries annotation text.*3 times/);
  });

  it('recovers TALs run together without their 0x00 separator', () => {
    const s = inspect({
      signals: [EEG, ANNOT(40)],
      recordCount: 1,
      annotations: () => bytes('+0\x14\x14', '+0.5\x14A\x14', '-1\x152\x14B\x14\x00'),
    });
    expect(s.recordOnsetsRaw).toEqual(['+0']);
    expect(s.annotations.map((a) => [a.onsetSec, a.durationSec, a.text])).toEqual([
      [0.5, null, 'A'],
      [-1, 2, 'B'],
    ]);
    expect(warned(s, /not closed by 0x00/)).toBe(true);
  });

  it('skips a garbage TAL and keeps reading the next ones', () => {
    const s = inspect({
      signals: [EEG, ANNOT(48)],
      recordCount: 2,
      annotations: (r) => bytes(timekeeping(`+${r}`), r === 0 ? 'x#\x01garbage\x00' : '+1,5\x14bad comma\x14\x00', tal(`+${r}.5`, ['ok'])),
    });
    expect(texts(s)).toEqual(['ok', 'ok']);
    expect(s.recordOnsetsSec).toEqual([0, 1]);
    expect(warned(s, /skipped a TAL/)).toBe(true);
    expect(s.warnings.every((w) => !w.message.includes('garbage') && !w.message.includes('bad comma'))).toBe(true);
  });

  it('a record whose time-keeping TAL is garbage follows the previous record, with a warning', () => {
    const s = inspect({
      reserved: 'EDF+D',
      signals: [EEG, ANNOT()],
      recordCount: 3,
      annotations: (r) => (r === 1 ? 'junk\x00' : timekeeping(`+${r * 10}`)),
    });
    expect(s.recordOnsetsSec).toEqual([0, 1, 20]);
    expect(s.recordOnsetsRaw).toEqual(['+0', null, '+20']);
    expect(warned(s, /no time-keeping TAL/)).toBe(true);
  });

  it('Windows-1252 text (0xB5 "µ") is decoded when the bytes are not UTF-8', () => {
    const s = inspect({ signals: [EEG, ANNOT()], recordCount: 1, annotations: () => bytes(timekeeping('+0'), tal('+0', [Uint8Array.of(0x32, 0x35, 0x30, 0xb5, 0x73)])) });
    expect(texts(s)).toEqual(['250µs']);
    expect(warned(s, /not UTF-8/)).toBe(true);
  });
});

describe('text decoding: UTF-8 when valid, else Windows-1252', () => {
  const fatal = new TextDecoder('utf-8', { fatal: true });
  /** 0x80–0x9F of Windows-1252 per the WHATWG index; the other bytes are Latin-1. */
  const HIGH_1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
  const win1252 = (c: Uint8Array) => Array.from(c, (x) => (x >= 0x80 && x <= 0x9f ? HIGH_1252[x - 0x80] : String.fromCharCode(x))).join('');

  it('Windows-1252 per the WHATWG table (Node 20\'s own decoder maps 0x80–0x9F as Latin-1)', () => {
    expect(decodeEdfText(Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i))).toEqual({ text: HIGH_1252, fallback: true });
    expect(decodeEdfText(Uint8Array.of(0x32, 0x35, 0x30, 0xb5, 0x73))).toEqual({ text: '250µs', fallback: true });
    expect(decodeEdfText(Uint8Array.of(0xe9, 0x20, 0xff))).toEqual({ text: 'é ÿ', fallback: true });
  });

  it('agrees with a strict UTF-8 decoder on random and edge-case bytes', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    const cases: Uint8Array[] = [
      Uint8Array.of(0xc0, 0x80), // overlong NUL
      Uint8Array.of(0xe0, 0x80, 0x80), // overlong
      Uint8Array.of(0xed, 0xa0, 0x80), // surrogate
      Uint8Array.of(0xf4, 0x90, 0x80, 0x80), // above U+10FFFF
      Uint8Array.of(0xe4, 0xbb), // cut short
      new TextEncoder().encode('仰卧 µ 😀'),
    ];
    for (let i = 0; i < 2000; i++) cases.push(Uint8Array.from({ length: 1 + (next() % 8) }, () => (next() & 1 ? 0x80 | next() : next())));
    for (const c of cases) {
      let expected: { text: string; fallback: boolean };
      try {
        expected = { text: fatal.decode(c), fallback: false };
      } catch {
        expected = { text: win1252(c), fallback: true };
      }
      expect(decodeEdfText(c)).toEqual(expected);
    }
  });
});

describe('records, onsets and segments', () => {
  it('records = -1: counted from the file size, with a warning', () => {
    const s = inspect({ recordsField: '-1', signals: [EEG, ANNOT()], recordCount: 4, annotations: (r) => timekeeping(`+${r}`) });
    expect(s.header.recordsInHeader).toBe(-1);
    expect(s.header.recordCount).toBe(4);
    expect(s.recordOnsetsSec).toEqual([0, 1, 2, 3]);
    expect(warned(s, /-1 \(unknown\); counted 4/)).toBe(true);
  });

  it('a truncated last record is ignored, with a warning', () => {
    const s = inspect({ signals: [EEG, ANNOT()], recordCount: 3, truncate: 10, annotations: (r) => bytes(timekeeping(`+${r}`), tal(`+${r}`, [`n${r}`])) });
    expect(s.header.recordCount).toBe(2);
    expect(texts(s)).toEqual(['n0', 'n1']);
    expect(warned(s, /announces 3 records but the file holds 2/)).toBe(true);
    expect(warned(s, /cut short \(70 of 80 bytes\)/)).toBe(true);
  });

  it('records = -1 and a truncated last record together', () => {
    const s = inspect({ recordsField: '-1', signals: [EEG, ANNOT()], recordCount: 3, truncate: 1, annotations: (r) => timekeeping(`+${r}`) });
    expect(s.header.recordCount).toBe(2);
    expect(warned(s, /cut short/)).toBe(true);
  });

  it('EDF+D gaps make segments; sub-second onsets stay relative to the header start', () => {
    const onsets = ['+0.25', '+1.25', '+5.25', '+6.25', '+7.25', '+100', '+100.5'];
    const s = inspect({ reserved: 'EDF+D', recordDuration: '1', signals: [EEG, ANNOT()], recordCount: onsets.length, annotations: (r) => timekeeping(onsets[r] as string) });
    expect(s.header.variant).toBe('EDF+D');
    expect(s.segments).toEqual([
      { startSec: 0.25, endSec: 2.25, records: 2 },
      { startSec: 5.25, endSec: 8.25, records: 3 },
      { startSec: 100, endSec: 101, records: 1 },
      { startSec: 100.5, endSec: 101.5, records: 1 },
    ]);
    expect(s.warnings).toEqual([]);
  });

  it('tolerates onsets rounded by the writer (1/3 s records)', () => {
    const s = inspect({ reserved: 'EDF+D', recordDuration: '0.333333', signals: [EEG, ANNOT()], recordCount: 6, annotations: (r) => timekeeping(`+${(r / 3).toFixed(4)}`) });
    expect(s.segments).toHaveLength(1);
    expect(s.segments[0]?.records).toBe(6);
  });

  it('an EDF+C whose records have gaps is flagged', () => {
    const s = inspect({ reserved: 'EDF+C', signals: [EEG, ANNOT()], recordCount: 2, annotations: (r) => timekeeping(`+${r * 5}`) });
    expect(s.segments).toHaveLength(2);
    expect(warned(s, /continuous by declaration/)).toBe(true);
  });

  it('plain EDF without annotations: onsets are index × duration', () => {
    const s = inspect({ reserved: '', recordDuration: '0.5', signals: [EEG, EEG], recordCount: 4 });
    expect(s.header.variant).toBe('EDF');
    expect(s.header.patient).toBeNull();
    expect(s.recordOnsetsSec).toEqual([0, 0.5, 1, 1.5]);
    expect(s.recordOnsetsRaw).toEqual([null, null, null, null]);
    expect(s.segments).toEqual([{ startSec: 0, endSec: 2, records: 4 }]);
  });

  it('BDF+: 24-bit samples, "BDF Annotations", "BDF+D" in the reserved field', () => {
    const s = inspect({
      format: 'BDF',
      reserved: 'BDF+D',
      signals: [EEG, { label: 'BDF Annotations', samplesPerRecord: 10 }, EEG],
      recordCount: 3,
      annotations: (r) => bytes(timekeeping(`+${r * 3}`), r === 2 ? tal('+6.5', ['µ-stim']) : ''),
    });
    expect(s.header.format).toBe('BDF');
    expect(s.header.variant).toBe('BDF+D');
    expect(s.header.bytesPerSample).toBe(3);
    expect(s.header.recordBytes).toBe((8 + 10 + 8) * 3);
    expect(s.header.signals[1]?.offsetInRecord).toBe(24);
    expect(s.header.signals[0]?.digitalMin).toBe(-8388608);
    expect(s.recordOnsetsSec).toEqual([0, 3, 6]);
    expect(s.segments).toHaveLength(3);
    expect(texts(s)).toEqual(['µ-stim']);
    expect(s.warnings).toEqual([]);
  });

  it('plain BDF (reserved "24BIT")', () => {
    const s = inspect({ format: 'BDF', reserved: '24BIT', signals: [EEG], recordCount: 2 });
    expect(s.header.variant).toBe('BDF');
    expect(s.segments).toEqual([{ startSec: 0, endSec: 2, records: 2 }]);
  });
});

describe('header', () => {
  it('a 4-digit EDF+ Startdate year wins over the ambiguous "yy"', () => {
    expect(inspect({ startDate: '01.02.yy', recording: 'Startdate 01-FEB-2090 X X x', signals: [EEG, ANNOT()], recordCount: 1, annotations: () => timekeeping('+0') }).header.startWallClock).toBe('2090-02-01T12:44:02');
    expect(inspect({ startDate: '24.04.89', recording: 'Startdate 24-APR-1989 X X x', signals: [EEG, ANNOT()], recordCount: 1, annotations: () => timekeeping('+0') }).header.startWallClock).toBe('1989-04-24T12:44:02');
    const s = inspect({ startDate: '24.04.85', recording: 'Startdate 24-APR-2085 X X x', signals: [EEG, ANNOT()], recordCount: 1, annotations: () => timekeeping('+0') });
    expect(s.header.startWallClock).toBe('2085-04-24T12:44:02');
    expect(s.warnings).toEqual([]);
  });

  it('plain EDF years: 85–99 → 19xx, 00–84 → 20xx', () => {
    expect(inspect({ reserved: '', startDate: '31.12.85', signals: [EEG], recordCount: 1 }).header.startWallClock).toBe('1985-12-31T12:44:02');
    expect(inspect({ reserved: '', startDate: '01.01.84', signals: [EEG], recordCount: 1 }).header.startWallClock).toBe('2084-01-01T12:44:02');
  });

  it('EDF+ patient subfields, without echoing them in warnings', () => {
    const s = inspect({ patient: 'MRN123 F 02-MAR-1951 Doe_Jane_Q other', signals: [EEG, ANNOT()], recordCount: 1, annotations: () => timekeeping('+0') });
    expect(s.header.patient).toEqual({ code: 'MRN123', sex: 'F', birthdate: '1951-03-02', name: 'Doe Jane Q', additional: 'other' });
    const bad = inspect({ patient: 'MRN123 Q 31-FEB-1951', signals: [EEG, ANNOT()], recordCount: 1, annotations: () => timekeeping('+0') });
    expect(bad.header.patient).toMatchObject({ code: 'MRN123', sex: null, birthdate: null, name: null });
    expect(bad.warnings.length).toBeGreaterThan(0);
    expect(JSON.stringify(bad.warnings)).not.toMatch(/MRN123|1951/);
  });

  it('numbers as numbers; a header-size field that disagrees with the signal count is warned', () => {
    const s = inspect({ headerBytesField: '9999', signals: [{ ...EEG, physicalMin: '-500.5', physicalMax: 'abc' }, ANNOT()], recordCount: 1, annotations: () => timekeeping('+0') });
    expect(s.header.headerBytes).toBe(768);
    expect(s.header.signals[0]).toMatchObject({ physicalMin: -500.5, physicalMax: null, digitalMin: -32768, digitalMax: 32767, samplesPerRecord: 8 });
    expect(warned(s, /header-size field/)).toBe(true);
    expect(warned(s, /physical maximum/)).toBe(true);
  });

  it.each([
    ['a 100-byte file', new Uint8Array(100), /shorter than 256 bytes/],
    ['a PNG', bytes('\x89PNG\r\n\x1a\n', new Uint8Array(300)), /neither "0" \(EDF\) nor/],
    ['a header cut inside the signal fields', writeEdf({ signals: [EEG, ANNOT()], recordCount: 1 }).subarray(0, 600), /shorter than its 2-signal header/],
    ['a bad signal count', bytes('0'.padEnd(252, ' '), 'abcd', new Uint8Array(300)), /number of signals/],
    ['a bad date', writeEdf({ startDate: '32.13.09', signals: [EEG], recordCount: 1 }), /not a real calendar date/],
  ])('refuses %s with NotEdfError', (_name, data, reason) => {
    expect(() => inspectEdf(bytesSource(data))).toThrow(NotEdfError);
    expect(() => inspectEdf(bytesSource(data))).toThrow(reason);
  });
});

describe('DeviceEvents', () => {
  it('one per annotation: wall clock = header start + onset, stable keys, raw onset', () => {
    const data = writeEdf({
      reserved: 'EDF+D',
      signals: [EEG, ANNOT(48)],
      recordCount: 2,
      annotations: (r) => bytes(timekeeping(`+${r * 60}`), tal(`+${r * 60 + 0.125}`, ['  Baseline  ', 'L MEP'], '2')),
    });
    const events = [...openEdf(bytesSource(data)).deviceEvents()];
    expect(events).toEqual([
      { wallClock: '2009-12-10T12:44:02.125', key: 'edf:r0:s1:t1:a0', text: 'Baseline', durationSec: 2, raw: '+0.125', extra: { record: 0, signal: 1 } },
      { wallClock: '2009-12-10T12:44:02.125', key: 'edf:r0:s1:t1:a1', text: 'L MEP', durationSec: 2, raw: '+0.125', extra: { record: 0, signal: 1 } },
      { wallClock: '2009-12-10T12:45:02.125', key: 'edf:r1:s1:t1:a0', text: 'Baseline', durationSec: 2, raw: '+60.125', extra: { record: 1, signal: 1 } },
      { wallClock: '2009-12-10T12:45:02.125', key: 'edf:r1:s1:t1:a1', text: 'L MEP', durationSec: 2, raw: '+60.125', extra: { record: 1, signal: 1 } },
    ]);
  });
});

describe('Cadwell profile (vendor-formats.md §1b)', () => {
  const MU = Uint8Array.of(0xb5); // Windows-1252 "µ"

  it('parses Cascade stim text, with and without pulses/ISI, and the 0/0 placeholder', () => {
    expect(parseCadwellStimulus('Stim: 25.5mA, 250µs, 3, 2ms, 0.5Hz')).toEqual({
      form: 'cascade', amplitudes: [25.5], amplitudeUnit: 'mA', counterpart: null, amplitudeExported: true, pulseWidthUs: 250, pulses: 3, isiMs: 2, rateHz: 0.5,
    });
    expect(parseCadwellStimulus('Stim: 0/0mA, 250µs, 3, 2ms, 0.5Hz')).toMatchObject({ amplitudes: [0, 0], amplitudeUnit: 'mA', amplitudeExported: false, pulses: 3 });
    expect(parseCadwellStimulus('Stim: 12mA, 100us, 2.1Hz')).toMatchObject({ amplitudes: [12], pulseWidthUs: 100, pulses: null, isiMs: null, rateHz: 2.1 });
    expect(parseCadwellStimulus('Stim: 0V/0mA, 50\ufffds, 1, 0ms, 1Hz')).toMatchObject({ amplitudes: [0, 0], amplitudeUnit: null, amplitudeExported: false, pulseWidthUs: 50 });
    expect(parseCadwellStimulus('Stim:\x1420mA,\x14200µs,\x145,\x144ms,\x142.3Hz')).toMatchObject({ amplitudes: [20], pulseWidthUs: 200, pulses: 5, isiMs: 4, rateHz: 2.3 });
  });

  it('parses IOMAX stim text in both unit orders', () => {
    expect(parseCadwellStimulus('Intensity: 120 / 118 mA (300 V) Pulse Count: 5 Rep Rate (Hz): 2.1 Pulse Width (us): 50')).toEqual({
      form: 'iomax', amplitudes: [120, 118], amplitudeUnit: 'mA', counterpart: { value: 300, unit: 'V' }, amplitudeExported: true, pulseWidthUs: 50, pulses: 5, isiMs: null, rateHz: 2.1,
    });
    expect(parseCadwellStimulus('Intensity: 400 / 380 V (1.2 mA)')).toMatchObject({ amplitudes: [400, 380], amplitudeUnit: 'V', counterpart: { value: 1.2, unit: 'mA' } });
    expect(parseCadwellStimulus('Pulse Width (µs): 75')).toMatchObject({ form: 'iomax', pulseWidthUs: 75, amplitudes: [] });
    expect(parseCadwellStimulus('RECORD START')).toBeNull();
  });

  it('warns when a file given to the profile is not EDF+D', () => {
    const reader = openCadwellEdf(bytesSource(writeEdf({ reserved: 'EDF+C', signals: [EEG, ANNOT()], recordCount: 1, annotations: () => tal('+0', ['Stim: 5mA, 100us, 1Hz']) })));
    expect([...cadwellTrials(reader, 'x.edf')]).toHaveLength(1);
    expect(reader.warnings.map((w) => w.message)).toEqual(['Cadwell mode exports are EDF+D; this file is EDF+C']);
  });

  it('takes the modality from the file name', () => {
    expect(modalityNameFromFileName('C:\\Cases\\123\\d-Spinal Cord (SCS).edf')).toBe('d-Spinal Cord (SCS)');
    expect(modalityNameFromFileName('/x/L MEP.edf')).toBe('L MEP');
    expect(modalityNameFromFileName('d-wave')).toBe('d-wave');
  });

  it('one modality_activity trial per record, Windows-1252 µ and 0x14 inside the time-keeping TAL', () => {
    const data = writeEdf({
      reserved: 'EDF+D',
      recordDuration: '0.1',
      startDate: '03.05.23',
      startTime: '08.15.00',
      recording: 'Startdate 03-MAY-2023 X X Cascade',
      signals: [EEG, EEG, ANNOT(48)],
      recordCount: 3,
      annotations: (r) =>
        r === 2
          ? tal('+125.3', ['Intensity: 120 / 118 mA (300 V)', 'Pulse Count: 5', 'Rep Rate (Hz): 2.1', 'Pulse Width (us): 50'])
          : bytes(`+${r * 12.5}\x14Stim: 0/0mA,\x14250`, MU, 's, 3, 2ms, 0.5Hz\x14\x00'),
    });
    const reader = openCadwellEdf(bytesSource(data));
    const trials = [...cadwellTrials(reader, 'C:\\case\\L MEP.edf')];
    expect(trials.map((t) => [t.wallClock, t.key, t.kind, t.modalityName, t.durationSec, t.raw, t.text])).toEqual([
      ['2023-05-03T08:15:00', 'edf:r0:trial', 'modality_activity', 'L MEP', 0.1, '+0', 'Stim: 0/0mA, 250µs, 3, 2ms, 0.5Hz'],
      ['2023-05-03T08:15:12.500', 'edf:r1:trial', 'modality_activity', 'L MEP', 0.1, '+12.5', 'Stim: 0/0mA, 250µs, 3, 2ms, 0.5Hz'],
      ['2023-05-03T08:17:05.300', 'edf:r2:trial', 'modality_activity', 'L MEP', 0.1, '+125.3', 'Intensity: 120 / 118 mA (300 V) Pulse Count: 5 Rep Rate (Hz): 2.1 Pulse Width (us): 50'],
    ]);
    // "0/0mA" is the placeholder of an export that left the amplitude out: no intensity is stated.
    expect(trials[0]?.extra?.['setup']).toMatchObject({ stimulation: [{ intensities: [], unit: null, pulseWidthUs: 250, pulses: 3, isiMs: 2, rateHz: 0.5 }] });
    expect(trials[2]?.extra?.['setup']).toMatchObject({ stimulation: [{ intensities: [120, 118], unit: 'mA', pulses: 5, rateHz: 2.1, pulseWidthUs: 50 }], channels: [] });
    // Text in the time-keeping TAL is Cadwell's normal layout: not warned by the profile.
    expect(reader.warnings.map((w) => w.message)).toEqual(['annotation text is not UTF-8; read as Windows-1252 (2 times in all; the first is shown)']);
  });
});

describe('I/O: only annotation bytes are read', () => {
  /** A ByteSource that counts what the parser asks for. */

  it('large data records, small annotation signal: bytes read ≪ file size', () => {
    // Cadwell-like: 16 channels × 640 samples per sweep plus a 30-sample annotation signal.
    const signals = [...Array.from({ length: 16 }, (_, i) => ({ label: `ch${i}`, samplesPerRecord: 640 })), ANNOT(30)];
    const data = writeEdf({ reserved: 'EDF+D', recordDuration: '0.064', signals, recordCount: 200, annotations: (r) => tal(`+${r * 1.5}`, ['Stim: 10mA, 100us, 1Hz']) });
    const src = counting(bytesSource(data));
    const s = inspectEdf(src);
    expect(s.annotations).toHaveLength(200);
    expect(s.segments).toHaveLength(200);
    expect(src.bytesRead).toBe(256 * 18 + 200 * 60);
    expect(src.bytesRead).toBeLessThan(data.length / 100);
  });

  it('annotation signals with data between them are read slice by slice', () => {
    const big = { label: 'EMG', samplesPerRecord: 8000 };
    const data = writeEdf({
      reserved: 'EDF+D',
      signals: [ANNOT(20), big, big, ANNOT(10)],
      recordCount: 50,
      annotations: (r, sig) => (sig === 0 ? timekeeping(`+${r * 2}`) : tal(`+${r * 2}.5`, ['late'])),
    });
    const src = counting(bytesSource(data));
    const s = inspectEdf(src);
    expect(texts(s)).toHaveLength(50);
    expect(s.recordOnsetsSec[49]).toBe(98);
    expect(src.bytesRead).toBe(256 * 5 + 50 * (40 + 20));
  });

  it('streams: the first records come without reading the rest of the file', () => {
    const signals = [...Array.from({ length: 4 }, (_, i) => ({ label: `ch${i}`, samplesPerRecord: 4000 })), ANNOT(16)];
    const data = writeEdf({ reserved: 'EDF+D', signals, recordCount: 2000, annotations: (r) => tal(`+${r}`, [`n${r}`]) });
    const src = counting(bytesSource(data));
    const reader = openEdf(src);
    const first: string[] = [];
    for (const a of reader.annotations()) {
      first.push(a.text);
      if (first.length === 3) break;
    }
    expect(first).toEqual(['n0', 'n1', 'n2']);
    expect(src.reads).toBeLessThan(300);
    expect(src.bytesRead).toBeLessThan(data.length / 500);
  });

  it('small records are read in batches, not one syscall each', () => {
    const data = writeEdf({ signals: [EEG, ANNOT(16)], recordCount: 5000, annotations: (r) => timekeeping(`+${r}`) });
    const src = counting(bytesSource(data));
    expect(inspectEdf(src).recordOnsetsSec).toHaveLength(5000);
    expect(src.reads).toBeLessThan(10);
  });
});

describe('fuzz: mutated and truncated copies of a real file', () => {
  const realFile = path.join(TESTDATA, 'edf', 'edfPlusD.edf');
  const original = new Uint8Array(fs.readFileSync(realFile));


  const INTERESTING = [0x00, 0x14, 0x15, 0x2b, 0x2d, 0x2e, 0x20, 0x30, 0x39, 0xff, 0x80, 0xb5];

  function mutate(i: number): Uint8Array {
    const rand = rng(i + 1);
    const pick = (n: number) => Math.floor(rand() * n);
    const annotationArea = () => {
      // Aim half the hits at annotation bytes: record r's "EDF Annotations" slice.
      const r = pick(11);
      return 3328 + r * 4502 + 4400 + pick(102);
    };
    let out = original.slice();
    const kind = i % 6;
    const hits = 1 + pick(8);
    for (let h = 0; h < hits; h++) {
      const at = kind === 0 ? pick(256) : kind === 1 ? 256 + pick(3072) : kind === 2 ? annotationArea() : pick(out.length);
      out[at] = rand() < 0.5 ? (INTERESTING[pick(INTERESTING.length)] as number) : pick(256);
    }
    if (kind === 4) out = out.subarray(0, pick(out.length));
    if (kind === 5) {
      // Overwrite a numeric header field with random digits and signs.
      const fields = [[184, 8], [236, 8], [244, 8], [252, 4], [256 + 12 * 216, 8 * 12]] as const;
      const [start, width] = fields[pick(fields.length)] as readonly [number, number];
      for (let k = 0; k < width; k++) out[start + k] = '0123456789-+. e'.charCodeAt(pick(15));
    }
    return out;
  }

  // Every reader reads the file once today; twice is the most a damaged file may cost.
  const MAX_READ_FACTOR = 2;

  it('300 mutations: each reads (maybe with warnings) or throws NotEdfError, reading each byte a bounded number of times', () => {
    let refused = 0;
    let read = 0;
    for (let i = 0; i < 300; i++) {
      const data = mutate(i);
      // A damaged header must not send a reader round in circles: count the bytes it asks for.
      const sources = [counting(bytesSource(data)), counting(bytesSource(data)), counting(bytesSource(data))] as const;
      try {
        const s = inspectEdf(sources[0]);
        // Also drive the event paths, which format wall clocks.
        const reader = openCadwellEdf(sources[1]);
        for (const e of cadwellTrials(reader, 'fuzz.edf')) expect(typeof e.wallClock).toBe('string');
        for (const e of openEdf(sources[2]).deviceEvents()) expect(e.wallClock).toMatch(/^\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d/);
        expect(s.header.recordCount).toBeLessThanOrEqual(11);
        read++;
      } catch (e) {
        if (!(e instanceof NotEdfError)) throw new Error(`mutation ${i}: ${String(e)}`);
        expect(e.message.length).toBeGreaterThan(10);
        refused++;
      }
      for (const src of sources) expect(src.bytesRead, `mutation ${i}: bytes read`).toBeLessThanOrEqual(MAX_READ_FACTOR * data.length);
    }
    expect(read + refused).toBe(300);
    expect(read).toBeGreaterThan(50);
  });
});
