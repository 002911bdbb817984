/**
 * `closeout inspect FILE --json` for EDF/BDF, written as bytes. A Cadwell file has an annotation
 * and a segment per sweep, tens of thousands of each, and the command is timed against a C
 * reader (biosig's save2gdf): so nothing is kept per record, no string is made per annotation or
 * number, and the JSON goes out in large blocks, straight to fd 1 in the CLI. The output is
 * byte for byte what JSON.stringify gives for the same object (tests/service/cli-inspect-json.test.ts).
 */
import fs from 'node:fs';
import { scanAnnotations, type EdfAnnotationSink, type EdfHeader, type EdfReader } from '../../../shared/parsers/edf';

/** Takes each block of output before the writer reuses its buffer. */
export type ByteSink = (bytes: Uint8Array) => void;

/** Output is handed to the sink in blocks of about this many bytes. */
const BLOCK = 1 << 18;

const utf8 = new TextEncoder();
const enc = (s: string): Uint8Array => utf8.encode(s);

const FIRST_ANNOTATION = enc('{"onsetSec":');
const NEXT_ANNOTATION = enc(',{"onsetSec":');
const FIRST_SEGMENT = enc('{"startSec":');
const NEXT_SEGMENT = enc('},{"startSec":');
const END_SEC = enc(',"endSec":');
const RECORDS = enc(',"records":');
const NULL = enc('null');
const NO_DURATION_TEXT = enc(',"durationSec":null,"text":');
const CLOSE = enc('}');
/** Texts up to this long are written as they come; longer ones are encoded once and remembered. */
const SHORT_TEXT = 24;
/** How many long texts are remembered (a file with more distinct ones encodes the rest each time). */
const MAX_TAILS = 256;

/** A growing run of JSON bytes in one reused buffer, flushed to a sink in blocks. */
export class JsonBytes {
  #buf = new Uint8Array(BLOCK);
  #pos = 0;
  readonly #sink: ByteSink;

  constructor(sink: ByteSink) {
    this.#sink = sink;
  }

  /** Makes room for n more bytes (flushing what is there; growing only for a huge piece). */
  room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    this.flush();
    if (n > this.#buf.length) this.#buf = new Uint8Array(n);
  }

  flush(): void {
    if (this.#pos === 0) return;
    this.#sink(this.#buf.subarray(0, this.#pos));
    this.#pos = 0;
  }

  /** Bytes already encoded; the caller made room. */
  bytes(b: Uint8Array): void {
    // set(), a builtin, rather than a loop: fast from the first call, before the JIT has
    // optimized anything (the command runs once, cold).
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }

  /** Any text, UTF-8 encoded (for the few pieces that are not in a hot loop). */
  text(s: string): void {
    const b = utf8.encode(s);
    this.room(b.length);
    this.bytes(b);
  }

  /**
   * A string as JSON.stringify writes it, UTF-8 encoded; the caller made room (6 bytes per UTF-16
   * unit, the longest escape, plus 2). Printable ASCII without quote or backslash is copied as is;
   * anything else goes through JSON.stringify.
   */
  jsonString(s: string): void {
    const buf = this.#buf;
    const start = this.#pos;
    let p = start;
    buf[p++] = 0x22;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        this.#pos = start + utf8.encodeInto(JSON.stringify(s), buf.subarray(start)).written;
        return;
      }
      buf[p++] = c;
    }
    buf[p++] = 0x22;
    this.#pos = p;
  }

  /** b[t, q) between quotes, as is: the caller checked it is plain JSON ASCII and made room. */
  quotedAscii(b: Uint8Array, t: number, q: number): void {
    const buf = this.#buf;
    let p = this.#pos;
    buf[p++] = 0x22;
    for (let i = t; i < q; i++) buf[p++] = b[i] as number;
    buf[p++] = 0x22;
    this.#pos = p;
  }

  #lastNum = Number.NaN;
  readonly #lastNumBytes = new Uint8Array(32);
  #lastNumLength = 0;

  /**
   * num(x), remembering the bytes of the last number: the annotations of one TAL share its onset
   * (a device writing two texts per TAL writes every onset twice). The caller made room (32 bytes).
   */
  onset(x: number): void {
    const buf = this.#buf;
    if (x === this.#lastNum) {
      const n = this.#lastNumLength;
      const last = this.#lastNumBytes;
      let p = this.#pos;
      for (let i = 0; i < n; i++) buf[p++] = last[i] as number;
      this.#pos = p;
      return;
    }
    const start = this.#pos;
    this.num(x);
    const n = this.#pos - start;
    if (n <= 32) {
      for (let i = 0; i < n; i++) this.#lastNumBytes[i] = buf[start + i] as number;
      this.#lastNumLength = n;
      this.#lastNum = x;
    } else this.#lastNum = Number.NaN;
  }

  /** A whole number 0 ≤ v < 2^31; the caller made room (10 bytes). */
  uint(v: number): void {
    this.#pos = writeDigits(this.#buf, this.#pos, v | 0);
  }

  /**
   * A number exactly as JSON.stringify writes it (String(x); null when not finite); the caller
   * made room (32 bytes). Onsets and segment bounds are n / 1e9 for a whole n (the reader rounds
   * to the nanosecond, TAL text has few decimals): when x is exactly the double nearest n / 10^9
   * and n has at most 15 digits, String(x) is that decimal, its trailing zeros dropped, since no
   * two decimals of 15 or fewer significant digits round to the same double. Anything else takes
   * String(x).
   */
  num(x: number): void {
    const n = Math.round(x * 1e9);
    if (n / 1e9 === x && n < 1e15 && n > -1e15 && (x === 0 || x >= 1e-6 || x <= -1e-6)) {
      const m = n < 0 ? -n : n;
      const whole = Math.floor(m / 1e9);
      const rest = m - whole * 1e9;
      // Always so for m < 1e15 (m / 1e9 cannot round up to the next whole number); checked anyway.
      if (rest >= 0 && rest < 1e9) {
        const buf = this.#buf;
        let p = this.#pos;
        if (n < 0) buf[p++] = 0x2d;
        p = writeDigits(buf, p, whole | 0);
        let frac = rest | 0;
        if (frac !== 0) {
          // Drop the trailing zeros of the 9 decimals (at most 8 of them). A loop rather than
          // steps by 10^4, 10^2, 10: branches that go both ways from the first numbers on keep
          // optimized code from giving up when the kind of number changes.
          let len = 9;
          while (frac % 10 === 0) {
            frac = (frac / 10) | 0;
            len--;
          }
          buf[p] = 0x2e;
          p += 1 + len;
          this.#pos = p;
          for (let i = 0; i < len; i++) {
            const q = (frac / 10) | 0;
            buf[--p] = 0x30 + frac - q * 10;
            frac = q;
          }
        } else this.#pos = p;
        return;
      }
    }
    this.bytes(Number.isFinite(x) ? enc(String(x)) : NULL);
  }
}

/** The decimal digits of 0 ≤ v < 2^31 at buf[p…]; returns the position after them. */
function writeDigits(buf: Uint8Array, p: number, v: number): number {
  if (v < 10) {
    buf[p] = 0x30 + v;
    return p + 1;
  }
  // Counted in a loop rather than by a comparison per possible length, whose untaken branches
  // would deoptimize the compiled code each time the numbers grow a digit.
  let len = 1;
  for (let t = v; t >= 10; t = (t / 10) | 0) len++;
  const end = p + len;
  let at = end;
  let t = v;
  do {
    const q = (t / 10) | 0;
    buf[--at] = 0x30 + t - q * 10;
    t = q;
  } while (t > 0);
  return end;
}

/**
 * The inspect JSON of an EDF/BDF reader: {format, variant, start, recordCount, recordDurationSec,
 * signals (data signals only), annotations [{onsetSec, durationSec, text}] (onsets from the header
 * start), segments [{startSec, endSec, records}], warnings}, compact, then a newline.
 */
export function writeEdfJson(reader: EdfReader, sink: ByteSink): void {
  const out = new JsonBytes(sink);
  out.text(`${JSON.stringify(jsonHead(reader.header)).slice(0, -1)},"annotations":[`);
  let first = true;
  // The reader hands a repeated text over as the same string: encode it, with what follows the
  // onset, once for all the annotations that share it. Remembered by text, not only the last one:
  // devices alternate a few texts (a stimulus line, then a trial label, record after record).
  const tails = new Map<string, Uint8Array>();
  let lastText: string | null = null;
  let lastDuration: number | null = null;
  let tail = NULL;
  const annotations: EdfAnnotationSink = {
    // A short text of printable ASCII (a trial label, new each record) goes out as its bytes.
    annotationBytes(onsetSec, durationSec, b, t, q) {
      if (durationSec !== null || q - t > SHORT_TEXT || !plainJsonAscii(b, t, q)) return false;
      out.room(64 + (q - t));
      out.bytes(first ? FIRST_ANNOTATION : NEXT_ANNOTATION);
      out.onset(onsetSec);
      out.bytes(NO_DURATION_TEXT);
      out.quotedAscii(b, t, q);
      out.bytes(CLOSE);
      first = false;
      return true;
    },
    annotation(onsetSec, durationSec, text) {
      if (text !== lastText || durationSec !== lastDuration) {
        const known = durationSec === null ? tails.get(text) : undefined;
        if (known !== undefined) tail = known;
        else if (durationSec === null && text.length <= SHORT_TEXT) {
          // A short text (a trial label, often new each time) is written as it comes.
          out.room(64 + 6 * text.length);
          out.bytes(first ? FIRST_ANNOTATION : NEXT_ANNOTATION);
          out.onset(onsetSec);
          out.bytes(NO_DURATION_TEXT);
          out.jsonString(text);
          out.bytes(CLOSE);
          first = false;
          return;
        } else {
          tail = utf8.encode(`,"durationSec":${durationSec === null ? 'null' : num(durationSec)},"text":${JSON.stringify(text)}}`);
          if (durationSec === null && tails.size < MAX_TAILS) tails.set(text, tail);
        }
        lastText = text;
        lastDuration = durationSec;
      }
      out.room(64 + tail.length);
      out.bytes(first ? FIRST_ANNOTATION : NEXT_ANNOTATION);
      out.onset(onsetSec);
      out.bytes(tail);
      first = false;
    },
  };
  const { segments, warnings } = scanAnnotations(reader, annotations);
  out.text('],"segments":[');
  const g = segments.finishColumns();
  for (let i = 0; i < g.count; i++) {
    out.room(128);
    // Each segment's "}" goes out with the next one's opening (and after the last, below).
    out.bytes(i === 0 ? FIRST_SEGMENT : NEXT_SEGMENT);
    out.num(g.startSec[i] as number);
    out.bytes(END_SEC);
    out.num(g.endSec[i] as number);
    out.bytes(RECORDS);
    const records = g.records[i] as number;
    if (records < 0x7fffffff) out.uint(records);
    else out.bytes(enc(String(records)));
  }
  // Each segment's "}" went out with the next one's opening: the last one's goes here.
  out.text(`${g.count === 0 ? '' : '}'}],"warnings":${JSON.stringify(warnings)}}\n`);
  out.flush();
}

function jsonHead(h: EdfHeader) {
  return {
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
  };
}

/** Printable ASCII without quote or backslash: JSON.stringify writes such bytes as they are. */
function plainJsonAscii(b: Uint8Array, t: number, q: number): boolean {
  for (let i = t; i < q; i++) {
    const c = b[i] as number;
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/** A number as JSON.stringify writes it (non-finite becomes null). */
function num(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}

// ---- sinks

/** The reader of our output went away (`| head`): stop quietly, as a filter should. */
export class OutputClosed extends Error {}

/**
 * Writes to a file descriptor with no stream in between. A descriptor left non-blocking by
 * whoever started us (EAGAIN) is waited on; a closed pipe (EPIPE) throws OutputClosed.
 */
export function fdSink(fd: number): ByteSink {
  let pause: Int32Array | null = null;
  return (bytes) => {
    let at = 0;
    while (at < bytes.length) {
      try {
        at += fs.writeSync(fd, bytes, at, bytes.length - at);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') throw new OutputClosed('the output was closed');
        if (code !== 'EAGAIN') throw e;
        pause ??= new Int32Array(new SharedArrayBuffer(4));
        Atomics.wait(pause, 0, 0, 1);
      }
    }
  };
}

/** Decodes the bytes for a text writer (a CliIo's stdout); a character split between blocks is kept whole. */
export function textSink(write: (text: string) => void): ByteSink & { end(): void } {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const sink = (bytes: Uint8Array) => {
    const t = decoder.decode(bytes, { stream: true });
    if (t) write(t);
  };
  return Object.assign(sink, {
    end() {
      const t = decoder.decode();
      if (t) write(t);
    },
  });
}
