/**
 * Plays a scenario against the device writers in (accelerated) real time: each action waits for
 * its due time (clock.ts), then goes to every writer that records it. In-process API for the app's
 * demo and the tests; the CLI (index.ts) is a thin shell around it.
 *
 * Stopping early (stop(), SIGINT in the CLI) finishes the files as a device would on a clean
 * shutdown: EDF headers get their real record counts, the Cadwell JSON is exported with what was
 * recorded so far, the text export is closed.
 */
import fs from 'node:fs';
import { CadwellEdfExport, type EdfFileSummary } from './cadwell-edf-export';
import { CadwellJsonExport } from './cadwell-json-writer';
import { createClock, deviceWallMs, formatWallClock, realDueMs, systemTimeZone, utcOffsetMinutesAt, type SimClock } from './clock';
import { buildScenario, type Scenario, type SimAction } from './scenario';
import { SerialWriter, type SerialFraming, type SerialStats } from './serial-writer';
import type { StimulusTextForm } from './stimulus-text';
import type { DeviceTextEncoding } from './text-encoding';
import { XltekEventsWriter } from './xltek-writer';
import { assertNever } from '../../shared/util/assert-never';

export type SimFormat = 'edf' | 'cadwell' | 'xltek';
export const SIM_FORMATS: readonly SimFormat[] = ['edf', 'cadwell', 'xltek'];

export type SimulationOptions = Readonly<{
  outDir: string;
  /** Default 1. */
  seed?: number;
  /** Simulated seconds per real second; default 1. */
  speed?: number;
  /** Case start as an instant (epoch ms); default: the case ends "now" (see clock.ts). */
  startInstantMs?: number;
  /** IANA zone of the device clocks; default the workstation's. */
  zone?: string;
  /** Default all three. */
  formats?: readonly SimFormat[];
  /** Serial device path (a pty); none by default. */
  serialPath?: string | null;
  serialFraming?: SerialFraming;
  /** Re-export the Cadwell JSON every N simulated minutes (atomic replace); default only at the end. */
  cadwellEveryMin?: number | null;
  /** Stimulus annotation form in the EDF files; default Cascade. */
  stimulusForm?: StimulusTextForm;
  /** EDF annotation text encoding; default UTF-8 (the EDF+ rule). */
  edfTextEncoding?: DeviceTextEncoding;
  onProgress?: (p: SimProgress) => void;
  /** Real ms between periodic progress reports (notes are always reported); default 5000. */
  progressEveryMs?: number;
  /** Real time source (tests); default Date.now. */
  now?: () => number;
}>;

export type SimProgress = Readonly<{
  /** The device wall clock of the latest action. */
  deviceClock: string;
  offsetMs: number;
  actionsDone: number;
  totalActions: number;
  trials: number;
  notes: number;
  vitals: number;
  /** Set when this report is for a note just written. */
  note: string | null;
}>;

export type SimulationSummary = Readonly<{
  /** False when stopped before the last action. */
  completed: boolean;
  seed: number;
  caseId: string;
  clock: SimClock;
  actionsDone: number;
  trials: number;
  notes: number;
  vitals: number;
  /** Offset of the last action written, -1 if none. */
  lastOffsetMs: number;
  files: Readonly<{ edf: readonly EdfFileSummary[]; cadwellJson: string | null; xltek: string | null }>;
  cadwellExports: number;
  serial: SerialStats | null;
}>;

export type SimulationHandle = Readonly<{
  scenario: Scenario;
  clock: SimClock;
  /** Resolves when the files are finished (completed or stopped); rejects on an I/O failure. */
  done: Promise<SimulationSummary>;
  /** Stop at the next action boundary and finish the files; resolves when they are. */
  stop(): Promise<void>;
}>;

/** Actions handled between yields to the event loop when many are due at once (high speed). */
const BURST = 256;

export function runSimulation(opts: SimulationOptions): SimulationHandle {
  const now = opts.now ?? Date.now;
  const seed = opts.seed ?? 1;
  const scenario = buildScenario(seed);
  const clock = createClock({
    durationMs: scenario.durationMs,
    speed: opts.speed ?? 1,
    zone: opts.zone ?? systemTimeZone(),
    realStartMs: now(),
    ...(opts.startInstantMs !== undefined ? { startInstantMs: opts.startInstantMs } : {}),
  });

  let stopping = false;
  let wake: (() => void) | null = null;
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });

  const done = play(scenario, clock, opts, now, () => stopping, sleep);
  return {
    scenario,
    clock,
    done,
    stop: async () => {
      stopping = true;
      wake?.();
      await done.then(
        () => undefined,
        () => undefined,
      );
    },
  };
}

type Writers = {
  edf: CadwellEdfExport | null;
  cadwell: CadwellJsonExport | null;
  xltek: XltekEventsWriter | null;
  serial: SerialWriter | null;
};

async function play(
  scenario: Scenario,
  clock: SimClock,
  opts: SimulationOptions,
  now: () => number,
  stopping: () => boolean,
  sleep: (ms: number) => Promise<void>,
): Promise<SimulationSummary> {
  const formats = new Set(opts.formats ?? SIM_FORMATS);
  const startWallMs = deviceWallMs(clock, 0);
  const w: Writers = { edf: null, cadwell: null, xltek: null, serial: null };
  const counts = { actions: 0, trials: 0, notes: 0, vitals: 0, lastOffsetMs: -1 };
  const errors: unknown[] = [];
  let periodic: Promise<void> | null = null;

  const progress = (note: string | null, offsetMs: number): void => {
    opts.onProgress?.({
      deviceClock: formatWallClock(deviceWallMs(clock, offsetMs)),
      offsetMs,
      actionsDone: counts.actions,
      totalActions: scenario.actions.length,
      trials: counts.trials,
      notes: counts.notes,
      vitals: counts.vitals,
      note,
    });
  };

  try {
    await fs.promises.mkdir(opts.outDir, { recursive: true });
    if (formats.has('edf')) w.edf = new CadwellEdfExport({ dir: opts.outDir, seed: scenario.seed, patient: scenario.case.patient, stimulusForm: opts.stimulusForm ?? 'cascade', ...(opts.edfTextEncoding ? { textEncoding: opts.edfTextEncoding } : {}) });
    if (formats.has('cadwell')) w.cadwell = new CadwellJsonExport({ dir: opts.outDir, seed: scenario.seed, caseId: scenario.caseId, case: scenario.case, startWallMs });
    if (formats.has('xltek')) w.xltek = XltekEventsWriter.create({ dir: opts.outDir, case: scenario.case, startWallMs });
    if (opts.serialPath) {
      w.serial = new SerialWriter({ path: opts.serialPath, framing: opts.serialFraming ?? 'mllp', case: scenario.case, controlIdPrefix: controlIdPrefix(clock) });
    }

    const everyMs = opts.cadwellEveryMin ? opts.cadwellEveryMin * 60_000 : null;
    let nextExportMs = everyMs ?? Infinity;
    const progressEvery = opts.progressEveryMs ?? 5000;
    let lastReport = now();
    let burst = 0;

    for (const action of scenario.actions) {
      if (stopping()) break;
      const wait = realDueMs(clock, action.atMs) - now();
      if (wait > 0) {
        burst = 0;
        await sleep(wait);
        if (stopping()) break;
      } else if (++burst % BURST === 0) {
        // Let stop(), timers and the serial retries run even when everything is already due.
        await new Promise((r) => setImmediate(r));
        if (stopping()) break;
      }
      dispatch(action, clock, w, counts);
      counts.actions += 1;
      counts.lastOffsetMs = action.atMs;

      if (w.cadwell && action.atMs >= nextExportMs) {
        while (nextExportMs <= action.atMs) nextExportMs += everyMs ?? Infinity;
        // One periodic export at a time: at high speed they would otherwise pile up.
        if (periodic === null) {
          periodic = w.cadwell
            .export('In Progress')
            .catch((e: unknown) => {
              errors.push(e);
            })
            .finally(() => {
              periodic = null;
            });
        }
      }
      if (action.kind === 'note' && !action.deleted) {
        progress(action.text, action.atMs);
        lastReport = now();
      } else if (now() - lastReport >= progressEvery) {
        progress(null, action.atMs);
        lastReport = now();
      }
    }
  } catch (e) {
    errors.push(e);
  }

  const completed = counts.actions === scenario.actions.length;
  // Finish everything that was opened, whatever failed before: a half-finished folder is what
  // this simulator exists to avoid.
  const finishing: (() => void | Promise<void>)[] = [
    () => w.edf?.finish(),
    () => w.xltek?.finish(),
    async () => {
      if (periodic) await periodic;
      if (w.cadwell) await w.cadwell.export(completed ? 'Completed' : 'In Progress');
    },
    () => w.serial?.close(),
  ];
  for (const f of finishing) {
    try {
      await f();
    } catch (e) {
      errors.push(e);
    }
  }
  if (counts.lastOffsetMs >= 0) progress(null, counts.lastOffsetMs);
  if (errors.length > 0) throw errors[0];

  return {
    completed,
    seed: scenario.seed,
    caseId: scenario.caseId,
    clock,
    actionsDone: counts.actions,
    trials: counts.trials,
    notes: counts.notes,
    vitals: counts.vitals,
    lastOffsetMs: counts.lastOffsetMs,
    files: { edf: w.edf?.files ?? [], cadwellJson: w.cadwell && w.cadwell.exports > 0 ? w.cadwell.path : null, xltek: w.xltek?.path ?? null },
    cadwellExports: w.cadwell?.exports ?? 0,
    serial: w.serial?.stats ?? null,
  };
}

function dispatch(a: SimAction, clock: SimClock, w: Writers, counts: { trials: number; notes: number; vitals: number }): void {
  const wallMs = deviceWallMs(clock, a.atMs);
  switch (a.kind) {
    case 'trial':
      w.edf?.trial(a, wallMs);
      w.cadwell?.trial(a, wallMs);
      counts.trials += 1;
      return;
    case 'note':
      w.cadwell?.note(a, wallMs);
      w.xltek?.note(a, wallMs);
      if (!a.deleted) counts.notes += 1;
      return;
    case 'vitals':
      w.serial?.vitals({ wallMs, utcOffsetMinutes: utcOffsetMinutesAt(clock, a.atMs), mapMmHg: a.mapMmHg, heartRate: a.heartRate, temperatureC: a.temperatureC });
      counts.vitals += 1;
      return;
    default:
      assertNever(a, 'action');
  }
}

/** "SIM" + the start second in base 36 + "-": unique per run start, deterministic for a given start. */
function controlIdPrefix(clock: SimClock): string {
  const tag = (Math.floor(clock.startInstantMs / 1000) % 36 ** 6).toString(36).toUpperCase().padStart(6, '0');
  return `SIM${tag}-`;
}
