/** The framings without a port: text lines (free and profiled) and HL7 (MLLP and bare lines). */
import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../shared/hl7/build';
import { mllpEncode } from '../../shared/hl7/mllp';
import { get, parseHl7 } from '../../shared/hl7/parse';
import { ackBytes, encodeText, Hl7Reader } from '../../electron/services/capture/serial/hl7-reader';
import { nearestDate, ProfiledLineReader } from '../../electron/services/capture/serial/line-events';
import { LinesReader } from '../../electron/services/capture/serial/lines-reader';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
// 2026-03-01 10:00:00 in New York (EST, UTC−5).
const AT = Date.UTC(2026, 2, 1, 15, 0, 0);
const ZONE = 'America/New_York';

describe('nearestDate', () => {
  it('puts a time-only stamp on the day nearest the receive time', () => {
    expect(nearestDate('2026-03-01T23:59:58', '2026-03-01T00:00:05')).toBe('2026-02-28T23:59:58');
    expect(nearestDate('2026-03-01T00:00:02', '2026-03-01T23:59:59')).toBe('2026-03-02T00:00:02');
    expect(nearestDate('2026-03-01T10:15:00.250', '2026-03-01T10:15:01')).toBe('2026-03-01T10:15:00.250');
  });
});

describe('ProfiledLineReader', () => {
  const profile = { delimiter: ',', hasHeader: true, skipRows: 1, timeColumn: 'time', timeFormat: 'HH:mm:ss', textColumn: 'text', modalityColumn: 'mode', encoding: 'gbk' } as const;

  it('skips the skip rows, reads the header, then one event per line', () => {
    const r = new ProfiledLineReader(profile, ZONE);
    expect(r.read('Title line, anything', AT, 0)).toEqual({ kind: 'skipped' });
    expect(r.read('Time,Mode,Text', AT, 1)).toEqual({ kind: 'skipped' });
    expect(r.read('10:00:01,SSEP,Baseline', AT, 2)).toEqual({
      kind: 'event',
      event: { wallClock: '2026-03-01T10:00:01', key: `${AT}:2`, text: 'Baseline', modalityName: 'SSEP', raw: '10:00:01' },
    });
  });

  it('recognises the header by its column names: lines before it wait, a header printed again is skipped', () => {
    const r = new ProfiledLineReader({ ...profile, skipRows: 0 }, ZONE);
    expect(r.read('10:00:00,SSEP,too early', AT, 0)).toEqual({
      kind: 'bad',
      problem: 'Waiting for the header line the device prints when it starts (with the columns time, text, mode): lines before it cannot be read.',
    });
    expect(r.read('"Time", TEXT ,Mode', AT, 1)).toEqual({ kind: 'skipped' });
    expect(r.read('10:00:01,Baseline,SSEP', AT, 2)).toMatchObject({ kind: 'event', event: { text: 'Baseline', modalityName: 'SSEP' } });
    // The device restarted with its columns in another order.
    expect(r.read('mode,time,text', AT, 3)).toEqual({ kind: 'skipped' });
    expect(r.read('MEP,10:00:02,After restart', AT, 4)).toMatchObject({ kind: 'event', event: { text: 'After restart', modalityName: 'MEP' } });
  });

  it('a header-by-number profile skips the first line as its header', () => {
    const r = new ProfiledLineReader({ delimiter: ';', hasHeader: true, timeColumn: 0, timeFormat: 'HH:mm:ss', textColumn: 1, encoding: 'utf-8' }, ZONE);
    expect(r.read('whatever;names', AT, 0)).toEqual({ kind: 'skipped' });
    expect(r.read('10:00:05;Note', AT, 1)).toMatchObject({ kind: 'event', event: { text: 'Note' } });
  });

  it('a line with an unclosed quote spoils only itself', () => {
    const r = new ProfiledLineReader({ ...profile, skipRows: 0 }, ZONE);
    r.read('time,mode,text', AT, 0);
    const odd = r.read('10:00:02,SSEP,"quote never closed', AT, 1);
    expect(odd.kind).toBe('event');
    expect(r.read('10:00:03,SSEP,next', AT, 2)).toMatchObject({ kind: 'event', event: { text: 'next' } });
  });

  it('a line that does not fit says why without quoting it', () => {
    const r = new ProfiledLineReader({ ...profile, skipRows: 0 }, ZONE);
    r.read('time,mode,text', AT, 0);
    const bad = r.read('Patient Doe Jane,SSEP,x', AT, 1);
    expect(bad).toEqual({ kind: 'bad', problem: 'A line did not fit the line profile: The time does not match the format HH:mm:ss; row skipped.' });
  });
});

describe('LinesReader', () => {
  it('drops control bytes (counted as garbage) and skips lines that are mostly not text', () => {
    const r = new LinesReader({ encoding: 'utf-8', timeZone: ZONE, lineProfile: null });
    const out = r.push(Uint8Array.from([...enc('ok'), 0x00, ...enc(' line\n'), 0x00, 0x00, 0xff, 0xfe, 0x41, 0x0a]), AT, false);
    expect(out.events.map((e) => e.text)).toEqual(['ok line']);
    expect(out.problem).toMatch(/unreadable data/);
    expect(r.counts).toEqual({ lines: 2, events: 1, garbageBytes: 3, badLines: 1, droppedFrames: 0 });
  });

  it('while the stream is unreadable, only whole-text lines of 4+ bytes get through', () => {
    const r = new LinesReader({ encoding: 'utf-8', timeZone: ZONE, lineProfile: null });
    const out = r.push(enc('ab\nabcd\nabc\u00e9\nxyz\u0001w\n'), AT, true);
    expect(out.events.map((e) => e.text)).toEqual(['abcd', 'abcé']);
    expect(r.counts.badLines).toBe(2);
  });

  it('a line longer than the limit is skipped and counted; a line cut by a link drop is counted as dropped', () => {
    const r = new LinesReader({ encoding: 'utf-8', timeZone: ZONE, lineProfile: null, maxLineBytes: 16 });
    const out = r.push(enc(`${'x'.repeat(40)}\nshort\nhalf`), AT, false);
    expect(out.events.map((e) => e.text)).toEqual(['short']);
    r.linkLost();
    expect(r.counts).toMatchObject({ lines: 2, badLines: 1, garbageBytes: 24, droppedFrames: 1 });
    expect(r.push(enc('fresh\n'), AT, false).events.map((e) => e.text)).toEqual(['fresh']);
  });

  it('keys are unique within one receive time', () => {
    const r = new LinesReader({ encoding: 'utf-8', timeZone: ZONE, lineProfile: null });
    const keys = r.push(enc('a1\na2\na3\n'), AT, false).events.map((e) => e.key);
    expect(keys).toEqual([`${AT}:0`, `${AT}:1`, `${AT}:2`]);
  });
});

function oru(controlId: string, msh7 = '20260301101500'): string {
  return buildMessage([
    { id: 'MSH', fields: { 3: 'MON', 5: 'CLOSEOUT', 7: msh7, 9: ['ORU', 'R01'], 10: controlId, 11: 'P', 12: '2.6' } },
    { id: 'OBX', fields: { 1: '1', 2: 'NM', 3: ['8478-0', 'MAP', 'LN'], 5: '78', 6: 'mm[Hg]', 14: '20260301101455' } },
  ]);
}

describe('Hl7Reader', () => {
  it('MLLP: events keyed by MSH-7 and MSH-10 (a resent message dedupes, a restarted counter does not)', () => {
    const r = new Hl7Reader({ framing: 'mllp', encoding: 'utf-8' });
    const a = r.push(mllpEncode(oru('1')), AT);
    const again = r.push(mllpEncode(oru('1')), AT + 1);
    const restarted = r.push(mllpEncode(oru('1', '20260301111500')), AT + 2);
    expect(a.events[0]?.key).toBe('msg:20260301101500|1/1:1');
    expect(again.events[0]?.key).toBe(a.events[0]?.key);
    expect(restarted.events[0]?.key).not.toBe(a.events[0]?.key);
    expect(a.toAcknowledge).toHaveLength(1);
  });

  it('a message with no MSH-10 gets a key of its own', () => {
    const r = new Hl7Reader({ framing: 'mllp', encoding: 'utf-8' });
    const k1 = r.push(mllpEncode(oru('')), AT).events[0]?.key;
    const k2 = r.push(mllpEncode(oru('')), AT).events[0]?.key;
    expect(k1).not.toBe(k2);
  });

  it('hl7-lines: a message completes at the next MSH or at flushIdle; a link drop loses the half message', () => {
    const r = new Hl7Reader({ framing: 'hl7-lines', encoding: 'utf-8' });
    expect(r.idleFlushMs).toBe(200);
    expect(r.push(enc(oru('1').replaceAll('\r', '\n')), AT).events).toEqual([]);
    expect(r.push(enc(oru('2')), AT).events).toHaveLength(1);
    expect(r.flushIdle(AT).events).toHaveLength(1);
    r.push(enc('MSH|^~\\&|MON||||20260301||ORU^R01|3|P|2.6\r'), AT);
    r.linkLost();
    expect(r.flushIdle(AT).events).toEqual([]);
    expect(r.counts).toMatchObject({ lines: 2, events: 2, droppedFrames: 1 });
  });

  it('unparseable messages are counted with a reason, not fatal', () => {
    const r = new Hl7Reader({ framing: 'mllp', encoding: 'utf-8' });
    const out = r.push(mllpEncode('PID|1||secret'), AT);
    expect(out.problem).toBe('An HL7 message could not be read (message does not start with an MSH segment).');
    expect(r.counts.badLines).toBe(1);
  });
});

describe('ackBytes', () => {
  const msg = (() => {
    const p = parseHl7(oru('C42'));
    if (!p.ok) throw new Error(p.reason);
    return p.message;
  })();

  it('MLLP-framed AA echoing the control id, MSH-7 in the device zone', () => {
    const bytes = ackBytes(msg, { code: 'AA', framing: 'mllp', encoding: 'utf-8', controlId: 'ACK1', now: AT, timeZone: ZONE });
    expect(bytes[0]).toBe(0x0b);
    expect(bytes.at(-2)).toBe(0x1c);
    const ack = parseHl7(new TextDecoder().decode(bytes.subarray(1, -2)));
    if (!ack.ok) throw new Error(ack.reason);
    expect([get(ack.message, 'MSA', 1), get(ack.message, 'MSA', 2), get(ack.message, 'MSH', 7), get(ack.message, 'MSH', 10)]).toEqual(['AA', 'C42', '20260301100000-0500', 'ACK1']);
  });

  it('bare CR-ended segments for hl7-lines; AE carries a reason', () => {
    const text = new TextDecoder().decode(ackBytes(msg, { code: 'AE', framing: 'hl7-lines', encoding: 'utf-8', controlId: 'A', now: AT, timeZone: ZONE, text: 'try again' }));
    expect(text.startsWith('MSH|')).toBe(true);
    expect(text.endsWith('\r')).toBe(true);
    expect(text).toContain('MSA|AE|C42|try again');
  });

  it('encodeText writes Windows-1252 bytes and "?" for what the encoding lacks', () => {
    expect([...encodeText('Aü€王', 'windows-1252')]).toEqual([0x41, 0xfc, 0x80, 0x3f]);
    expect([...encodeText('Aü', 'gbk')]).toEqual([0x41, 0x3f]);
  });
});
