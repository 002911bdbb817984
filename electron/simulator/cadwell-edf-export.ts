/**
 * Cadwell's legacy per-mode EDF+D export (vendor-formats.md §1b): a folder with one
 * `<Mode Name>.edf` per mode, one record per trial, the stimulus settings as annotation text.
 *
 * A mode's file appears with its first trial; its header start is that trial's wall clock cut to
 * the second, so the first onset carries the fraction (as real exports start at sub-second
 * offsets). Record time = header start + onset = the trial's device wall clock.
 */
import path from 'node:path';
import { EdfPlusDWriter, edfPlusPatientField, edfPlusRecordingField, type EdfSignalSpec } from './edf-plus-d-writer';
import type { SimCase } from './demo-case';
import { modeSpec, type ModeKey, type ModeSpec } from './modes';
import type { TrialAction } from './scenario';
import { stimulusTexts, type StimulusTextForm } from './stimulus-text';
import type { DeviceTextEncoding } from './text-encoding';
import { DIGITAL_MAX, DIGITAL_MIN, traceSamples } from './waveforms';

export const EDF_EQUIPMENT = 'Closeout_Simulator';
/** 192 bytes: both TALs of the longest (IOMAX) text with room to spare. */
const ANNOTATION_SAMPLES = 96;

export type CadwellEdfOptions = Readonly<{
  dir: string;
  seed: number;
  patient: SimCase['patient'];
  stimulusForm: StimulusTextForm;
  textEncoding?: DeviceTextEncoding;
}>;

export type EdfFileSummary = Readonly<{ mode: string; path: string; records: number }>;

export class CadwellEdfExport {
  readonly #writers = new Map<ModeKey, Readonly<{ writer: EdfPlusDWriter; startWallMs: number }>>();
  #finished = false;

  constructor(private readonly o: CadwellEdfOptions) {}

  /** Appends the trial to its mode's file (creating the file on the mode's first trial). */
  trial(t: TrialAction, wallMs: number): void {
    if (this.#finished) return;
    const mode = modeSpec(t.mode);
    let entry = this.#writers.get(t.mode);
    if (!entry) {
      const startWallMs = Math.floor(wallMs / 1000) * 1000;
      const writer = EdfPlusDWriter.create({
        path: path.join(this.o.dir, `${mode.name}.edf`),
        patient: edfPlusPatientField({ code: this.o.patient.mrn, sex: this.o.patient.sex, birthdate: this.o.patient.dateOfBirth, lastName: this.o.patient.lastName, firstName: this.o.patient.firstName }),
        recording: edfPlusRecordingField(startWallMs, EDF_EQUIPMENT),
        startWallMs,
        recordDurationSec: mode.sweepSec,
        signals: signalsOf(mode),
        annotationSamples: ANNOTATION_SAMPLES,
        ...(this.o.textEncoding ? { textEncoding: this.o.textEncoding } : {}),
      });
      entry = { writer, startWallMs };
      this.#writers.set(t.mode, entry);
    }
    const data = mode.channels.map((_, c) => traceSamples(this.o.seed, mode, t.trialNumber, c, t.gains[c] ?? 1));
    const texts = t.stimulus ? stimulusTexts(t.stimulus, this.o.stimulusForm) : [];
    entry.writer.append(wallMs - entry.startWallMs, data, texts);
  }

  /** Rewrites every header's record count and closes the files. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const { writer } of this.#writers.values()) writer.finish();
  }

  get files(): readonly EdfFileSummary[] {
    return [...this.#writers.entries()].map(([key, { writer }]) => ({ mode: modeSpec(key).name, path: writer.path, records: writer.records }));
  }
}

function signalsOf(mode: ModeSpec): readonly EdfSignalSpec[] {
  return mode.channels.map((c) => ({
    label: c.name,
    transducer: mode.type === 'SSEP' ? 'Subdermal needle electrode' : 'Intramuscular needle electrode',
    physicalDimension: 'uV',
    physicalMin: -mode.rangeUv,
    physicalMax: mode.rangeUv,
    digitalMin: DIGITAL_MIN,
    digitalMax: DIGITAL_MAX,
    prefiltering: `HP:${c.lowCutHz}Hz LP:${c.highCutHz}Hz`,
    samplesPerRecord: mode.samples,
  }));
}
