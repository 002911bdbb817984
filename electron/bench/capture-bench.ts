/**
 * File appended → event stored: a real backend with capture on, a real watched folder (chokidar),
 * an events text file that grows one line at a time as a device writes it. Measured from the
 * append returning to the stored event's push (sent right after its transaction commits).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../backend/host';
import { percentile, median, type BenchRow } from './bench-row';

const TARGET_P95_MS = 500;

export async function benchCaptureLatency(opts: { lines?: number; everyMs?: number } = {}): Promise<BenchRow[]> {
  const lines = opts.lines ?? 200;
  const everyMs = opts.everyMs ?? 50;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-bench-capture-'));
  const exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-bench-export-'));
  const backend = createBackend({ dataDir, actor: 'bench', appVersion: 'bench', capture: true });
  try {
    const ok = async <T>(p: Promise<{ ok: boolean; value?: unknown; message?: string }>): Promise<T> => {
      const r = await p;
      if (!r.ok) throw new Error(r.message);
      return r.value as T;
    };
    const today = new Date().toISOString().slice(0, 10);
    const c = await ok<{ id: string }>(
      backend.call('createCase', { patient: { lastName: 'Bench', firstName: 'Synthetic', mrn: 'B-1', dateOfBirth: '1970-01-01', sex: 'U' }, procedure: { description: 'bench' }, dateOfService: today }),
    );
    await ok(backend.call('saveSource', { source: { kind: 'folder', name: 'bench', config: { path: exportDir, timeZone: 'UTC' } } }));
    await ok(backend.call('setCaseStatus', { id: c.id, status: 'capturing' }));
    const file = path.join(exportDir, 'events.txt');
    const [y, m, d] = today.split('-');
    fs.writeFileSync(file, ['Patient: Bench', `Date: ${m}/${d}/${y}`, 'x', 'x', 'x', 'x', 'Start 00:00:00 bench'].join('\r\n') + '\r\n');
    await new Promise((r) => setTimeout(r, 500)); // initial scan

    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let resolveAll: () => void = () => {};
    const all = new Promise<void>((r) => (resolveAll = r));
    backend.onPush((msg) => {
      if (msg.name !== 'eventCaptured') return;
      const t0 = sentAt.get(msg.payload.event.text);
      if (t0 === undefined) return;
      latencies.push(performance.now() - t0);
      if (latencies.length === lines) resolveAll();
    });
    for (let i = 0; i < lines; i++) {
      const text = `bench note ${i}`;
      const hh = String(Math.floor(i / 3600) % 24).padStart(2, '0');
      const mm = String(Math.floor(i / 60) % 60).padStart(2, '0');
      const ss = String(i % 60).padStart(2, '0');
      fs.appendFileSync(file, `${i + 1} ${hh}:${mm}:${ss} ${text}\r\n`);
      sentAt.set(text, performance.now());
      await new Promise((r) => setTimeout(r, everyMs));
    }
    await Promise.race([all, new Promise((r) => setTimeout(r, 10_000))]);
    const p95 = percentile(latencies, 95);
    const complete = latencies.length === lines;
    return [
      {
        measure: 'File appended → event stored (real chokidar watch), p95',
        target: `≤ ${TARGET_P95_MS} ms`,
        median: complete ? `${p95.toFixed(0)} ms (median ${median(latencies).toFixed(0)} ms, ${lines} lines)` : `only ${latencies.length} of ${lines} lines arrived`,
        pass: complete && p95 <= TARGET_P95_MS,
      },
    ];
  } finally {
    await backend.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(exportDir, { recursive: true, force: true });
  }
}
