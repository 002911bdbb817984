/**
 * The stand-in for pako that the main-process build gives pdf-lib (Node's zlib): what it writes,
 * pako reads, and the reverse; the standard fonts' compressed tables, which pdf-lib inflates when
 * it loads, come out as pako makes them.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import zlibPako, { deflate, inflate } from '../../electron/services/export/pdf/pako-zlib';

// pdf-lib's own pako (a dependency of pdf-lib, untyped), the peer the stand-in answers for.
const require = createRequire(import.meta.url);
const pako = require(require.resolve('pako', { paths: [path.dirname(require.resolve('pdf-lib/package.json'))] })) as {
  deflate(d: Uint8Array): Uint8Array;
  inflate(d: Uint8Array): Uint8Array;
  gzip(d: Uint8Array): Uint8Array;
};

const text = new TextEncoder().encode('BT /F1 9 Tf 72 700 Td <0012003400560078> Tj ET\n'.repeat(400));
const noise = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 2654435761) >>> 24);

describe('pako-zlib', () => {
  it('deflates to the zlib format pako reads, at the level asked', () => {
    for (const data of [text, noise, new Uint8Array(0)]) {
      const z = deflate(data);
      expect(z).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(z)).toBe(false);
      expect(pako.inflate(z)).toEqual(data);
      expect(pako.inflate(deflate(data, { level: 0 }))).toEqual(data);
    }
    expect(deflate(text, { level: 0 }).length).toBeGreaterThan(text.length);
    expect(deflate(text).length).toBeLessThan(text.length / 20);
    expect(zlibPako.deflate).toBe(deflate);
  });

  it('inflates what pako deflates, zlib or gzip, and refuses garbage', () => {
    expect(inflate(pako.deflate(noise))).toEqual(noise);
    expect(inflate(pako.gzip(text))).toEqual(text);
    expect(() => inflate(new Uint8Array([1, 2, 3, 4]))).toThrow();
  });

  it("inflates pdf-lib's standard-font tables as pako does", () => {
    const dir = path.join(path.dirname(require.resolve('@pdf-lib/standard-fonts/package.json')), 'es');
    const tables = fs.readdirSync(dir).filter((f) => f.endsWith('.compressed.json'));
    expect(tables.length).toBeGreaterThanOrEqual(15);
    for (const f of tables) {
      const bytes = new Uint8Array(Buffer.from(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as string, 'base64'));
      expect(inflate(bytes), f).toEqual(pako.inflate(bytes));
    }
  });
});
