import { describe, expect, it } from 'vitest';
import { parseChunks } from '../../shared/parsers/push-parser';
import { XltekTxtParser, type XltekOptions } from '../../shared/parsers/xltek-txt';
import { mutateSome, parseBothWays, randomChunks, seededRng, utf8 } from '../fixtures/vendor/chunking';

/** Synthetic export: header with a date, start 23:12:03, a case running past midnight. */
const LINES = [
  'Patient Name: Testpatient, Synthetic',
  'Patient ID: 000123',
  'Study Date: 11/26/2026',
  'Recorded with: synthetic test data',
  '',
  'Event list',
  'Start 23:12:03 Recording started',
  '1 23:15:00 Baseline SSEP obtained',
  '',
  '2 23:59:59 Incision',
  'this line has no time',
  '3 0:00:10 Pedicle screw L4 left',
  '4 00:30:00   Loss of R APB MEP, surgeon notified  ',
  '5 00:10:00 Late note',
  '6 01:15:00 Closing',
];

const parse = (bytes: Uint8Array, options?: XltekOptions) => {
  const parser = new XltekTxtParser(options);
  return { ...parseChunks(parser, [bytes]), header: parser.header };
};

describe('XLTEK events text', () => {
  const text = LINES.join('\n');

  it('reads header date, start time and events, rolling past midnight', () => {
    const r = parse(utf8(text));
    expect(r.header).toEqual({ date: '2026-11-26', dateSource: 'header', startTime: '23:12:03', startWallClock: '2026-11-26T23:12:03' });
    expect(r.events.map((e) => [e.key, e.wallClock, e.text, e.raw])).toEqual([
      ['line:8', '2026-11-26T23:15:00', 'Baseline SSEP obtained', '23:15:00'],
      ['line:10', '2026-11-26T23:59:59', 'Incision', '23:59:59'],
      ['line:12', '2026-11-27T00:00:10', 'Pedicle screw L4 left', '0:00:10'],
      ['line:13', '2026-11-27T00:30:00', 'Loss of R APB MEP, surgeon notified', '00:30:00'],
      // 20 minutes back: an out-of-order note on the same day, not another midnight.
      ['line:14', '2026-11-27T00:10:00', 'Late note', '00:10:00'],
      ['line:15', '2026-11-27T01:15:00', 'Closing', '01:15:00'],
    ]);
    expect(r.events[2]?.extra).toEqual({ dayOffset: 1 });
    expect(r.events.every((e) => e.kind === undefined)).toBe(true);
    expect(r.warnings).toEqual([{ where: 'line 11', message: 'No time (HH:MM:SS) as the second item; line skipped.' }]);
  });

  it('gives identical results in one chunk and in random 1–7 byte chunks', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { whole, chunked } = parseBothWays(() => new XltekTxtParser(), utf8(text), seed);
      expect(chunked).toEqual(whole);
    }
  });

  it('treats LF, CRLF and CR line ends alike', () => {
    const lf = parse(utf8(text)).events;
    expect(parse(utf8(LINES.join('\r\n'))).events).toEqual(lf);
    expect(parse(utf8(LINES.join('\r'))).events).toEqual(lf);
    // A CRLF split between two chunks counts once.
    const crlf = utf8(LINES.join('\r\n'));
    const cut = LINES.slice(0, 8).join('\r\n').length + 1;
    expect(parseChunks(new XltekTxtParser(), [crlf.subarray(0, cut), crlf.subarray(cut)]).events).toEqual(lf);
  });

  it('uses the case date when the header has none, and says when they disagree', () => {
    const noDate = LINES.map((l, i) => (i === 2 ? 'Study: synthetic' : l)).join('\n');
    const r = parse(utf8(noDate), { date: '2026-12-31' });
    expect(r.header.dateSource).toBe('option');
    expect(r.events.map((e) => e.wallClock).slice(1, 3)).toEqual(['2026-12-31T23:59:59', '2027-01-01T00:00:10']);
    const both = parse(utf8(text), { date: '2026-11-25' });
    expect(both.events[0]?.wallClock).toBe('2026-11-26T23:15:00');
    expect(both.warnings.map((w) => w.message)).toContain("The header's date differs from the case date: the header's date is used.");
  });

  it('emits nothing but a warning when no date is known', () => {
    const noDate = LINES.map((l, i) => (i === 2 ? 'Study: synthetic' : l)).join('\n');
    const r = parse(utf8(noDate));
    expect(r.events).toEqual([]);
    expect(r.warnings.map((w) => w.message)).toContain('No date in the header and no case date given: events cannot be placed in time.');
  });

  it.each([
    ['Date: 2026-11-26', '2026-11-26'],
    ['Date: 26.11.2026', '2026-11-26'],
    ['Recorded 26-Nov-2026 08:00', '2026-11-26'],
    ['Study date: November 26, 2026', '2026-11-26'],
  ])('finds the date in "%s"', (line, date) => {
    const r = parse(utf8(LINES.map((l, i) => (i === 2 ? line : l)).join('\n')));
    expect(r.header.date).toBe(date);
  });

  it('reads an ambiguous numeric date with the configured order, with a warning', () => {
    const lines = LINES.map((l, i) => (i === 2 ? 'Date: 03/04/2026' : l)).join('\n');
    expect(parse(utf8(lines)).header.date).toBe('2026-03-04');
    const dmy = parse(utf8(lines), { dateOrder: 'DMY' });
    expect(dmy.header.date).toBe('2026-04-03');
    expect(dmy.warnings[0]?.message).toBe('The header date could be day-first or month-first; read day-first (site setting).');
  });

  it('reads 12-hour times with AM/PM', () => {
    const lines = [...LINES.slice(0, 7), '1 11:59:00 PM Incision', '2 12:05:00 AM Screw'].join('\n');
    expect(parse(utf8(lines)).events.map((e) => [e.wallClock, e.text, e.raw])).toEqual([
      ['2026-11-26T23:59:00', 'Incision', '11:59:00 PM'],
      ['2026-11-27T00:05:00', 'Screw', '12:05:00 AM'],
    ]);
  });

  it('decodes Windows-1252, GBK, a UTF-8 BOM and UTF-16 with a BOM', () => {
    const withLabel = (label: string) => [...LINES.slice(0, 7), `1 23:15:00 ${label}`].join('\r\n');
    const latin = Uint8Array.from(withLabel('Amplitude 5 µV, réveil'), (c) => c.charCodeAt(0));
    expect(parse(latin, { encoding: 'windows-1252' }).events[0]?.text).toBe('Amplitude 5 µV, réveil');
    // Read as UTF-8 by mistake: still parsed, with a hint to pick the encoding.
    expect(parse(latin).warnings.map((w) => w.message).join()).toContain('not valid utf-8');

    const gbkLabel = Uint8Array.of(0xc4, 0xe3, 0xba, 0xc3); // 你好
    const gbk = new Uint8Array([...utf8(withLabel('')), ...gbkLabel]);
    expect(parse(gbk, { encoding: 'gbk' }).events[0]?.text).toBe('你好');

    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(withLabel('Incision'))]);
    expect(parse(bom, { encoding: 'windows-1252' }).events[0]?.text).toBe('Incision');

    const s = withLabel('Incision 中');
    const utf16 = new Uint8Array(2 + s.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < s.length; i++) new DataView(utf16.buffer).setUint16(2 + i * 2, s.charCodeAt(i), true);
    const r16 = parseChunks(new XltekTxtParser(), randomChunks(utf16, seededRng(4)));
    expect(r16.events.map((e) => e.text)).toEqual(['Incision 中']);
  });

  it('tails a growing file: complete lines only, same keys as a full read', () => {
    const parser = new XltekTxtParser();
    const all = utf8(text);
    const cut = text.indexOf('Incision') + 3; // mid-line
    const first = parser.push(all.subarray(0, cut));
    expect(first.map((e) => e.key)).toEqual(['line:8']);
    const rest = [...parser.push(all.subarray(cut)), ...parser.end()];
    expect([...first, ...rest]).toEqual(parse(all).events);
  });

  it('survives 200 random mutations: no throw, same result however chunked', () => {
    const rng = seededRng(77);
    const bytes = utf8(text);
    for (let n = 0; n < 200; n++) {
      const mutated = mutateSome(bytes, rng);
      const whole = parseChunks(new XltekTxtParser({ date: '2026-11-26' }), [mutated]);
      const chunked = parseChunks(new XltekTxtParser({ date: '2026-11-26' }), randomChunks(mutated, rng));
      expect(chunked).toEqual(whole);
      expect(JSON.stringify(whole.warnings)).not.toContain('Testpatient');
    }
  });

  it('caps a line with no end (a binary file fed by mistake)', () => {
    const junk = new Uint8Array(300_000).fill(0x41);
    const r = parse(new Uint8Array([...utf8(LINES.slice(0, 7).join('\n') + '\n1 23:15:00 '), ...junk]), { date: '2026-11-26' });
    expect(r.events[0]?.text.length).toBeLessThanOrEqual(64 * 1024);
    expect(r.warnings.map((w) => w.message)).toContain('The line is very long; its end was dropped.');
  });
});
