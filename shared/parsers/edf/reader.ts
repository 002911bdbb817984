/** Records and segments: the reader that seeks to each record's annotation bytes. */
import type { ByteSource } from '../byte-source';
import type { DeviceEvent, ParseWarning } from '../types';
import { type EdfAnnotation, type EdfAnnotationSink, NO_ANNOTATIONS, TalScanner } from './tal';
import { type EdfWarningCode, EdfWarnings } from './warnings';
import { type EdfHeader, type EdfSignal, readEdfHeader } from './header';
import { wallClockAt } from './clock';

// ---------------------------------------------------------------------------------------------
// Records and segments

export type EdfRecord = Readonly<{
  record: number;
  /** Seconds from the header start: the time-keeping TAL, else index × duration. */
  onsetSec: number;
  /** The time-keeping TAL's onset as written; null when the file has none for this record. */
  onsetRaw: string | null;
  annotations: readonly EdfAnnotation[];
}>;

export type EdfSegment = Readonly<{ startSec: number; endSec: number; records: number }>;

/** Segments as columns (SegmentBuilder.finishColumns): no object per segment. */
export type EdfSegmentColumns = Readonly<{ count: number; startSec: Float64Array; endSec: Float64Array; records: Float64Array }>;

export type EdfReaderOptions = Readonly<{
  /** Warnings to leave out because the caller expects them (a vendor profile's known quirk). */
  expectedQuirks?: readonly EdfWarningCode[];
}>;

/** Above this many bytes of data between annotation slices, a separate read beats reading through. */
const READ_THROUGH_BYTES = 8 * 1024;
/** Records read per call when records are small enough to read whole. */
const BATCH_BYTES = 1024 * 1024;
/** Records scanned between yields when each record is its own read. */
const RECORDS_PER_YIELD = 256;

type Slice = Readonly<{ signal: number; offset: number; length: number }>;

/**
 * How to fetch the annotation bytes: 'whole' reads many small records at once; 'span' reads the
 * stretch from the first to the last annotation signal of a record; 'slices' reads each
 * annotation signal separately when data signals lie between them.
 */
type ReadPlan = Readonly<{
  mode: 'whole' | 'span' | 'slices';
  slices: readonly Slice[];
  spanStart: number;
  spanLength: number;
  recordsPerBatch: number;
}>;

function readPlan(h: EdfHeader): ReadPlan {
  const slices: Slice[] = h.annotationSignals.map((i) => {
    const s = h.signals[i] as EdfSignal;
    return { signal: i, offset: s.offsetInRecord, length: s.samplesPerRecord * h.bytesPerSample };
  });
  const spanStart = Math.min(...slices.map((s) => s.offset));
  const spanLength = Math.max(...slices.map((s) => s.offset + s.length)) - spanStart;
  const sliceBytes = slices.reduce((n, s) => n + s.length, 0);
  if (h.recordBytes <= sliceBytes + READ_THROUGH_BYTES) {
    return { mode: 'whole', slices, spanStart, spanLength, recordsPerBatch: Math.max(1, Math.floor(BATCH_BYTES / h.recordBytes)) };
  }
  const mode = spanLength <= sliceBytes + READ_THROUGH_BYTES ? 'span' : 'slices';
  return { mode, slices, spanStart, spanLength, recordsPerBatch: RECORDS_PER_YIELD };
}

export class EdfReader {
  readonly header: EdfHeader;
  readonly #source: ByteSource;
  readonly #headerWarnings: EdfWarnings;
  readonly #expected: readonly EdfWarningCode[];
  #passWarnings: EdfWarnings;

  /** Reads the header; throws NotEdfError if the source is not an EDF-family file. */
  constructor(source: ByteSource, opts: EdfReaderOptions = {}) {
    this.#source = source;
    this.#expected = opts.expectedQuirks ?? [];
    this.#headerWarnings = new EdfWarnings(this.#expected);
    this.#passWarnings = new EdfWarnings(this.#expected);
    this.header = readEdfHeader(source, this.#headerWarnings);
  }

  /** Header warnings plus those of the latest pass over the records. */
  get warnings(): ParseWarning[] {
    return [...this.#headerWarnings.list(), ...this.#passWarnings.list()];
  }

  /** For profiles layered on the reader: counts in the current (or just finished) pass. */
  note(code: EdfWarningCode, where: string, message: string): void {
    this.#passWarnings.note(code, where, message);
  }

  /**
   * Yields every record's onset and annotations, in file order. Reads only annotation-signal
   * bytes. Do not read the same source while iterating (a file source reuses its buffer).
   */
  *records(): Generator<EdfRecord, void, undefined> {
    const next = this.#beginPass();
    const batch: EdfRecord[] = [];
    // Records are scanned in batches by a plain loop and yielded afterwards: the consumer may
    // read the same source between yields, which would overwrite a reused read buffer.
    while (next(batch)) yield* batch;
  }

  /** The same records through a callback: no iterator objects per record (inspectEdf's path). */
  forEachRecord(visit: (record: EdfRecord) => void): void {
    const next = this.#beginPass();
    const batch: EdfRecord[] = [];
    while (next(batch)) for (let i = 0; i < batch.length; i++) visit(batch[i] as EdfRecord);
  }

  /**
   * The same pass with no objects: each annotation goes to `sink` as it is found, then its
   * record's onset to `onRecord`. For writers that stream what they read (inspect --json).
   */
  forEachOnset(sink: EdfAnnotationSink, onRecord: (onsetSec: number) => void): void {
    this.#passWarnings = new EdfWarnings(this.#expected);
    const h = this.header;
    if (h.annotationSignals.length === 0) {
      for (let r = 0; r < h.recordCount; r++) onRecord(round9(r * h.recordDurationSec));
      return;
    }
    const scanner = new TalScanner(this.#passWarnings, sink);
    const state: OnsetState = { prev: null };
    const reached = this.#readRecords(readPlan(h), 0, h.recordCount, scanner, () => onRecord(this.#onsetOf(scanner, state)));
    if (reached < h.recordCount) this.#fileChanged(reached);
  }

  /** Starts a pass over the records: each call of the result refills `batch`; false at the end. */
  #beginPass(): (batch: EdfRecord[]) => boolean {
    this.#passWarnings = new EdfWarnings(this.#expected);
    const h = this.header;
    const plan = h.annotationSignals.length === 0 ? null : readPlan(h);
    const scanner = new TalScanner(this.#passWarnings);
    const state: OnsetState = { prev: null };
    let r = 0;
    let out: EdfRecord[] = [];
    const done = () => void out.push(this.#finish(scanner, state));
    return (batch) => {
      batch.length = 0;
      if (r >= h.recordCount || r < 0) return false;
      if (plan === null) {
        // No annotation signal: record times follow from the duration alone.
        const end = Math.min(h.recordCount, r + RECORDS_PER_YIELD);
        for (; r < end; r++) batch.push({ record: r, onsetSec: round9(r * h.recordDurationSec), onsetRaw: null, annotations: NO_ANNOTATIONS });
        return true;
      }
      out = batch;
      const end = Math.min(h.recordCount, r + plan.recordsPerBatch);
      const reached = this.#readRecords(plan, r, end, scanner, done);
      if (reached < end) {
        this.#fileChanged(reached);
        r = -1;
        return batch.length > 0;
      }
      r = end;
      return true;
    };
  }

  #fileChanged(record: number): void {
    this.#passWarnings.note('file-changed', `record ${record}`, 'the file ended early while being read (was it still being written?); stopped here');
  }

  /**
   * Scans records r0 to r1 (exclusive), calling `done` after each with the scanner holding it;
   * returns the record reached: r1, or the record where the file ended early.
   */
  #readRecords(plan: ReadPlan, r0: number, r1: number, scanner: TalScanner, done: () => void): number {
    const h = this.header;
    const { slices } = plan;
    const source = this.#source;
    if (plan.mode === 'whole') {
      // Small records: one read for many whole records beats a syscall per record.
      for (let c = r0; c < r1; c += plan.recordsPerBatch) {
        const k = Math.min(plan.recordsPerBatch, r1 - c);
        const chunk = source.read(h.headerBytes + c * h.recordBytes, k * h.recordBytes);
        for (let i = 0; i < k; i++) {
          const base = i * h.recordBytes;
          if (chunk.length < base + h.recordBytes) return c + i;
          scanner.begin(c + i);
          for (let j = 0; j < slices.length; j++) {
            const s = slices[j] as Slice;
            scanner.scan(chunk, base + s.offset, base + s.offset + s.length, s.signal, j === 0);
          }
          done();
        }
      }
      return r1;
    }
    if (plan.mode === 'span') {
      // Large records: one positioned read of the annotation signals' bytes, data untouched.
      // Locals, not property loads, in this loop: it runs once per record, cold (one pass).
      const { spanStart, spanLength } = plan;
      const first = h.headerBytes + spanStart;
      const recordBytes = h.recordBytes;
      const s0 = slices[0] as Slice;
      const at0 = s0.offset - spanStart;
      for (let r = r0; r < r1; r++) {
        scanner.begin(r);
        const span = source.read(first + r * recordBytes, spanLength);
        if (span.length < spanLength) return r;
        scanner.scan(span, at0, at0 + s0.length, s0.signal, true);
        for (let j = 1; j < slices.length; j++) {
          const s = slices[j] as Slice;
          const at = s.offset - spanStart;
          scanner.scan(span, at, at + s.length, s.signal, false);
        }
        done();
      }
      return r1;
    }
    // Data signals between the annotation signals: a read per annotation signal.
    for (let r = r0; r < r1; r++) {
      const base = h.headerBytes + r * h.recordBytes;
      scanner.begin(r);
      for (let j = 0; j < slices.length; j++) {
        const s = slices[j] as Slice;
        const bytes = source.read(base + s.offset, s.length);
        if (bytes.length < s.length) return r;
        scanner.scan(bytes, 0, s.length, s.signal, j === 0);
      }
      done();
    }
    return r1;
  }

  /** Every annotation, record by record (time-keeping TALs excluded unless they carry text). */
  *annotations(): Generator<EdfAnnotation, void, undefined> {
    for (const rec of this.records()) yield* rec.annotations;
  }

  /** One DeviceEvent per annotation, for the capture service. */
  *deviceEvents(): Generator<DeviceEvent, void, undefined> {
    for (const a of this.annotations()) {
      yield {
        wallClock: wallClockAt(this.header, a.onsetRaw),
        key: `edf:r${a.record}:s${a.signal}:t${a.tal}:a${a.index}`,
        text: a.text.trim(),
        durationSec: a.durationSec,
        raw: a.onsetRaw,
        extra: { record: a.record, signal: a.signal },
      };
    }
  }

  #finish(scanner: TalScanner, state: OnsetState): EdfRecord {
    const onsetSec = this.#onsetOf(scanner, state);
    return { record: scanner.record, onsetSec, onsetRaw: scanner.timekeepingRaw, annotations: scanner.annotations ?? NO_ANNOTATIONS };
  }

  /** The onset of the record just scanned (warning about a missing or out-of-order one). */
  #onsetOf(scanner: TalScanner, state: OnsetState): number {
    const h = this.header;
    let onsetSec: number;
    const w = this.#passWarnings;
    if (scanner.hasTimekeeping) onsetSec = scanner.timekeepingSec;
    else {
      if (!w.repeat('timekeeping-missing')) w.note('timekeeping-missing', `record ${scanner.record}`, 'the record has no time-keeping TAL; its onset was taken to follow the previous record');
      onsetSec = state.prev === null ? round9(scanner.record * h.recordDurationSec) : round9(state.prev + h.recordDurationSec);
    }
    if (state.prev !== null && onsetSec < state.prev) {
      if (!w.repeat('onset-order')) w.note('onset-order', `record ${scanner.record}`, 'a record starts before the previous one');
    }
    state.prev = onsetSec;
    return onsetSec;
  }
}

type OnsetState = { prev: number | null };

export function openEdf(source: ByteSource, opts: EdfReaderOptions = {}): EdfReader {
  return new EdfReader(source, opts);
}

/**
 * Groups records into contiguous stretches: a new segment starts whenever a record does not
 * begin where the previous one ended (EDF+D gaps). Records of duration 0 (annotation-only files)
 * span no time, so they make no segments.
 */
export class SegmentBuilder {
  // Typed arrays, grown by doubling, turned into objects once at the end: a sweep-per-record file
  // has as many segments as records, and objects made along the way cost garbage collection.
  #starts = new Float64Array(64);
  #ends = new Float64Array(64);
  #counts = new Float64Array(64);
  #n = 0;
  readonly #duration: number;
  readonly #tolerance: number;
  #start = 0;
  #last = 0;
  #count = 0;

  constructor(recordDurationSec: number) {
    this.#duration = recordDurationSec;
    // Writers round onsets and the duration field to a few decimals, so allow a little slack,
    // never more than half a record.
    this.#tolerance = Math.min(recordDurationSec / 2, Math.max(1e-4, recordDurationSec * 1e-3));
  }

  /** Adds the next record; true when it starts a new segment after a gap (not for the first). */
  add(onsetSec: number): boolean {
    if (this.#duration <= 0) return false;
    if (this.#count > 0 && Math.abs(onsetSec - (this.#last + this.#duration)) <= this.#tolerance) {
      this.#last = onsetSec;
      this.#count++;
      return false;
    }
    const gap = this.#count > 0;
    this.#close();
    this.#start = onsetSec;
    this.#last = onsetSec;
    this.#count = 1;
    return gap;
  }

  finish(): readonly EdfSegment[] {
    const c = this.finishColumns();
    const out: EdfSegment[] = [];
    for (let i = 0; i < c.count; i++) out.push({ startSec: c.startSec[i] as number, endSec: c.endSec[i] as number, records: c.records[i] as number });
    return out;
  }

  /** finish() without the objects: the segments as columns, segment i at index i of each. */
  finishColumns(): EdfSegmentColumns {
    this.#close();
    const n = this.#n;
    return { count: n, startSec: this.#starts.subarray(0, n), endSec: this.#ends.subarray(0, n), records: this.#counts.subarray(0, n) };
  }

  #close(): void {
    if (this.#count > 0) {
      const i = this.#n;
      if (i === this.#starts.length) {
        this.#starts = doubled(this.#starts);
        this.#ends = doubled(this.#ends);
        this.#counts = doubled(this.#counts);
      }
      this.#starts[i] = this.#start;
      this.#ends[i] = round9(this.#last + this.#duration);
      this.#counts[i] = this.#count;
      this.#n = i + 1;
    }
    this.#count = 0;
  }
}

function doubled(a: Float64Array): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
