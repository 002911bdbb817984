/**
 * Cadwell Surgical Studio "case data" JSON (`<id>_data.json`, vendor-formats.md §1a).
 *
 * Real exports happen once, at case end, and hold every waveform. So this module keeps only what
 * each trial and note needs to be written again (times, flags, gains: a few numbers each) and
 * regenerates the waveforms from the seed while streaming the file out, 256 KB at a time: memory
 * stays flat whatever the case length.
 *
 * The file is written to a hidden temp file and renamed over the old one, so a reader (or a
 * folder watcher) sees either the previous complete export or the new complete export, never a
 * half-written one. `--cadwell-every` re-exports periodically to exercise such re-saves.
 *
 * Timestamps are the device wall clock written as Unix µs (IONMV: read as UTC fields they show
 * the OR clock).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SimCase } from './demo-case';
import { MODES, type ModeKey, type ModeSpec } from './modes';
import type { NoteAction, TrialAction } from './scenario';
import type { Stimulus } from './stimulus-text';
import { traceCursors, traceSamples, traceScalar, type TraceCursor } from './waveforms';

export type CadwellJsonOptions = Readonly<{
  dir: string;
  seed: number;
  caseId: string;
  case: SimCase;
  /** The case start on the device clock (naive ms). */
  startWallMs: number;
}>;

type EventRecord = Readonly<{ wallMs: number; text: string; author: string; deleted: boolean }>;
type TrialRecord = Readonly<{
  wallMs: number;
  trialNumber: number;
  baseline: boolean;
  highlighted: boolean;
  stimulus: Stimulus | null;
  gains: readonly number[];
}>;

export type CaseState = 'In Progress' | 'Completed';

const FLUSH_BYTES = 256 * 1024;

export class CadwellJsonExport {
  readonly path: string;
  readonly #tmpPath: string;
  readonly #events: EventRecord[] = [];
  readonly #trials = new Map<ModeKey, TrialRecord[]>();
  #exports = 0;
  /** Serialises exports: a periodic one still running when the next is asked for is awaited. */
  #running: Promise<void> = Promise.resolve();

  constructor(private readonly o: CadwellJsonOptions) {
    const name = `${o.caseId}_data.json`;
    this.path = path.join(o.dir, name);
    this.#tmpPath = path.join(o.dir, `.${name}.tmp`);
  }

  note(n: NoteAction, wallMs: number): void {
    this.#events.push({ wallMs, text: n.text, author: n.author, deleted: n.deleted });
  }

  trial(t: TrialAction, wallMs: number): void {
    let list = this.#trials.get(t.mode);
    if (!list) {
      list = [];
      this.#trials.set(t.mode, list);
    }
    list.push({ wallMs, trialNumber: t.trialNumber, baseline: t.baseline, highlighted: t.highlighted, stimulus: t.stimulus, gains: t.gains });
  }

  /** How many exports completed (the final one included). */
  get exports(): number {
    return this.#exports;
  }

  /**
   * Writes the whole file as it stands now (atomically replacing the previous export). Exports run
   * one after another; what was recorded up to this call is what the file holds.
   */
  export(state: CaseState): Promise<void> {
    // Snapshot the lengths now: the lists only grow, so a prefix is a consistent view.
    const events = this.#events.length;
    const trials = new Map([...this.#trials.entries()].map(([k, v]) => [k, v.length] as const));
    const next = this.#running.then(() => this.#write(state, events, trials));
    // A failed export must not wedge the ones after it; the caller still sees this one's error.
    this.#running = next.catch(() => undefined);
    return next;
  }

  async #write(state: CaseState, eventCount: number, trialCounts: ReadonlyMap<ModeKey, number>): Promise<void> {
    const handle = await fs.promises.open(this.#tmpPath, 'w');
    try {
      const out = new ChunkWriter(handle);
      const c = this.o.case;
      const p = c.patient;
      await out.write(
        `{"Cases":[{"ID":${q(this.o.caseId)},"PatientID":${q(p.mrn)},"PatientFirstName":${q(p.firstName)},"PatientLastName":${q(p.lastName)},` +
          `"PatientMiddleInitial":"","Gender":${q(p.sex === 'F' ? 'Female' : 'Male')},"BirthDate":${birthDateMicros(p.dateOfBirth)},` +
          `"StartDate":${micros(this.o.startWallMs)},"ProcedureName":${q(c.procedure)},"State":${q(state)},"StateLastUpdatedBy":${q(authorOf(c))},` +
          `"CaseFields":[{"Name":"Surgeon","Value":${q(`${c.surgeon.firstName} ${c.surgeon.lastName}`)}},{"Name":"Facility","Value":${q(c.facility)}},{"Name":"Room","Value":${q(c.orRoom)}},{"Name":"Levels","Value":${q(c.levels)}}],\n`,
      );
      await out.write('"Events":[');
      for (let i = 0; i < eventCount; i++) {
        const e = this.#events[i] as EventRecord;
        await out.write(
          `${i > 0 ? ',' : ''}\n{"Timestamp":${micros(e.wallMs)},"Message":${q(e.text)},"Type":"User Event","Author":${q(e.author)},"Deleted":${e.deleted}}`,
        );
      }
      await out.write('],\n"Modes":[');
      let firstMode = true;
      for (const mode of MODES) {
        const n = trialCounts.get(mode.key) ?? 0;
        const list = this.#trials.get(mode.key) ?? [];
        await out.write(`${firstMode ? '' : ','}\n{"Name":${q(mode.name)},"Type":${q(mode.type)},"${mode.streaming ? 'StreamingTrials' : 'Trials'}":[`);
        firstMode = false;
        for (let i = 0; i < n; i++) await out.write(`${i > 0 ? ',' : ''}\n${this.#trialJson(mode, list[i] as TrialRecord)}`);
        await out.write(']}');
      }
      await out.write(']}]}\n');
      await out.flush();
      // On disk before the rename, or a crash could leave an empty file under the final name.
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(this.#tmpPath, this.path);
    this.#exports += 1;
  }

  #trialJson(mode: ModeSpec, t: TrialRecord): string {
    const ts = micros(t.wallMs);
    const scalar = traceScalar(mode);
    const traces = mode.channels.map((ch, c) => {
      const data = traceSamples(this.o.seed, mode, t.trialNumber, c, t.gains[c] ?? 1);
      return (
        `{"Timestamp":${ts},"Channel":{"Name":${q(ch.name)},"HighCut":${ch.highCutHz},"LowCut":${ch.lowCutHz},"Notch":false,` +
        `"AmplifierType":${q(mode.type === 'SSEP' ? 'Cortical' : 'Limb')},"AmplifierNumber":${c + 1},"ActiveBodySiteName":${q(ch.active)},"ReferenceBodySiteName":${q(ch.reference)}},` +
        `"Sweep":${mode.sweepSec},"TraceDataLength":${data.length},"TraceData":[${data.join(',')}],"TraceDataScalar":${scalar}${cursorsJson(traceCursors(mode, c, data))}}`
      );
    });
    const head = `{"TrialNumber":${t.trialNumber},"Timestamp":${ts},"Baseline":${t.baseline},"Highlighted":${t.highlighted}`;
    if (mode.streaming || t.stimulus === null) return `${head},"Traces":[${traces.join(',')}]}`;
    const s = t.stimulus;
    const averages = mode.averages > 0 ? `,"EPAverageCount":${mode.averages},"EPRejectCount":${t.trialNumber % 7}` : '';
    return `${head},"RequestedRepRate":${s.rateHz},"ActualRepRate":${s.rateHz}${averages},"Stimuli":${stimuliJson(mode, s)},"Traces":[${traces.join(',')}]}`;
  }
}

function stimuliJson(mode: ModeSpec, s: Stimulus): string {
  const pulses = Array.from({ length: s.pulses }, (_, i) =>
    `{"Displacement":${(i * s.isiMs) / 1000},"Intensity":${s.intensityMa},"IntensityUnits":"mA","PulseWidth":${s.pulseWidthUs / 1e6},"Polarity":"Normal","Biphasic":false}`,
  );
  const outputs = `[${mode.outputs.map((o, i) => `{"Label":${q(o.label)},"OutputNumber":${i + 1},"Usage":${q(o.usage)},"PowerSetting":${s.intensityMa},"OperationMode":"Current"}`).join(',')}]`;
  return (
    `{"DataSweepTriggerDelay":0,"DiscreteStimuli":[{"Name":${q(mode.stimulator ?? 'Trigger Out')},"Train1PulseCount":${s.pulses},"Train2PulseCount":0,"Displacement":0,` +
    `"SensedCurrent":${s.sensedMa / 1000},"SensedVoltage":${s.volts},"Outputs":${outputs},"ElectricalPulses":[${pulses.join(',')}]}]}`
  );
}

/** Peak markers after the samples, as the device's cursors: none on free-run and triggered EMG. */
function cursorsJson(cursors: readonly TraceCursor[]): string {
  if (cursors.length === 0) return '';
  return `,"Cursors":[${cursors.map((c) => `{"Label":${q(c.label)},"Position":${c.positionSec},"Voltage":${c.volts}}`).join(',')}]`;
}

function q(s: string): string {
  return JSON.stringify(s);
}

/** Naive wall-clock ms → the µs integer Cadwell writes (exact: ms × 1000 stays below 2^53). */
function micros(wallMs: number): string {
  return wallMs === 0 ? '0' : `${wallMs}000`;
}

/** Midnight of the birth date as µs: negative before 1970, which the format allows. */
function birthDateMicros(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return micros(Date.UTC(y, m - 1, d));
}

function authorOf(c: SimCase): string {
  return `${c.technologist.firstName.charAt(0)}${c.technologist.lastName}`.toLowerCase();
}

/** Batches small strings into large writes (one syscall per 256 KB, not per trace). */
class ChunkWriter {
  #parts: string[] = [];
  #size = 0;

  constructor(private readonly handle: fs.promises.FileHandle) {}

  async write(s: string): Promise<void> {
    this.#parts.push(s);
    this.#size += s.length;
    if (this.#size >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#parts.length === 0) return;
    const text = this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    // writeFile on a handle loops until every byte is written (a bare write may be short).
    await this.handle.writeFile(text, 'utf8');
  }
}
