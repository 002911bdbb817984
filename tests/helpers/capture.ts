import fs from 'node:fs';
import path from 'node:path';
import type { ArgsIn } from '../../shared/contract/api';
import type { CaseEvent } from '../../shared/domain/event';
import { bytes, tal, timekeeping, writeEdf } from './edf-writer';
import { sampleCase, testBackend, type TestBackend } from './backend';
import { tempDir } from './temp-dir';

/** Capture is asynchronous (a watcher, a debounce, a transaction): tests wait for it. */
export { eventually } from './patience';

export const DEMO_PATIENT = { lastName: 'Testpatient', firstName: 'Ada', mrn: 'DEMO-0001', dateOfBirth: '1961-04-12', sex: 'F' } as const;

export type CaptureRig = {
  backend: TestBackend;
  exportDir: string;
  caseId: string;
  sourceId: string;
  events: (opts?: { excludeTrials?: boolean }) => Promise<CaseEvent[]>;
};

/** A real backend with capture on, one folder source, and a case set to capturing. */
export async function captureRig(opts: { dataDir?: string; exportDir?: string; caseOverrides?: Record<string, unknown>; folder?: Partial<ArgsIn<'saveSource'>['source']['config']> } = {}): Promise<CaptureRig> {
  const backend = testBackend({ capture: true, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
  const exportDir = opts.exportDir ?? tempDir('closeout-export-');
  const existing = await backend.ok('listCases', {});
  const caseId = existing[0]?.id ?? (await backend.ok('createCase', sampleCase({ patient: DEMO_PATIENT, ...opts.caseOverrides }))).id;
  const sources = await backend.ok('listSources', {});
  const sourceId =
    sources[0]?.id ??
    (await backend.ok('saveSource', { source: { kind: 'folder', name: 'Test exports', config: { path: exportDir, timeZone: 'UTC', ...opts.folder } } })).id;
  const detail = await backend.ok('getCase', { id: caseId });
  if (detail.case.status !== 'capturing') await backend.ok('setCaseStatus', { id: caseId, status: 'capturing' });
  return {
    backend,
    exportDir,
    caseId,
    sourceId,
    events: async (o = {}) => (await backend.ok('listEvents', { caseId, limit: 5000, ...(o.excludeTrials ? { excludeKinds: ['modality_activity'] } : {}) })).reverse(),
  };
}

/** XLTEK exported-events text (vendor-formats.md §2a), CRLF, for a case on `date` (MM/DD/YYYY). */
export function xltekText(lines: ReadonlyArray<readonly [string, string]>, date = '11/26/2026', start = '07:58:00'): string {
  const head = ['Patient Name: Testpatient, Ada', `Date: ${date}`, 'Study: synthetic', '', 'Exported events', '', `Start ${start} recording`];
  return [...head, ...lines.map(([t, label], i) => `${i + 1} ${t} ${label}`)].join('\r\n') + '\r\n';
}

/** A Cadwell-style EDF+D mode export: one record per trial with stimulus text. */
export function cadwellEdf(opts: { trials: number; everySec?: number; patient?: string; start?: string; date?: Readonly<{ day: number; month: number; year: number }> }): Uint8Array {
  const every = opts.everySec ?? 30;
  const d = opts.date ?? { day: 26, month: 11, year: 2026 };
  const MON = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'][d.month - 1];
  const two = (n: number) => String(n).padStart(2, '0');
  return writeEdf({
    reserved: 'EDF+D',
    patient: opts.patient ?? 'DEMO-0001 F 12-APR-1961 Testpatient_Ada',
    recording: `Startdate ${two(d.day)}-${MON}-${d.year} X X synthetic`,
    startDate: `${two(d.day)}.${two(d.month)}.${two(d.year % 100)}`,
    startTime: opts.start ?? '08.00.00',
    recordDuration: '0.1',
    signals: [
      { label: 'L TA', samplesPerRecord: 16 },
      { label: 'EDF Annotations', samplesPerRecord: 30 },
    ],
    recordCount: opts.trials,
    annotations: (r) => bytes(timekeeping(`+${r * every}`), tal(`+${r * every}`, ['Stim: 120mA, 50µs, 5, 2ms, 2Hz'])),
  });
}

export function writeFile(dir: string, name: string, content: string | Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}
