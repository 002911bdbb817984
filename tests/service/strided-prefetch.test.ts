/**
 * StridedPrefetchSource reads a big file's per-record slices from both ends at once (a worker
 * thread from the last record backwards). Whatever the worker did, every read returns exactly
 * what a plain positioned read returns: checked on real files, read in the stride, out of it,
 * with the pattern broken midway, and on a file cut short after the worker started.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../../electron/services/capture/file-byte-source';
import { StridedPrefetchSource } from '../../electron/services/capture/strided-prefetch';
import { eventually } from '../helpers/patience';
import { tempDir } from '../helpers/temp-dir';

const STRIDE = 1000;
const SLICE = 40;

/** A file of `records` records of STRIDE bytes, every byte a function of its offset. */
function patterned(records: number): string {
  const file = path.join(tempDir('closeout-prefetch-'), 'records.bin');
  const b = Buffer.alloc(records * STRIDE);
  for (let i = 0; i < b.length; i++) b[i] = (i * 7 + (i >> 10)) & 0xff;
  fs.writeFileSync(file, b);
  return file;
}

function plain(file: string, offset: number, length: number): Buffer {
  const s = new FileByteSource(file);
  try {
    return Buffer.from(s.read(offset, length));
  } finally {
    s.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


describe('StridedPrefetchSource', () => {
  it('a stride read forwards gives what plain reads give, slice for slice (the worker meets the reader)', async () => {
    const records = 20_000;
    const file = patterned(records);
    const whole = fs.readFileSync(file);
    const s = new StridedPrefetchSource(file);
    try {
      for (let r = 0; r < records; r++) {
        const at = r * STRIDE + 500;
        const got = s.read(at, SLICE);
        if (!Buffer.from(got).equals(whole.subarray(at, at + SLICE))) throw new Error(`record ${r} differs`);
        // Give the worker time to run ahead now and then, so both halves are really used.
        if (r === 100) await sleep(50);
      }
      // Reads outside the pattern in between, and past the end.
      expect(Buffer.from(s.read(3, 10)).equals(whole.subarray(3, 13))).toBe(true);
      expect(s.read(records * STRIDE - 5, 20).length).toBe(5);
      expect(s.read(records * STRIDE + 10, 20).length).toBe(0);
    } finally {
      s.close();
    }
  });

  it('the worker really read part of the file (its copies are what the reader got)', async () => {
    const records = 20_000;
    const file = patterned(records);
    const whole = fs.readFileSync(file);
    const s = new StridedPrefetchSource(file);
    try {
      for (let r = 0; r < 3; r++) s.read(r * STRIDE, SLICE);
      // Let the worker read from the end down towards the reader.
      await eventually(() => expect(s.workerSlices).toBeGreaterThan(1000));
      for (let r = 3; r < records; r++) {
        const got = Buffer.from(s.read(r * STRIDE, SLICE));
        expect(got.equals(whole.subarray(r * STRIDE, r * STRIDE + SLICE))).toBe(true);
      }
      // Some of them came from the worker (how many depends on the machine's load).
      expect(s.fromWorker).toBeGreaterThan(0);
    } finally {
      s.close();
    }
  });

  it('a broken pattern (another length, another step) is read plainly, and so is a small file', () => {
    const file = patterned(10_000);
    const s = new StridedPrefetchSource(file);
    try {
      const offsets = [0, 1000, 2000, 3000, 3500, 3600, 9_000_000, 4000, 5000];
      for (const [i, at] of offsets.entries()) {
        const len = i === 5 ? 80 : SLICE;
        expect(Buffer.from(s.read(at, len)).equals(plain(file, at, len))).toBe(true);
      }
    } finally {
      s.close();
    }
    const small = patterned(100);
    const t = new StridedPrefetchSource(small);
    try {
      for (let r = 0; r < 100; r++) expect(Buffer.from(t.read(r * STRIDE + 7, SLICE)).equals(plain(small, r * STRIDE + 7, SLICE))).toBe(true);
    } finally {
      t.close();
    }
  });

  it('a file cut short while read: what is gone reads short, never stale beyond what was read', async () => {
    const records = 20_000;
    const file = patterned(records);
    const whole = fs.readFileSync(file);
    const s = new StridedPrefetchSource(file);
    try {
      for (let r = 0; r < 3; r++) s.read(r * STRIDE, SLICE);
      fs.truncateSync(file, 10_000 * STRIDE);
      await sleep(100);
      for (let r = 3; r < records; r++) {
        const got = Buffer.from(s.read(r * STRIDE, SLICE));
        if (r < 10_000) expect(got.equals(whole.subarray(r * STRIDE, r * STRIDE + SLICE))).toBe(true);
        // Past the cut: either empty (read now) or the bytes the file held when the worker read them.
        else if (got.length !== 0) expect(got.equals(whole.subarray(r * STRIDE, r * STRIDE + SLICE))).toBe(true);
      }
    } finally {
      s.close();
    }
  });
});
