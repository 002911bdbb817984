/**
 * The practice dashboard over 10,000 stored cases: one `getDashboard` view, the whole call a
 * practice owner waits for (read the per-case summary rows, aggregate, lags and weeks), on a real
 * SQLite file. The cases are written straight into the summary tables the dashboard reads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../backend/host';
import { Store } from '../services/store/store';
import { median, type BenchRow } from './bench-row';

const M = 60_000;
const H = 60 * M;

/**
 * `total` closed or signed cases over a year: 1 in 10 unsigned, 1 in 4 not clean at close, every
 * one with the same minutes and findings (so a reader can check the sums by hand).
 */
export function seedDashboardCases(dataDir: string, total = 10_000): void {
  const store = Store.open({ dataDir });
  try {
    const insertCase = store.db.prepare(`INSERT INTO cases (id, status, patient_last_name, patient_first_name, patient_mrn, patient_dob, patient_sex, procedure_text, date_of_service, time_zone, created_at, updated_at)
      VALUES (?, ?, 'Testpatient', 'Bulk', ?, '1960-01-01', 'F', 'Fusion', ?, 'UTC', 0, 1)`);
    const insertTime = store.db.prepare('INSERT INTO case_times (case_id, what, at) VALUES (?, ?, ?)');
    store.write(() => {
      for (let i = 0; i < total; i++) {
        const id = `bulk-${String(i).padStart(5, '0')}`;
        const dos = new Date(Date.UTC(2025, 0, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10);
        insertCase.run(id, i % 10 === 0 ? 'closed' : 'signed', `SYN-${i}`, dos);
        const end = Date.UTC(2025, 0, 1) + i * H;
        insertTime.run(id, 'monitoring_ended', end);
        insertTime.run(id, 'closed', end + 10 * M);
        if (i % 10 !== 0) insertTime.run(id, 'signed', end + (i % 48) * H);
        store.billing.index({ caseId: id, readerId: null, payerType: null, timeCode: null, orRoom: '', dateOfService: dos, minutes: 200, clean: true, blocking: 0, warnings: 1, topRules: i % 3 ? ['R27'] : ['R27', 'R32'], intervals: [], monitoredMinutes: 240, cleanAtClose: i % 4 !== 0 }, 2);
      }
    });
  } finally {
    store.close();
  }
}

export async function benchDashboard(opts: { cases?: number; runs?: number } = {}): Promise<BenchRow[]> {
  const total = opts.cases ?? 10_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-bench-dashboard-'));
  try {
    seedDashboardCases(dir, total);
    const backend = createBackend({ dataDir: dir, actor: 'bench', appVersion: '0.0.0-bench' });
    try {
      const times: number[] = [];
      for (let i = 0; i < (opts.runs ?? 15); i++) {
        const t0 = performance.now();
        const r = await backend.call('getDashboard', {});
        times.push(performance.now() - t0);
        if (!r.ok) throw new Error(`getDashboard failed: ${r.message}`);
      }
      const m = median(times);
      return [{ measure: `Practice dashboard view (getDashboard) over ${total.toLocaleString('en-US')} stored cases`, target: '≤ 1,500 ms', median: `${m.toFixed(0)} ms`, pass: m <= 1500 }];
    } finally {
      await backend.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
