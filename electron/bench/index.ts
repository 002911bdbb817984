/**
 * `npm run bench`: every speed and memory target of the project, measured as medians on this
 * machine and printed as one table. Timings never live in unit tests (these machines are noisy).
 *
 *   node out/main/bench.js [--only NAME[,NAME]] [--quick]
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import type { BenchRow } from './bench-row';
type Suite = { name: string; run: (quick: boolean) => Promise<BenchRow[]> | BenchRow[] };

const tmp = os.tmpdir();

/*
 * Each suite is loaded only when it runs: the vendor suite forks its own module file to measure a
 * parser's peak memory, and that child must not carry every other suite's libraries (the backend,
 * pdf-lib, playwright) in its baseline.
 */
const SUITES: readonly Suite[] = [
  { name: 'store', run: async (quick) => (await import('./store-bench')).benchStore(quick ? { events: 50_000, runs: 3 } : {}) },
  // 1 GB Cadwell-style EDF+D (written to the temp folder, removed after).
  { name: 'edf', run: async (quick) => (await import('./edf-bench')).benchEdf({ dir: tmp, sizeBytes: quick ? 128 * 2 ** 20 : 2 ** 30 }) },
  // 500 MB Cadwell case-data JSON, parsed in fresh child processes.
  { name: 'vendor', run: async (quick) => (await import('./vendor-bench')).benchVendor({ dir: tmp, ...(quick ? { sizeBytes: 50 * 2 ** 20, runs: 1 } : {}) }) },
  // A growing export file → chokidar → parser → SQLite.
  { name: 'capture', run: async (quick) => (await import('./capture-bench')).benchCaptureLatency(quick ? { lines: 60 } : {}) },
  { name: 'report', run: async (quick) => (await import('./report-bench')).benchReport(quick ? { runs: 5 } : {}) },
  // The signed report as PDF: 12-hour case, ~200 events, the timeline figure.
  { name: 'pdf', run: async (quick) => (await import('./pdf-bench')).benchPdf(quick ? { runs: 5 } : {}) },
  // The claim engine, then getClaim on a real store of 10,000 cases (cross-case rules).
  { name: 'billing', run: async (quick) => (await import('./billing-bench')).benchBilling(quick ? { runs: 5, cases: 2_000 } : {}) },
  // Fake Anthropic API on loopback → SDK → section splitter; then all the way to a real Chromium.
  {
    name: 'ai',
    run: async (quick) => {
      const { benchAiFirstSection } = await import('./ai-bench');
      const { benchAiOnScreen } = await import('./ai-screen-bench');
      return [...(await benchAiFirstSection(quick ? { runs: 20 } : {})), ...(await benchAiOnScreen(quick ? { runs: 8, warmup: 1 } : {}))];
    },
  },
  { name: 'fuzz', run: async (quick) => (await import('./fuzz-bench')).benchFuzz(quick ? { perSeed: 200 } : {}) },
  // Real socat pty → serial reader → SQLite.
  { name: 'serial', run: async (quick) => (await import('./serial-bench')).benchSerial(quick ? { lines: 200 } : {}) },
];

const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const only = values.only?.split(',');
const rows: BenchRow[] = [];
for (const s of SUITES) {
  if (only && !only.includes(s.name)) continue;
  process.stderr.write(`bench: ${s.name}…\n`);
  rows.push(...(await s.run(values.quick)));
}

const head = ['Measure', 'Target', 'Median', ''];
const body = rows.map((r) => [r.measure, r.target, r.median, r.pass ? 'ok' : 'MISSED']);
const widths = head.map((_, i) => Math.max(...[head, ...body].map((r) => (r[i] ?? '').length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log([line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n'));
process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
