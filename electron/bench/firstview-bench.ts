/**
 * First view of a big case: the first getReport and getClaim of a 50,000- and a 100,000-event case
 * from the database, in a fresh backend (nothing of the case in memory yet), the wait a person has
 * when opening a long case. Twelve hours of SSEP and MEP trials with a baseline and an alert.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../backend/host';
import { Store } from '../services/store/store';
import { median, type BenchRow } from './bench-row';

type Ok = { ok: true; value: unknown } | { ok: false; message: string };
async function ok<T>(p: Promise<Ok>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.message);
  return r.value as T;
}

/** A 12-hour case of `events` SSEP/MEP trials with a baseline and an alert, in a fresh data folder (the import bench exports it). */
export async function seedLongCase(dir: string, events: number): Promise<string> {
  const backend = createBackend({ dataDir: dir, actor: 'bench', appVersion: '0.0.0-bench' });
  let caseId: string;
  try {
    caseId = (await ok<{ id: string }>(backend.call('createCase', { patient: { lastName: 'Bench', firstName: 'Synthetic', mrn: 'B-1', dateOfBirth: '1970-01-01', sex: 'U' }, procedure: { description: 'bench' }, dateOfService: '2026-01-01' }))).id;
  } finally {
    await backend.close();
  }
  const store = Store.open({ dataDir: dir });
  try {
    const from = Date.UTC(2026, 0, 1, 8);
    const step = (12 * 3600_000) / events;
    store.write(() => {
      for (let i = 0; i < events; i++) {
        const mep = i % 5 === 0;
        const at = Math.round(from + i * step);
        store.events.append({ caseId, kind: i === 10 || i === 11 ? 'baseline' : 'modality_activity', modality: mep ? 'TCMEP' : 'SSEP', side: mep ? 'left' : 'bilateral', limb: 'lower', modalityName: mep ? 'L MEP' : 'Lower SSEP', text: '', occurredAt: at, receivedAt: at + 3, source: 'folder:bench', dedupeKey: `f1:r${i}`, raw: String(at * 1000), clockZone: 'UTC', payload: { record: i } });
      }
      store.events.append({ caseId, kind: 'alert', modality: 'TCMEP', side: 'left', limb: 'lower', modalityName: null, text: 'Left TA TcMEP amplitude down 80%', occurredAt: from + 5 * 3600_000, receivedAt: from + 5 * 3600_000, source: 'folder:bench', dedupeKey: 'f1:alert', raw: null, clockZone: 'UTC', payload: null });
    });
  } finally {
    store.close();
  }
  return caseId;
}

export async function benchFirstView(opts: { sizes?: readonly number[]; runs?: number } = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const size of opts.sizes ?? [50_000, 100_000]) {
    const target = size >= 100_000 ? 300 : 150;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-bench-firstview-'));
    try {
      const caseId = await seedLongCase(dir, size);
      const report: number[] = [];
      const claim: number[] = [];
      for (let i = 0; i < (opts.runs ?? 5); i++) {
        // A fresh backend each time: the first view reads the case from the database.
        for (const [method, into] of [['getReport', report], ['getClaim', claim]] as const) {
          const backend = createBackend({ dataDir: dir, actor: 'bench', appVersion: '0.0.0-bench' });
          try {
            const t0 = performance.now();
            await ok(backend.call(method, { caseId }));
            into.push(performance.now() - t0);
          } finally {
            await backend.close();
          }
        }
      }
      for (const [what, times] of [['report (getReport)', report], ['claim (getClaim)', claim]] as const) {
        const m = median(times);
        rows.push({ measure: `First ${what} of a ${size.toLocaleString('en-US')}-event case, fresh backend`, target: `≤ ${target} ms`, median: `${m.toFixed(0)} ms`, pass: m <= target });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}
