/**
 * The live demo: the synthetic spine case played by the device simulator into a folder (and,
 * where a pty pair exists, over a serial line) and read by the real watcher and serial reader,
 * exactly as a workstation reads a real device. Deterministic: a restart replays the same case
 * with the same start, and the capture's dedupe keys make the replay harmless.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CASE_DURATION_MS } from '../simulator/scenario';
import type { CaseClock } from '../../shared/domain/case-clock';
import type { ServiceContext } from '../services/context';
import { setCaseStatus } from '../services/cases/case-service';
import { DEMO_CASE_KEY } from '../services/demo/demo-keys';
import { CLOCK_KEY } from '../services/demo/demo-clock';

const START_KEY = 'demo.start';

const FINISHED_KEY = 'demo.finishedAt';
const FOLDER_SOURCE_KEY = 'demo.folderSourceId';
const SERIAL_SOURCE_KEY = 'demo.serialSourceId';

export type DemoOptions = Readonly<{
  /** Where the simulated device writes (a folder the demo source watches). */
  folder: string;
  /** Simulated seconds per real second (60: the 3-hour case in about 3 minutes). */
  speed: number;
  /** A pty pair: the app reads `appPath`, the simulated monitor writes `devicePath`. */
  serial?: Readonly<{ appPath: string; devicePath: string }>;
}>;

export type DemoHandle = Readonly<{ done: Promise<void>; stop: () => Promise<void> }>;

/** Start (or resume) the live demo; null when there is no unfinished demo case to play. */
export function startDemoCapture(ctx: ServiceContext, opts: DemoOptions): DemoHandle | null {
  const { store } = ctx;
  const caseId = store.settings.get<string>(DEMO_CASE_KEY);
  if (!caseId || store.settings.get(FINISHED_KEY) !== undefined) return null;
  const c = store.cases.get(caseId);
  // The newcomer closed or signed the demo case: leave it as they left it.
  if (!c || (c.status !== 'open' && c.status !== 'capturing')) return null;
  const other = store.cases.capturing();
  if (other && other.id !== caseId) return null;

  fs.mkdirSync(opts.folder, { recursive: true });
  ensureSource(ctx, FOLDER_SOURCE_KEY, { kind: 'folder', name: 'Demo device (simulated)', enabled: true, config: { path: opts.folder, format: 'auto', delimitedProfile: null, encoding: 'utf-8', timeZone: 'workstation', includeSubfolders: false, usePolling: false, checkClock: false } });
  if (opts.serial) {
    ensureSource(ctx, SERIAL_SOURCE_KEY, {
      kind: 'serial',
      name: 'Demo monitor (simulated)',
      enabled: true,
      config: { path: opts.serial.appPath, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, framing: 'mllp', encoding: 'utf-8', timeZone: 'workstation', lineProfile: null, ack: true, checkClock: false },
    });
  }
  // A case happening now: its device times run from the moment it first starts, at its speed,
  // fixed once so a replay after a restart writes the same device times. The case's clock (what a
  // note typed on it is stamped with) follows the playback.
  let start = store.settings.get<number>(START_KEY);
  if (start === undefined) {
    start = ctx.now();
    store.write(() => store.settings.set(START_KEY, start));
  }
  const clock: CaseClock = { realStartMs: ctx.now(), startInstantMs: start, speed: opts.speed, endInstantMs: start + CASE_DURATION_MS };
  store.write(() => store.settings.set(CLOCK_KEY, clock));
  if (c.status !== 'capturing') setCaseStatus(ctx, { id: caseId, status: 'capturing' });
  ctx.log.info('demo.started', { caseId });

  // The simulator loads only when a demo plays, not with every backend (#15: start-up).
  const sim = import('../simulator/simulation').then(({ runSimulation }) =>
    runSimulation({
      outDir: opts.folder,
      seed: 1,
      speed: opts.speed,
      startInstantMs: start,
      zone: ctx.timeZone,
      formats: ['edf', 'xltek'],
      serialPath: opts.serial?.devicePath ?? null,
      serialFraming: 'mllp',
    }),
  );
  // A demo that cannot write (its folder removed, a full disk) stops and says so in the log; it
  // never takes the app down with it.
  const done = sim
    .then((s) => s.done)
    .then(
      (summary) => {
        if (summary.completed) store.write(() => store.settings.set(FINISHED_KEY, ctx.now()));
      },
      (e: unknown) => ctx.log.error('demo.failed', e),
    );
  return { done, stop: async () => (await sim).stop() };
}

function ensureSource(ctx: ServiceContext, key: string, fields: Parameters<ServiceContext['store']['capture']['insertSource']>[1]): void {
  const { store } = ctx;
  const id = store.settings.get<string>(key);
  if (id && store.capture.getSource(id)) return;
  store.write(() => {
    const s = store.capture.insertSource(ctx.newId(), fields, ctx.now());
    store.settings.set(key, s.id);
  });
}

export function demoFolder(dataDir: string): string {
  return path.join(dataDir, 'demo-device');
}

