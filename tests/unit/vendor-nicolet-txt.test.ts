import { describe, expect, it } from 'vitest';
import { NicoletTxtParser, parseDuration } from '../../shared/parsers/nicolet-txt';
import { parseChunks } from '../../shared/parsers/push-parser';
import { mutateSome, parseBothWays, randomChunks, seededRng, utf8 } from '../fixtures/vendor/chunking';

const TEXT = [
  'Patient:\tTestpatient Synthetic',
  'Exam:\tsynthetic',
  '',
  'Name\tTime\tDuration',
  'Exam Start\t00:00:00\t00:00',
  'Impedance\t00:02:10\t00:30',
  'Recording Paused\t01:15:00.5\t2:05',
  'Broken line\t00:10',
  '\t\t',
  'Annotation: screw L4\t25:00:00\t00:00',
  'Odd duration\t00:03:00\tsoon',
].join('\r\n');

const START = '2026-11-26T22:00:00';
const parse = (bytes: Uint8Array, start: string | null = START) => parseChunks(new NicoletTxtParser(start === null ? {} : { start }), [bytes]);

describe('Nicolet events text', () => {
  it('reads Name/Time/Duration rows as elapsed times from the exam start', () => {
    const r = parse(utf8(TEXT));
    expect(r.events).toEqual([
      { wallClock: '2026-11-26T22:00:00', key: 'line:5', text: 'Exam Start', durationSec: 0, raw: '00:00:00', extra: { duration: '00:00' } },
      { wallClock: '2026-11-26T22:02:10', key: 'line:6', text: 'Impedance', durationSec: 30, raw: '00:02:10', extra: { duration: '00:30' } },
      { wallClock: '2026-11-26T23:15:00.5', key: 'line:7', text: 'Recording Paused', durationSec: 125, raw: '01:15:00.5', extra: { duration: '2:05' } },
      // Elapsed hours past 23 carry into the next day.
      { wallClock: '2026-11-27T23:00:00', key: 'line:10', text: 'Annotation: screw L4', durationSec: 0, raw: '25:00:00', extra: { duration: '00:00' } },
      { wallClock: '2026-11-26T22:03:00', key: 'line:11', text: 'Odd duration', durationSec: null, raw: '00:03:00', extra: { duration: 'soon' } },
    ]);
    expect(r.warnings).toEqual([
      { where: 'line 8', message: 'Expected Name, Time and Duration separated by tabs, found 2 field(s); line skipped.' },
      { where: 'line 11', message: 'The Duration field is not a duration (MM:SS); kept without one.' },
    ]);
  });

  it('starts the section at "Exam Start" or at a line with two tabs when there is no header', () => {
    const noHeader = TEXT.replace('Name\tTime\tDuration\r\n', '');
    expect(parse(utf8(noHeader)).events.map((e) => e.text)[0]).toBe('Exam Start');
    const tabsOnly = 'Some preamble\r\nIncision\t00:01:00\t00:00\r\nClosing\t02:00:00\t00:00\r\n';
    expect(parse(utf8(tabsOnly)).events.map((e) => e.wallClock)).toEqual(['2026-11-26T22:01:00', '2026-11-27T00:00:00']);
  });

  it('gives identical results in one chunk and in random 1–7 byte chunks', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { whole, chunked } = parseBothWays(() => new NicoletTxtParser({ start: START }), utf8(TEXT), seed);
      expect(chunked).toEqual(whole);
    }
  });

  it('needs the exam start, and says so once', () => {
    const r = parse(utf8(TEXT), null);
    expect(r.events).toEqual([]);
    expect(r.warnings.filter((w) => w.message.includes('exam start'))).toHaveLength(1);
    expect(parse(utf8(TEXT), 'yesterday').warnings[0]).toEqual({ where: 'options', message: '"yesterday" is not a YYYY-MM-DDTHH:MM:SS time.' });
  });

  it('warns when no events section exists', () => {
    expect(parse(utf8('just\nsome\ntext\n')).warnings.map((w) => w.message)).toEqual([
      'No events section (a Name/Time/Duration header or tab-separated lines) was found.',
    ]);
  });

  it('decodes Windows-1252 names', () => {
    const bytes = Uint8Array.from('Name\tTime\tDuration\nRéveil 5µV\t00:00:05\t00:00\n', (c) => c.charCodeAt(0));
    expect(parseChunks(new NicoletTxtParser({ start: START, encoding: 'windows-1252' }), [bytes]).events[0]?.text).toBe('Réveil 5µV');
  });

  it.each([
    ['00:30', 30],
    ['2:05', 125],
    ['75:00', 4500],
    ['01:02:03', 3723],
    ['12', 12],
    ['0:61', null],
    ['', null],
  ])('duration %j → %j s', (text, sec) => expect(parseDuration(text)).toBe(sec));

  it('survives 200 random mutations: no throw, same result however chunked', () => {
    const rng = seededRng(11);
    const bytes = utf8(TEXT);
    for (let n = 0; n < 200; n++) {
      const mutated = mutateSome(bytes, rng);
      const whole = parseChunks(new NicoletTxtParser({ start: START }), [mutated]);
      expect(parseChunks(new NicoletTxtParser({ start: START }), randomChunks(mutated, rng))).toEqual(whole);
      expect(JSON.stringify(whole.warnings)).not.toContain('Testpatient');
    }
  });
});
