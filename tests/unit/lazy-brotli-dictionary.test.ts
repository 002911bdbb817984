import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lazyBrotliDictionary } from '../../electron/tools/lazy-brotli-dictionary.mjs';

// The installed fontkit, as the build sees it.
const fontkitEs = path.join(path.dirname(createRequire(import.meta.url).resolve('@pdf-lib/fontkit/package.json')), 'dist/fontkit.es.js');

describe('build: fontkit decodes the Brotli dictionary at first use, not at load', () => {
  const plugin = lazyBrotliDictionary();

  it('rewrites the one eager statement of the installed fontkit', () => {
    const code = fs.readFileSync(fontkitEs, 'utf8');
    const out = plugin.transform(code, fontkitEs);
    expect(out).not.toBeNull();
    expect(out!.code).not.toContain('dictionary.init(BrotliDecompressBuffer);');
    expect(out!.code).toContain("Object.defineProperty(dictionary, 'dictionary'");
    expect(out!.code.length).toBeGreaterThan(code.length);
  });

  it('leaves every other file alone', () => {
    expect(plugin.transform('dictionary.init(BrotliDecompressBuffer);\nvar decode = {', '/x/node_modules/pdf-lib/es/index.js')).toBeNull();
  });

  it('fails the build when an upgraded fontkit no longer has the statement', () => {
    expect(() => plugin.transform('var decode = {};', '/x/node_modules/@pdf-lib/fontkit/dist/fontkit.es.js')).toThrow(/no longer decodes/);
  });

  it('the lazy dictionary is decoded once, at first read', () => {
    // The replacement, run against stand-ins for fontkit's own objects.
    const code = plugin.transform('dictionary.init(BrotliDecompressBuffer);\nvar decode = {', '/n/@pdf-lib/fontkit/dist/fontkit.es.js')!.code;
    let decoded = 0;
    const dictionary: { dictionary?: Uint8Array } = {};
    const dictionaryDataCompressed = { init: () => (decoded++, new Uint8Array([7, 8])) };
    const run = new Function('dictionary', 'dictionaryDataCompressed', 'BrotliDecompressBuffer', `${code} a: 1 };`);
    run(dictionary, dictionaryDataCompressed, () => null);
    expect(decoded).toBe(0);
    expect(dictionary.dictionary![1]).toBe(8);
    expect(dictionary.dictionary![0]).toBe(7);
    expect(decoded).toBe(1);
  });
});
