/**
 * The report's fonts: Noto Sans (regular, bold) for Latin, Greek, Cyrillic and Vietnamese, and
 * for what Noto lacks the fallbacks of pdf-assets.ts (symbols, Hangul, other CJK), chosen
 * character by character, each embedded as a subset of the glyphs used and only when the report
 * needs it. A character no font has is printed as its code point ("[U+1F600]"), never as "�",
 * and the export says which field held it. Text is measured with the advance widths it is drawn with.
 */
import fontkit from '@pdf-lib/fontkit';
import { degrees, rgb, type Color, type PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
type FkFont = ReturnType<Fontkit['create']>;
type GlyphRun = ReturnType<FkFont['layout']>;

export type Weight = 'regular' | 'bold';
export type TextStyle = Readonly<{ size: number; weight?: Weight; color?: Color }>;

type Face = Readonly<{ pdf: PDFFont; fk: FkFont; perEm: number; only?: (cp: number) => boolean }>;
type Run = Readonly<{ face: Face; text: string; em: number }>;

export const INK = rgb(0.11, 0.14, 0.19);

/** Zero-width characters, joiners and variation selectors: nothing to draw without shaping. */
const ignorable = (cp: number) => (cp >= 0x200b && cp <= 0x200d) || cp === 0x2060 || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfeff;
/** Control characters and line/paragraph separators other than "\n": drawn as a space. */
const control = (cp: number) => (cp < 0x20 && cp !== 0x0a) || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029;

/**
 * pdf-lib lays text out through fontkit's OpenType shaper, which costs 0.2–0.8 ms a call over
 * Noto's tables: most of a report's time. Latin, Greek, Cyrillic and CJK need no shaping once
 * NFC-normalized, so this layout maps each character to its glyph (cmap) and nothing else. What
 * we measure is then exactly what is drawn (no ligature or kerning changes a width). Scripts
 * that need shaping (Arabic, Indic) would draw unjoined; the report's fonts do not cover them.
 */
function plainLayout(font: FkFont): FkFont {
  const layout = (text: string) => {
    const glyphs = [];
    for (const ch of text) glyphs.push(font.glyphForCodePoint(ch.codePointAt(0) as number));
    return { glyphs } as unknown as GlyphRun;
  };
  const createSubset = font.createSubset.bind(font);
  // Our own instance, one per document: glyph objects keep the code points the ToUnicode map
  // (text extraction, search) is built from, so a font object is never shared between PDFs.
  return Object.assign(font, { layout, createSubset: () => padGlyphs(createSubset()) });
}

type TtfSubsetInternals = { _addGlyph?: (gid: number) => number; glyf: Uint8Array[]; offset: number };

/**
 * fontkit 1.1 writes a small subset's `loca` in the short format (offsets / 2) but copies each
 * glyph as long as it is: after a glyph of odd length every later one starts a byte early, and
 * draws as nothing (Droid Sans Fallback's CJK glyphs did). Pad each copied glyph to an even
 * length, as the short format needs; the pad byte after a glyph is ignored by rasterizers.
 */
function padGlyphs<S>(subset: S): S {
  const s = subset as unknown as TtfSubsetInternals;
  const add = s._addGlyph;
  // CFF subsets have no glyf table, and so no _addGlyph.
  if (typeof add !== 'function') return subset;
  s._addGlyph = function (this: TtfSubsetInternals, gid: number) {
    const index = add.call(this, gid);
    const glyph = this.glyf[index];
    if (glyph && glyph.length % 2 === 1) {
      // fontkit's own Buffer class (its stream takes no plain Uint8Array), zero-filled.
      const Ctor = glyph.constructor as { alloc?: (n: number) => Uint8Array };
      const padded = Ctor.alloc ? Ctor.alloc(glyph.length + 1) : new Uint8Array(glyph.length + 1);
      padded.set(glyph);
      this.glyf[index] = padded;
      this.offset += 1;
    }
    return index;
  };
  return subset;
}

/** Subset tags: six capitals, so viewers and validators see the fonts as subsets. */
const TAGS = { regular: 'CLOREG', bold: 'CLOBLD' } as const;

type FallbackBytes = Readonly<{ tag: string; only?: (cp: number) => boolean; bytes: () => Promise<Uint8Array> }>;

/** What is printed for a character no font has: its code point, which a reader can look up. */
export function noGlyph(cp: number): string {
  return `[U+${cp.toString(16).toUpperCase().padStart(4, '0')}]`;
}

export class PdfFonts {
  readonly #faces: Readonly<{ regular: Face; bold: Face; fallbacks: readonly Face[] }>;
  readonly #picks = { regular: new Map<number, Readonly<{ face: Face; em: number }> | null>(), bold: new Map<number, Readonly<{ face: Face; em: number }> | null>() };

  private constructor(faces: Readonly<{ regular: Face; bold: Face; fallbacks: readonly Face[] }>) {
    this.#faces = faces;
  }

  /**
   * Embed the fonts into `doc`: Noto always; each fallback (parsed, in order) only when `corpus`,
   * all the text the report may print, holds a character it draws that the fonts before it lack.
   */
  static async embed(doc: PDFDocument, bytes: Readonly<{ regular: Uint8Array; bold: Uint8Array; fallbacks: readonly FallbackBytes[] }>, corpus: string): Promise<PdfFonts> {
    let next: FkFont | null = null;
    doc.registerFontkit({
      create: (b) => {
        const f = next ?? plainLayout(fontkit.create(b) as unknown as FkFont);
        next = null;
        return f;
      },
    });
    const embed = async (fk: FkFont, b: Uint8Array, tag: string, only?: (cp: number) => boolean): Promise<Face> => {
      next = fk;
      const pdf = await doc.embedFont(b, { subset: true, customName: `${tag}+${fk.postscriptName ?? 'Font'}` });
      return { pdf, fk, perEm: 1000 / fk.unitsPerEm, ...(only ? { only } : {}) };
    };
    const parse = (b: Uint8Array) => plainLayout(fontkit.create(b) as unknown as FkFont);
    const regular = await embed(parse(bytes.regular), bytes.regular, TAGS.regular);
    const bold = await embed(parse(bytes.bold), bytes.bold, TAGS.bold);
    const seen = new Set<number>();
    for (const ch of corpus.normalize('NFC')) seen.add(ch.codePointAt(0) as number);
    let missing = [...seen].filter((cp) => cp > 0x20 && !ignorable(cp) && !control(cp) && !regular.fk.hasGlyphForCodePoint(cp));
    const fallbacks: Face[] = [];
    for (const fb of bytes.fallbacks) {
      if (missing.length === 0) break;
      const wanted = fb.only ? missing.filter(fb.only) : missing;
      if (wanted.length === 0) continue;
      const b = await fb.bytes();
      const fk = parse(b);
      const covered = new Set(wanted.filter((cp) => fk.hasGlyphForCodePoint(cp)));
      if (covered.size === 0) continue;
      fallbacks.push(await embed(fk, b, fb.tag, fb.only));
      missing = missing.filter((cp) => !covered.has(cp));
    }
    return new PdfFonts({ regular, bold, fallbacks });
  }

  /** The characters of `text` no font can draw (printed as their code point), each once. */
  unsupported(text: string): number[] {
    const out = new Set<number>();
    for (const ch of text.normalize('NFC')) {
      const cp = ch.codePointAt(0) as number;
      if (ch !== '\n' && !ignorable(cp) && !control(cp) && !this.#pick(cp, 'regular')) out.add(cp);
    }
    return [...out];
  }

  /** Which font draws `cp` and its advance (per 1000 of the size); null when none has it. */
  #pick(cp: number, weight: Weight) {
    const cache = this.#picks[weight];
    let hit = cache.get(cp);
    if (hit === undefined) {
      const order = [this.#faces[weight], this.#faces.regular, ...this.#faces.fallbacks];
      const face = order.find((f) => (!f.only || f.only(cp)) && f.fk.hasGlyphForCodePoint(cp));
      hit = face ? { face, em: face.fk.glyphForCodePoint(cp).advanceWidth * face.perEm } : null;
      cache.set(cp, hit);
    }
    return hit;
  }

  /** What can be drawn: NFC, no control characters, a replacement for what no font has. */
  clean(text: string, weight: Weight = 'regular'): string {
    let out = '';
    for (const ch of text.normalize('NFC')) {
      const cp = ch.codePointAt(0) as number;
      if (ignorable(cp)) continue;
      out += control(cp) ? ' ' : ch === '\n' || this.#pick(cp, weight) ? ch : noGlyph(cp);
    }
    return out;
  }

  /** The text cut into runs of one font each. */
  runs(text: string, weight: Weight = 'regular'): Run[] {
    const runs: { face: Face; text: string; em: number }[] = [];
    let cur: { face: Face; text: string; em: number } | null = null;
    for (const ch of text) {
      const p = this.#pick(ch.codePointAt(0) as number, weight);
      if (!p) continue;
      if (cur && cur.face === p.face) {
        cur.text += ch;
        cur.em += p.em;
        continue;
      }
      cur = { face: p.face, text: ch, em: p.em };
      runs.push(cur);
    }
    return runs;
  }

  width(text: string, style: TextStyle): number {
    const weight = style.weight ?? 'regular';
    let em = 0;
    for (const ch of text) em += this.#pick(ch.codePointAt(0) as number, weight)?.em ?? 0;
    return (em * style.size) / 1000;
  }

  /** Draw one line (no newlines) with its baseline at y; returns where it ends. */
  draw(page: PDFPage, text: string, x: number, y: number, style: TextStyle, rotateDeg = 0): number {
    const size = style.size;
    const color = style.color ?? INK;
    const rad = (rotateDeg * Math.PI) / 180;
    let cx = x;
    let cy = y;
    for (const r of this.runs(text, style.weight ?? 'regular')) {
      page.drawText(r.text, { x: cx, y: cy, size, font: r.face.pdf, color, ...(rotateDeg ? { rotate: degrees(rotateDeg) } : {}) });
      const w = (r.em * size) / 1000;
      cx += w * Math.cos(rad);
      cy += w * Math.sin(rad);
    }
    return cx;
  }

  /** The text cut to fit `maxWidth`, with an ellipsis when it had to be cut. */
  fit(text: string, style: TextStyle, maxWidth: number): string {
    if (this.width(text, style) <= maxWidth) return text;
    const chars = [...text];
    while (chars.length > 0 && this.width(`${chars.join('')}…`, style) > maxWidth) chars.pop();
    return `${chars.join('').trimEnd()}…`;
  }
}
