import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Hl7LineDeframer, MllpDeframer, mllpEncode, type MllpStats } from '../../shared/hl7/mllp';
import { decodeHl7Bytes, parseHl7 } from '../../shared/hl7/parse';
import { TESTDATA } from '../helpers/temp-dir';
import { mulberry32 } from '../../shared/util/seeded-random';

const enc = new TextEncoder();
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const bytes = (...parts: (string | readonly number[] | Uint8Array)[]): Uint8Array => {
  const arrays = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
};
const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;



/** Feed `stream` in random chunks of 1..maxChunk bytes; collect payloads. */
function feed(d: { push: (c: Uint8Array) => Uint8Array[] }, stream: Uint8Array, rand: () => number, maxChunk = 7): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let pos = 0; pos < stream.length; ) {
    const n = 1 + Math.floor(rand() * maxChunk);
    out.push(...d.push(stream.subarray(pos, pos + n)));
    pos += n;
  }
  return out;
}

function accounted(s: MllpStats, pending: number): number {
  return s.payloadBytes + s.framingBytes + s.garbageBytes + pending;
}

const MSG_A = 'MSH|^~\\&|A|||||ORU^R01|1|P|2.5.1\rPID|1||123\r';
const MSG_B = "MSH|^~\\&|B|||||ORU^R01|2|P|2.5.1\rPID|1||456||Zoë O'Brien-Smith^王伟\r";

describe('mllpEncode', () => {
  it('wraps UTF-8 in VT … FS CR', () => {
    expect([...mllpEncode('é')]).toEqual([VT, 0xc3, 0xa9, FS, CR]);
    expect([...mllpEncode(Uint8Array.from([1, 2]))]).toEqual([VT, 1, 2, FS, CR]);
  });
});

describe('MllpDeframer', () => {
  it('returns frames split at every possible chunking (1..7 bytes)', () => {
    const stream = bytes(mllpEncode(MSG_A), mllpEncode(MSG_B));
    for (let seed = 1; seed <= 200; seed += 1) {
      const d = new MllpDeframer();
      const frames = feed(d, stream, mulberry32(seed));
      expect(frames.map(dec)).toEqual([MSG_A, MSG_B]);
      expect(d.stats).toMatchObject({ frames: 2, garbageBytes: 0, droppedFrames: 0, framingBytes: 6 });
      expect(d.pendingBytes).toBe(0);
    }
  });

  it('counts garbage before and between frames', () => {
    const d = new MllpDeframer();
    const frames = d.push(bytes('noise', [CR, 0x0a], mllpEncode(MSG_A), [0x00, FS, 0xff], mllpEncode(MSG_B), '\n'));
    expect(frames.map(dec)).toEqual([MSG_A, MSG_B]);
    expect(d.stats.garbageBytes).toBe(5 + 2 + 3 + 1);
  });

  it('takes an end block without the CR as the end of the frame', () => {
    const d = new MllpDeframer();
    const frames = d.push(bytes([VT], 'one', [FS, VT], 'two', [FS, CR]));
    expect(frames.map(dec)).toEqual(['one', 'two']);
    expect(d.stats).toMatchObject({ garbageBytes: 0, framingBytes: 5 });
  });

  it('drops a frame whose end block never came when a new start block arrives', () => {
    const d = new MllpDeframer();
    const frames = d.push(bytes([VT], 'partial', [VT], 'whole', [FS, CR]));
    expect(frames.map(dec)).toEqual(['whole']);
    expect(d.stats).toMatchObject({ droppedFrames: 1, garbageBytes: 1 + 7, frames: 1 });
  });

  it('handles a frame split across chunks right at the framing bytes', () => {
    const d = new MllpDeframer();
    expect(d.push(Uint8Array.from([VT]))).toEqual([]);
    expect(d.push(enc.encode('abc'))).toEqual([]);
    expect(d.pendingBytes).toBe(4);
    expect(d.push(Uint8Array.from([FS])).map(dec)).toEqual(['abc']);
    expect(d.push(Uint8Array.from([CR]))).toEqual([]);
    expect(d.stats).toMatchObject({ framingBytes: 3, garbageBytes: 0 });
  });

  it('discards an oversize frame, counts it, and recovers on the next frame', () => {
    const d = new MllpDeframer({ maxFrameBytes: 10 });
    const big = 'x'.repeat(25);
    const frames = d.push(bytes([VT], big, [FS, CR, VT], 'ok', [FS, CR]));
    expect(frames.map(dec)).toEqual(['ok']);
    expect(d.stats).toMatchObject({ oversizeFrames: 1, frames: 1, garbageBytes: 1 + 25 + 2 });
  });

  it('recovers from an oversize frame with no end block when a start block comes', () => {
    const d = new MllpDeframer({ maxFrameBytes: 10 });
    const frames = feed(d, bytes([VT], 'y'.repeat(40), [VT], 'fine', [FS, CR]), mulberry32(3));
    expect(frames.map(dec)).toEqual(['fine']);
    expect(d.stats).toMatchObject({ oversizeFrames: 1, garbageBytes: 41 });
  });

  it('accepts a frame of exactly the limit', () => {
    const d = new MllpDeframer({ maxFrameBytes: 10 });
    expect(feed(d, bytes([VT], '0123456789', [FS, CR]), mulberry32(5)).map(dec)).toEqual(['0123456789']);
  });

  it('end() drops and counts an unfinished frame', () => {
    const d = new MllpDeframer();
    d.push(bytes([VT], 'half'));
    d.end();
    expect(d.stats).toMatchObject({ droppedFrames: 1, garbageBytes: 5 });
    expect(d.pendingBytes).toBe(0);
  });

  it('fuzz: frames, noise, truncated and oversize frames in random chunks', () => {
    const MAX = 64;
    for (let seed = 1; seed <= 300; seed += 1) {
      const rand = mulberry32(seed);
      const parts: Uint8Array[] = [];
      const expected: string[] = [];
      let garbage = 0;
      let dropped = 0;
      let oversize = 0;
      const items = 1 + Math.floor(rand() * 12);
      let lastWasOpen = false;
      for (let i = 0; i < items; i += 1) {
        const pick = rand();
        const text = Array.from({ length: Math.floor(rand() * 50) }, () => String.fromCharCode(0x20 + Math.floor(rand() * 95))).join('');
        if (lastWasOpen) {
          // An open frame must be followed by a start block to be dropped: force a real frame.
          parts.push(mllpEncode(text));
          expected.push(text);
          lastWasOpen = false;
        } else if (pick < 0.5) {
          parts.push(mllpEncode(text));
          expected.push(text);
        } else if (pick < 0.7) {
          // noise: anything but a start block
          const noise = Uint8Array.from({ length: 1 + Math.floor(rand() * 20) }, () => {
            const b = Math.floor(rand() * 256);
            return b === VT ? 0x41 : b;
          });
          parts.push(noise);
          garbage += noise.length;
        } else if (pick < 0.85) {
          const open = bytes([VT], text);
          parts.push(open);
          garbage += open.length;
          dropped += 1;
          lastWasOpen = true;
        } else {
          const big = mllpEncode('z'.repeat(MAX + 1 + Math.floor(rand() * 100)));
          parts.push(big);
          garbage += big.length;
          oversize += 1;
        }
      }
      if (lastWasOpen) {
        dropped -= 1; // still pending at the end: counted as pending, then by end()
      }
      const stream = bytes(...parts);
      const d = new MllpDeframer({ maxFrameBytes: MAX });
      const got = feed(d, stream, rand).map(dec);
      expect(got).toEqual(expected);
      const s = d.stats;
      expect(accounted(s, d.pendingBytes)).toBe(stream.length);
      expect(s.garbageBytes + d.pendingBytes).toBe(garbage);
      expect(s.droppedFrames).toBe(dropped);
      expect(s.oversizeFrames).toBe(oversize);
      d.end();
      expect(accounted(d.stats, 0)).toBe(stream.length);
    }
  });

  it('fuzz: random bytes never throw and every byte is accounted for', () => {
    const rand = mulberry32(99);
    for (let i = 0; i < 500; i += 1) {
      const stream = Uint8Array.from({ length: Math.floor(rand() * 300) }, () => {
        const r = rand();
        return r < 0.05 ? VT : r < 0.1 ? FS : r < 0.15 ? CR : Math.floor(rand() * 256);
      });
      const d = new MllpDeframer({ maxFrameBytes: 1 + Math.floor(rand() * 40) });
      const frames = feed(d, stream, rand);
      expect(accounted(d.stats, d.pendingBytes)).toBe(stream.length);
      for (const f of frames) expect(f.includes(VT) || f.includes(FS)).toBe(false);
    }
  });
});

describe('Hl7LineDeframer', () => {
  const A = ['MSH|^~\\&|A|||||ORU^R01|1|P|2.5.1', 'PID|1||123', 'OBX|1|NM|x||1'];
  const B = ['MSH|^~\\&|B|||||ORU^R01|2|P|2.5.1', 'PID|1||456'];
  const asMessage = (lines: readonly string[]): string => lines.map((l) => `${l}\r`).join('');

  it.each([
    ['CR', '\r'],
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('splits on MSH with %s separators, flushing the last on demand', (_n, eol) => {
    const stream = enc.encode(`${[...A, '', ...B].join(eol)}${eol}`);
    for (let seed = 1; seed <= 50; seed += 1) {
      const d = new Hl7LineDeframer();
      const got = feed(d, stream, mulberry32(seed)).map(dec);
      expect(got).toEqual([asMessage(A)]);
      expect(d.flush().map(dec)).toEqual([asMessage(B)]);
      expect(d.flush()).toEqual([]);
      expect(d.stats).toMatchObject({ messages: 2, garbageBytes: 0 });
    }
  });

  it('counts lines before the first MSH as garbage and treats stray MLLP bytes as breaks', () => {
    const d = new Hl7LineDeframer();
    const got = d.push(bytes('login: \r', [VT], A.join('\r'), [FS, CR], B[0] ?? '', '\r'));
    expect(got.map(dec)).toEqual([asMessage(A)]);
    expect(d.stats.garbageBytes).toBe('login: '.length + 2);
  });

  it('flushes an unterminated last line, and a complete message before an unterminated MSH', () => {
    const d = new Hl7LineDeframer();
    expect(d.push(enc.encode(`${A.join('\r')}\r${B[0]}`))).toEqual([]);
    expect(d.flush().map(dec)).toEqual([asMessage(A), asMessage([B[0] ?? ''])]);
  });

  it('drops an oversize message until the next MSH', () => {
    const d = new Hl7LineDeframer({ maxMessageBytes: 60 });
    const long = ['MSH|^~\\&|BIG', 'OBX|1|ST|x||' + 'y'.repeat(40), 'OBX|2|ST|x||more', 'OBX|3|ST|x||more'];
    const got = d.push(enc.encode(`${long.join('\r')}\r${A.join('\r')}\r`));
    expect(got).toEqual([]);
    expect(d.flush().map(dec)).toEqual([asMessage(A)]);
    expect(d.stats.oversizeMessages).toBe(1);
  });

  it('drops a single line longer than the limit and keeps the message before it', () => {
    const d = new Hl7LineDeframer({ maxMessageBytes: 80 });
    const got = feed(d, enc.encode(`${A.join('\r')}\rMSH|^~\\&|${'z'.repeat(200)}\rPID|1\r${B.join('\r')}\r`), mulberry32(11));
    expect(got.map(dec)).toEqual([asMessage(A)]);
    expect(d.flush().map(dec)).toEqual([asMessage(B)]);
    expect(d.stats.oversizeMessages).toBe(1);
  });

  it('turns the shared CRLF file into one CR-separated message that parses', () => {
    const raw = fs.readFileSync(path.join(TESTDATA, 'hl7', 'draeger_PCD04_watchdog.txt'));
    const d = new Hl7LineDeframer();
    const got = [...feed(d, raw, mulberry32(1)), ...d.flush()];
    expect(got).toHaveLength(1);
    const text = decodeHl7Bytes(got[0] ?? new Uint8Array());
    expect(text.includes('\n')).toBe(false);
    expect(text.split('\r').filter(Boolean)).toHaveLength(14);
    expect(parseHl7(text).ok).toBe(true);
  });

  it('fuzz: random bytes never throw', () => {
    const rand = mulberry32(5);
    for (let i = 0; i < 300; i += 1) {
      const stream = bytes(...Array.from({ length: 1 + Math.floor(rand() * 8) }, () => (rand() < 0.3 ? 'MSH|^~\\&|\r' : Array.from({ length: Math.floor(rand() * 30) }, () => Math.floor(rand() * 256)))));
      const d = new Hl7LineDeframer({ maxMessageBytes: 1 + Math.floor(rand() * 100) });
      const all = [...feed(d, stream, rand), ...d.flush()];
      for (const m of all) expect(dec(m).startsWith('MSH')).toBe(true);
    }
  });
});
