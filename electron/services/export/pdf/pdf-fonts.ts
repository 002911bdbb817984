/**
 * The report's fonts: Noto Sans (regular, bold) for Latin, Greek, Cyrillic and Vietnamese, and
 * for what Noto lacks the fallbacks of pdf-assets.ts (symbols, Hangul, other CJK), chosen
 * character by character, each embedded as a subset of the glyphs used and only when the report
 * needs it. A character no font has is printed as its code point ("[U+1F600]"), never as "�",
 * and the export says which field held it. Text is measured with the advance widths it is drawn with.
 */
import { degrees, rgb, type Color, type PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';
import { TrueTypeFont } from './truetype';
import { TrueTypeSubset } from './truetype-subset';

export type Weight = 'regular' | 'bold';
export type TextStyle = Readonly<{ size: number; weight?: Weight; color?: Color }>;

type Face = Readonly<{ pdf: PDFFont; tt: TrueTypeFont; perEm: number; only?: (cp: number) => boolean }>;
type Run = Readonly<{ face: Face; text: string; em: number }>;

export const INK = rgb(0.11, 0.14, 0.19);

/** Zero-width characters, joiners and variation selectors: nothing to draw without shaping. */
const ignorable = (cp: number) => (cp >= 0x200b && cp <= 0x200d) || cp === 0x2060 || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfeff;
/** Control characters and line/paragraph separators other than "\n": drawn as a space. */
const control = (cp: number) => (cp < 0x20 && cp !== 0x0a) || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029;

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];

/**
 * The font as pdf-lib's embedder reads it (the part of fontkit's interface it uses). Layout maps
 * each character to its glyph (cmap) and nothing else: Latin, Greek, Cyrillic and CJK need no
 * shaping once NFC-normalized, and what we measure is then exactly what is drawn (no ligature or
 * kerning changes a width). Scripts that need shaping (Arabic, Indic) would draw unjoined; the
 * report's fonts do not cover them. Glyphs keep the code point that first asked for them: the
 * ToUnicode map (text extraction, search) is built from it, so one is made per document.
 */
function pdfLibFont(tt: TrueTypeFont): ReturnType<Fontkit['create']> {
  const font = {
    unitsPerEm: tt.unitsPerEm,
    postscriptName: tt.postscriptName,
    ascent: tt.ascent,
    descent: tt.descent,
    bbox: tt.bbox,
    italicAngle: tt.italicAngle,
    capHeight: tt.capHeight,
    xHeight: tt.xHeight,
    'OS/2': { sFamilyClass: tt.familyClass },
    post: { isFixedPitch: tt.isFixedPitch },
    head: { macStyle: { italic: tt.italic } },
    cff: null,
    layout: (text: string) => {
      const glyphs = [];
      for (const ch of text) glyphs.push(tt.glyphForCodePoint(ch.codePointAt(0) as number));
      return { glyphs };
    },
    createSubset: () => {
      const subset = new TrueTypeSubset(tt);
      return {
        cff: null,
        includeGlyph: (g: number | { id: number }) => subset.includeGlyph(g),
        // pdf-lib listens for data, end and error on what this returns, then the subset is written.
        encodeStream: () => {
          const on: Record<string, (x?: unknown) => void> = {};
          const stream = {
            on(event: string, fn: (x?: unknown) => void) {
              on[event] = fn;
              return stream;
            },
          };
          queueMicrotask(() => {
            let bytes: Uint8Array;
            try {
              bytes = subset.encode();
            } catch (err) {
              on.error?.(err);
              return;
            }
            on.data?.(bytes);
            on.end?.();
          });
          return stream;
        },
      };
    },
  };
  return font as unknown as ReturnType<Fontkit['create']>;
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
    let next: TrueTypeFont | null = null;
    doc.registerFontkit({
      create: (b) => {
        const f = pdfLibFont(next ?? new TrueTypeFont(b));
        next = null;
        return f;
      },
    });
    const embed = async (tt: TrueTypeFont, tag: string, only?: (cp: number) => boolean): Promise<Face> => {
      next = tt;
      const pdf = await doc.embedFont(tt.bytes, { subset: true, customName: `${tag}+${tt.postscriptName ?? 'Font'}` });
      return { pdf, tt, perEm: 1000 / tt.unitsPerEm, ...(only ? { only } : {}) };
    };
    // Parsed per document: a glyph keeps the code point that first asked for it (see pdfLibFont).
    const regular = await embed(new TrueTypeFont(bytes.regular), TAGS.regular);
    const bold = await embed(new TrueTypeFont(bytes.bold), TAGS.bold);
    const seen = new Set<number>();
    for (const ch of corpus.normalize('NFC')) seen.add(ch.codePointAt(0) as number);
    let missing = [...seen].filter((cp) => cp > 0x20 && !ignorable(cp) && !control(cp) && !regular.tt.hasGlyphForCodePoint(cp));
    const fallbacks: Face[] = [];
    for (const fb of bytes.fallbacks) {
      if (missing.length === 0) break;
      const wanted = fb.only ? missing.filter(fb.only) : missing;
      if (wanted.length === 0) continue;
      const tt = new TrueTypeFont(await fb.bytes());
      const covered = new Set(wanted.filter((cp) => tt.hasGlyphForCodePoint(cp)));
      if (covered.size === 0) continue;
      fallbacks.push(await embed(tt, fb.tag, fb.only));
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
      const face = order.find((f) => (!f.only || f.only(cp)) && f.tt.hasGlyphForCodePoint(cp));
      hit = face ? { face, em: face.tt.glyphForCodePoint(cp).advanceWidth * face.perEm } : null;
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
