/**
 * Is this byte stream text? A serial port set to the wrong baud rate, data bits or parity does
 * not fail: it delivers a steady stream of wrong bytes (framing errors read as 0x00, 0xFF, 0x80,
 * 0xF8…). Telling text from that lets the capture say "check the baud rate" instead of storing
 * junk or staying silent.
 *
 * Readable: printable ASCII, TAB/CR/LF, the MLLP block bytes 0x0B/0x1C, and multi-byte text that
 * is valid in the configured encoding. Everything else (NUL and other controls, DEL, broken
 * multi-byte sequences) is not. Per encoding:
 *   utf-8         a well-formed sequence (no overlongs, no surrogates) is readable, byte for byte;
 *   windows-1252  every byte is a character, so a lone accented letter is readable but a second
 *                 high byte in a row is not: Western text has isolated accents, noise has runs;
 *   gbk           a lead byte 0x81–0xFE followed by a trail byte is readable. Random bytes form
 *                 valid pairs easily, so detection is weaker for GBK sources.
 */
import { assertNever } from '../../../../shared/util/assert-never';
import type { TextEncodingName } from '../../../../shared/parsers/text-decoding';

/** Receives verdicts in stream order; `count` bytes at once for a completed multi-byte sequence. */
export type VerdictSink = (readable: boolean, count: number) => void;

/** Bytes 0x80–0x9F that Windows-1252 leaves undefined. */
const CP1252_UNDEFINED: ReadonlySet<number> = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

export function isReadableAscii(b: number): boolean {
  return (b >= 0x20 && b <= 0x7e) || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x1c;
}

/** Streaming: a multi-byte character split across two chunks is judged when its last byte arrives. */
export class TextByteClassifier {
  /** Bytes of an open multi-byte sequence. */
  private open = 0;
  /** UTF-8: continuation bytes still needed, and the range the next one must fall in. */
  private need = 0;
  private lower = 0x80;
  private upper = 0xbf;
  /** Windows-1252: the previous byte was a high byte. */
  private prevHigh = false;

  constructor(private readonly encoding: TextEncodingName) {}

  feed(bytes: Uint8Array, sink: VerdictSink): void {
    for (let i = 0; i < bytes.length; i++) this.byte(bytes[i] as number, sink);
  }

  /** End of a unit (a line): an unfinished sequence is not text. */
  finish(sink: VerdictSink): void {
    if (this.open > 0) sink(false, this.open);
    this.reset();
  }

  reset(): void {
    this.open = 0;
    this.need = 0;
    this.lower = 0x80;
    this.upper = 0xbf;
    this.prevHigh = false;
  }

  private byte(b: number, sink: VerdictSink): void {
    switch (this.encoding) {
      case 'utf-8':
        return this.utf8(b, sink);
      case 'windows-1252':
        return this.cp1252(b, sink);
      case 'gbk':
        return this.gbk(b, sink);
      default:
        return assertNever(this.encoding, 'text encoding');
    }
  }

  private utf8(b: number, sink: VerdictSink): void {
    if (this.need > 0) {
      if (b >= this.lower && b <= this.upper) {
        this.open += 1;
        this.need -= 1;
        this.lower = 0x80;
        this.upper = 0xbf;
        if (this.need === 0) {
          sink(true, this.open);
          this.open = 0;
        }
        return;
      }
      // A broken sequence: what came so far is not text; this byte starts afresh.
      sink(false, this.open);
      this.open = 0;
      this.need = 0;
      this.lower = 0x80;
      this.upper = 0xbf;
    }
    if (b < 0x80) return sink(isReadableAscii(b), 1);
    // Lead bytes and the ranges of their first continuation (RFC 3629 table).
    if (b >= 0xc2 && b <= 0xdf) this.need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      this.need = 2;
      if (b === 0xe0) this.lower = 0xa0;
      if (b === 0xed) this.upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      this.need = 3;
      if (b === 0xf0) this.lower = 0x90;
      if (b === 0xf4) this.upper = 0x8f;
    } else return sink(false, 1);
    this.open = 1;
  }

  private cp1252(b: number, sink: VerdictSink): void {
    if (b < 0x80) {
      this.prevHigh = false;
      return sink(isReadableAscii(b), 1);
    }
    const readable = !CP1252_UNDEFINED.has(b) && !this.prevHigh;
    this.prevHigh = true;
    sink(readable, 1);
  }

  private gbk(b: number, sink: VerdictSink): void {
    if (this.open > 0) {
      this.open = 0;
      if (b >= 0x40 && b <= 0xfe && b !== 0x7f) return sink(true, 2);
      sink(false, 1);
    }
    if (b < 0x80) return sink(isReadableAscii(b), 1);
    if (b >= 0x81 && b <= 0xfe) {
      this.open = 1;
      return;
    }
    sink(false, 1);
  }
}

/** Share of a unit's bytes (a line) that are not text in this encoding: 0 for an empty unit. */
export function unreadableShare(bytes: Uint8Array, encoding: TextEncodingName): number {
  if (bytes.length === 0) return 0;
  let bad = 0;
  const sink: VerdictSink = (readable, count) => {
    if (!readable) bad += count;
  };
  const c = new TextByteClassifier(encoding);
  c.feed(bytes, sink);
  c.finish(sink);
  return bad / bytes.length;
}
