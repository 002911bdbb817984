/**
 * The app's backend ready to answer (#15, start-up): from starting the backend process to the
 * first answer the window gets (its case list), on a data folder holding a long case. The app
 * starts it as an Electron utilityProcess, which cannot run here; it is forked by Node, as the
 * tests do, running the same built entry (out/main/backend.js) with capture on, as in the app.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WireFromBackend } from '../../shared/contract/wire';
import { median, type BenchRow } from './bench-row';
import { closeoutBin } from './fresh-process';
import { seedLongCase } from './firstview-bench';

const TARGET_MS = 300;

/** Fork the backend; ms until it answers its first listCases, then shut it down. */
function readyOnce(entry: string, dataDir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = fork(entry, [], {
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], CLOSEOUT_DATA_DIR: dataDir, CLOSEOUT_APP_VERSION: '0.0.0-bench' },
      stdio: 'ignore',
      serialization: 'advanced',
    });
    let answered: number | null = null;
    child.on('message', (m: WireFromBackend) => {
      if (m.type === 'ready') child.send({ type: 'call', id: 1, method: 'listCases', args: {} });
      if (m.type === 'result' && m.id === 1) {
        answered = performance.now() - t0;
        if (!m.result.ok) reject(new Error(`listCases: ${m.result.message}`));
        child.send({ type: 'shutdown' });
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (answered !== null ? resolve(answered) : reject(new Error(`the backend exited (${code}) before it answered`))));
  });
}

export async function benchBackendReady(opts: { runs?: number; events?: number } = {}): Promise<BenchRow[]> {
  const entry = path.join(path.dirname(closeoutBin()), '..', 'out', 'main', 'backend.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-bench-ready-'));
  try {
    await seedLongCase(dir, opts.events ?? 50_000);
    // A first start settles what a first start does (the clean-close marker, the log folder).
    await readyOnce(entry, dir);
    const times: number[] = [];
    for (let i = 0; i < (opts.runs ?? 7); i++) times.push(await readyOnce(entry, dir));
    const m = median(times);
    return [
      {
        measure: `App backend ready to answer: process start → first case list answered (Node fork of out/main/backend.js, capture on; folder with a ${(opts.events ?? 50_000).toLocaleString('en-US')}-event case; ${times.length} run${times.length === 1 ? '' : 's'})`,
        target: `≤ ${TARGET_MS} ms`,
        median: `${m.toFixed(0)} ms (max ${Math.max(...times).toFixed(0)} ms)`,
        pass: m <= TARGET_MS,
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
