import { describe, expect, it } from 'vitest';
import { decodeText, sniffBom, StreamDecoder } from '../../shared/parsers/text-decoding';
import { TextLineReader } from '../../shared/parsers/text-lines';
import { randomChunks, seededRng, utf8 } from '../fixtures/vendor/chunking';

describe('text decoding', () => {
  it('decodes the three site encodings (this Node has full ICU)', () => {
    expect(decodeText(Uint8Array.of(0xc4, 0xe3, 0xba, 0xc3), 'gbk')).toBe('你好');
    expect(decodeText(Uint8Array.of(0x80, 0xb5, 0xe9), 'windows-1252')).toBe('€µé');
    // 0x80–0x9F are Windows punctuation, not C1 controls (Node's own decoder gets this wrong).
    expect(decodeText(Uint8Array.of(0x93, 0x71, 0x94, 0x96, 0x85, 0x81), 'windows-1252')).toBe('“q”–…\u0081');
    expect(decodeText(utf8('µ'), 'utf-8')).toBe('µ');
    expect(decodeText(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41), 'utf-8')).toBe('A');
  });

  it('never splits a multi-byte character across chunks', () => {
    const cases = [
      { enc: 'utf-8' as const, bytes: utf8('a€b😀c中'), text: 'a€b😀c中' },
      { enc: 'gbk' as const, bytes: Uint8Array.of(0x41, 0xc4, 0xe3, 0x42, 0xba, 0xc3), text: 'A你B好' },
    ];
    for (const c of cases) {
      for (let seed = 1; seed <= 20; seed++) {
        const d = new StreamDecoder(c.enc);
        const out = randomChunks(c.bytes, seededRng(seed), 1, 3).map((ch) => d.decode(ch)).join('') + d.end();
        expect(out).toBe(c.text);
      }
    }
  });

  it('lets a BOM override the chosen encoding, even when the BOM is split', () => {
    const d = new StreamDecoder('windows-1252');
    const bytes = Uint8Array.of(0xef, 0xbb, 0xbf, 0xc2, 0xb5);
    expect([d.decode(bytes.subarray(0, 1)), d.decode(bytes.subarray(1, 2)), d.decode(bytes.subarray(2)), d.end()].join('')).toBe('µ');
    expect(d.encodingUsed).toBe('utf-8');
    expect(sniffBom(Uint8Array.of(0xff, 0xfe, 0x41, 0))).toEqual({ encoding: 'utf-16le', length: 2 });
    expect(sniffBom(Uint8Array.of(0x41))).toBe(null);
    // A file shorter than a BOM is still decoded at end().
    const short = new StreamDecoder('utf-8');
    // A lone byte that is not UTF-8 is read as Windows-1252 (0xEF = "ï"), not replaced.
    expect(short.decode(Uint8Array.of(0xef)) + short.end()).toBe('ï');
  });

  it('splits lines on LF, CRLF and CR, numbering them', () => {
    const r = new TextLineReader('utf-8');
    const lines = [...r.push(utf8('a\r')), ...r.push(utf8('\nb\rc\n\nd')), ...r.end()];
    expect(lines.map((l) => [l.lineNo, l.text])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
      [4, ''],
      [5, 'd'],
    ]);
  });
});
