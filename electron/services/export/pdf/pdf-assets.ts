/**
 * The files a report PDF embeds: the fonts (Noto Sans regular and bold; for what Noto lacks,
 * DejaVu Sans for symbols and arrows, NanumGothic for Hangul, Droid Sans Fallback for the other
 * CJK characters) and the sRGB profile of the PDF/A output intent. They ship in `resources/`
 * with their licenses; the packaged app has them beside the asar (electron-builder
 * `extraResources`). The fallback fonts (9 MB) are read only when a report needs one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A font used only for characters the main one lacks, in the order they are tried. */
export type FallbackFont = Readonly<{
  /** Subset tag (six capitals) and what it is for. */
  tag: string;
  /** Only these characters are taken from it (NanumGothic: Hangul; its Han glyphs are Korean in style). */
  only?: (cp: number) => boolean;
  bytes: () => Promise<Uint8Array>;
}>;

export type PdfAssets = Readonly<{
  fonts: Readonly<{ regular: Uint8Array; bold: Uint8Array; fallbacks: readonly FallbackFont[] }>;
  srgbIcc: Uint8Array;
}>;

const FILES = {
  regular: 'fonts/NotoSans-Regular.ttf',
  bold: 'fonts/NotoSans-Bold.ttf',
  symbols: 'fonts/DejaVuSans.ttf',
  hangul: 'fonts/NanumGothic.ttf',
  cjk: 'fonts/DroidSansFallbackFull.ttf',
  srgbIcc: 'color/sRGB.icc',
} as const;

/** Hangul syllables and jamo (compatibility, extended A and B). */
export function isHangul(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0x3130 && cp <= 0x318f) || (cp >= 0xa960 && cp <= 0xa97f) || (cp >= 0xac00 && cp <= 0xd7ff);
}

const hasFonts = (dir: string) => fs.existsSync(path.join(dir, FILES.regular));

/**
 * Where the resources are: the packaged app's resources folder when it holds the fonts, else the
 * repository's `resources/`, found from the built bundle (out/main/… or out/main/chunks/…) or
 * from this source file (electron/services/export/pdf/).
 */
export function resourcesDir(): string {
  const packaged = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    ...(packaged ? [packaged] : []),
    path.resolve(here, '../../resources'),
    path.resolve(here, '../../../resources'),
    path.resolve(here, '../../../../resources'),
  ];
  const found = candidates.find(hasFonts);
  if (!found) throw new Error(`The report fonts are missing: looked for ${FILES.regular} in ${candidates.join(', ')}`);
  return found;
}

const cache = new Map<string, Promise<PdfAssets>>();

/** The assets, read once per folder and kept for later reports (the fallback fonts when first needed). */
export function loadPdfAssets(dir: string = resourcesDir()): Promise<PdfAssets> {
  let p = cache.get(dir);
  if (!p) {
    const read = (rel: string) => fs.promises.readFile(path.join(dir, rel)).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    const lazy = (rel: string) => {
      let bytes: Promise<Uint8Array> | null = null;
      return () => {
        bytes ??= read(rel);
        bytes.catch(() => (bytes = null));
        return bytes;
      };
    };
    const fallbacks: FallbackFont[] = [
      { tag: 'CLOSYM', bytes: lazy(FILES.symbols) },
      { tag: 'CLOKOR', only: isHangul, bytes: lazy(FILES.hangul) },
      { tag: 'CLOCJK', bytes: lazy(FILES.cjk) },
    ];
    p = Promise.all([read(FILES.regular), read(FILES.bold), read(FILES.srgbIcc)]).then(([regular, bold, srgbIcc]) => ({ fonts: { regular, bold, fallbacks }, srgbIcc }));
    // A failed read is not cached: the next report tries again.
    p.catch(() => cache.delete(dir));
    cache.set(dir, p);
  }
  return p;
}
