/**
 * Vendor-parser benchmark: a 500 MB Cadwell-style case export (mostly TraceData, as real ones
 * are) is written to disk as a stream, then parsed in a fresh child process so peak RSS measures
 * the parser alone, not this process's history. Targets: ≤ 200 MiB peak RSS and a throughput that
 * keeps a whole case export under a few seconds.
 *
 * The child is this same module file run again with CLOSEOUT_VENDOR_BENCH_CHILD set: the guard at
 * the bottom runs the measurement and exits before anything else in the bundle starts.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CadwellJsonParser } from '../../shared/parsers/cadwell-json';
import { median, type BenchRow } from './bench-row';

const CHILD_ENV = 'CLOSEOUT_VENDOR_BENCH_CHILD';
const MiB = 1024 * 1024;
const DEFAULT_SIZE = 500 * MiB;
const TARGET_RSS_MIB = 200;
const TARGET_MIB_PER_SEC = 50;
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;

// ---- synthetic Cadwell export ----

export type CadwellSynthStats = { bytes: number; events: number; deletedEvents: number; trials: number; modes: number };

export type CadwellSynthOptions = Readonly<{
  targetBytes: number;
  modes?: number;
  tracesPerTrial?: number;
  samplesPerTrace?: number;
  eventsCount?: number;
  seed?: number;
}>;

/** 2026-11-26T07:30:00 as Unix µs. */
const SYNTH_START_US = 1_795_678_200_000_000;

/**
 * Yields a Cadwell-shaped JSON document in ~64 KB UTF-8 chunks until about `targetBytes`, never
 * holding more than one chunk. `stats` is filled in as it goes (complete once the generator is
 * done) so a test can compare the parser's counts with what was written.
 */
export function* cadwellSyntheticChunks(options: CadwellSynthOptions, stats: CadwellSynthStats): Generator<Uint8Array> {
  const modes = options.modes ?? 6;
  const traces = options.tracesPerTrial ?? 8;
  const samples = options.samplesPerTrace ?? 640;
  const eventsCount = options.eventsCount ?? 200;
  let rand = (options.seed ?? 1) >>> 0;
  const next = (): number => {
    rand = (Math.imul(rand, 1_664_525) + 1_013_904_223) >>> 0;
    return rand;
  };
  // A few distinct sample arrays, reused: generation stays I/O-bound while the parser still sees
  // realistic numbers (counts, signs, exponents) in every trace.
  const traceData = Array.from({ length: 16 }, () =>
    Array.from({ length: samples }, () => {
      const v = (next() % 20_001) - 10_000;
      return next() % 7 === 0 ? `${v}.5e-3` : String(v);
    }).join(','),
  );
  const encoder = new TextEncoder();
  let buffer = '';
  const flushAt = 64 * 1024;
  const emit = function* (text: string): Generator<Uint8Array> {
    buffer += text;
    if (buffer.length >= flushAt) {
      const bytes = encoder.encode(buffer);
      buffer = '';
      stats.bytes += bytes.length;
      yield bytes;
    }
  };
  const written = (): number => stats.bytes + buffer.length;

  yield* emit(
    `{"HardwareType":"cadwell-iomax","Cases":[{"ID":"bench-case","PatientFirstName":"Testpatient","PatientLastName":"Benchmark",` +
      `"PatientID":"000000","StartDate":${SYNTH_START_US},"ProcedureName":"Synthetic benchmark case","Events":[`,
  );
  for (let e = 0; e < eventsCount; e++) {
    const deleted = e % 10 === 9;
    if (deleted) stats.deletedEvents += 1;
    else stats.events += 1;
    yield* emit(
      `${e ? ',' : ''}{"Timestamp":${SYNTH_START_US + e * 30_000_000 + 123},"Message":"Synthetic note ${e} \\u00b5V","Type":"User Event","Author":"tech1","Deleted":${deleted}}`,
    );
  }
  yield* emit('],"Modes":[');
  const perMode = Math.max(1, (options.targetBytes - written()) / modes);
  let t = 0;
  for (let m = 0; m < modes; m++) {
    stats.modes += 1;
    yield* emit(`${m ? ',' : ''}{"Name":"Synthetic Mode ${m}","Type":"${m % 2 ? 'SSEP' : 'MEP'}","Trials":[`);
    const modeEnd = written() + perMode;
    for (let k = 0; k === 0 || written() < modeEnd; k++) {
      stats.trials += 1;
      const ts = SYNTH_START_US + t++ * 250_000;
      let trial = `${k ? ',' : ''}{"TrialNumber":${k + 1},"Baseline":${k === 0},"Highlighted":false,"ActualRepRate":2.1,"Stimuli":{"DiscreteStimuli":[{"Name":"TCS-9 Stimulator at Cortical Module","Train1PulseCount":5}]},"Traces":[`;
      for (let c = 0; c < traces; c++) {
        trial += `${c ? ',' : ''}{"Channel":{"Name":"Ch ${c}","LowCut":30,"HighCut":3000},"Timestamp":${ts},"Sweep":0.1,"TraceDataLength":${samples},"TraceDataScalar":1.2e-8,"TraceData":[${traceData[(k + c) % traceData.length]}]}`;
      }
      // Timestamp after Traces, as field order is free.
      trial += `],"Timestamp":${ts}}`;
      yield* emit(trial);
    }
    yield* emit(']}');
  }
  yield* emit(']}]}');
  if (buffer.length > 0) {
    const bytes = encoder.encode(buffer);
    buffer = '';
    stats.bytes += bytes.length;
    yield bytes;
  }
}

export function emptySynthStats(): CadwellSynthStats {
  return { bytes: 0, events: 0, deletedEvents: 0, trials: 0, modes: 0 };
}

export async function writeCadwellSyntheticFile(file: string, options: CadwellSynthOptions): Promise<CadwellSynthStats> {
  const stats = emptySynthStats();
  const handle = await fs.promises.open(file, 'w');
  try {
    for (const chunk of cadwellSyntheticChunks(options, stats)) await handle.write(chunk);
  } finally {
    await handle.close();
  }
  return stats;
}

// ---- measurement (runs in the child) ----

export type ParseMeasure = { bytes: number; seconds: number; events: number; trials: number; peakRssBytes: number; warnings: number };

/** Streams the file through the parser in 1 MiB reads, sampling RSS as it goes. */
export async function measureCadwellParse(file: string): Promise<ParseMeasure> {
  const parser = new CadwellJsonParser();
  let events = 0;
  let trials = 0;
  let bytes = 0;
  let peak = process.memoryUsage.rss();
  const count = (batch: readonly { kind?: string }[]): void => {
    for (const e of batch) {
      if (e.kind === undefined) events += 1;
      else trials += 1;
    }
  };
  const started = performance.now();
  for await (const chunk of fs.createReadStream(file, { highWaterMark: MiB })) {
    const bytesChunk = chunk as Uint8Array;
    bytes += bytesChunk.length;
    count(parser.push(bytesChunk));
    peak = Math.max(peak, process.memoryUsage.rss());
  }
  count(parser.end());
  const seconds = (performance.now() - started) / 1000;
  // maxRSS (KiB) also catches a peak between two samples.
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  return { bytes, seconds, events, trials, peakRssBytes: peak, warnings: parser.warnings.length };
}

type ChildReply = { ok: true; measure: ParseMeasure } | { ok: false; message: string };

function runChild(file: string): Promise<ChildReply> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, [CHILD_ENV]: file },
      execArgv: [],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let reply: ChildReply | null = null;
    const timer = setTimeout(() => {
      reply = { ok: false, message: 'timed out' };
      child.kill();
    }, CHILD_TIMEOUT_MS);
    child.on('message', (m) => {
      reply = m as ChildReply;
    });
    child.on('error', (e) => {
      reply = { ok: false, message: e.message };
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(reply ?? { ok: false, message: `child exited with code ${code} without a result` });
    });
  });
}

export async function benchVendor(opts: { dir: string; sizeBytes?: number; runs?: number }): Promise<BenchRow[]> {
  // A child that somehow reached this point must not start its own children.
  if (process.env[CHILD_ENV]) return [];
  const size = opts.sizeBytes ?? DEFAULT_SIZE;
  const runs = opts.runs ?? 3;
  const file = path.join(opts.dir, 'closeout-vendor-bench-cadwell.json');
  const label = `${Math.round(size / MiB)} MiB`;
  try {
    const stats = await writeCadwellSyntheticFile(file, { targetBytes: size });
    const measures: ParseMeasure[] = [];
    let failure: string | null = null;
    for (let r = 0; r < runs && failure === null; r++) {
      const reply = await runChild(file);
      if (reply.ok) measures.push(reply.measure);
      else failure = reply.message;
    }
    if (failure !== null || measures.length === 0) {
      const text = `failed: ${failure ?? 'no run'}`;
      return [
        { measure: `Cadwell JSON parse throughput (${label})`, target: `≥ ${TARGET_MIB_PER_SEC} MiB/s`, median: text, pass: false },
        { measure: `Cadwell JSON parse peak RSS (${label}, fresh process)`, target: `≤ ${TARGET_RSS_MIB} MiB`, median: text, pass: false },
      ];
    }
    const speed = median(measures.map((m) => m.bytes / MiB / m.seconds));
    const rss = median(measures.map((m) => m.peakRssBytes / MiB));
    const found = measures.map((m) => `${m.events}+${m.trials}`);
    const expected = `${stats.events}+${stats.trials}`;
    return [
      { measure: `Cadwell JSON parse throughput (${label})`, target: `≥ ${TARGET_MIB_PER_SEC} MiB/s`, median: `${speed.toFixed(0)} MiB/s`, pass: speed >= TARGET_MIB_PER_SEC },
      { measure: `Cadwell JSON parse peak RSS (${label}, fresh process)`, target: `≤ ${TARGET_RSS_MIB} MiB`, median: `${rss.toFixed(0)} MiB`, pass: rss <= TARGET_RSS_MIB },
      {
        measure: 'Cadwell JSON events + trials found',
        target: expected,
        median: found[Math.floor(found.length / 2)] ?? '',
        pass: found.every((f) => f === expected) && measures.every((m) => m.warnings === 0),
      },
    ];
  } finally {
    await fs.promises.rm(file, { force: true });
  }
}

// ---- child entry ----

const childFile = process.env[CHILD_ENV];
if (childFile) {
  // Top-level await: evaluation of anything importing this module waits here, and the process
  // exits after replying, so the rest of the bench never runs inside the child.
  let reply: ChildReply;
  try {
    reply = { ok: true, measure: await measureCadwellParse(childFile) };
  } catch (e) {
    reply = { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  await new Promise<void>((resolve) => {
    if (process.send) process.send(reply, () => resolve());
    else resolve();
  });
  process.exit(0);
}
