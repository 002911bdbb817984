import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../electron/services/capture/serial/line-splitter';

const enc = new TextEncoder();
const dec = new TextDecoder();

function feed(splitter: LineSplitter, ...chunks: (string | Uint8Array)[]): string[] {
  return chunks.flatMap((c) => splitter.push(typeof c === 'string' ? enc.encode(c) : c).map((l) => dec.decode(l.bytes)));
}

describe('LineSplitter', () => {
  it('ends lines at CR, LF and CRLF, mixed in one stream, and skips empty lines', () => {
    expect(feed(new LineSplitter(), 'a\rb\nc\r\nd\n\n\r\r\ne\r')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a CRLF split across chunks is one line end', () => {
    const s = new LineSplitter();
    expect(feed(s, 'one\r')).toEqual(['one']);
    expect(feed(s, '\ntwo\r')).toEqual(['two']);
    expect(feed(s, '\n')).toEqual([]);
    expect(feed(s, 'three\n')).toEqual(['three']);
  });

  it('holds a line across any number of chunks, byte by byte', () => {
    const s = new LineSplitter();
    const bytes = enc.encode('Zoë 王伟\r\nnext\n');
    const out: string[] = [];
    for (const b of bytes) out.push(...feed(s, Uint8Array.of(b)));
    expect(out).toEqual(['Zoë 王伟', 'next']);
  });

  it('keeps what comes after a line end in the same chunk', () => {
    const s = new LineSplitter();
    expect(feed(s, 'a\nbc')).toEqual(['a']);
    expect(s.pendingBytes).toBe(2);
    expect(feed(s, 'd\n')).toEqual(['bcd']);
  });

  it('cuts a line longer than the limit and reports how much was thrown away', () => {
    const s = new LineSplitter(8);
    const lines = s.push(enc.encode('0123456789ABCDEF\nok\n'));
    expect(lines.map((l) => [dec.decode(l.bytes), l.cutBytes])).toEqual([
      ['01234567', 8],
      ['ok', 0],
    ]);
  });

  it('drop() forgets the unfinished line (a link lost mid-line) and returns its size', () => {
    const s = new LineSplitter();
    feed(s, 'half a li');
    expect(s.drop()).toBe(9);
    expect(feed(s, 'new line\n')).toEqual(['new line']);
    expect(s.drop()).toBe(0);
  });
});
