/**
 * Text decoding for device exports. Devices write in the workstation's code page (Windows-1252 in
 * the US and Europe, GBK on Chinese systems) or UTF-8, rarely with a BOM (vendor-formats.md §5,
 * rule 5), so the encoding is a per-source setting and a BOM, when present, overrides it.
 *
 * Built on WHATWG TextDecoder: Node 20 and Electron ship full ICU, so 'gbk' works (a small-ICU
 * build would throw RangeError; we then fall back to UTF-8 and say so rather than fail the
 * capture). Windows-1252 is decoded here, because Node's decoder gets 0x80–0x9F wrong.
 */

export const TEXT_ENCODINGS = ['utf-8', 'windows-1252', 'gbk'] as const;
/** Encodings a user can choose for a source. */
export type TextEncodingName = (typeof TEXT_ENCODINGS)[number];
/** What a BOM can additionally select. */
export type DecodingName = TextEncodingName | 'utf-16le' | 'utf-16be';

export function isTextEncodingName(value: unknown): value is TextEncodingName {
  return typeof value === 'string' && (TEXT_ENCODINGS as readonly string[]).includes(value);
}

/** What we need of a decoder; TextDecoder fits, and so does our Windows-1252 one. */
type Decoder = { decode(input?: Uint8Array, options?: { stream?: boolean }): string };

/**
 * WHATWG's windows-1252 table for 0x80–0x9F (the only bytes where it differs from Latin-1).
 * Node 20's TextDecoder('windows-1252') decodes these as Latin-1 C1 controls (0x80 → U+0080, not
 * "€"), so curly quotes and dashes typed on Windows would come out as control characters.
 */
export const CP1252_80_9F: readonly number[] = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

/** Single-byte, so streaming needs no state: every byte is one character. */
class Windows1252Decoder implements Decoder {
  private readonly utf16 = new TextDecoder('utf-16le');

  decode(input?: Uint8Array): string {
    if (!input || input.length === 0) return '';
    const units = new Uint16Array(input.length);
    for (let i = 0; i < input.length; i++) {
      const b = input[i] as number;
      units[i] = b >= 0x80 && b < 0xa0 ? (CP1252_80_9F[b - 0x80] as number) : b;
    }
    return this.utf16.decode(units);
  }
}

/**
 * UTF-8 that reads any byte which is not part of a valid UTF-8 sequence as Windows-1252. A site
 * that leaves the encoding at UTF-8 while the device writes "43 °C" in its Windows code page
 * then still gets "°", not "�"; valid UTF-8 is unaffected (a valid sequence is never
 * also plausible 1252 text in practice).
 */
class Utf8Or1252Decoder implements Decoder {
  /** Bytes read as Windows-1252 so far: the parsers warn that the encoding setting may be wrong. */
  fallbackBytes = 0;
  /** Where, in the string the last decode() returned, bytes were read as Windows-1252. */
  lastFallbackOffsets: number[] = [];
  private held = new Uint8Array(0);
  // ignoreBOM: a run may start anywhere in the file; only the stream's very first bytes are a BOM.
  private readonly utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  private bomChecked = false;

  decode(input: Uint8Array = new Uint8Array(0), options?: { stream?: boolean }): string {
    this.lastFallbackOffsets = [];
    let b = input;
    if (this.held.length) {
      b = new Uint8Array(this.held.length + input.length);
      b.set(this.held);
      b.set(input, this.held.length);
      this.held = new Uint8Array(0);
    }
    let i = 0;
    if (!this.bomChecked) {
      const bom = [0xef, 0xbb, 0xbf];
      const prefix = b.length < 3 && [...b].every((x, k) => x === bom[k]);
      if (prefix && options?.stream) {
        this.held = b.slice();
        return '';
      }
      this.bomChecked = true;
      if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3;
    }
    let out = '';
    let runStart = i;
    const flushRun = (end: number) => {
      if (end > runStart) out += this.utf8.decode(b.subarray(runStart, end));
    };
    while (i < b.length) {
      const c = b[i] as number;
      if (c < 0x80) {
        i++;
        continue;
      }
      const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
      if (n > 0 && i + n >= b.length && options?.stream) {
        // Possibly a sequence cut by the chunk: keep it for the next call if it is valid so far.
        let ok = true;
        for (let k = i + 1; k < b.length; k++) if (((b[k] as number) & 0xc0) !== 0x80) ok = false;
        if (ok) {
          flushRun(i);
          this.held = b.slice(i);
          return out;
        }
      }
      if (n > 0 && validSequence(b, i, n)) {
        i += n + 1;
        continue;
      }
      flushRun(i);
      this.lastFallbackOffsets.push(out.length);
      out += String.fromCharCode(c >= 0x80 && c < 0xa0 ? (CP1252_80_9F[c - 0x80] as number) : c);
      this.fallbackBytes++;
      i++;
      runStart = i;
    }
    flushRun(b.length);
    return out;
  }
}

function validSequence(b: Uint8Array, i: number, n: number): boolean {
  if (i + n >= b.length) return false;
  const c = b[i] as number;
  let cp = c & (0x3f >> n);
  for (let k = 1; k <= n; k++) {
    const d = b[i + k] as number;
    if ((d & 0xc0) !== 0x80) return false;
    cp = (cp << 6) | (d & 0x3f);
  }
  const min = n === 1 ? 0x80 : n === 2 ? 0x800 : 0x10000;
  return cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
}

function makeDecoder(encoding: DecodingName): { decoder: Decoder; fellBack: boolean } {
  if (encoding === 'windows-1252') return { decoder: new Windows1252Decoder(), fellBack: false };
  if (encoding === 'utf-8') return { decoder: new Utf8Or1252Decoder(), fellBack: false };
  try {
    return { decoder: new TextDecoder(encoding), fellBack: false };
  } catch {
    return { decoder: new TextDecoder('utf-8'), fellBack: true };
  }
}

/** Decodes a whole small buffer. Invalid bytes become U+FFFD; a leading UTF-8 BOM is dropped. */
export function decodeText(bytes: Uint8Array, encoding: DecodingName): string {
  return makeDecoder(encoding).decoder.decode(bytes);
}

/** The encoding a byte-order mark names, and its length; null when there is none (yet). */
export function sniffBom(bytes: Uint8Array): { encoding: DecodingName; length: number } | null {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/** Could these first bytes still grow into a BOM? Then wait for more before choosing a decoder. */
function mayBeBomPrefix(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return true;
  if (bytes.length === 1) return bytes[0] === 0xef || bytes[0] === 0xff || bytes[0] === 0xfe;
  if (bytes.length === 2) return bytes[0] === 0xef && bytes[1] === 0xbb;
  return false;
}

/**
 * Decodes a byte stream chunk by chunk. A multi-byte character split across two chunks (a UTF-8
 * sequence, a GBK pair) is held back until its last byte arrives, so chunk boundaries never
 * produce replacement characters.
 */
export class StreamDecoder {
  private decoder: Decoder | null = null;
  private head: Uint8Array = new Uint8Array(0);
  private used: DecodingName;
  private fell = false;

  constructor(
    private readonly encoding: DecodingName,
    private readonly sniff = true,
  ) {
    this.used = encoding;
  }

  /** The encoding actually in use: the chosen one, or the one a BOM named. */
  get encodingUsed(): DecodingName {
    return this.used;
  }

  /** True when the chosen encoding is missing from this runtime and UTF-8 was used instead. */
  get fellBack(): boolean {
    return this.fell;
  }

  /** Bytes that were not UTF-8 and were read as Windows-1252 (UTF-8 setting only). */
  get fallbackBytes(): number {
    return this.decoder instanceof Utf8Or1252Decoder ? this.decoder.fallbackBytes : 0;
  }

  /** Offsets, in the string the last decode()/end() returned, of characters read as Windows-1252. */
  get lastFallbackOffsets(): readonly number[] {
    return this.decoder instanceof Utf8Or1252Decoder ? this.decoder.lastFallbackOffsets : [];
  }

  decode(chunk: Uint8Array): string {
    if (this.decoder) return this.decoder.decode(chunk, { stream: true });
    // Collect the first bytes until we know whether they are a BOM.
    const joined = new Uint8Array(this.head.length + chunk.length);
    joined.set(this.head);
    joined.set(chunk, this.head.length);
    if (this.sniff && mayBeBomPrefix(joined)) {
      this.head = joined;
      return '';
    }
    this.head = new Uint8Array(0);
    return this.start(joined).decode(joined, { stream: true });
  }

  end(): string {
    if (!this.decoder) {
      const rest = this.head;
      this.head = new Uint8Array(0);
      return this.start(rest).decode(rest);
    }
    return this.decoder.decode();
  }

  private start(first: Uint8Array): Decoder {
    const bom = this.sniff ? sniffBom(first) : null;
    if (bom) this.used = bom.encoding;
    const { decoder, fellBack } = makeDecoder(this.used);
    // TextDecoder drops a BOM of its own encoding; a windows-1252 decoder never sees one because
    // the BOM switched us to UTF-8 above.
    this.decoder = decoder;
    this.fell = fellBack;
    return decoder;
  }
}
