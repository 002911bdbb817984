/**
 * What the built main process carries for the PDF (#15, the PDF from the command line): the
 * report's own TrueType reader instead of fontkit, Node's zlib instead of pako. Checked on the
 * build the CLI runs (the global setup rebuilds out/ when a source is newer).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';

const chunks = () => {
  const dir = path.join(ROOT, 'out', 'main', 'chunks');
  return fs.readdirSync(dir).map((f) => ({ f, code: fs.readFileSync(path.join(dir, f), 'utf8') }));
};

describe('the built PDF writer', () => {
  it('has no fontkit and no pako: its own TrueType reader, and pdf-lib deflating with zlib', () => {
    const all = chunks();
    // Strings only fontkit's and pako's code hold.
    expect(all.filter((c) => c.code.includes('Could not find a supported cmap table')).map((c) => c.f)).toEqual([]);
    expect(all.filter((c) => /['"]need dictionary['"]/.test(c.code)).map((c) => c.f)).toEqual([]);
    const writer = all.filter((c) => c.code.includes('PDFContext') && c.code.includes('FlateDecode'));
    expect(writer.length).toBe(1);
    expect(writer[0]!.code).toContain('zlib.deflateSync');
    expect(all.some((c) => /TrueTypeSubset = class|class TrueTypeSubset/.test(c.code))).toBe(true);
  });
});
