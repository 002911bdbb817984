/**
 * Importing a long case file, the whole path an IT person or a script waits for: `closeout case
 * import FILE --json` as a fresh process into an empty data folder (start-up, streamed reading,
 * staging, the move into the store, the audit entry), beside the same import in-process (the
 * inner row). The file is a real export of a 100,000-event case, made once per run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../backend/host';
import { median, type BenchRow } from './bench-row';
import { closeoutBin } from './fresh-process';
import { seedLongCase } from './firstview-bench';

const TARGET_PER_S = 80_000;


async function exportCase(dir: string, caseId: string, file: string): Promise<number> {
  const backend = createBackend({ dataDir: dir, actor: 'bench', appVersion: '0.0.0-bench' });
  try {
    const r = await backend.call('exportCaseFile', { caseId });
    if (!r.ok) throw new Error(r.message);
    const f = r.value as { events: unknown[] };
    fs.writeFileSync(file, JSON.stringify(f));
    return f.events.length;
  } finally {
    await backend.close();
  }
}

export async function benchImport(opts: { events?: number; runs?: number } = {}): Promise<BenchRow[]> {
  const size = opts.events ?? 100_000;
  const runs = opts.runs ?? 3;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-bench-import-'));
  try {
    const source = path.join(root, 'source');
    const caseId = await seedLongCase(source, size);
    const file = path.join(root, 'case.json');
    const events = await exportCase(source, caseId, file);
    const bin = closeoutBin();
    const cli: number[] = [];
    const inner: number[] = [];
    for (let i = 0; i < runs; i++) {
      const dir = path.join(root, `cli-${i}`);
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [bin, 'case', 'import', file, '--json'], { env: { PATH: process.env['PATH'], HOME: process.env['HOME'], CLOSEOUT_DATA_DIR: dir }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`closeout case import exited ${r.status}: ${r.stderr.slice(0, 300)}`);
      cli.push(ms);
      fs.rmSync(dir, { recursive: true, force: true });

      const into = path.join(root, `inner-${i}`);
      const backend = createBackend({ dataDir: into, actor: 'bench', appVersion: '0.0.0-bench' });
      try {
        const t1 = performance.now();
        const stream = fs.createReadStream(file);
        const res = await backend.importCaseFileStream(stream, { asNew: false, name: 'case.json' });
        inner.push(performance.now() - t1);
        if (!res.ok) throw new Error(res.message);
      } finally {
        await backend.close();
      }
      fs.rmSync(into, { recursive: true, force: true });
    }
    const perS = (ms: number) => (events / ms) * 1000;
    const e2e = perS(median(cli));
    const mid = perS(median(inner));
    const n = events.toLocaleString('en-US');
    const mb = (fs.statSync(file).size / 2 ** 20).toFixed(0);
    return [
      {
        measure: `Case import end to end: \`closeout case import\` of a ${n}-event case file (${mb} MB), fresh process into an empty folder`,
        target: `≥ ${(TARGET_PER_S / 1000).toFixed(0)}k events/s`,
        median: `${(e2e / 1000).toFixed(0)}k events/s (${median(cli).toFixed(0)} ms)`,
        pass: e2e >= TARGET_PER_S,
      },
      {
        measure: `Case import in-process (the same file through the backend's streamed import; no start-up)`,
        target: 'reported beside the end-to-end row',
        median: `${(mid / 1000).toFixed(0)}k events/s (${median(inner).toFixed(0)} ms)`,
        pass: true,
      },
    ];
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
