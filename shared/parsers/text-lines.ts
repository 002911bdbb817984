import { StreamDecoder, type DecodingName } from './text-decoding';

export type TextLine = Readonly<{
  /** 1-based physical line number: stable when the same bytes are read again, and when a growing file is tailed. */
  lineNo: number;
  text: string;
  /** The line was longer than the cap and its tail was dropped. */
  truncated: boolean;
}>;

/** Longer than any event line; a binary file fed by mistake must not grow one string without bound. */
const DEFAULT_MAX_LINE_CHARS = 64 * 1024;

/**
 * Splits a byte stream into decoded lines. Line ends may be LF, CRLF or a lone CR (old exports),
 * and a CRLF split across two chunks still counts once. Decoding happens before splitting so a
 * UTF-16 file (BOM) works too.
 */
export class TextLineReader {
  private readonly decoder: StreamDecoder;
  private partial = '';
  private partialTruncated = false;
  private afterCr = false;
  private lineNo = 0;
  private invalidSeenAt: number | null = null;
  /** Offsets of Windows-1252 fallback characters in the text being split. */
  private fallbackAt: readonly number[] = [];
  /** The partial line holds a fallback character. */
  private partialFallback = false;

  constructor(
    encoding: DecodingName,
    private readonly maxLineChars = DEFAULT_MAX_LINE_CHARS,
  ) {
    this.decoder = new StreamDecoder(encoding);
  }

  get encodingUsed(): DecodingName {
    return this.decoder.encodingUsed;
  }

  get encodingFellBack(): boolean {
    return this.decoder.fellBack;
  }

  /** First line holding a replacement character: the file is likely in another encoding. */
  get firstUndecodableLine(): number | null {
    return this.invalidSeenAt;
  }

  push(chunk: Uint8Array): TextLine[] {
    return this.split(this.decode(() => this.decoder.decode(chunk)));
  }

  end(): TextLine[] {
    const lines = this.split(this.decode(() => this.decoder.end()));
    if (this.partial.length > 0 || this.partialTruncated) lines.push(this.take());
    return lines;
  }

  /** Decode, keeping where bytes had to be read as Windows-1252 (the split marks their lines). */
  private decode(run: () => string): string {
    const text = run();
    this.fallbackAt = this.decoder.lastFallbackOffsets;
    return text;
  }

  private split(text: string): TextLine[] {
    const lines: TextLine[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (c === 10 && this.afterCr && i === start) {
        // The LF of a CRLF whose CR ended the previous piece or line.
        this.afterCr = false;
        start = i + 1;
        continue;
      }
      this.append(text, start, i);
      lines.push(this.take());
      this.afterCr = c === 13;
      start = i + 1;
    }
    if (start < text.length) {
      this.afterCr = false;
      this.append(text, start, text.length);
    }
    return lines;
  }

  private append(text: string, from: number, to: number): void {
    if (this.fallbackAt.some((o) => o >= from && o < to)) this.partialFallback = true;
    if (this.partialTruncated || from >= to) return;
    const room = this.maxLineChars - this.partial.length;
    if (to - from > room) {
      this.partial += text.slice(from, from + room);
      this.partialTruncated = true;
    } else {
      this.partial += text.slice(from, to);
    }
  }

  private take(): TextLine {
    this.lineNo += 1;
    const line = { lineNo: this.lineNo, text: this.partial, truncated: this.partialTruncated };
    if (this.invalidSeenAt === null && (this.partialFallback || line.text.includes('\uFFFD'))) this.invalidSeenAt = this.lineNo;
    this.partialFallback = false;
    this.partial = '';
    this.partialTruncated = false;
    return line;
  }
}
