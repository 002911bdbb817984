/**
 * A TrueType subset for a PDF: the glyphs a report draws, renumbered in the order first used
 * (0 stays .notdef), with the components of composite glyphs added after them and their
 * references rewritten. It holds the tables a PDF's embedded TrueType font needs (ISO 32000-1
 * §9.9: head, hhea, hmtx, loca, glyf, maxp and the hinting tables cvt, fpgm, prep); cmap, name,
 * OS/2 and post stay out because the PDF maps its codes to glyphs itself (Identity) and carries
 * the names and metrics in the font dictionaries.
 *
 * Written as the OpenType specification asks: tables sorted by tag, 4-byte aligned, each with its
 * checksum, head's checkSumAdjustment set, glyphs padded to even lengths so the short loca format
 * (offsets ÷ 2) points at each one exactly.
 */
import type { TrueTypeFont } from './truetype';

const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

export class TrueTypeSubset {
  readonly #font: TrueTypeFont;
  readonly #order: number[] = [];
  readonly #ids = new Map<number, number>();

  constructor(font: TrueTypeFont) {
    this.#font = font;
    this.includeGlyph(0);
  }

  /** The glyph's id in the subset, adding it on first use. */
  includeGlyph(glyph: number | Readonly<{ id: number }>): number {
    const id = typeof glyph === 'number' ? glyph : glyph.id;
    let sub = this.#ids.get(id);
    if (sub === undefined) {
      sub = this.#order.length;
      this.#order.push(id);
      this.#ids.set(id, sub);
    }
    return sub;
  }

  /** The subset font file. */
  encode(): Uint8Array {
    const font = this.#font;
    const glyphs: Uint8Array[] = [];
    // The order grows while it is walked: a composite glyph adds its components at the end.
    for (let i = 0; i < this.#order.length; i++) glyphs.push(this.#glyph(this.#order[i]!));
    const n = glyphs.length;

    const offsets: number[] = [0];
    for (const g of glyphs) offsets.push(offsets[offsets.length - 1]! + g.length);
    const glyfLength = offsets[n]!;
    const short = glyfLength / 2 <= 0xffff;
    const glyf = new Uint8Array(glyfLength);
    glyphs.forEach((g, i) => glyf.set(g, offsets[i]!));
    const loca = new Uint8Array((n + 1) * (short ? 2 : 4));
    const lv = new DataView(loca.buffer);
    offsets.forEach((o, i) => (short ? lv.setUint16(i * 2, o / 2) : lv.setUint32(i * 4, o)));

    const hmtx = new Uint8Array(n * 4);
    const hv = new DataView(hmtx.buffer);
    this.#order.forEach((id, i) => {
      const m = font.metrics(id);
      hv.setUint16(i * 4, m.advance);
      hv.setInt16(i * 4 + 2, m.bearing);
    });

    const head = copy(font.tableBytes('head')!);
    const headView = new DataView(head.buffer);
    headView.setUint32(8, 0); // checkSumAdjustment, set once the file is whole
    headView.setInt16(50, short ? 0 : 1);
    const hhea = copy(font.tableBytes('hhea')!);
    new DataView(hhea.buffer).setUint16(34, n);
    const maxp = copy(font.tableBytes('maxp')!);
    new DataView(maxp.buffer).setUint16(4, n);

    const tables = new Map<string, Uint8Array>([
      ['head', head],
      ['hhea', hhea],
      ['hmtx', hmtx],
      ['loca', loca],
      ['glyf', glyf],
      ['maxp', maxp],
    ]);
    for (const tag of ['cvt ', 'fpgm', 'prep']) {
      const t = font.tableBytes(tag);
      if (t) tables.set(tag, t);
    }
    return sfnt(tables);
  }

  /** A glyph's bytes as the subset stores them: components renumbered, padded to an even length. */
  #glyph(id: number): Uint8Array {
    const src = this.#font.glyphBytes(id);
    const out = new Uint8Array(src.length + (src.length % 2));
    out.set(src);
    if (src.length >= 10 && new DataView(src.buffer, src.byteOffset, src.byteLength).getInt16(0) < 0) {
      const v = new DataView(out.buffer);
      let at = 10;
      for (;;) {
        if (at + 4 > src.length) break;
        const flags = v.getUint16(at);
        v.setUint16(at + 2, this.includeGlyph(v.getUint16(at + 2)));
        at += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
        if (flags & WE_HAVE_A_SCALE) at += 2;
        else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) at += 4;
        else if (flags & WE_HAVE_A_TWO_BY_TWO) at += 8;
        if (!(flags & MORE_COMPONENTS)) break;
      }
    }
    return out;
  }
}

function copy(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}

/** Sum of a table as big-endian 32-bit words, the last one zero-padded. */
function checksum(b: Uint8Array, offset = 0, length = b.length): number {
  let sum = 0;
  const end = offset + length;
  for (let i = offset; i < end; i += 4) {
    sum = (sum + (((b[i]! << 24) | ((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0)) >>> 0)) >>> 0;
  }
  return sum;
}

/** The font file: directory, then each table at a 4-byte boundary. */
function sfnt(tables: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const tags = [...tables.keys()].sort();
  const numTables = tags.length;
  let size = 12 + numTables * 16;
  const placed = tags.map((tag) => {
    const data = tables.get(tag)!;
    const at = size;
    size += (data.length + 3) & ~3;
    return { tag, data, at };
  });
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  const pow2 = 2 ** Math.floor(Math.log2(numTables));
  v.setUint32(0, 0x00010000);
  v.setUint16(4, numTables);
  v.setUint16(6, pow2 * 16);
  v.setUint16(8, Math.log2(pow2));
  v.setUint16(10, numTables * 16 - pow2 * 16);
  placed.forEach(({ tag, data, at }, i) => {
    const r = 12 + i * 16;
    for (let k = 0; k < 4; k++) out[r + k] = tag.charCodeAt(k);
    v.setUint32(r + 4, checksum(data));
    v.setUint32(r + 8, at);
    v.setUint32(r + 12, data.length);
    out.set(data, at);
  });
  const head = placed.find((p) => p.tag === 'head');
  if (head) v.setUint32(head.at + 8, (0xb1b0afba - checksum(out)) >>> 0);
  return out;
}
