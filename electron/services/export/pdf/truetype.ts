/**
 * A TrueType font as the report PDF needs it, read straight from the file's bytes: which glyph
 * draws a character (cmap formats 4 and 12), its advance width (hmtx), the figures of the PDF
 * font descriptor (head, hhea, post, OS/2, the PostScript name), and each glyph's outline bytes
 * (loca, glyf) for the subset (truetype-subset.ts). Nothing is decoded that a report does not use:
 * tables are located once and read in place, on demand.
 *
 * Why not fontkit: it carries a shaper, Unicode property tables, CFF, WOFF/WOFF2, AAT and
 * variations, 0.9 MB of code a fresh `closeout export --pdf` compiled and ran (~100 ms) for the
 * five lookups above. The answers here are held to fontkit's, character by character, on every
 * bundled font (tests/unit/truetype.test.ts), and the subsets it writes are read back by fontkit
 * and poppler.
 */

export class FontFormatError extends Error {}

/** What pdf-lib reads of a glyph: its id in the font, its advance and the text it stands for. */
export type TtGlyph = Readonly<{ id: number; advanceWidth: number; codePoints: readonly number[] }>;

type Table = Readonly<{ offset: number; length: number }>;

const TAG_TRUE = 0x74727565; // 'true' (Apple)
const VERSION_1 = 0x00010000;

/** cmap subtables fontkit prefers, in its order: full Unicode first, then the BMP ones. */
const CMAP_PREFERENCE: ReadonlyArray<readonly [number, number]> = [
  [3, 10],
  [0, 6],
  [0, 4],
  [3, 1],
  [0, 3],
  [0, 2],
  [0, 1],
  [0, 0],
];

export class TrueTypeFont {
  readonly bytes: Uint8Array;
  readonly #view: DataView;
  readonly #tables = new Map<string, Table>();
  readonly #glyphs = new Map<number, TtGlyph>();
  readonly #lookup: (cp: number) => number;

  readonly unitsPerEm: number;
  readonly numGlyphs: number;
  readonly numberOfHMetrics: number;
  readonly bbox: Readonly<{ minX: number; minY: number; maxX: number; maxY: number }>;
  readonly ascent: number;
  readonly descent: number;
  readonly italicAngle: number;
  readonly isFixedPitch: boolean;
  readonly italic: boolean;
  readonly familyClass: number;
  /** OS/2 version 2 and later; undefined before, as fontkit answers (pdf-lib then uses the ascent). */
  readonly capHeight: number | undefined;
  readonly xHeight: number | undefined;
  readonly postscriptName: string | null;
  /** 0: short offsets (÷ 2), 1: long. */
  readonly indexToLocFormat: number;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#view = v;
    if (bytes.byteLength < 12) throw new FontFormatError('not a font file: too short');
    const sfnt = v.getUint32(0);
    if (sfnt !== VERSION_1 && sfnt !== TAG_TRUE) throw new FontFormatError('not a TrueType font (only glyf outlines are supported)');
    const numTables = v.getUint16(4);
    if (12 + numTables * 16 > bytes.byteLength) throw new FontFormatError('the table directory runs past the end of the file');
    for (let i = 0; i < numTables; i++) {
      const at = 12 + i * 16;
      const tag = String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
      const offset = v.getUint32(at + 8);
      const length = v.getUint32(at + 12);
      if (offset + length > bytes.byteLength) throw new FontFormatError(`table ${tag} runs past the end of the file`);
      this.#tables.set(tag, { offset, length });
    }
    for (const t of ['head', 'hhea', 'maxp', 'hmtx', 'loca', 'glyf', 'cmap', 'post']) if (!this.#tables.has(t)) throw new FontFormatError(`the font has no ${t} table`);

    const head = this.table('head').offset;
    this.unitsPerEm = v.getUint16(head + 18);
    this.bbox = Object.freeze({ minX: v.getInt16(head + 36), minY: v.getInt16(head + 38), maxX: v.getInt16(head + 40), maxY: v.getInt16(head + 42) });
    this.italic = (v.getUint16(head + 44) & 2) !== 0;
    this.indexToLocFormat = v.getInt16(head + 50);

    const hhea = this.table('hhea').offset;
    this.ascent = v.getInt16(hhea + 4);
    this.descent = v.getInt16(hhea + 6);
    this.numberOfHMetrics = v.getUint16(hhea + 34);
    this.numGlyphs = v.getUint16(this.table('maxp').offset + 4);
    if (this.numberOfHMetrics === 0 || this.numberOfHMetrics > this.numGlyphs) throw new FontFormatError('hhea and maxp disagree on the number of glyphs');

    const post = this.table('post').offset;
    this.italicAngle = v.getInt32(post + 4) / 65536;
    this.isFixedPitch = v.getUint32(post + 12) !== 0;

    const os2 = this.#tables.get('OS/2');
    this.familyClass = os2 ? v.getInt16(os2.offset + 30) : 0;
    const os2Version = os2 ? v.getUint16(os2.offset) : 0;
    this.capHeight = os2 && os2Version >= 2 ? v.getInt16(os2.offset + 88) : undefined;
    this.xHeight = os2 && os2Version >= 2 ? v.getInt16(os2.offset + 86) : undefined;
    this.postscriptName = this.#name(6);
    this.#lookup = this.#cmap();
  }

  table(tag: string): Table {
    const t = this.#tables.get(tag);
    if (!t) throw new FontFormatError(`the font has no ${tag} table`);
    return t;
  }

  /** The bytes of an optional table (cvt, fpgm, prep), or null. */
  tableBytes(tag: string): Uint8Array | null {
    const t = this.#tables.get(tag);
    return t ? this.bytes.subarray(t.offset, t.offset + t.length) : null;
  }

  /** The glyph id for a code point; 0 (.notdef) when the font has none. */
  glyphIdForCodePoint(cp: number): number {
    return this.#lookup(cp);
  }

  hasGlyphForCodePoint(cp: number): boolean {
    return this.#lookup(cp) !== 0;
  }

  /** The glyph for a code point; its code points are those of the first character that asked for it. */
  glyphForCodePoint(cp: number): TtGlyph {
    return this.glyph(this.#lookup(cp), cp);
  }

  glyph(id: number, cp?: number): TtGlyph {
    let g = this.#glyphs.get(id);
    if (!g) {
      g = Object.freeze({ id, advanceWidth: this.metrics(id).advance, codePoints: cp === undefined ? [] : [cp] });
      this.#glyphs.set(id, g);
    }
    return g;
  }

  /** Advance and left side bearing (hmtx); glyphs past the last full metric share its advance. */
  metrics(id: number): Readonly<{ advance: number; bearing: number }> {
    const v = this.#view;
    const hmtx = this.table('hmtx');
    const n = this.numberOfHMetrics;
    if (id < n) {
      const at = hmtx.offset + id * 4;
      return at + 4 <= hmtx.offset + hmtx.length ? { advance: v.getUint16(at), bearing: v.getInt16(at + 2) } : { advance: 0, bearing: 0 };
    }
    const advance = v.getUint16(hmtx.offset + (n - 1) * 4);
    const at = hmtx.offset + n * 4 + (id - n) * 2;
    return { advance, bearing: at + 2 <= hmtx.offset + hmtx.length ? v.getInt16(at) : 0 };
  }

  /** The glyph's outline as stored (empty for a glyph with no outline, e.g. the space). */
  glyphBytes(id: number): Uint8Array {
    if (id < 0 || id >= this.numGlyphs) return new Uint8Array(0);
    const v = this.#view;
    const loca = this.table('loca').offset;
    const [start, end] = this.indexToLocFormat === 0 ? [v.getUint16(loca + id * 2) * 2, v.getUint16(loca + id * 2 + 2) * 2] : [v.getUint32(loca + id * 4), v.getUint32(loca + id * 4 + 4)];
    const glyf = this.table('glyf');
    if (end <= start || end > glyf.length) return new Uint8Array(0);
    return this.bytes.subarray(glyf.offset + start, glyf.offset + end);
  }

  /** The first name record with this id (6: PostScript name), decoded as fontkit does. */
  #name(nameId: number): string | null {
    const t = this.#tables.get('name');
    if (!t) return null;
    const v = this.#view;
    const count = v.getUint16(t.offset + 2);
    const strings = t.offset + v.getUint16(t.offset + 4);
    for (let i = 0; i < count; i++) {
      const r = t.offset + 6 + i * 12;
      if (v.getUint16(r + 6) !== nameId) continue;
      const platform = v.getUint16(r);
      const length = v.getUint16(r + 8);
      const at = strings + v.getUint16(r + 10);
      if (at + length > this.bytes.byteLength) return null;
      const raw = this.bytes.subarray(at, at + length);
      if (platform === 0 || platform === 3) {
        let s = '';
        for (let k = 0; k + 1 < raw.length; k += 2) s += String.fromCharCode((raw[k]! << 8) | raw[k + 1]!);
        return s;
      }
      // Macintosh Roman: PostScript names are printable ASCII, the part it shares with Latin-1.
      return String.fromCharCode(...raw);
    }
    return null;
  }

  /** The lookup over the preferred Unicode cmap subtable. */
  #cmap(): (cp: number) => number {
    const v = this.#view;
    const cmap = this.table('cmap');
    const count = v.getUint16(cmap.offset + 2);
    const subtables: Array<{ platform: number; encoding: number; at: number }> = [];
    for (let i = 0; i < count; i++) {
      const r = cmap.offset + 4 + i * 8;
      subtables.push({ platform: v.getUint16(r), encoding: v.getUint16(r + 2), at: cmap.offset + v.getUint32(r + 4) });
    }
    for (const [platform, encoding] of CMAP_PREFERENCE) {
      const s = subtables.find((t) => t.platform === platform && t.encoding === encoding);
      if (!s) continue;
      const format = v.getUint16(s.at);
      if (format === 4) return this.#format4(s.at);
      if (format === 12) return this.#format12(s.at);
      throw new FontFormatError(`cmap format ${format} is not supported`);
    }
    throw new FontFormatError('the font has no Unicode cmap');
  }

  #format4(at: number): (cp: number) => number {
    const v = this.#view;
    const length = v.getUint16(at + 2);
    const segCount = v.getUint16(at + 6) >> 1;
    const ends = at + 14;
    const starts = ends + segCount * 2 + 2;
    const deltas = starts + segCount * 2;
    const rangeOffsets = deltas + segCount * 2;
    const glyphArray = rangeOffsets + segCount * 2;
    const glyphCount = Math.max(0, (at + length - glyphArray) >> 1);
    return (cp) => {
      let lo = 0;
      let hi = segCount - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (cp < v.getUint16(starts + mid * 2)) hi = mid - 1;
        else if (cp > v.getUint16(ends + mid * 2)) lo = mid + 1;
        else {
          const rangeOffset = v.getUint16(rangeOffsets + mid * 2);
          const delta = v.getInt16(deltas + mid * 2);
          if (rangeOffset === 0) return (cp + delta) & 0xffff;
          const index = rangeOffset / 2 + (cp - v.getUint16(starts + mid * 2)) - (segCount - mid);
          const gid = index >= 0 && index < glyphCount ? v.getUint16(glyphArray + index * 2) : 0;
          return gid === 0 ? 0 : (gid + delta) & 0xffff;
        }
      }
      return 0;
    };
  }

  #format12(at: number): (cp: number) => number {
    const v = this.#view;
    const groups = at + 16;
    const n = Math.min(v.getUint32(at + 12), Math.floor((this.bytes.byteLength - groups) / 12));
    return (cp) => {
      let lo = 0;
      let hi = n - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const g = groups + mid * 12;
        if (cp < v.getUint32(g)) hi = mid - 1;
        else if (cp > v.getUint32(g + 4)) lo = mid + 1;
        else return v.getUint32(g + 8) + (cp - v.getUint32(g));
      }
      return 0;
    };
  }
}
