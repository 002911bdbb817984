/**
 * The files a report PDF embeds: the fonts (Noto Sans regular and bold; Droid Sans Fallback for
 * CJK) and the sRGB profile of the PDF/A output intent. They ship in `resources/` with their
 * licenses; the packaged app has them beside the asar (electron-builder `extraResources`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type PdfAssets = Readonly<{
  fonts: Readonly<{ regular: Uint8Array; bold: Uint8Array; cjk: Uint8Array }>;
  srgbIcc: Uint8Array;
}>;

const FILES = {
  regular: 'fonts/NotoSans-Regular.ttf',
  bold: 'fonts/NotoSans-Bold.ttf',
  cjk: 'fonts/DroidSansFallbackFull.ttf',
  srgbIcc: 'color/sRGB.icc',
} as const;

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

/** The assets, read once per folder (≈ 5 MB, mostly the CJK font) and kept for later reports. */
export function loadPdfAssets(dir: string = resourcesDir()): Promise<PdfAssets> {
  let p = cache.get(dir);
  if (!p) {
    const read = (rel: string) => fs.promises.readFile(path.join(dir, rel)).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    p = Promise.all([read(FILES.regular), read(FILES.bold), read(FILES.cjk), read(FILES.srgbIcc)]).then(([regular, bold, cjk, srgbIcc]) => ({ fonts: { regular, bold, cjk }, srgbIcc }));
    // A failed read is not cached: the next report tries again.
    p.catch(() => cache.delete(dir));
    cache.set(dir, p);
  }
  return p;
}
