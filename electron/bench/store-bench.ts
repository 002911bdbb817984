/**
 * Store write throughput: captured events appended in batched transactions on a real SQLite
 * file with the production pragmas (WAL, synchronous=FULL). Target ≥ 50,000 events/s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../services/store/store';
import { median, type BenchRow } from './bench-row';

const TARGET_EVENTS_PER_SEC = 50_000;

export function benchStore(opts: { runs?: number; events?: number; batch?: number } = {}): BenchRow[] {
  const runs = opts.runs ?? 5;
  const total = opts.events ?? 200_000;
  const batch = opts.batch ?? 1000;
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-bench-store-'));
    const store = Store.open({ dataDir: dir });
    try {
      store.db.exec(`INSERT INTO cases (id, status, patient_last_name, patient_first_name, patient_mrn, patient_dob, patient_sex,
        procedure_text, date_of_service, time_zone, created_at, updated_at)
        VALUES ('bench', 'capturing', 'Bench', 'Synthetic', 'B-1', '1970-01-01', 'U', 'bench', '2026-01-01', 'UTC', 0, 0)`);
      const t0 = 1_760_000_000_000;
      const started = performance.now();
      for (let i = 0; i < total; i += batch) {
        store.write(() => {
          for (let j = i; j < Math.min(total, i + batch); j++) {
            store.events.append({
              caseId: 'bench',
              kind: 'modality_activity',
              modality: 'TCMEP',
              side: 'left',
              limb: 'lower',
              modalityName: 'L MEP',
              text: '',
              occurredAt: t0 + j * 500,
              receivedAt: t0 + j * 500 + 3,
              source: 'folder:bench',
              dedupeKey: `f1:r${j}`,
              raw: String((t0 + j * 500) * 1000),
              clockZone: 'America/New_York',
              payload: null,
            });
          }
        });
      }
      rates.push(total / ((performance.now() - started) / 1000));
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const m = median(rates);
  return [
    {
      measure: `Store: events appended (batches of ${batch}, WAL + synchronous=FULL)`,
      target: `≥ ${TARGET_EVENTS_PER_SEC.toLocaleString('en-US')} events/s`,
      median: `${Math.round(m).toLocaleString('en-US')} events/s`,
      pass: m >= TARGET_EVENTS_PER_SEC,
    },
  ];
}
