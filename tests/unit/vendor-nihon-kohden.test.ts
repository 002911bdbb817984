import { describe, expect, it } from 'vitest';
import { parseNihonKohden } from '../../shared/parsers/nihon-kohden';
import { mutateSome, seededRng, utf8 } from '../fixtures/vendor/chunking';
import { writeNkCmt, writeNkLog, writeNkPnt, type NkRecord } from '../fixtures/vendor/nihon-kohden-writer';

const V = 'EEG-1200A V01.00';
const gbk = (bytes: number[]): Uint8Array => Uint8Array.from(bytes);

describe('Nihon Kohden LOG/PNT/CMT', () => {
  const block0: NkRecord[] = [
    { text: utf8('Recording start'), elapsed: '000000', clock: '261126231203' },
    { text: utf8('P_COMMENT'), elapsed: '000130' },
    { text: utf8('Eyes closed'), elapsed: '012005' },
  ];
  const block1: NkRecord[] = [{ text: utf8('P_COMMENT'), elapsed: '250000' }];
  const pnt = writeNkPnt(V, '20261126231203');
  const cmt = writeNkCmt(V, [utf8('Baseline SSEP obtained'), utf8('Closing')]);

  it('places records at start + elapsed and fills comments', () => {
    const r = parseNihonKohden({ log: writeNkLog(V, [block0, block1]), pnt, cmt });
    expect(r.warnings).toEqual([]);
    expect(r.version).toBe(V);
    expect(r.start).toEqual({ raw: '20261126231203', wallClock: '2026-11-26T23:12:03' });
    expect(r.events).toEqual([
      { wallClock: '2026-11-26T23:12:03', key: 'b0/r0', text: 'Recording start', raw: '000000', extra: { elapsedSec: 0, recordClock: '2026-11-26T23:12:03' } },
      { wallClock: '2026-11-26T23:13:33', key: 'b0/r1', text: 'Baseline SSEP obtained', raw: '000130', extra: { elapsedSec: 90 } },
      { wallClock: '2026-11-27T00:32:08', key: 'b0/r2', text: 'Eyes closed', raw: '012005', extra: { elapsedSec: 4805 } },
      { wallClock: '2026-11-28T00:12:03', key: 'b1/r0', text: 'Closing', raw: '250000', extra: { elapsedSec: 90000 } },
    ]);
  });

  it('adds sub-event microseconds and text, decoding GBK across the 20-byte seam', () => {
    // 19 ASCII bytes, then 你 split: its first byte ends the main text, its second starts the sub text.
    const main = new Uint8Array([...utf8('Stimulation site A '), 0xc4]);
    const sub = gbk([0xe3, 0xba, 0xc3]); // …你 好
    const log = writeNkLog(V, [[{ text: main, elapsed: '000102', sub: { text: sub, micros: '250125' } }]]);
    const r = parseNihonKohden({ log, pnt }, { encoding: 'gbk' });
    expect(r.warnings).toEqual([]);
    expect(r.events).toEqual([
      { wallClock: '2026-11-26T23:13:05.250125', key: 'b0/r0', text: 'Stimulation site A 你好', raw: '000102.250125', extra: { elapsedSec: 62.250125 } },
    ]);
  });

  it('leaves placeholders alone when comment and placeholder counts differ', () => {
    const r = parseNihonKohden({ log: writeNkLog(V, [block0, block1]), pnt, cmt: writeNkCmt(V, [utf8('only one')]) });
    expect(r.events.map((e) => e.text)).toContain('P_COMMENT');
    expect(r.warnings[0]?.message).toContain('1 comments but the .LOG has 2 placeholders');
  });

  it('falls back to the start option, then to the clock in each record', () => {
    const log = writeNkLog(V, [block0]);
    expect(parseNihonKohden({ log }, { start: '2026-11-26T08:00:00' }).events[1]?.wallClock).toBe('2026-11-26T08:01:30');
    const none = parseNihonKohden({ log });
    expect(none.events.map((e) => e.key)).toEqual(['b0/r0']);
    expect(none.events[0]?.extra).toMatchObject({ clockSource: 'record' });
    expect(none.warnings.map((w) => w.message)).toContain('No recording start (.PNT) and no wall clock in the record: event skipped.');
  });

  it('rejects files without a known magic and reports bad blocks', () => {
    expect(parseNihonKohden({ log: utf8('not a log file at all, just text') }).warnings[0]?.message).toContain('Not a Nihon Kohden .LOG');
    const log = writeNkLog(V, [block0], { blockCount: 2 });
    const r = parseNihonKohden({ log, pnt });
    expect(r.events).toHaveLength(3);
    // The table claims a second block; its slot holds garbage (here: bytes of block 0).
    expect(r.warnings.map((w) => w.where)).toEqual(['LOG block 1']);
    const bad = writeNkLog(V, [[{ text: utf8('x'), elapsed: '00A000' }]]);
    expect(parseNihonKohden({ log: bad, pnt }).warnings[0]?.message).toContain('not an elapsed HHMMSS');
    expect(parseNihonKohden({ log: writeNkLog(V, [block0]), pnt: writeNkPnt(V, '2026113') }).warnings.map((w) => w.where)).toContain('PNT');
  });

  it('survives 200 random mutations of each file without throwing', () => {
    const rng = seededRng(5);
    const log = writeNkLog(V, [block0, block1]);
    for (let n = 0; n < 200; n++) {
      const files = { log: mutateSome(log, rng), pnt: n % 3 ? pnt : mutateSome(pnt, rng), cmt: n % 2 ? cmt : mutateSome(cmt, rng) };
      const r = parseNihonKohden(files);
      for (const e of r.events) expect(e.wallClock).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/);
    }
  });
});
