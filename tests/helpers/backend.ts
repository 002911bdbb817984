import type { ArgsIn, Method, ResultOf } from '../../shared/contract/api';
import type { PushMessage } from '../../shared/contract/events';
import type { Err } from '../../shared/util/result';
import { createBackend, type Backend, type BackendOptions } from '../../electron/backend/host';
import * as demoRuntime from '../../electron/demo/demo-runtime';
import { tempDir } from './temp-dir';

export type TestBackend = Backend & {
  dataDir: string;
  pushes: PushMessage[];
  /** Call and expect success. */
  ok<M extends Method>(method: M, args: ArgsIn<M>): Promise<ResultOf<M>>;
  /** Call and expect failure. */
  fail<M extends Method>(method: M, args: unknown): Promise<Err>;
};

/** What a test asks of its backend: the backend's options, with the demo named as a flag. */
export type TestBackendOptions = Partial<Omit<BackendOptions, 'demo'>> & {
  /** Seed the bundled demo (and play it, with capture on), as the app's first start does. */
  seedDemo?: boolean;
  demoSpeed?: number;
  demoSerial?: Readonly<{ appPath: string; devicePath: string }>;
};

/** A real backend on a real SQLite file in a fresh temp folder. */
export function testBackend(opts: TestBackendOptions = {}): TestBackend {
  const { seedDemo, demoSpeed, demoSerial, ...rest } = opts;
  const dataDir = rest.dataDir ?? tempDir();
  const demo = seedDemo ? { demo: { runtime: demoRuntime, ...(demoSpeed ? { speed: demoSpeed } : {}), ...(demoSerial ? { serial: demoSerial } : {}) } } : {};
  const b = createBackend({ dataDir, actor: 'test', appVersion: '0.0.0-test', ...rest, ...demo });
  const pushes: PushMessage[] = [];
  b.onPush((m) => pushes.push(m));
  return {
    ...b,
    dataDir,
    pushes,
    async ok(method, args) {
      const r = await b.call(method, args);
      if (!r.ok) throw new Error(`${method} failed: ${r.code} ${r.message} ${JSON.stringify(r.fields ?? {})}`);
      return r.value as never;
    },
    async fail(method, args) {
      const r = await b.call(method, args);
      if (r.ok) throw new Error(`${method} unexpectedly succeeded`);
      return r;
    },
  };
}

/** A complete, valid synthetic case (invented patient). */
export function sampleCase(overrides: Record<string, unknown> = {}): ArgsIn<'createCase'> {
  const today = new Date();
  const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  return {
    patient: { lastName: 'Testpatient', firstName: 'Bea', mrn: 'SYN-1001', dateOfBirth: '1958-06-30', sex: 'F' },
    procedure: { description: 'T10-L2 posterior instrumented fusion', cpt: '22842', side: 'bilateral', levels: 'T10-L2' },
    dateOfService: iso,
    facility: 'Synthetic Memorial',
    orRoom: 'OR 3',
    payer: { type: 'medicare_ffs', name: 'Medicare Part B' },
    placeOfService: '21',
    diagnosisCodes: ['M41.26'],
    anesthesia: { regimen: 'tiva', detail: '' },
    ...overrides,
  } as ArgsIn<'createCase'>;
}

/**
 * What the interpreting physician does before signing: writes the interpretation (by default,
 * adopts the wording the draft suggests) and, for each section the report lists as a gap, keeps
 * it as their own text, saying what is known. Tests about something else than these rules use it.
 */
export async function completeReport(b: Pick<TestBackend, 'ok'>, caseId: string, interpretation?: string): Promise<void> {
  const r = await b.ok('getReport', { caseId });
  for (const s of r.sections) {
    if (s.id === 'interpretation' && s.origin === 'draft') {
      await b.ok('saveSection', { caseId, sectionId: s.id, text: interpretation ?? s.suggestion ?? 'Monitoring as recorded in this report; no further interpretation.' });
    } else if (s.gaps.length > 0) {
      await b.ok('saveSection', { caseId, sectionId: s.id, text: s.text });
    }
  }
}
