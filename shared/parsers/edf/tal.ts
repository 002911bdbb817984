/** Time-stamped Annotation Lists: the scanner that reads a record's annotation bytes in place. */
import { ascii, decodeText, lastDecodeFellBack } from './header';
import type { EdfWarningCode, EdfWarnings } from './warnings';

// ---------------------------------------------------------------------------------------------
// TAL scanning (Time-stamped Annotation Lists)

export type EdfAnnotation = Readonly<{
  /** Seconds from the header start (negative allowed). */
  onsetSec: number;
  /** The TAL onset as written, e.g. "+12.5". */
  onsetRaw: string;
  /** null when the TAL has no duration; 0 when it says 0. */
  durationSec: number | null;
  text: string;
  record: number;
  signal: number;
  /** Index of the TAL within the signal's bytes of this record, and of the text within the TAL. */
  tal: number;
  index: number;
}>;

const NUL = 0x00;
const SEP = 0x14;
const DUR = 0x15;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
/** |onset| above ~300 years is corruption, and would push wall clocks out of the calendar. */
const MAX_ONSET_SEC = 1e10;
export const NO_ANNOTATIONS: readonly EdfAnnotation[] = Object.freeze([]);

/** End of "[+-]digits[.digits]" at p (sign required when `signed`), or -1. */
function numberEnd(b: Uint8Array, p: number, end: number, signed: boolean): number {
  let q = p;
  if (signed) {
    const c = b[q];
    if (q >= end || (c !== PLUS && c !== MINUS)) return -1;
    q++;
  }
  // Digits tested in a loop, not by a call per byte: calls cost before the JIT has warmed up.
  const digits = q;
  q = digitsEnd(b, q, end);
  if (q === digits) return -1;
  if (q < end && b[q] === DOT) q = digitsEnd(b, q + 1, end);
  return q;
}

function digitsEnd(b: Uint8Array, p: number, end: number): number {
  let q = p;
  while (q < end) {
    const c = b[q] as number;
    if (c < 0x30 || c > 0x39) break;
    q++;
  }
  return q;
}

/** True when p starts a whole TAL head ("+5\x14" or "+5\x15"): used to spot a missing 0x00. */
function looksLikeTalStart(b: Uint8Array, p: number, end: number): boolean {
  const q = numberEnd(b, p, end, true);
  return q > 0 && q < end && (b[q] === SEP || b[q] === DUR);
}

function skipToNul(b: Uint8Array, p: number, end: number): number {
  const i = b.indexOf(NUL, p);
  return i < 0 || i > end ? end : i;
}

/** Exact powers of ten (up to 1e22 every one is a double without rounding). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * Number() of "[+-]digits[.digits]" (checked by numberEnd) straight from the bytes, exactly:
 * with at most 15 digits the digits form an integer that is a double without rounding, 10^k is
 * exact too, and one division rounds correctly, as Number() does. Longer texts go to Number().
 */
function decimalValue(b: Uint8Array, p: number, q: number): number {
  let i = p;
  const c0 = b[i];
  const negative = c0 === MINUS;
  if (negative || c0 === PLUS) i++;
  let m = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < q; i++) {
    const c = b[i] as number;
    if (c === DOT) fraction = 0;
    else {
      m = m * 10 + (c - 0x30);
      digits++;
      if (fraction >= 0) fraction++;
    }
  }
  if (digits > 15) return Number(ascii(b, p, q));
  const v = fraction > 0 ? m / (POW10[fraction] as number) : m;
  return negative ? -v : v;
}

/**
 * Receives a pass's annotations as primitives, for writers that stream (inspect --json): no
 * object per record or annotation, where a sweep-per-record file has tens of thousands of each.
 * Repeated texts arrive as the same string, so a writer can encode a text once.
 */
export interface EdfAnnotationSink {
  /** One annotation, in file order; durationSec is null when its TAL gives none. */
  annotation(onsetSec: number, durationSec: number | null, text: string): void;
  /**
   * Optional, tried first for a text that is not its place's last one: the text as its bytes
   * b[t, q). A sink that can use them as they are (printable ASCII reads the same as bytes and as
   * a string) takes them and answers true, and no string is made; false: it comes to
   * `annotation` as a string. A trial label new in every record is the case this is for.
   */
  annotationBytes?(onsetSec: number, durationSec: number | null, b: Uint8Array, t: number, q: number): boolean;
}

/**
 * Scans the annotation-signal bytes of one record. Mutable and reused across records: the hot
 * loop of a gigabyte file runs here, so it works on offsets into the read buffer (no views) and
 * allocates only for the annotations it finds and for warnings not seen before. With a sink it
 * hands annotations over instead of making objects, and makes no onset strings either.
 */
/** Places in a TAL whose last text is remembered (a fourth text and later share the last slot). */
const TEXT_SLOTS = 4;
type TextSlot = { bytes: Uint8Array; length: number; text: string; fellBack: boolean };

/** A text that is not its slot's last one again (scan compares as it looks for the text's end). */
function decodeInto(slot: TextSlot, b: Uint8Array, t: number, q: number): string {
  const n = q - t;
  const text = decodeText(b, t, q);
  slot.fellBack = lastDecodeFellBack;
  if (n <= slot.bytes.length) {
    slot.bytes.set(b.subarray(t, q));
    slot.length = n;
    slot.text = text;
  } else slot.length = -1;
  return text;
}

export class TalScanner {
  record = 0;
  /** Whether this record has its time-keeping TAL; timekeepingRaw is its text ('' with a sink). */
  hasTimekeeping = false;
  timekeepingRaw: string | null = null;
  timekeepingSec = 0;
  annotations: EdfAnnotation[] | null = null;

  /**
   * The last text decoded at each place in a TAL (first text, second, …), by its bytes:
   * consecutive records often repeat one text (a mode's stimulus settings, a sleep stage), and
   * sharing the string saves both decoding and memory. By place, because a device that writes
   * two texts per TAL (settings, then a trial number) would otherwise never repeat the last one.
   */
  readonly #last: TextSlot[] = Array.from({ length: TEXT_SLOTS }, () => ({ bytes: new Uint8Array(256), length: -1, text: '', fellBack: false }));
  #lastOnsetBytes = new Uint8Array(32);
  #lastOnsetLength = -1;
  #lastOnsetRaw = '';
  #lastOnsetSec = 0;

  constructor(
    private readonly warnings: EdfWarnings,
    private readonly sink: EdfAnnotationSink | null = null,
  ) {}

  begin(record: number): void {
    this.record = record;
    this.hasTimekeeping = false;
    this.timekeepingRaw = null;
    this.annotations = null;
  }

  /** Scans b[start, end): the bytes of annotation signal `signal` in the current record. */
  scan(b: Uint8Array, start: number, end: number, signal: number, firstSignal: boolean): void {
    let p = start;
    let tal = 0;
    while (p < end) {
      if (b[p] === NUL) {
        p++;
        continue;
      }
      const onsetEnd = numberEnd(b, p, end, true);
      if (onsetEnd < 0) {
        this.warn('garbage-tal', signal, p - start, 'skipped a TAL that does not start with a +/- onset');
        p = skipToNul(b, p, end);
        tal++;
        continue;
      }
      let q = onsetEnd;
      let durStart = -1;
      let durEnd = -1;
      if (q < end && b[q] === DUR) {
        durStart = q + 1;
        durEnd = numberEnd(b, durStart, end, false);
        // An empty duration field ("+5\x15\x14…") says nothing: read it as no duration.
        if (durEnd < 0 && durStart < end && b[durStart] === SEP) durEnd = durStart;
        if (durEnd < 0) {
          this.warn('garbage-tal', signal, p - start, 'skipped a TAL that has a duration that is not a number');
          p = skipToNul(b, q, end);
          tal++;
          continue;
        }
        q = durEnd;
      }
      if (q >= end) {
        this.warn('unterminated-tal', signal, p - start, 'a TAL runs off the end of the annotation signal and was ignored');
        return;
      }
      if (b[q] !== SEP) {
        this.warn('garbage-tal', signal, p - start, 'skipped a TAL that has an onset not followed by 0x14');
        p = skipToNul(b, q, end);
        tal++;
        continue;
      }
      const onsetRaw = this.#onset(b, p, onsetEnd);
      const onsetSec = this.#lastOnsetSec;
      if (Math.abs(onsetSec) > MAX_ONSET_SEC) {
        this.warn('garbage-tal', signal, p - start, 'skipped a TAL that has an onset beyond any recording length');
        p = skipToNul(b, q, end);
        tal++;
        continue;
      }
      const durationSec = durStart < 0 || durEnd === durStart ? null : Number(ascii(b, durStart, durEnd));
      const timekeeping = firstSignal && tal === 0;
      if (timekeeping) {
        this.hasTimekeeping = true;
        this.timekeepingRaw = onsetRaw;
        this.timekeepingSec = onsetSec;
      }
      q++; // past the 0x14 that closes the onset
      let index = 0;
      while (q < end) {
        const c = b[q];
        if (c === NUL) {
          q++;
          break;
        }
        // A writer that forgets the 0x00 runs the next TAL straight after a closed text.
        if (index > 0 && (c === PLUS || c === MINUS) && looksLikeTalStart(b, q, end)) {
          this.warn('missing-separator', signal, q - start, 'a TAL is not closed by 0x00 before the next one; read them as two');
          break;
        }
        const t = q;
        // The end of the text, and on the way whether it repeats the last text decoded here.
        const slot = this.#last[index < TEXT_SLOTS ? index : TEXT_SLOTS - 1] as TextSlot;
        const last = slot.bytes;
        let same = true;
        while (q < end) {
          const c = b[q];
          if (c === SEP || c === NUL) break;
          if (same && c !== last[q - t]) same = false;
          q++;
        }
        if (q >= end) {
          this.warn('unterminated-tal', signal, p - start, 'an annotation text runs off the end of the annotation signal and was ignored');
          return;
        }
        if (q > t) this.emit(b, t, q, slot, same && q - t === slot.length, onsetRaw, onsetSec, durationSec, signal, tal, index, timekeeping);
        index++;
        if (b[q] === NUL) {
          // Text closed by 0x00 without its 0x14: keep the text, the TAL ends here.
          q++;
          break;
        }
        q++;
      }
      p = q;
      tal++;
    }
  }

  private emit(
    b: Uint8Array,
    t: number,
    q: number,
    slot: TextSlot,
    repeated: boolean,
    onsetRaw: string,
    onsetSec: number,
    durationSec: number | null,
    signal: number,
    tal: number,
    index: number,
    timekeeping: boolean,
  ): void {
    if (!repeated && this.sink?.annotationBytes?.(onsetSec, durationSec, b, t, q) === true) {
      // Taken as bytes (so not decoded: the slot keeps its last decoded text, still a true pair).
      if (timekeeping) this.warn('timekeeping-text', signal, -1, 'the time-keeping TAL carries annotation text; kept as an annotation');
      return;
    }
    const text = repeated ? slot.text : decodeInto(slot, b, t, q);
    if (slot.fellBack) this.warn('not-utf8', signal, -1, 'annotation text is not UTF-8; read as Windows-1252');
    // EDF+ keeps the time-keeping TAL empty; some devices (Cadwell) write their text there.
    if (timekeeping) this.warn('timekeeping-text', signal, -1, 'the time-keeping TAL carries annotation text; kept as an annotation');
    if (this.sink !== null) {
      this.sink.annotation(onsetSec, durationSec, text);
      return;
    }
    const a: EdfAnnotation = { onsetSec, onsetRaw, durationSec, text, record: this.record, signal, tal, index };
    if (this.annotations) this.annotations.push(a);
    else this.annotations = [a];
  }

  /** Onset text and value; an annotation usually repeats its record's time-keeping onset. */
  #onset(b: Uint8Array, p: number, q: number): string {
    if (this.sink !== null) {
      // Nobody sees the text: parse the bytes, as cheap as comparing them, and make no string.
      this.#lastOnsetSec = decimalValue(b, p, q) || 0; // `|| 0` folds -0 into 0
      return '';
    }
    const n = q - p;
    const last = this.#lastOnsetBytes;
    if (n === this.#lastOnsetLength) {
      let i = 0;
      while (i < n && b[p + i] === last[i]) i++;
      if (i === n) return this.#lastOnsetRaw;
    }
    const raw = ascii(b, p, q);
    this.#lastOnsetSec = Number(raw) || 0; // `|| 0` folds -0 into 0
    this.#lastOnsetRaw = raw;
    if (n <= last.length) {
      // A loop, not set(subarray): a view per record would be garbage.
      for (let i = 0; i < n; i++) last[i] = b[p + i] as number;
      this.#lastOnsetLength = n;
    } else this.#lastOnsetLength = -1;
    return raw;
  }

  /** Builds the "where" text only for a warning kind not seen yet (a repeat is only counted). */
  private warn(code: EdfWarningCode, signal: number, byte: number, message: string): void {
    if (this.warnings.repeat(code)) return;
    this.warnings.note(code, `record ${this.record}, signal ${signal}${byte >= 0 ? `, byte ${byte}` : ''}`, message);
  }
}
