/**
 * EDF annotation-reading benchmark: a Cadwell-style EDF+D (one record per sweep: 16 channels ×
 * 640 samples plus a small annotation signal carrying the stimulus text) of the requested size,
 * read warm-cache several times. Rows count records (a reader of annotations skips the samples,
 * so GB/s of the file would flatter it); peak RSS ≤ 100 MB; and the `closeout inspect` CLI
 * against biosig's C reader (`save2gdf -JSON`), ≤ 0.8× as paired ratios, on the file and on one
 * whose TALs carry two texts each.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileByteSource } from '../services/capture/file-byte-source';
import { cadwellTrials, inspectEdf, openCadwellEdf } from '../../shared/parsers/edf';

import { median, type BenchRow } from './bench-row';

export type EdfBenchOptions = {
  dir: string;
  sizeBytes: number;
  /** Timed runs per measure (at least 5). */
  runs?: number;
  /** The built CLI; default: out/main/cli.js next to this bundle or under the working folder. */
  cliPath?: string;
};

/** 5 GB/s of this file's 20 KB records, the target when rows were named by file size. */
const TARGET_RECORDS_PER_SEC = 250_000;
const TARGET_RSS_MB = 100;
const TARGET_RATIO = 0.8;
const CHANNELS = 16;
const SAMPLES = 640;
const ANNOTATION_SAMPLES = 40;
const SWEEP_SEC = 0.064;
const TRIAL_EVERY_SEC = 0.5;

export async function benchEdf(opts: EdfBenchOptions): Promise<BenchRow[]> {
  const runs = Math.max(5, opts.runs ?? 5);
  fs.mkdirSync(opts.dir, { recursive: true });
  const cli = findCli(opts.cliPath);
  const rows: BenchRow[] = [];
  // One text per TAL (the stimulus line), then two (the line and a trial label new each record):
  // one 1 GB file at a time in the temp folder.
  for (const texts of [1, 2] as const) {
    const file = path.join(opts.dir, `cadwell-style-bench-${texts}.edf`);
    const { bytes, records } = writeCadwellStyleEdf(file, opts.sizeBytes, texts);
    try {
      const label = `${gb(bytes)} GB EDF+D, ${records.toLocaleString('en-US')} records, ${texts === 1 ? 'one text' : 'two texts'} per TAL`;
      if (texts === 1) {
        // Warm the page cache and the JIT once, then time.
        const check = inspectFile(file);
        if (check !== records) throw new Error(`benchmark file misread: ${check} records, expected ${records}`);
        rows.push(rate(`EDF+D records read for their annotations (inspectEdf, in process, warm cache; ${label})`, records, 'records', timeRuns(runs, () => inspectFile(file))));
        rows.push(rate(`Cadwell trials → DeviceEvents (in process, warm cache; same file)`, records, 'trials', timeRuns(runs, () => cadwellFile(file))));
        rows.push(await peakRss(cli, file));
      }
      rows.push(await versusSave2gdf(cli, file, label, records * texts, Math.max(VERSUS_PAIRS, runs)));
    } finally {
      fs.rmSync(file, { force: true });
    }
  }
  return rows;
}

// ---- the file

/**
 * Writes the file in 4 MiB chunks, never holding it whole. Each record holds its time-keeping TAL
 * and one annotation with Cascade's stimulus line, "µ" in Windows-1252, so the timed path includes
 * the encoding fallback; the layout is spec-conforming so save2gdf reports the same annotations.
 */
export function writeCadwellStyleEdf(file: string, sizeBytes: number, textsPerTal: 1 | 2 = 1): { bytes: number; records: number } {
  const ns = CHANNELS + 1;
  const headerBytes = 256 * (ns + 1);
  const annotationSamples = textsPerTal === 2 ? ANNOTATION_SAMPLES + 20 : ANNOTATION_SAMPLES;
  const annotBytes = annotationSamples * 2;
  const recordBytes = CHANNELS * SAMPLES * 2 + annotBytes;
  const records = Math.max(1, Math.floor((sizeBytes - headerBytes) / recordBytes));

  const f = (s: string, w: number) => s.slice(0, w).padEnd(w, ' ');
  const col = (values: (i: number) => string, w: number) => Array.from({ length: ns }, (_, i) => f(values(i), w)).join('');
  const isAnnot = (i: number) => i === CHANNELS;
  const header =
    f('0', 8) + f('X X X X', 80) + f('Startdate 03-MAY-2023 X X Cascade_bench', 80) + f('03.05.23', 8) + f('08.15.00', 8) +
    f(String(headerBytes), 8) + f('EDF+D', 44) + f(String(records), 8) + f(String(SWEEP_SEC), 8) + f(String(ns), 4) +
    col((i) => (isAnnot(i) ? 'EDF Annotations' : `EMG ${i + 1}`), 16) + col(() => '', 80) + col((i) => (isAnnot(i) ? '' : 'uV'), 8) +
    col((i) => (isAnnot(i) ? '-1' : '-3200'), 8) + col((i) => (isAnnot(i) ? '1' : '3200'), 8) + col(() => '-32768', 8) + col(() => '32767', 8) +
    col((i) => (isAnnot(i) ? '' : 'HP:10Hz LP:3kHz'), 80) + col((i) => String(isAnnot(i) ? annotationSamples : SAMPLES), 8) + col(() => '', 32);

  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, Buffer.from(header, 'latin1'));
    const perChunk = Math.max(1, Math.floor((4 << 20) / recordBytes));
    const chunk = Buffer.alloc(perChunk * recordBytes);
    // Sample bytes: a fixed pattern that includes 0x14 and 0x00, which must never be read as TALs.
    for (let i = 0; i < perChunk; i++) for (let k = 0; k < recordBytes - annotBytes; k++) chunk[i * recordBytes + k] = (k * 31) & 0xff;
    for (let r0 = 0; r0 < records; r0 += perChunk) {
      const k = Math.min(perChunk, records - r0);
      for (let i = 0; i < k; i++) {
        const at = i * recordBytes + recordBytes - annotBytes;
        chunk.fill(0, at, at + annotBytes);
        const onset = ((r0 + i) * TRIAL_EVERY_SEC).toFixed(3);
        // Two texts: the stimulus line, then a trial label new in every record (Cascade's trial export).
        const second = textsPerTal === 2 ? `Trial ${r0 + i + 1}\x14` : '';
        const tal = Buffer.from(`+${onset}\x14\x14\x00+${onset}\x14Stim: 25mA, 250\xb5s, 3, 2ms, 2Hz\x14${second}\x00`, 'latin1');
        tal.copy(chunk, at);
      }
      fs.writeSync(fd, chunk, 0, k * recordBytes);
    }
  } finally {
    fs.closeSync(fd);
  }
  return { bytes: headerBytes + records * recordBytes, records };
}

// ---- in-process throughput

function inspectFile(file: string): number {
  const source = new FileByteSource(file);
  try {
    const s = inspectEdf(source);
    if (s.annotations.length !== s.header.recordCount) throw new Error('benchmark file: one annotation per record expected');
    return s.header.recordCount;
  } finally {
    source.close();
  }
}

function cadwellFile(file: string): number {
  const source = new FileByteSource(file);
  try {
    let n = 0;
    for (const e of cadwellTrials(openCadwellEdf(source), file)) if (e.extra) n++;
    return n;
  } finally {
    source.close();
  }
}

type Timing = { wall: number[]; cpu: number[] };

/** Wall and CPU seconds per run; CPU time shows when a busy machine, not the code, is slow. */
function timeRuns(runs: number, fn: () => unknown): Timing {
  const gc = (globalThis as { gc?: () => void }).gc;
  const out: Timing = { wall: [], cpu: [] };
  for (let i = 0; i < runs; i++) {
    gc?.();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    fn();
    out.wall.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    out.cpu.push((c.user + c.system) / 1e6);
  }
  return out;
}

function rate(measure: string, count: number, unit: string, t: Timing): BenchRow {
  const wall = median(t.wall);
  const perSec = count / wall;
  const detail = `${(wall * 1000).toFixed(0)} ms wall, ${(median(t.cpu) * 1000).toFixed(0)} ms CPU`;
  return { measure, target: `≥ ${(TARGET_RECORDS_PER_SEC / 1000).toFixed(0)}k ${unit}/s`, median: `${(perSec / 1000).toFixed(0)}k ${unit}/s (${detail})`, pass: perSec >= TARGET_RECORDS_PER_SEC };
}

// ---- the CLI in a fresh process: peak RSS and wall time against save2gdf

function findCli(explicit: string | undefined): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = explicit ? [explicit] : [path.join(here, 'cli.js'), path.join(here, '..', 'cli.js'), path.resolve('out/main/cli.js')];
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}

/** Prints the child's peak RSS (kB) on fd 3 at exit, without touching its stdout/stderr. */
const RSS_HOOK = `data:text/javascript,${encodeURIComponent(
  "import fs from 'node:fs'; process.on('exit', () => { try { fs.writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });",
)}`;

async function peakRss(cli: string | null, file: string): Promise<BenchRow> {
  const measure = 'peak RSS of `closeout inspect FILE --json` (fresh process)';
  const target = `≤ ${TARGET_RSS_MB} MB`;
  if (!cli) return { measure, target, median: 'n/a: CLI not built (out/main/cli.js)', pass: false };
  const r = await runChild(process.execPath, ['--import', RSS_HOOK, cli, 'inspect', file, '--json']);
  if (r.code !== 0 || !r.fd3) return { measure, target, median: `n/a: the CLI failed (exit ${r.code}): ${r.stderr.slice(0, 200).trim()}`, pass: false };
  const mb = Number(r.fd3) / 1024;
  return { measure, target, median: `${mb.toFixed(0)} MB`, pass: mb <= TARGET_RSS_MB };
}

/** At least this many alternated pairs (the machine is shared: the median of many ratios). */
const VERSUS_PAIRS = 9;

/**
 * The only environment the two commands get: this machine's own (NODE_OPTIONS, extra CA
 * certificates: +35 ms to every node start here) is not part of either program's work. As in the
 * start-up bench.
 */
const CLEAN_ENV = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp' };

/**
 * Exactly `node out/main/cli.js inspect FILE --json` against `save2gdf -JSON FILE`, each with its
 * stdout on /dev/null, warm cache: one untimed run of each, then pairs, which of the two goes
 * first alternating; the row is the median of the per-pair ratios, with both medians.
 */
async function versusSave2gdf(cli: string | null, file: string, label: string, annotations: number, pairs: number): Promise<BenchRow> {
  const measure = `\`closeout inspect FILE --json\` vs \`save2gdf -JSON FILE\`, fresh processes, ${pairs} alternated pairs (median of ratios; ${label})`;
  const target = `≤ ${TARGET_RATIO}×`;
  const save2gdf = which('save2gdf');
  if (!save2gdf) return { measure, target, median: 'n/a: save2gdf not installed', pass: true };
  if (!cli) return { measure, target, median: 'n/a: CLI not built (out/main/cli.js)', pass: false };
  const ours = [process.execPath, [cli, 'inspect', file, '--json']] as const;
  const theirs = [save2gdf, ['-JSON', file]] as const;
  const probe = await runChild(...ours);
  if (probe.code !== 0) return { measure, target, median: `n/a: the CLI failed (exit ${probe.code}): ${probe.stderr.slice(0, 200).trim()}`, pass: false };
  await wall(...theirs);
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    let x: number;
    let y: number;
    if (i % 2 === 0) {
      x = await wall(...ours);
      y = await wall(...theirs);
    } else {
      y = await wall(...theirs);
      x = await wall(...ours);
    }
    a.push(x);
    b.push(y);
    ratios.push(x / y);
  }
  const m = median(ratios);
  const ma = median(a);
  const detail = `${m.toFixed(2)}× (closeout ${(ma * 1000).toFixed(0)} ms, ${((annotations / ma) / 1000).toFixed(0)}k annotations/s; save2gdf ${(median(b) * 1000).toFixed(0)} ms)`;
  return { measure, target, median: detail, pass: m <= TARGET_RATIO };
}

async function wall(cmd: string, args: readonly string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  const r = await runChild(cmd, args);
  if (r.code !== 0) throw new Error(`${path.basename(cmd)} failed (exit ${r.code}): ${r.stderr.slice(0, 200)}`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

type ChildResult = { code: number | null; stderr: string; fd3: string };

/** Runs a command with stdout discarded (like `> /dev/null`), collecting stderr and fd 3. */
function runChild(cmd: string, args: readonly string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: CLEAN_ENV });
    let stderr = '';
    let fd3 = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdio[3]?.on('data', (d: Buffer) => (fd3 += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, fd3 }));
  });
}

function which(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

function gb(bytes: number): string {
  return (bytes / 1e9).toFixed(2);
}
