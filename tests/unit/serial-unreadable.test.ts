import { describe, expect, it } from 'vitest';
import { TextByteClassifier, unreadableShare } from '../../electron/services/capture/serial/text-bytes';
import { UnreadableDetector } from '../../electron/services/capture/serial/unreadable-detector';
import type { TextEncodingName } from '../../shared/parsers/text-decoding';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Deterministic noise (mulberry32). */
function noise(n: number, seed: number): Uint8Array {
  let a = seed >>> 0;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

/**
 * What a 9600-baud receiver makes of 115200-baud ASCII: each start bit's edge reads as a byte
 * of mostly ones or zeros, with framing errors as NUL. A pattern seen on real adapters.
 */
function wrongBaudBytes(n: number): Uint8Array {
  const typical = [0x00, 0x80, 0xf8, 0xfe, 0xe0, 0xff, 0x78, 0x00, 0xc0, 0x80, 0xfc, 0x06];
  return Uint8Array.from({ length: n }, (_, i) => typical[(i * 7) % typical.length] as number);
}

function verdicts(encoding: TextEncodingName, ...chunks: Uint8Array[]): boolean[] {
  const c = new TextByteClassifier(encoding);
  const out: boolean[] = [];
  const sink = (readable: boolean, count: number): void => {
    for (let i = 0; i < count; i++) out.push(readable);
  };
  for (const chunk of chunks) c.feed(chunk, sink);
  c.finish(sink);
  return out;
}

describe('TextByteClassifier', () => {
  it('printable ASCII, TAB, CR, LF and the MLLP block bytes are text; NUL, other controls and DEL are not', () => {
    expect(verdicts('utf-8', Uint8Array.of(0x41, 0x09, 0x0d, 0x0a, 0x0b, 0x1c, 0x00, 0x07, 0x1b, 0x7f))).toEqual([true, true, true, true, true, true, false, false, false, false]);
  });

  it('UTF-8: well-formed sequences are text even when split across chunks; broken ones are not', () => {
    const bytes = utf8('é王😀');
    expect(verdicts('utf-8', bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4))).toEqual(Array(bytes.length).fill(true));
    // A lone continuation byte, an overlong lead (0xC0), a surrogate (ED A0 80), a cut sequence.
    expect(verdicts('utf-8', Uint8Array.of(0x80))).toEqual([false]);
    expect(verdicts('utf-8', Uint8Array.of(0xc0, 0x80))).toEqual([false, false]);
    expect(verdicts('utf-8', Uint8Array.of(0xed, 0xa0, 0x80))).toEqual([false, false, false]);
    expect(verdicts('utf-8', Uint8Array.of(0xe7, 0x8e, 0x41))).toEqual([false, false, true]);
  });

  it('Windows-1252: an isolated accented letter is text, a run of high bytes is not', () => {
    // "Müller" and "5 €": one high byte each.
    expect(unreadableShare(Uint8Array.of(0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x20, 0x35, 0x20, 0x80), 'windows-1252')).toBe(0);
    expect(verdicts('windows-1252', Uint8Array.of(0xfc, 0xfc, 0xfc))).toEqual([true, false, false]);
    expect(verdicts('windows-1252', Uint8Array.of(0x81))).toEqual([false]);
  });

  it('GBK: a lead byte with a valid trail byte is text', () => {
    // 王伟 in GBK: CD F5 CE B0.
    expect(verdicts('gbk', Uint8Array.of(0xcd), Uint8Array.of(0xf5, 0xce, 0xb0))).toEqual([true, true, true, true]);
    expect(verdicts('gbk', Uint8Array.of(0xcd, 0x0a))).toEqual([false, true]);
    expect(verdicts('gbk', Uint8Array.of(0x80, 0xff))).toEqual([false, false]);
  });
});

describe('UnreadableDetector', () => {
  it('text of every kind stays readable', () => {
    const d = new UnreadableDetector('utf-8');
    expect(d.push(utf8('12:03:44;TcMEP L;Baseline obtained, Zoë Ó Dálaigh 王伟\r\n'.repeat(20)))).toBe(false);
    expect(d.share).toBe(0);
    const hl7 = new UnreadableDetector('utf-8');
    expect(hl7.push(Uint8Array.from([0x0b, ...utf8('MSH|^~\\&|MON|OR3|||20260301||ORU^R01|1|P|2.6\rOBX|1|NM|8478-0^MAP^LN||78|mm[Hg]\r'), 0x1c, 0x0d]))).toBe(false);
  });

  it.each<TextEncodingName>(['utf-8', 'windows-1252'])('random bytes read as unreadable (%s)', (encoding) => {
    const d = new UnreadableDetector(encoding);
    expect(d.push(noise(512, 7))).toBe(true);
    expect(d.share).toBeGreaterThan(0.3);
  });

  it.each<TextEncodingName>(['utf-8', 'windows-1252', 'gbk'])('a wrong baud rate reads as unreadable (%s)', (encoding) => {
    expect(new UnreadableDetector(encoding).push(wrongBaudBytes(300))).toBe(true);
  });

  it('judges nothing before enough bytes: a few junk bytes at power-up raise no alarm', () => {
    const d = new UnreadableDetector('utf-8');
    expect(d.push(Uint8Array.of(0x00, 0xff, 0x00, 0xf8))).toBe(false);
    expect(d.push(utf8('device ready\r\n'))).toBe(false);
  });

  it('a minority of noise bytes (≤ 30 %) keeps it readable', () => {
    const d = new UnreadableDetector('utf-8');
    const mixed = new Uint8Array(256);
    for (let i = 0; i < 256; i++) mixed[i] = i % 4 === 0 ? 0x00 : 0x41; // 25 % NUL
    expect(d.push(mixed)).toBe(false);
  });

  it('returns to readable only once text has pushed the noise out of the window (hysteresis)', () => {
    const d = new UnreadableDetector('utf-8');
    expect(d.push(noise(1024, 3))).toBe(true);
    expect(d.push(utf8('x'.repeat(128)))).toBe(true);
    expect(d.push(utf8('x'.repeat(128)))).toBe(false);
    expect(d.share).toBe(0);
  });

  it('reset() forgets the previous connection', () => {
    const d = new UnreadableDetector('utf-8');
    d.push(noise(512, 9));
    d.reset();
    expect(d.unreadable).toBe(false);
    expect(d.share).toBe(0);
  });
});
