/**
 * A push-mode JSON tokenizer over raw bytes, for documents too large to hold in memory (a Cadwell
 * case export carries every waveform sample). Chunks may split the input anywhere: inside a
 * string, a number, an escape, a surrogate pair or a UTF-8 sequence.
 *
 * The sink decides, member by member, what it wants: returning true from `key` skips that value
 * with a byte scan that tracks only nesting and string state. Nothing is allocated for a skipped
 * value, which is what makes multi-hundred-MB `TraceData` arrays cheap.
 *
 * Bad input never throws: the first syntax error is reported through `onError` with its byte
 * offset and the rest of the input is ignored (JSON has no reliable resynchronisation point).
 */

export interface JsonSink {
  /** A member name inside an object. Return true to skip the member's value unread. */
  key(name: string): boolean;
  startObject(): void;
  endObject(): void;
  startArray(): void;
  endArray(): void;
  string(value: string): void;
  /** The number exactly as written, so integer digits stay exact (no double rounding). */
  number(raw: string): void;
  literal(value: boolean | null): void;
  /**
   * Optional fast path: asked as an object or array value begins. Return true to receive the value
   * whole, as its bytes (`raw`), instead of token by token: a byte scan finds its end and the sink
   * parses it natively. Values over `maxRawBytes`, deeper than the limit, or refused by `raw` are
   * replayed through the token path, so limits, cut strings and error messages stay the same.
   */
  rawValue?(): boolean;
  /** The bytes of a value asked for by `rawValue`. Return false to have it read token by token instead. */
  raw?(bytes: Uint8Array): boolean;
}

export type JsonTokenizerOptions = Readonly<{
  /** Bytes kept per string; the rest is dropped with a warning. Messages are short; corrupt input is not. */
  maxStringBytes?: number;
  /** Nesting limit for containers the sink reads (skipped ones are only counted). */
  maxDepth?: number;
  /** Largest value handed to the sink whole (`rawValue`); a larger one goes token by token. Default 64 KB. */
  maxRawBytes?: number;
  onError(message: string, byteOffset: number): void;
  onWarning(message: string, byteOffset: number): void;
}>;

// States. Plain numeric constants: the hot loop compares small integers.
const S_START = 0; // before the document: maybe a BOM
const S_VALUE = 1; // a value is expected
const S_VALUE_OR_CLOSE = 2; // just after '['
const S_KEY_OR_CLOSE = 3; // just after '{'
const S_KEY = 4; // after ',' in an object
const S_COLON = 5;
const S_AFTER_VALUE = 6; // ',' or a closing bracket
const S_STRING = 7;
const S_ESCAPE = 8;
const S_UNICODE = 9;
const S_NUMBER = 10;
const S_LITERAL = 11;
const S_SKIP_CONTAINER = 12;
const S_SKIP_STRING = 13;
const S_DONE = 14;
const S_FAILED = 15;
const S_RAW_CONTAINER = 16;

const IN_OBJECT = 1;
const IN_ARRAY = 2;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const LITERALS: ReadonlyArray<Readonly<{ bytes: Uint8Array; value: boolean | null }>> = [
  { bytes: new TextEncoder().encode('true'), value: true },
  { bytes: new TextEncoder().encode('false'), value: false },
  { bytes: new TextEncoder().encode('null'), value: null },
];

const NUMBER_SHAPE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const MAX_NUMBER_CHARS = 512;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x45 || c === 0x65;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

const SIMPLE_ESCAPES: Readonly<Record<number, number>> = {
  0x22: 0x22, // \"
  0x5c: 0x5c, // \\
  0x2f: 0x2f, // \/
  0x62: 0x08, // \b
  0x66: 0x0c, // \f
  0x6e: 0x0a, // \n
  0x72: 0x0d, // \r
  0x74: 0x09, // \t
};

export class JsonTokenizer {
  private state = S_START;
  /** Bytes of input consumed before the current chunk: offsets in messages are file offsets. */
  private base = 0;
  private bomMatched = 0;

  private readonly stack: Uint8Array;
  private depth = 0;

  /** The next value belongs to a member the sink chose to skip. */
  private skipNext = false;
  private skipDepth = 0;
  private skipInString = false;
  private skipEscape = false;

  private strBuf = new Uint8Array(256);
  private strLen = 0;
  private strIsKey = false;
  private strTruncated = false;
  private strStart = 0;
  private pendingHigh = -1;
  private hexCount = 0;
  private hexAcc = 0;

  private numText = '';
  private numSuppressed = false;

  private literal: Readonly<{ bytes: Uint8Array; value: boolean | null }> | null = null;
  private literalIndex = 0;
  private literalSuppressed = false;

  private readonly utf8 = new TextDecoder('utf-8');
  private readonly maxStringBytes: number;

  private readonly maxRawBytes: number;
  private rawBuf = new Uint8Array(1024);
  private rawLen = 0;
  /** File offset of the raw value's first byte. */
  private rawStart = 0;
  private rawDepth = 0;
  private rawInString = false;
  private rawEscape = false;
  /** Replaying a raw value token by token: it is not taken raw again. */
  private replaying = false;

  constructor(
    private readonly sink: JsonSink,
    private readonly options: JsonTokenizerOptions,
  ) {
    this.maxStringBytes = options.maxStringBytes ?? 1024 * 1024;
    this.maxRawBytes = options.maxRawBytes ?? 64 * 1024;
    this.stack = new Uint8Array(options.maxDepth ?? 256);
  }

  /** True once a syntax error stopped the tokenizer. */
  get failed(): boolean {
    return this.state === S_FAILED;
  }

  /** Total bytes pushed so far. */
  get bytesSeen(): number {
    return this.base;
  }

  write(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    while (i < n && this.state !== S_FAILED) {
      switch (this.state) {
        case S_SKIP_CONTAINER:
          i = this.skipContainer(chunk, i);
          break;
        case S_RAW_CONTAINER:
          i = this.rawContainer(chunk, i);
          break;
        case S_STRING:
          i = this.stringBytes(chunk, i);
          break;
        case S_SKIP_STRING:
          i = this.skipString(chunk, i);
          break;
        default:
          i = this.step(chunk, i);
      }
    }
    this.base += n;
  }

  end(): void {
    // A value cut off mid-way: read what there is token by token, so the message is the usual one.
    if (this.state === S_RAW_CONTAINER) this.replayRaw();
    const at = this.base;
    switch (this.state) {
      case S_FAILED:
      case S_DONE:
        return;
      case S_NUMBER:
        if (this.depth === 0) {
          this.finishNumber(at);
          return;
        }
        break;
      case S_START:
        this.fail('The file is empty.', at);
        return;
      case S_VALUE:
        if (this.depth === 0 && !this.skipNext) {
          this.fail('The file holds no JSON value.', at);
          return;
        }
        break;
      default:
        break;
    }
    this.fail(`The file ends inside the JSON document (depth ${this.depth}): it may be truncated or still being written.`, at);
  }

  private fail(message: string, offset: number): void {
    this.state = S_FAILED;
    this.options.onError(message, offset);
  }

  /** One structural byte (or a number/literal byte); returns the next index. */
  private step(b: Uint8Array, i: number): number {
    const c = b[i] as number;
    switch (this.state) {
      case S_START:
        return this.bom(c, i);
      case S_VALUE:
      case S_VALUE_OR_CLOSE:
        if (isWhitespace(c)) return i + 1;
        if (c === 0x5d && this.state === S_VALUE_OR_CLOSE) return this.close(IN_ARRAY, i);
        return this.beginValue(c, i);
      case S_KEY_OR_CLOSE:
      case S_KEY:
        if (isWhitespace(c)) return i + 1;
        if (c === 0x7d && this.state === S_KEY_OR_CLOSE) return this.close(IN_OBJECT, i);
        if (c === QUOTE) return this.beginString(true, i);
        this.fail(`Expected a member name, found ${describe(c)}.`, this.base + i);
        return i;
      case S_COLON:
        if (isWhitespace(c)) return i + 1;
        if (c === 0x3a) {
          this.state = S_VALUE;
          return i + 1;
        }
        this.fail(`Expected ':' after a member name, found ${describe(c)}.`, this.base + i);
        return i;
      case S_AFTER_VALUE:
        if (isWhitespace(c)) return i + 1;
        if (c === 0x2c) {
          this.state = this.stack[this.depth - 1] === IN_OBJECT ? S_KEY : S_VALUE;
          return i + 1;
        }
        if (c === 0x7d) return this.close(IN_OBJECT, i);
        if (c === 0x5d) return this.close(IN_ARRAY, i);
        this.fail(`Expected ',' or a closing bracket, found ${describe(c)}.`, this.base + i);
        return i;
      case S_ESCAPE:
        return this.escape(c, i);
      case S_UNICODE:
        return this.unicodeDigit(c, i);
      case S_NUMBER:
        if (isNumberChar(c)) {
          if (this.numText.length >= MAX_NUMBER_CHARS) {
            this.fail('A number is too long.', this.base + i);
            return i;
          }
          this.numText += String.fromCharCode(c);
          return i + 1;
        }
        // The byte that ended the number is structural: handle it in the next state.
        this.finishNumber(this.base + i);
        return i;
      case S_LITERAL:
        return this.literalByte(c, i);
      case S_DONE:
        if (isWhitespace(c)) return i + 1;
        this.options.onWarning('Data after the end of the JSON document was ignored.', this.base + i);
        this.state = S_FAILED;
        return i;
      default:
        this.fail(`Internal state ${this.state}.`, this.base + i);
        return i;
    }
  }

  private bom(c: number, i: number): number {
    const BOM = [0xef, 0xbb, 0xbf];
    if (c === BOM[this.bomMatched]) {
      this.bomMatched += 1;
      if (this.bomMatched === 3) this.state = S_VALUE;
      return i + 1;
    }
    if (this.bomMatched > 0) {
      this.fail('The file starts with a broken byte-order mark.', this.base + i);
      return i;
    }
    this.state = S_VALUE;
    return i;
  }

  private beginValue(c: number, i: number): number {
    const skip = this.skipNext;
    this.skipNext = false;
    if (c === 0x7b || c === 0x5b) {
      if (skip) {
        this.skipDepth = 1;
        this.skipInString = false;
        this.skipEscape = false;
        this.state = S_SKIP_CONTAINER;
        return i + 1;
      }
      if (this.depth >= this.stack.length) {
        this.fail(`Nesting deeper than ${this.stack.length} levels.`, this.base + i);
        return i;
      }
      if (!this.replaying && this.sink.rawValue?.()) {
        this.rawStart = this.base + i;
        this.rawLen = 0;
        this.rawDepth = 0;
        this.rawInString = false;
        this.rawEscape = false;
        this.state = S_RAW_CONTAINER;
        return i;
      }
      this.replaying = false;
      const isObject = c === 0x7b;
      this.stack[this.depth++] = isObject ? IN_OBJECT : IN_ARRAY;
      this.state = isObject ? S_KEY_OR_CLOSE : S_VALUE_OR_CLOSE;
      if (isObject) this.sink.startObject();
      else this.sink.startArray();
      return i + 1;
    }
    if (c === QUOTE) {
      if (skip) {
        this.skipEscape = false;
        this.state = S_SKIP_STRING;
        return i + 1;
      }
      return this.beginString(false, i);
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      this.numText = String.fromCharCode(c);
      this.numSuppressed = skip;
      this.state = S_NUMBER;
      return i + 1;
    }
    const literal = LITERALS.find((l) => l.bytes[0] === c);
    if (literal) {
      this.literal = literal;
      this.literalIndex = 1;
      this.literalSuppressed = skip;
      this.state = S_LITERAL;
      return i + 1;
    }
    this.fail(`Expected a value, found ${describe(c)}.`, this.base + i);
    return i;
  }

  private close(kind: number, i: number): number {
    if (this.depth === 0 || this.stack[this.depth - 1] !== kind) {
      this.fail(`Unexpected ${kind === IN_OBJECT ? "'}'" : "']'"}.`, this.base + i);
      return i;
    }
    this.depth -= 1;
    if (kind === IN_OBJECT) this.sink.endObject();
    else this.sink.endArray();
    this.afterValue();
    return i + 1;
  }

  private afterValue(): void {
    this.state = this.depth === 0 ? S_DONE : S_AFTER_VALUE;
  }

  private finishNumber(offset: number): void {
    const text = this.numText;
    this.numText = '';
    if (!NUMBER_SHAPE.test(text)) {
      this.fail('Malformed number.', offset - text.length);
      return;
    }
    if (!this.numSuppressed) this.sink.number(text);
    this.afterValue();
  }

  private literalByte(c: number, i: number): number {
    const literal = this.literal;
    if (!literal || literal.bytes[this.literalIndex] !== c) {
      this.fail(`Malformed literal (true, false or null expected), found ${describe(c)}.`, this.base + i);
      return i;
    }
    this.literalIndex += 1;
    if (this.literalIndex === literal.bytes.length) {
      this.literal = null;
      if (!this.literalSuppressed) this.sink.literal(literal.value);
      this.afterValue();
    }
    return i + 1;
  }

  // ---- strings ----

  private beginString(isKey: boolean, i: number): number {
    this.strIsKey = isKey;
    this.strLen = 0;
    this.strTruncated = false;
    this.strStart = this.base + i;
    this.pendingHigh = -1;
    this.state = S_STRING;
    return i + 1;
  }

  /** The hot path of a kept string: copy runs of plain bytes in one go. */
  private stringBytes(b: Uint8Array, i: number): number {
    const n = b.length;
    let j = i;
    while (j < n) {
      const c = b[j] as number;
      if (c === QUOTE || c === BACKSLASH) break;
      j++;
    }
    if (j > i) {
      this.flushHigh();
      this.appendBytes(b, i, j);
    }
    if (j === n) return j;
    if (b[j] === BACKSLASH) {
      this.state = S_ESCAPE;
      return j + 1;
    }
    this.finishString();
    return j + 1;
  }

  private escape(c: number, i: number): number {
    if (c === 0x75) {
      this.hexCount = 0;
      this.hexAcc = 0;
      this.state = S_UNICODE;
      return i + 1;
    }
    const simple = SIMPLE_ESCAPES[c];
    if (simple === undefined) {
      this.fail(`Invalid escape \\${describe(c)} in a string.`, this.base + i);
      return i;
    }
    this.flushHigh();
    this.appendByte(simple);
    this.state = S_STRING;
    return i + 1;
  }

  private unicodeDigit(c: number, i: number): number {
    const v = hexValue(c);
    if (v < 0) {
      this.fail(`Invalid \\u escape: ${describe(c)} is not a hex digit.`, this.base + i);
      return i;
    }
    this.hexAcc = (this.hexAcc << 4) | v;
    this.hexCount += 1;
    if (this.hexCount < 4) return i + 1;
    this.codeUnit(this.hexAcc);
    this.state = S_STRING;
    return i + 1;
  }

  /** Joins \uD83D\uDE00 pairs; an unpaired surrogate becomes U+FFFD, as a decoder would do. */
  private codeUnit(unit: number): void {
    if (this.pendingHigh >= 0) {
      if (unit >= 0xdc00 && unit <= 0xdfff) {
        this.appendCodePoint(0x10000 + ((this.pendingHigh - 0xd800) << 10) + (unit - 0xdc00));
        this.pendingHigh = -1;
        return;
      }
      this.flushHigh();
    }
    if (unit >= 0xd800 && unit <= 0xdbff) this.pendingHigh = unit;
    else if (unit >= 0xdc00 && unit <= 0xdfff) this.appendCodePoint(0xfffd);
    else this.appendCodePoint(unit);
  }

  private flushHigh(): void {
    if (this.pendingHigh < 0) return;
    this.pendingHigh = -1;
    this.appendCodePoint(0xfffd);
  }

  private appendCodePoint(cp: number): void {
    if (cp < 0x80) this.appendByte(cp);
    else if (cp < 0x800) {
      this.appendByte(0xc0 | (cp >> 6));
      this.appendByte(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      this.appendByte(0xe0 | (cp >> 12));
      this.appendByte(0x80 | ((cp >> 6) & 0x3f));
      this.appendByte(0x80 | (cp & 0x3f));
    } else {
      this.appendByte(0xf0 | (cp >> 18));
      this.appendByte(0x80 | ((cp >> 12) & 0x3f));
      this.appendByte(0x80 | ((cp >> 6) & 0x3f));
      this.appendByte(0x80 | (cp & 0x3f));
    }
  }

  private appendByte(byte: number): void {
    if (!this.reserve(1)) return;
    this.strBuf[this.strLen++] = byte;
  }

  private appendBytes(b: Uint8Array, from: number, to: number): void {
    const wanted = to - from;
    const room = this.maxStringBytes - this.strLen;
    const take = Math.min(wanted, room);
    if (take < wanted) this.strTruncated = true;
    if (take <= 0 || !this.reserve(take)) return;
    this.strBuf.set(b.subarray(from, from + take), this.strLen);
    this.strLen += take;
  }

  /** Grows the buffer (doubling) within the cap; false when the cap is reached. */
  private reserve(extra: number): boolean {
    const needed = this.strLen + extra;
    if (needed > this.maxStringBytes) {
      this.strTruncated = true;
      return false;
    }
    if (needed > this.strBuf.length) {
      const grown = new Uint8Array(Math.min(this.maxStringBytes, Math.max(needed, this.strBuf.length * 2)));
      grown.set(this.strBuf.subarray(0, this.strLen));
      this.strBuf = grown;
    }
    return true;
  }

  private finishString(): void {
    this.flushHigh();
    const text = this.utf8.decode(this.strBuf.subarray(0, this.strLen));
    if (this.strTruncated) this.options.onWarning(`A string longer than ${this.maxStringBytes} bytes was cut short.`, this.strStart);
    // A long string must not pin a large buffer for the rest of the file.
    if (this.strBuf.length > 64 * 1024) this.strBuf = new Uint8Array(256);
    if (this.strIsKey) {
      this.skipNext = this.sink.key(text);
      this.state = S_COLON;
    } else {
      this.sink.string(text);
      this.afterValue();
    }
  }

  // ---- skipping ----

  /**
   * Scans past a skipped array or object. Only brackets and string state matter, so the loop does
   * a few compares per byte and no allocation: this is where a Cadwell export spends its time.
   */
  private skipContainer(b: Uint8Array, i: number): number {
    const n = b.length;
    let depth = this.skipDepth;
    let inString = this.skipInString;
    let escape = this.skipEscape;
    while (i < n) {
      const c = b[i++] as number;
      if (inString) {
        if (escape) escape = false;
        else if (c === BACKSLASH) escape = true;
        else if (c === QUOTE) inString = false;
      } else if (c > QUOTE && c < 0x5b) {
        // Digits, signs, '.', ',', 'E', ':': the bulk of TraceData. Nothing to track.
        continue;
      } else if (c === QUOTE) inString = true;
      else if (c === 0x5b || c === 0x7b) depth++;
      else if (c === 0x5d || c === 0x7d) {
        if (--depth === 0) {
          this.skipDepth = 0;
          this.skipInString = false;
          this.skipEscape = false;
          this.afterValue();
          return i;
        }
      }
    }
    this.skipDepth = depth;
    this.skipInString = inString;
    this.skipEscape = escape;
    return i;
  }

  /**
   * Scans a value taken whole, as skipContainer does, keeping its bytes. At its end the sink gets
   * them; too large, too deep, or refused, it is replayed token by token from its first byte.
   */
  private rawContainer(b: Uint8Array, i: number): number {
    const n = b.length;
    const from = i;
    let depth = this.rawDepth;
    let inString = this.rawInString;
    let escape = this.rawEscape;
    const room = this.stack.length - this.depth;
    let closed = false;
    let tooDeep = false;
    while (i < n) {
      const c = b[i++] as number;
      if (inString) {
        if (escape) escape = false;
        else if (c === BACKSLASH) escape = true;
        else if (c === QUOTE) inString = false;
      } else if (c === QUOTE) inString = true;
      else if (c === 0x5b || c === 0x7b) {
        if (++depth > room) {
          tooDeep = true;
          break;
        }
      } else if (c === 0x5d || c === 0x7d) {
        if (--depth === 0) {
          closed = true;
          break;
        }
      }
    }
    this.rawDepth = depth;
    this.rawInString = inString;
    this.rawEscape = escape;
    const len = i - from;
    if (this.rawLen + len > this.maxRawBytes || tooDeep) {
      this.keepRaw(b, from, i);
      this.replayRaw();
      return i;
    }
    this.keepRaw(b, from, i);
    if (!closed) return i;
    if (this.sink.raw?.(this.rawBuf.subarray(0, this.rawLen))) {
      this.rawLen = 0;
      this.afterValue();
      return i;
    }
    this.replayRaw();
    return i;
  }

  private keepRaw(b: Uint8Array, from: number, to: number): void {
    const needed = this.rawLen + (to - from);
    if (needed > this.rawBuf.length) {
      const grown = new Uint8Array(Math.max(needed, this.rawBuf.length * 2));
      grown.set(this.rawBuf.subarray(0, this.rawLen));
      this.rawBuf = grown;
    }
    this.rawBuf.set(b.subarray(from, to), this.rawLen);
    this.rawLen = needed;
  }

  /** Read the kept bytes of the raw value token by token, as if it had never been taken whole. */
  private replayRaw(): void {
    const kept = this.rawBuf.slice(0, this.rawLen);
    this.rawLen = 0;
    // A large value must not pin a large buffer for the rest of the file.
    if (this.rawBuf.length > this.maxRawBytes * 2) this.rawBuf = new Uint8Array(1024);
    const base = this.base;
    this.state = S_VALUE;
    this.replaying = true;
    this.base = this.rawStart;
    this.write(kept);
    this.base = base;
    this.replaying = false;
  }

  private skipString(b: Uint8Array, i: number): number {
    const n = b.length;
    let escape = this.skipEscape;
    while (i < n) {
      const c = b[i++] as number;
      if (escape) escape = false;
      else if (c === BACKSLASH) escape = true;
      else if (c === QUOTE) {
        this.skipEscape = false;
        this.afterValue();
        return i;
      }
    }
    this.skipEscape = escape;
    return i;
  }
}

function describe(c: number): string {
  if (c >= 0x21 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}
