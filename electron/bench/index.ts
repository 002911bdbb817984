/**
 * `npm run bench`: every speed and memory target of the project, measured as medians on this
 * machine and printed as one table. Timings never live in unit tests (these machines are noisy).
 *
 *   node out/main/bench.js [--only NAME[,NAME]] [--quick]
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import type { BenchRow } from './bench-row';
import { benchStore } from './store-bench';
import { benchEdf } from './edf-bench';
import { benchVendor } from './vendor-bench';
import { benchSerial } from './serial-bench';
import { benchCaptureLatency } from './capture-bench';
import { benchFuzz } from './fuzz-bench';
import { benchReport } from './report-bench';
import { benchAiFirstSection } from './ai-bench';
import { benchAiOnScreen } from './ai-screen-bench';
import { benchBilling } from './billing-bench';
import { benchPdf } from './pdf-bench';

type Suite = { name: string; run: (quick: boolean) => Promise<BenchRow[]> | BenchRow[] };

const tmp = os.tmpdir();

const SUITES: readonly Suite[] = [
  { name: 'store', run: (quick) => benchStore(quick ? { events: 50_000, runs: 3 } : {}) },
  // 1 GB Cadwell-style EDF+D (written to the temp folder, removed after).
  { name: 'edf', run: (quick) => benchEdf({ dir: tmp, sizeBytes: quick ? 128 * 2 ** 20 : 2 ** 30 }) },
  // 500 MB Cadwell case-data JSON, parsed in fresh child processes.
  { name: 'vendor', run: (quick) => benchVendor({ dir: tmp, ...(quick ? { sizeBytes: 50 * 2 ** 20, runs: 1 } : {}) }) },
  // A growing export file → chokidar → parser → SQLite.
  { name: 'capture', run: (quick) => benchCaptureLatency(quick ? { lines: 60 } : {}) },
  { name: 'report', run: (quick) => benchReport(quick ? { runs: 5 } : {}) },
  // The claim engine, then getClaim on a real store of 10,000 cases (cross-case rules).
  // The signed report as PDF: 12-hour case, ~200 events, the timeline figure.
  { name: 'pdf', run: (quick) => benchPdf(quick ? { runs: 5 } : {}) },
  { name: 'billing', run: (quick) => benchBilling(quick ? { runs: 5, cases: 2_000 } : {}) },
  // Fake Anthropic API on loopback → SDK → section splitter; then all the way to a real Chromium.
  { name: 'ai', run: async (quick) => [...(await benchAiFirstSection(quick ? { runs: 20 } : {})), ...(await benchAiOnScreen(quick ? { runs: 8, warmup: 1 } : {}))] },
  { name: 'fuzz', run: (quick) => benchFuzz(quick ? { perSeed: 200 } : {}) },
  // Real socat pty → serial reader → SQLite.
  { name: 'serial', run: (quick) => benchSerial(quick ? { lines: 200 } : {}) },
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
