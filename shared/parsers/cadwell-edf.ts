/** The Cadwell EDF+D profile (vendor-formats.md §1b): one EDF+D per mode, one record per trial. */
import type { ByteSource } from './byte-source';
import type { DeviceEvent } from './types';
import type { RecordedSetup, RecordingChannel, Stimulation } from '../domain/recorded-setup';
import { type EdfHeader, isDiscontinuous } from './edf/header';
import { wallClockAt, wallClockAtSeconds } from './edf/clock';
import { EdfReader } from './edf/reader';
import { type EdfAnnotation } from './edf/tal';

// ---------------------------------------------------------------------------------------------
// Cadwell profile (vendor-formats.md §1b): one EDF+D per mode, one record per trial.

export type CadwellStimulus = Readonly<{
  /** Which export wrote it: Cascade "Stim: …" or IOMAX "Intensity: …". */
  form: 'cascade' | 'iomax';
  /** Amplitudes as written, one per output ("0/0mA" → [0, 0], "120 / 118 mA" → [120, 118]). */
  amplitudes: readonly number[];
  amplitudeUnit: 'mA' | 'V' | null;
  /** IOMAX's bracketed counterpart, "(300 V)". */
  counterpart: Readonly<{ value: number; unit: 'mA' | 'V' }> | null;
  /** False when every amplitude is 0, the placeholder of exports that drop it (D-wave "0V/0mA"). */
  amplitudeExported: boolean;
  pulseWidthUs: number | null;
  pulses: number | null;
  isiMs: number | null;
  rateHz: number | null;
}>;

const NUM = String.raw`(\d+(?:\.\d+)?)`;
/** "µs" arrives as U+00B5 (1252), U+03BC, "u" or U+FFFD from a lossy conversion. */
const MICRO = '(?:\u00b5|\u03bc|u|\ufffd)';
const RE = {
  stim: /Stim:\s*([^,]*)((?:,[^,]*)*)/i,
  pulseWidth: new RegExp(`^${NUM}\\s*${MICRO}s$`, 'i'),
  isi: new RegExp(`^${NUM}\\s*ms$`, 'i'),
  rate: new RegExp(`^${NUM}\\s*Hz`, 'i'),
  pulses: /^(\d+)$/,
  number: /\d+(?:\.\d+)?/g,
  unit: /mA|V/g,
  intensity: new RegExp(String.raw`Intensity:\s*${NUM}(?:\s*/\s*${NUM})?\s*(mA|V)(?:\s*\(\s*${NUM}\s*(mA|V)\s*\))?`, 'i'),
  pulseCount: /Pulse Count:\s*(\d+)/i,
  repRate: new RegExp(String.raw`Rep Rate \(Hz\):\s*${NUM}`, 'i'),
  iomaxWidth: new RegExp(String.raw`Pulse Width \(${MICRO}s\):\s*${NUM}`, 'i'),
} as const;

/** Consecutive sweeps of a mode share their settings: remember the last text parsed. */
let lastStimText: string | null = null;
let lastStim: CadwellStimulus | null = null;

/** Parses Cadwell stimulus text in either form; null when it is neither. */
export function parseCadwellStimulus(text: string): CadwellStimulus | null {
  if (text === lastStimText) return lastStim;
  const t = text.replaceAll('\u0014', ' ');
  const stim = parseCascadeStim(t) ?? parseIomaxStim(t);
  lastStimText = text;
  lastStim = stim;
  return stim;
}

function parseCascadeStim(t: string): CadwellStimulus | null {
  const m = RE.stim.exec(t);
  if (!m) return null;
  const amp = parseAmplitude(m[1] ?? '');
  let pulseWidthUs: number | null = null;
  let pulses: number | null = null;
  let isiMs: number | null = null;
  let rateHz: number | null = null;
  // The parts after the amplitude are told apart by unit, since pulses and ISI may be missing.
  for (const part of (m[2] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    let u: RegExpExecArray | null;
    if ((u = RE.pulseWidth.exec(part))) pulseWidthUs = Number(u[1]);
    else if ((u = RE.isi.exec(part))) isiMs = Number(u[1]);
    else if ((u = RE.rate.exec(part))) rateHz = Number(u[1]);
    else if ((u = RE.pulses.exec(part))) pulses = Number(u[1]);
  }
  return { form: 'cascade', ...amp, counterpart: null, pulseWidthUs, pulses, isiMs, rateHz };
}

function parseAmplitude(text: string): Pick<CadwellStimulus, 'amplitudes' | 'amplitudeUnit' | 'amplitudeExported'> {
  const amplitudes = [...text.matchAll(RE.number)].map((x) => Number(x[0]));
  const units = new Set([...text.matchAll(RE.unit)].map((x) => x[0]));
  const amplitudeUnit = units.size === 1 ? ([...units][0] as 'mA' | 'V') : null;
  return { amplitudes, amplitudeUnit, amplitudeExported: amplitudes.some((v) => v !== 0) };
}

function parseIomaxStim(t: string): CadwellStimulus | null {
  const intensity = RE.intensity.exec(t);
  const count = RE.pulseCount.exec(t);
  const rate = RE.repRate.exec(t);
  const width = RE.iomaxWidth.exec(t);
  if (!intensity && !count && !rate && !width) return null;
  const amplitudes = intensity ? [intensity[1], intensity[2]].filter((x): x is string => x !== undefined).map(Number) : [];
  const unit = (u: string | undefined): 'mA' | 'V' | null => (u === undefined ? null : u.toLowerCase() === 'ma' ? 'mA' : 'V');
  const counterUnit = unit(intensity?.[5]);
  return {
    form: 'iomax',
    amplitudes,
    amplitudeUnit: unit(intensity?.[3]),
    counterpart: intensity?.[4] !== undefined && counterUnit !== null ? { value: Number(intensity[4]), unit: counterUnit } : null,
    amplitudeExported: amplitudes.some((v) => v !== 0),
    pulseWidthUs: width ? Number(width[1]) : null,
    pulses: count ? Number(count[1]) : null,
    isiMs: null,
    rateHz: rate ? Number(rate[1]) : null,
  };
}

/** "C:\\case\\L MEP.edf" → "L MEP": Cadwell names each file after its mode. */
export function modalityNameFromFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** A reader with Cadwell's known quirk (stimulus text in the time-keeping TAL) expected. */
export function openCadwellEdf(source: ByteSource): EdfReader {
  return new EdfReader(source, { expectedQuirks: ['timekeeping-text'] });
}

/**
 * One 'modality_activity' DeviceEvent per record (trial) at header start + record onset. The
 * record's annotation texts are joined with spaces (Cadwell's reader maps 0x14 to a space) and
 * parsed for stimulus settings.
 */
export function* cadwellTrials(reader: EdfReader, fileName: string): Generator<DeviceEvent, void, undefined> {
  const modalityName = modalityNameFromFileName(fileName);
  const channels = channelsOf(reader.header);
  let first = true;
  for (const rec of reader.records()) {
    if (first && !isDiscontinuous(reader.header.variant)) {
      // Noted once the pass has begun: a new pass starts its warnings afresh.
      reader.note('not-edf-plus-d', 'header', `Cadwell mode exports are EDF+D; this file is ${reader.header.variant}`);
    }
    first = false;
    const notes = rec.annotations;
    const text = (notes.length === 1 ? (notes[0] as EdfAnnotation).text : notes.map((a) => a.text).join(' ')).trim();
    const wallClock = rec.onsetRaw === null ? wallClockAtSeconds(reader.header, rec.onsetSec) : wallClockAt(reader.header, rec.onsetRaw);
    yield {
      wallClock,
      key: `edf:r${rec.record}:trial`,
      text,
      kind: 'modality_activity',
      modalityName,
      durationSec: reader.header.recordDurationSec,
      raw: rec.onsetRaw ?? String(rec.onsetSec),
      extra: { record: rec.record, ...setupExtra(parseCadwellStimulus(text), rec.record === 0 ? channels : []) },
    };
  }
}

/**
 * The recorded setup a trial states (shared/domain/recorded-setup.ts): its stimulus settings, and
 * on the first record the mode's channels (the file's data signals; Cadwell's reader drops the
 * empty ones, physical max = min). An amplitude the export left out (D-wave "0V/0mA") is not
 * stated as 0.
 */
function setupExtra(stim: CadwellStimulus | null, channels: readonly RecordingChannel[]): { setup?: RecordedSetup } {
  const stimulation: Stimulation[] = stim
    ? [
        {
          stimulator: null,
          outputs: [],
          intensities: stim.amplitudeExported ? stim.amplitudes : [],
          unit: stim.amplitudeExported ? stim.amplitudeUnit : null,
          pulses: stim.pulses,
          pulseWidthUs: stim.pulseWidthUs,
          isiMs: stim.isiMs,
          rateHz: stim.rateHz,
        },
      ]
    : [];
  return stimulation.length || channels.length ? { setup: { stimulation, channels } } : {};
}

function channelsOf(header: EdfHeader): RecordingChannel[] {
  return header.signals
    .filter((s) => !s.isAnnotation && s.label.trim() !== '' && !(s.physicalMax !== null && s.physicalMax === s.physicalMin))
    .map((s) => ({ name: s.label.trim(), active: null, reference: null, cursors: [] }));
}
