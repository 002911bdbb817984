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

function makeDecoder(encoding: DecodingName): { decoder: Decoder; fellBack: boolean } {
  if (encoding === 'windows-1252') return { decoder: new Windows1252Decoder(), fellBack: false };
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
