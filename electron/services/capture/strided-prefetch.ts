/**
 * A file source that reads a regular pattern from both ends at once. `closeout inspect` on a 1 GB
 * EDF+D reads one small slice (the annotations) of each of 52,000 records: 52,000 preads, most of
 * its time, on one core. Once the reads show a stride (three reads of one length at equal steps),
 * a worker thread reads the same slices from the last record backwards into shared memory, while
 * the caller goes on forwards; where they meet, the caller takes the worker's copies.
 *
 * The caller never waits for the worker: a slice the worker has not read yet is read here as
 * before. So with one busy core it costs the worker's start and nothing else, and what the
 * caller gets is exactly what a read at that offset returns (a short read, a file that changed
 * under us: the worker stops and those slices are read here).
 */
import { Worker } from 'node:worker_threads';
import type { ByteSource } from '../../../shared/parsers/byte-source';
import { FileByteSource } from './file-byte-source';

/** Below this many slices, a worker's start costs more than it saves. */
const MIN_SLICES = 8192;
/** Shared memory the worker may fill at most. */
const MAX_SHARED_BYTES = 64 * 2 ** 20;
/** The worker publishes how far it has come every this many slices. */
const PUBLISH_EVERY = 64;

// State words in the shared Int32Array.
/** Lowest slice index the worker has read (descending from the last); `count` until it starts. */
const LOW = 0;
/** The slice index the caller has reached (the worker stops below it). */
const CALLER = 1;

// CommonJS, evaluated in the worker: fills slices last to first until it meets the caller.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { path, first, stride, length, count, data, state } = workerData;
const words = new Int32Array(state);
const out = Buffer.from(data);
let fd;
try {
  fd = fs.openSync(path, 'r');
  for (let k = count - 1; k >= 0; k--) {
    if (k <= Atomics.load(words, ${CALLER})) break;
    const at = k * length;
    let got = 0;
    while (got < length) {
      const n = fs.readSync(fd, out, at + got, length - got, first + k * stride + got);
      if (n === 0) break;
      got += n;
    }
    // A short read: the file is not what it was; the caller reads the rest itself.
    if (got !== length) break;
    if (k % ${PUBLISH_EVERY} === 0 || k - 1 <= Atomics.load(words, ${CALLER})) Atomics.store(words, ${LOW}, k);
  }
} catch {
  // Nothing published beyond what was read: the caller reads the rest.
} finally {
  if (fd !== undefined) fs.closeSync(fd);
}
`;

type Pattern = Readonly<{ first: number; stride: number; length: number; count: number }>;

export class StridedPrefetchSource implements ByteSource {
  readonly size: number;
  readonly #file: FileByteSource;
  readonly #path: string;
  /** The last reads, to see a stride in them. */
  #seen: number[] = [];
  #seenLength = -1;
  #pattern: Pattern | null = null;
  #data: Uint8Array | null = null;
  #words: Int32Array | null = null;
  #worker: Worker | null = null;
  /** No prefetch for this source (the pattern broke, or the file is too small to be worth it). */
  #off = false;
  #out: Buffer = Buffer.alloc(0);
  #fromWorker = 0;

  constructor(path: string) {
    this.#file = new FileByteSource(path);
    this.#path = path;
    this.size = this.#file.size;
  }

  read(offset: number, length: number): Uint8Array {
    const p = this.#pattern;
    if (p !== null) {
      const k = (offset - p.first) / p.stride;
      if (length === p.length && Number.isInteger(k) && k >= 0 && k < p.count) {
        const words = this.#words as Int32Array;
        if (k > Atomics.load(words, CALLER)) Atomics.store(words, CALLER, k);
        if (k >= Atomics.load(words, LOW)) {
          this.#fromWorker++;
          return this.#copy(k * p.length, p.length);
        }
      }
      return this.#file.read(offset, length);
    }
    if (!this.#off) this.#watch(offset, length);
    return this.#file.read(offset, length);
  }

  /** Slices the worker has read so far (0 before it starts, or without one). */
  get workerSlices(): number {
    const p = this.#pattern;
    return p === null ? 0 : p.count - Atomics.load(this.#words as Int32Array, LOW);
  }

  /** Reads answered from the worker's copies (tests, and to see that it pays). */
  get fromWorker(): number {
    return this.#fromWorker;
  }

  close(): void {
    void this.#worker?.terminate();
    this.#worker = null;
    this.#file.close();
  }

  /** A copy in our own buffer: shared memory is not what every decoder takes. */
  #copy(at: number, length: number): Uint8Array {
    if (this.#out.length !== length) this.#out = Buffer.allocUnsafe(length);
    this.#out.set((this.#data as Uint8Array).subarray(at, at + length));
    return this.#out;
  }

  #watch(offset: number, length: number): void {
    if (length !== this.#seenLength) {
      this.#seen = [];
      this.#seenLength = length;
    }
    this.#seen.push(offset);
    if (this.#seen.length < 3) return;
    const [a, b, c] = this.#seen.slice(-3) as [number, number, number];
    const stride = b - a;
    if (stride <= length || c - b !== stride) return;
    const count = Math.floor((this.size - c - length) / stride) + 1;
    if (count < MIN_SLICES || count * length > MAX_SHARED_BYTES) {
      this.#off = true;
      return;
    }
    this.#start({ first: c, stride, length, count });
  }

  #start(p: Pattern): void {
    const data = new SharedArrayBuffer(p.count * p.length);
    const state = new SharedArrayBuffer(8);
    const words = new Int32Array(state);
    Atomics.store(words, LOW, p.count);
    Atomics.store(words, CALLER, 0);
    try {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: this.#path, ...p, data, state } });
      // The worker never keeps the process alive, and an error in it only means reading here.
      w.unref();
      w.on('error', () => Atomics.store(words, LOW, p.count));
      this.#worker = w;
    } catch {
      this.#off = true;
      return;
    }
    this.#pattern = p;
    this.#data = new Uint8Array(data);
    this.#words = words;
  }
}
