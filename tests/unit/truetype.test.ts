/**
 * The report's own TrueType reader and subsetter, held to fontkit (an independent reader, kept as
 * a dev dependency for this) on every font the app ships: the same glyph and advance for each
 * character, the same font-descriptor figures, and subsets whose glyphs draw exactly as the
 * original's do when fontkit reads them back.
 */
import fs from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { describe, expect, it } from 'vitest';
import { FontFormatError, TrueTypeFont } from '../../electron/services/export/pdf/truetype';
import { TrueTypeSubset } from '../../electron/services/export/pdf/truetype-subset';

const FONTS = ['NotoSans-Regular', 'NotoSans-Bold', 'DejaVuSans', 'NanumGothic', 'DroidSansFallbackFull'] as const;
const fontBytes = (name: string) => new Uint8Array(fs.readFileSync(path.resolve(__dirname, '../../resources/fonts', `${name}.ttf`)));

// fontkit's typings (pdf-lib's copy) lack the parts read here.
type FkGlyph = { id: number; advanceWidth: number; path: { toSVG(): string }; _getMetrics(): { leftBearing: number } };
type FkFont = {
  unitsPerEm: number;
  ascent: number;
  descent: number;
  bbox: { minX: number; minY: number; maxX: number; maxY: number };
  italicAngle: number;
  capHeight: number | undefined;
  xHeight: number | undefined;
  postscriptName: string | null;
  numGlyphs: number;
  characterSet: number[];
  'OS/2': { sFamilyClass: number };
  post: { isFixedPitch: number };
  head: { macStyle: { italic: boolean } };
  _cmapProcessor: { lookup(cp: number): number };
  getGlyph(id: number): FkGlyph;
};
const fk = (b: Uint8Array) => fontkit.create(b) as unknown as FkFont;

/** Every n-th element, so the 50,000-character fonts stay quick; all of the small ones. */
const every = <T>(xs: readonly T[], n: number) => xs.filter((_, i) => i % n === 0);

describe('TrueTypeFont answers as fontkit does', () => {
  for (const name of FONTS) {
    it(`${name}: descriptor figures, and glyph and advance of each character`, () => {
      const bytes = fontBytes(name);
      const ours = new TrueTypeFont(bytes);
      const theirs = fk(bytes);
      expect({
        unitsPerEm: ours.unitsPerEm,
        ascent: ours.ascent,
        descent: ours.descent,
        bbox: { ...ours.bbox },
        italicAngle: ours.italicAngle,
        capHeight: ours.capHeight,
        xHeight: ours.xHeight,
        postscriptName: ours.postscriptName,
        numGlyphs: ours.numGlyphs,
        familyClass: ours.familyClass,
        fixedPitch: ours.isFixedPitch,
        italic: ours.italic,
      }).toEqual({
        unitsPerEm: theirs.unitsPerEm,
        ascent: theirs.ascent,
        descent: theirs.descent,
        bbox: { minX: theirs.bbox.minX, minY: theirs.bbox.minY, maxX: theirs.bbox.maxX, maxY: theirs.bbox.maxY },
        italicAngle: theirs.italicAngle,
        capHeight: theirs.capHeight,
        xHeight: theirs.xHeight,
        postscriptName: theirs.postscriptName,
        numGlyphs: theirs.numGlyphs,
        familyClass: theirs['OS/2'].sFamilyClass,
        fixedPitch: theirs.post.isFixedPitch !== 0,
        italic: theirs.head.macStyle.italic,
      });
      // The characters it has, and around them the ones it lacks (gaps, past the BMP, surrogates).
      const has = theirs.characterSet;
      const probe = new Set<number>(every(has, Math.max(1, Math.floor(has.length / 4000))));
      for (const cp of every(has, 97)) for (const d of [-1, 1, 0x10000]) probe.add(cp + d);
      for (const cp of [0, 0x20, 0xd800, 0xdfff, 0xfffd, 0xffff, 0x1f600, 0x10ffff]) probe.add(cp);
      const mine: Array<[number, number, number]> = [];
      const fontkits: Array<[number, number, number]> = [];
      for (const cp of probe) {
        const id = theirs._cmapProcessor.lookup(cp);
        fontkits.push([cp, id, id === 0 ? 0 : theirs.getGlyph(id)._getMetrics().leftBearing]);
        mine.push([cp, ours.glyphIdForCodePoint(cp), ours.glyphIdForCodePoint(cp) === 0 ? 0 : ours.metrics(ours.glyphIdForCodePoint(cp)).bearing]);
      }
      expect(mine).toEqual(fontkits);
      for (const cp of every(has, Math.max(1, Math.floor(has.length / 500)))) {
        const g = ours.glyphForCodePoint(cp);
        expect([cp, g.id, g.advanceWidth], name).toEqual([cp, theirs._cmapProcessor.lookup(cp), theirs.getGlyph(g.id).advanceWidth]);
        expect(ours.hasGlyphForCodePoint(cp)).toBe((theirs as unknown as { hasGlyphForCodePoint(cp: number): boolean }).hasGlyphForCodePoint(cp));
      }
      // Past the last full metric, a glyph takes the last advance.
      const last = ours.numGlyphs - 1;
      expect(ours.glyph(last).advanceWidth).toBe(theirs.getGlyph(last).advanceWidth);
    });
  }

  it('keeps, for each glyph, the code point that first asked for it (the PDF maps text back from it)', () => {
    // NanumGothic draws some characters with one glyph: U+2014 and U+2015, « and ≪…
    const bytes = fontBytes('NanumGothic');
    const f = new TrueTypeFont(bytes);
    const first = new Map<number, number>();
    let pair: [number, number] | null = null;
    for (const cp of fk(bytes).characterSet) {
      const id = f.glyphIdForCodePoint(cp);
      if (id === 0 || cp <= 0x20) continue;
      const seen = first.get(id);
      if (seen !== undefined) {
        pair = [seen, cp];
        break;
      }
      first.set(id, cp);
    }
    expect(pair).not.toBeNull();
    const [a, b] = pair!;
    expect(f.glyphForCodePoint(b).codePoints).toEqual([b]);
    expect(f.glyphForCodePoint(a).codePoints).toEqual([b]);
    expect(f.glyphForCodePoint(a).id).toBe(f.glyphIdForCodePoint(b));
  });

  it('refuses what is not a TrueType font, saying why', () => {
    expect(() => new TrueTypeFont(new Uint8Array(4))).toThrow(FontFormatError);
    expect(() => new TrueTypeFont(new TextEncoder().encode('%PDF-1.7 not a font at all'))).toThrow(/not a TrueType font/);
    const noto = fontBytes('NotoSans-Regular');
    expect(() => new TrueTypeFont(noto.subarray(0, 4000))).toThrow(/runs past the end/);
    const otto = noto.slice();
    otto.set([0x4f, 0x54, 0x54, 0x4f], 0);
    expect(() => new TrueTypeFont(otto)).toThrow(/only glyf outlines/);
  });
});

/** Tables of an sfnt file by tag, with their checksums checked. */
function tablesOf(file: Uint8Array): Map<string, Uint8Array> {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out = new Map<string, Uint8Array>();
  const sum = (b: Uint8Array) => {
    let s = 0;
    for (let i = 0; i < b.length; i += 4) s = (s + (((b[i]! << 24) | ((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0)) >>> 0)) >>> 0;
    return s;
  };
  const n = v.getUint16(4);
  let prev = '';
  for (let i = 0; i < n; i++) {
    const r = 12 + i * 16;
    const tag = String.fromCharCode(...file.subarray(r, r + 4));
    expect(tag > prev, 'tables sorted by tag').toBe(true);
    prev = tag;
    const at = v.getUint32(r + 8);
    expect(at % 4, `${tag} 4-byte aligned`).toBe(0);
    const data = file.subarray(at, at + v.getUint32(r + 12));
    if (tag === 'head') {
      const h = data.slice();
      new DataView(h.buffer).setUint32(8, 0);
      expect(v.getUint32(r + 4), 'head checksum').toBe(sum(h));
    } else expect(v.getUint32(r + 4), `${tag} checksum`).toBe(sum(data));
    out.set(tag, data);
  }
  expect(sum(file), 'whole-file checksum (checkSumAdjustment)').toBe(0xb1b0afba);
  return out;
}

describe('TrueTypeSubset', () => {
  const TEXT = 'Intraoperative monitoring: SSEP, MEP — Ǻ é ñ Ω Ж ẞ ≥ 0.5 µV, 12:05 «ok» ﬁ';

  for (const name of ['NotoSans-Regular', 'DejaVuSans', 'NanumGothic'] as const) {
    it(`${name}: each glyph draws as in the original, composites with their parts renumbered`, () => {
      const bytes = fontBytes(name);
      const font = new TrueTypeFont(bytes);
      const subset = new TrueTypeSubset(font);
      const text = name === 'NanumGothic' ? `${TEXT} 김민준 서울` : TEXT;
      const used = new Map<number, number>();
      for (const ch of text) {
        const g = font.glyphForCodePoint(ch.codePointAt(0) as number);
        used.set(subset.includeGlyph(g), g.id);
      }
      expect(subset.includeGlyph(0)).toBe(0);
      const file = subset.encode();
      const tables = tablesOf(file);
      expect([...tables.keys()].sort()).toEqual(['cvt ', 'fpgm', 'glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp', 'prep'].filter((t) => font.tableBytes(t)));

      const original = fk(bytes);
      const back = fk(file);
      // Components added after the glyphs asked for: more glyphs than characters when composites are drawn.
      expect(back.numGlyphs).toBeGreaterThanOrEqual(new Set([0, ...used.keys()]).size);
      for (const [sub, id] of used) {
        expect(back.getGlyph(sub).path.toSVG(), `${name} glyph ${id} → ${sub}`).toBe(original.getGlyph(id).path.toSVG());
        expect(back.getGlyph(sub).advanceWidth).toBe(original.getGlyph(id).advanceWidth);
      }
      expect(back.getGlyph(0).path.toSVG()).toBe(original.getGlyph(0).path.toSVG());
      expect(back.unitsPerEm).toBe(original.unitsPerEm);
    });
  }

  it('uses long loca offsets when the glyphs pass 128 KB, and stays readable', () => {
    const bytes = fontBytes('DroidSansFallbackFull');
    const font = new TrueTypeFont(bytes);
    const subset = new TrueTypeSubset(font);
    const used = new Map<number, number>();
    for (let cp = 0x4e00; cp < 0x4e00 + 2000; cp++) {
      const g = font.glyphForCodePoint(cp);
      if (g.id !== 0) used.set(subset.includeGlyph(g), g.id);
    }
    const file = subset.encode();
    const tables = tablesOf(file);
    const head = tables.get('head')!;
    expect(new DataView(head.buffer, head.byteOffset, head.byteLength).getInt16(50)).toBe(1);
    expect(tables.get('glyf')!.length).toBeGreaterThan(0x20000);
    const original = fk(bytes);
    const back = fk(file);
    for (const [sub, id] of every([...used], 40)) expect(back.getGlyph(sub).path.toSVG(), `glyph ${id} → ${sub}`).toBe(original.getGlyph(id).path.toSVG());
  });
});
