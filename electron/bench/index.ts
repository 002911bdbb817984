/**
 * `npm run bench`: every speed and memory target of the project, measured as medians on this
 * machine and printed as one table. Timings never live in unit tests (these machines are noisy).
 *
 *   node out/main/bench.js [--only NAME[,NAME]] [--quick]
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import type { BenchRow } from './bench-row';
type Suite = {
  name: string;
  run: (quick: boolean) => Promise<BenchRow[]> | BenchRow[];
  /** Not run with --quick, and why (listed as skipped; not a failure). */
  notQuick?: string;
};

const tmp = os.tmpdir();

/*
 * Each suite is loaded only when it runs: the vendor suite forks its own module file to measure a
 * parser's peak memory, and that child must not carry every other suite's libraries (the backend,
 * pdf-lib, playwright) in its baseline.
 */
const SUITES: readonly Suite[] = [
  // The CLI as a fresh process against `node -e 0`.
  {
    name: 'startup',
    run: async (quick) => [
      ...(await import('./startup-bench')).benchStartup(quick ? { pairs: 3 } : {}),
      ...(await (await import('./backend-ready-bench')).benchBackendReady(quick ? { runs: 3, events: 5_000 } : {})),
    ],
  },
  { name: 'store', run: async (quick) => (await import('./store-bench')).benchStore(quick ? { events: 50_000, runs: 3 } : {}) },
  // Opening must not grow with the database: 1 GB against empty.
  { name: 'open', run: async (quick) => (await import('./store-bench')).benchStoreOpen(quick ? { bytes: 64 * 2 ** 20, pairs: 3 } : {}) },
  // 1 GB Cadwell-style EDF+D (written to the temp folder, removed after).
  { name: 'edf', run: async (quick) => (await import('./edf-bench')).benchEdf({ dir: tmp, sizeBytes: quick ? 128 * 2 ** 20 : 2 ** 30 }) },
  // 500 MB Cadwell case-data JSON, parsed in fresh child processes.
  { name: 'vendor', run: async (quick) => (await import('./vendor-bench')).benchVendor({ dir: tmp, ...(quick ? { sizeBytes: 50 * 2 ** 20, runs: 1 } : {}) }) },
  // A growing export file → chokidar → parser → SQLite.
  { name: 'capture', run: async (quick) => (await import('./capture-bench')).benchCaptureLatency(quick ? { lines: 60 } : {}) },
  { name: 'report', run: async (quick) => (await import('./report-bench')).benchReport(quick ? { runs: 5 } : {}) },
  // A quick entry on a 50,000-trial case, until the draft states it.
  // Opening a long case: first report and claim from the database.
  { name: 'firstview', run: async (quick) => (await import('./firstview-bench')).benchFirstView(quick ? { sizes: [20_000], runs: 2 } : {}) },
  // A 100,000-event case file imported by `closeout case import`, end to end and in-process.
  { name: 'import', run: async (quick) => (await import('./import-bench')).benchImport(quick ? { events: 20_000, runs: 1 } : {}) },
  { name: 'entry', run: async (quick) => (await import('./entry-bench')).benchQuickEntry(quick ? { trials: 10_000, entries: 15 } : {}) },
  // The signed report as PDF: 12-hour case, ~200 events, the timeline figure.
  { name: 'pdf', run: async (quick) => (await import('./pdf-bench')).benchPdf(quick ? { runs: 5 } : {}) },
  { name: 'pdf-cli', run: async (quick) => (await import('./pdf-bench')).benchPdfCli(quick ? { pairs: 3 } : {}) },
  // The claim engine, then getClaim on a real store of 10,000 cases (cross-case rules).
  { name: 'billing', run: async (quick) => (await import('./billing-bench')).benchBilling(quick ? { runs: 5, cases: 2_000 } : {}) },
  // The practice dashboard over 10,000 stored cases.
  { name: 'dashboard', run: async (quick) => (await import('./dashboard-bench')).benchDashboard(quick ? { runs: 3, cases: 2_000 } : {}) },
  // Fake Anthropic API on loopback → SDK → section splitter; then all the way to a real Chromium.
  { name: 'ai', run: async (quick) => (await import('./ai-bench')).benchAiFirstSection(quick ? { runs: 20 } : {}) },
  { name: 'ai-screen', run: async (quick) => (await import('./ai-screen-bench')).benchAiOnScreen(quick ? { runs: 8, warmup: 1 } : {}) },
  { name: 'fuzz', run: async (quick) => (await import('./fuzz-bench')).benchFuzz(quick ? { perSeed: 200 } : {}) },
  // Real socat pty → serial reader → SQLite.
  { name: 'serial', run: async (quick) => (await import('./serial-bench')).benchSerial(quick ? { lines: 200 } : {}) },
  // A year of a busy workstation: 500 cases × 20,000 events, made once and kept in the temp folder.
  { name: 'server', run: async (quick) => (await import('./practice-server-bench')).benchPracticeServer(quick ? { seconds: 5, cases: 5_000, runs: 5, signRuns: 2 } : {}) },
  { name: 'year', run: async () => (await import('./year-bench')).benchYear(), notQuick: 'the 10M-event database takes minutes to make the first time' },
];

const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const only = values.only?.split(',');
const unknown = only?.filter((n) => !SUITES.some((s) => s.name === n)) ?? [];
if (unknown.length) {
  process.stderr.write(`bench: no suite named ${unknown.join(', ')} (suites: ${SUITES.map((s) => s.name).join(', ')})\n`);
  process.exit(2);
}

// A suite that cannot run (a missing tool, a full temp folder, a bug) costs its own rows only:
// it is listed as not run, with why, and every other suite is still measured and printed.
type Line = BenchRow & { notRun?: string; skipped?: string };
const rows: Line[] = [];
for (const s of SUITES) {
  if (only && !only.includes(s.name)) continue;
  if (values.quick && s.notQuick) {
    rows.push({ measure: `${s.name} suite`, target: '', median: '', pass: true, skipped: `--quick (${s.notQuick})` });
    continue;
  }
  process.stderr.write(`bench: ${s.name}…\n`);
  try {
    rows.push(...(await s.run(values.quick)));
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 160);
    process.stderr.write(`bench: ${s.name} could not run: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    rows.push({ measure: `${s.name} suite`, target: '', median: '', pass: false, notRun: why });
  }
}

const head = ['Measure', 'Target', 'Median', ''];
const notes = rows.filter((r) => r.why);
const marked = (r: Line) => (r.why ? `${r.measure} [${notes.indexOf(r) + 1}]` : r.measure);
const body = rows.map((r) =>
  r.notRun !== undefined ? [r.measure, '', `not run: ${r.notRun}`, 'NOT RUN'] : r.skipped !== undefined ? [r.measure, '', `skipped: ${r.skipped}`, '—'] : [marked(r), r.target, r.median, r.pass ? 'ok' : 'MISSED'],
);
const widths = head.map((_, i) => Math.max(...[head, ...body].map((r) => (r[i] ?? '').length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
const table = [
  line(head),
  `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
  ...body.map(line),
  ...(notes.length ? ['', ...notes.map((r, i) => `[${i + 1}] ${r.why}`)] : []),
].join('\n');
// Exit once the table is written: a suite that failed midway may have left a handle open.
process.stdout.write(`${table}\n`, () => process.exit(rows.every((r) => r.pass) ? 0 : 1));
