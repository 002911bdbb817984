/**
 * `closeout inspect FILE --json` for EDF/BDF is written by a byte writer built for speed
 * (electron/cli/commands/inspect-json.ts). Its output must be byte for byte what the plain way
 * gives: summariseEdf, the object, JSON.stringify. Checked on the shared test files, on synthetic
 * multi-record EDF+D files (every read mode, odd onsets, several blocks of output), on a file
 * that shrinks while read, on 300 mutated files, and in the built CLI process.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../electron/cli/io';
import { inspectCommands } from '../../electron/cli/commands/inspect';
import { fdSink, JsonBytes, textSink, writeEdfJson } from '../../electron/cli/commands/inspect-json';
import { withFileByteSource } from '../../electron/services/capture/file-byte-source';
import { bytesSource, type ByteSource } from '../../shared/parsers/byte-source';
import { EdfReader, NotEdfError, summariseEdf } from '../../shared/parsers/edf';
import { ROOT } from '../helpers/cli';
import { bytes, tal, timekeeping, writeEdf, type EdfSpec, type SignalSpec } from '../helpers/edf-writer';
import { TESTDATA, tempDir } from '../helpers/temp-dir';

/** The straightforward way: every record and annotation as objects, then JSON.stringify. */
function straightforward(source: ByteSource): string {
  const s = summariseEdf(new EdfReader(source));
  const h = s.header;
  const value = {
    format: h.format,
    variant: h.variant,
    start: h.startWallClock,
    recordCount: h.recordCount,
    recordDurationSec: h.recordDurationSec,
    signals: h.signals
      .filter((x) => !x.isAnnotation)
      .map((x) => ({
        label: x.label,
        transducer: x.transducer,
        physicalDimension: x.physicalDimension,
        physicalMin: x.physicalMin,
        physicalMax: x.physicalMax,
        digitalMin: x.digitalMin,
        digitalMax: x.digitalMax,
        prefiltering: x.prefiltering,
        samplesPerRecord: x.samplesPerRecord,
      })),
    annotations: s.annotations.map((a) => ({ onsetSec: a.onsetSec, durationSec: a.durationSec, text: a.text })),
    segments: s.segments.map((g) => ({ startSec: g.startSec, endSec: g.endSec, records: g.records })),
    warnings: s.warnings,
  };
  return `${JSON.stringify(value)}\n`;
}

/** The optimized writer's bytes, as handed to the sink block by block. */
function optimizedBytes(source: ByteSource): { bytes: Buffer; blocks: number } {
  const blocks: Buffer[] = [];
  writeEdfJson(new EdfReader(source), (b) => blocks.push(Buffer.from(b)));
  return { bytes: Buffer.concat(blocks), blocks: blocks.length };
}

/** Both ways agree, byte for byte; or both refuse the file. */
function expectSame(source: () => ByteSource): string {
  let expected: string;
  try {
    expected = straightforward(source());
  } catch (e) {
    expect(e).toBeInstanceOf(NotEdfError);
    expect(() => optimizedBytes(source())).toThrow(NotEdfError);
    return '';
  }
  const got = optimizedBytes(source()).bytes;
  if (!got.equals(Buffer.from(expected, 'utf8'))) expect(got.toString('utf8')).toBe(expected);
  return expected;
}

async function runInspect(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: async () => '', env: {} };
  const command = inspectCommands[0];
  if (!command) throw new Error('no inspect command');
  const code = await command.run({ io, session: undefined as never, args: [file], values: { json: true } });
  return { code, stdout, stderr };
}

const DIR = path.join(TESTDATA, 'edf');
const shared = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => /\.(edf|bdf)$/i.test(f)).sort() : [];

describe('inspect --json: the optimized writer gives the straightforward JSON', () => {
  it('has shared test files to check', () => {
    expect(shared.length).toBeGreaterThanOrEqual(5);
  });

  it.each(shared)('shared test file %s (the command, with a text io)', async (name) => {
    const file = path.join(DIR, name);
    const expected = withFileByteSource(file, (src) => straightforward(src));
    const r = await runInspect(file);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected);
    expect(withFileByteSource(file, (src) => optimizedBytes(src).bytes.equals(Buffer.from(expected)))).toBe(true);
  });

  const channels = (n: number, samples: number): SignalSpec[] => Array.from({ length: n }, (_, i) => ({ label: `EMG ${i + 1}`, samplesPerRecord: samples }));
  const ANNOT = (samples: number): SignalSpec => ({ label: 'EDF Annotations', samplesPerRecord: samples });
  const MU = Uint8Array.of(0xb5); // Windows-1252 "µ": not UTF-8

  /** A Cadwell-like EDF+D: a sweep per record, gaps between most, odd onsets and texts here and there. */
  function cadwellLike(records: number, signals: readonly SignalSpec[], extra?: Partial<EdfSpec>): Uint8Array {
    return writeEdf({
      reserved: 'EDF+D',
      recordDuration: '0.064',
      signals,
      recordCount: records,
      annotations: (r) => {
        // Runs of contiguous sweeps (0.064 s apart) between gaps, as a stimulator train gives.
        const onset = `+${(Math.floor(r / 4) * 2 + (r % 4) * 0.064).toFixed(3)}`;
        if (r % 97 === 5) return bytes('junk\x00', tal(`+${r}.25`, ['after junk'])); // no time-keeping TAL
        if (r % 89 === 7) return bytes(timekeeping(onset), tal('-0.5', ['before the start'], '0.25'), tal('+000012.50000', ['zeros'], '1.0'));
        if (r % 83 === 3) return bytes(timekeeping(onset), tal('+1.00000000000000001', ['long onset', 'second text']));
        if (r % 79 === 2) return bytes(timekeeping(onset), tal('-0', ['minus zero'], '0'));
        if (r % 73 === 1) return tal(onset, ['Café ✓ 仰卧 "quoted" \\ back\tslash']);
        // A short ASCII text new each time, in the time-keeping TAL: taken as bytes, still warned.
        if (r % 61 === 6) return tal(onset, [`Sweep ${r}`]);
        if (r % 67 === 4) return bytes(timekeeping(onset), tal(`+${r}.123456789`, ['nanoseconds'], '0.000001'));
        return tal(onset, [bytes('Stim: 25mA, 250', MU, 's, 3, 2ms, 2Hz')]);
      },
      ...extra,
    });
  }

  /** Records this big are read span by span (more than 8 KiB of samples around the annotations). */
  const SWEEP = [...channels(1, 4200), ANNOT(60)];

  it('synthetic Cadwell-style EDF+D, read span by span, in several output blocks', () => {
    const data = cadwellLike(3000, SWEEP);
    const expected = expectSame(() => bytesSource(data));
    const parsed = JSON.parse(expected) as { annotations: unknown[]; segments: unknown[]; warnings: unknown[] };
    expect(parsed.annotations.length).toBeGreaterThan(3000);
    expect(parsed.segments.length).toBeGreaterThan(700);
    expect(parsed.warnings.length).toBeGreaterThan(0);
    expect(optimizedBytes(bytesSource(data)).blocks).toBeGreaterThan(1);
  });

  it('the same from a file, through the command', async () => {
    const file = path.join(tempDir(), 'L MEP.edf');
    fs.writeFileSync(file, cadwellLike(1500, SWEEP));
    const r = await runInspect(file);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(withFileByteSource(file, (src) => straightforward(src)));
  });

  it('small records read whole, in batches; EDF+C with gaps; BDF', () => {
    expectSame(() => bytesSource(cadwellLike(2500, [...channels(1, 8), ANNOT(60)], { reserved: 'EDF+C' })));
    expectSame(() => bytesSource(cadwellLike(400, [...channels(2, 64), ANNOT(40)], { format: 'BDF', reserved: 'BDF+D' })));
  });

  it('annotation signals with data between them, read slice by slice', () => {
    const data = writeEdf({
      reserved: 'EDF+D',
      signals: [ANNOT(20), ...channels(2, 8000), ANNOT(30)],
      recordCount: 120,
      annotations: (r, sig) => (sig === 0 ? timekeeping(`+${r * 2}`) : tal(`+${r * 2}.5`, [`late ${r % 3}`], r % 2 ? '0.5' : undefined)),
    });
    expectSame(() => bytesSource(data));
  });

  it('no annotation signal; a record duration of 0', () => {
    expectSame(() => bytesSource(writeEdf({ reserved: '', signals: channels(2, 16), recordCount: 700, recordDuration: '0.1' })));
    expectSame(() =>
      bytesSource(writeEdf({ signals: [ANNOT(40)], recordCount: 30, recordDuration: '0', annotations: (r) => bytes(timekeeping('+0'), tal(`+${r}`, ['event'])) })),
    );
  });

  it('a file that shrinks while it is read (warning "file-changed"), span by span or in batches', () => {
    const shrinking = (data: Uint8Array, reads: number) => (): ByteSource => {
      const inner = bytesSource(data);
      let n = 0;
      return { size: inner.size, read: (offset, length) => inner.read(offset, ++n > reads ? length >> 1 : length) };
    };
    expect(expectSame(shrinking(cadwellLike(300, SWEEP), 200))).toContain('the file ended early while being read');
    expect(expectSame(shrinking(cadwellLike(900, [...channels(2, 640), ANNOT(60)]), 2))).toContain('the file ended early while being read');
  });

  it('300 mutated copies of a real file: the same JSON, or both refuse it', () => {
    const original = new Uint8Array(fs.readFileSync(path.join(DIR, 'edfPlusD.edf')));
    let seed = 1;
    const rand = () => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = (n: number) => Math.floor(rand() * n);
    const interesting = [0x00, 0x14, 0x15, 0x2b, 0x2d, 0x2e, 0x20, 0x30, 0x39, 0xff, 0x80, 0xb5];
    let read = 0;
    for (let i = 0; i < 300; i++) {
      let data = original.slice();
      const hits = 1 + pick(8);
      for (let h = 0; h < hits; h++) {
        // Mostly annotation bytes (record r's "EDF Annotations" slice), some anywhere.
        const at = i % 3 === 0 ? pick(data.length) : 3328 + pick(11) * 4502 + 4400 + pick(102);
        data[at] = rand() < 0.5 ? (interesting[pick(interesting.length)] as number) : pick(256);
      }
      if (i % 7 === 0) data = data.subarray(0, pick(data.length));
      if (expectSame(() => bytesSource(data)) !== '') read++;
    }
    expect(read).toBeGreaterThan(150);
  });

  it('TALs of several texts: each text is its own, whatever the text before it at that place or in that record', () => {
    // A long stimulus line repeated (Windows-1252), then a short label new in every record, with
    // quotes, escapes, controls and non-ASCII among them; every 50th record swaps the two places
    // and every 7th repeats the first text in the second place; 300 distinct long texts (more than
    // the writer remembers); some with durations.
    const labels = (r: number) => (r % 11 === 0 ? `Trial "${r}" \\ ok` : r % 13 === 0 ? `Trial\t${r}\x01` : r % 17 === 0 ? `Essai n°${r} ✓ 😀` : `Trial ${r}`);
    const longText = (r: number) => (r % 5 === 0 ? `Train ${r % 300}: 100 mA, 500 µs pulses, 5 pulses, 2 ms ISI` : 'Stim: 25mA, 250µs, 3, 2ms, 2Hz');
    const expected: string[] = [];
    const data = writeEdf({
      reserved: 'EDF+D',
      recordDuration: '0.064',
      signals: [...channels(1, 4200), ANNOT(120)],
      recordCount: 1500,
      annotations: (r) => {
        const onset = `+${(r * 0.5).toFixed(3)}`;
        const stim = r % 5 === 0 ? longText(r) : bytes('Stim: 25mA, 250', MU, 's, 3, 2ms, 2Hz');
        const texts = r % 50 === 0 ? [labels(r), stim] : r % 7 === 0 ? [stim, stim] : [stim, labels(r)];
        const decoded = texts.map((t) => (typeof t === 'string' ? t : longText(1)));
        expected.push(...decoded);
        return bytes(timekeeping(onset), tal(onset, texts, r % 9 === 0 ? '0.5' : undefined));
      },
    });
    const json = expectSame(() => bytesSource(data));
    const parsed = JSON.parse(json) as { annotations: Array<{ text: string; durationSec: number | null }> };
    expect(parsed.annotations.map((a) => a.text)).toEqual(expected);
    expect(parsed.annotations.filter((a) => a.durationSec === 0.5)).toHaveLength(2 * 167);
  });

  it('the built CLI writes the same bytes to its stdout', () => {
    const cli = path.join(ROOT, 'out', 'main', 'cli.js');
    const file = path.join(tempDir(), 'sweeps.edf');
    fs.writeFileSync(file, cadwellLike(2000, SWEEP));
    const r = spawnSync(process.execPath, [cli, 'inspect', file, '--json'], { maxBuffer: 64 << 20 });
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.equals(Buffer.from(withFileByteSource(file, (src) => straightforward(src))))).toBe(true);
  });
});

describe('inspect --json pieces', () => {
  let last = '';
  const out = new JsonBytes((b) => (last = Buffer.from(b).toString('latin1')));
  function formatted(x: number): string {
    last = '';
    out.room(32);
    out.num(x);
    out.flush();
    return last;
  }

  it('numbers are written exactly as String(x) / JSON.stringify', () => {
    const round9 = (x: number) => Math.round(x * 1e9) / 1e9;
    const values: number[] = [
      0, -0, 1, -1, 0.5, 0.064, 0.1, 0.2, 0.3, 1e-6, -1e-6, 9.99e-7, 1e-7, 1.5e-9, 1e-9, 123456.789, 999999.999999999, 1e6, 1e15, 1e15 - 1,
      999999999.999999, 1e21, 1e22, 2 ** 53, 2 ** 31, 2 ** 31 - 1, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON,
      NaN, Infinity, -Infinity, 0.1 + 0.2, 1 / 3, -2 / 3, Math.PI, 26111.5, 26111.564, 1e10, -1e10, 12345678.123456789,
    ];
    for (let k = 0; k < 20000; k++) {
      values.push(k * 0.5, round9(k * 0.5 + 0.064), k / 1000, -k / 1000, round9(k * 0.064), round9(k * 0.1 + 0.064), k / 1e9, k * 1e-7, k / 7);
    }
    let s = 12345;
    const rand = () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32;
    };
    const view = new DataView(new ArrayBuffer(8));
    for (let k = 0; k < 20000; k++) {
      values.push(round9(rand() * 1e6), Math.round(rand() * 1e12) / 1e6, (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20));
      view.setUint32(0, Math.floor(rand() * 2 ** 32));
      view.setUint32(4, Math.floor(rand() * 2 ** 32));
      values.push(view.getFloat64(0)); // any bit pattern
    }
    const bad = values.filter((x) => formatted(x) !== (JSON.stringify(x) as string)).slice(0, 5);
    expect(bad.map((x) => [x, formatted(x), JSON.stringify(x)])).toEqual([]);
  });

  it('the text sink keeps a character split between blocks whole', () => {
    const text = 'µs ✓ 仰卧 😀 end';
    const b = Buffer.from(text);
    let got = '';
    const sink = textSink((t) => (got += t));
    for (let i = 0; i < b.length; i++) sink(b.subarray(i, i + 1));
    sink.end();
    expect(got).toBe(text);
  });

  it('the fd sink writes every byte', () => {
    const file = path.join(tempDir(), 'out.json');
    const fd = fs.openSync(file, 'w');
    try {
      const big = Buffer.alloc(3 << 20, 0x61);
      fdSink(fd)(big);
      fdSink(fd)(Buffer.from('\n'));
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.statSync(file).size).toBe((3 << 20) + 1);
  });
});
