/**
 * Bytes → lines for devices that print text. Lines end with CR, LF or CRLF (devices differ, and
 * some switch mid-stream); a CRLF whose CR ends one chunk and whose LF starts the next is one
 * line end, not two. Splitting happens on bytes, before decoding, which is safe for every
 * encoding we offer: CR and LF never occur inside a UTF-8, Windows-1252 or GBK character, so a
 * complete line never holds half a character (a chunk may, and the splitter waits for the rest).
 *
 * Memory is bounded: a line longer than `maxLineBytes` (a device stuck without line ends, or
 * noise) is cut and reported, never held whole.
 */

export type SplitLine = Readonly<{
  /** The line without its terminator; never empty. */
  bytes: Uint8Array;
  /** Bytes beyond the length limit that were thrown away (0 for a normal line). */
  cutBytes: number;
}>;

const CR = 0x0d;
const LF = 0x0a;

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

export class LineSplitter {
  private buf: Uint8Array;
  private length = 0;
  private cut = 0;
  private afterCr = false;

  constructor(private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
    this.buf = new Uint8Array(Math.min(4096, maxLineBytes));
  }

  /** The lines this chunk completed, in order. Empty lines are skipped. */
  push(chunk: Uint8Array): SplitLine[] {
    const out: SplitLine[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (b !== CR && b !== LF) continue;
      if (i === start && b === LF && this.afterCr && this.length === 0 && this.cut === 0) {
        // The LF of a CRLF whose CR ended the previous chunk (or the previous byte).
        this.afterCr = false;
        start = i + 1;
        continue;
      }
      this.append(chunk, start, i);
      this.endLine(out);
      this.afterCr = b === CR;
      start = i + 1;
    }
    if (start < chunk.length) {
      this.append(chunk, start, chunk.length);
      this.afterCr = false;
    }
    return out;
  }

  /** Bytes held for a line not yet ended. */
  get pendingBytes(): number {
    return this.length + this.cut;
  }

  /** The link dropped: forget the unfinished line. Returns how many bytes it had. */
  drop(): number {
    const n = this.pendingBytes;
    this.length = 0;
    this.cut = 0;
    this.afterCr = false;
    return n;
  }

  private append(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    const room = this.maxLineBytes - this.length;
    const take = Math.min(room, n);
    if (take > 0) {
      if (this.length + take > this.buf.length) {
        let cap = this.buf.length * 2;
        while (cap < this.length + take) cap *= 2;
        const next = new Uint8Array(Math.min(cap, this.maxLineBytes));
        next.set(this.buf.subarray(0, this.length));
        this.buf = next;
      }
      this.buf.set(src.subarray(from, from + take), this.length);
      this.length += take;
    }
    this.cut += n - take;
  }

  private endLine(out: SplitLine[]): void {
    if (this.length > 0 || this.cut > 0) out.push({ bytes: this.buf.slice(0, this.length), cutBytes: this.cut });
    this.length = 0;
    this.cut = 0;
  }
}
