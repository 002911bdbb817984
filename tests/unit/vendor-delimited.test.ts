import { describe, expect, it } from 'vitest';
import { DelimitedParser, type DelimitedOptions } from '../../shared/parsers/delimited';
import { validateDelimitedProfile, type DelimitedProfile } from '../../shared/parsers/delimited-profile';
import { parseChunks } from '../../shared/parsers/push-parser';
import { compileTimeFormat } from '../../shared/parsers/time-format';
import { mutateSome, parseBothWays, randomChunks, seededRng, utf8 } from '../fixtures/vendor/chunking';

const CSV: DelimitedProfile = {
  delimiter: ',',
  hasHeader: true,
  timeColumn: 'Time',
  timeFormat: 'YYYY-MM-DD HH:mm:ss.SSS',
  textColumn: 'Message',
  modalityColumn: 'Modality',
  encoding: 'utf-8',
};

const CSV_TEXT = [
  'Time,Modality,Message,Extra',
  '2026-11-26 07:31:00.120,SSEP,Baseline SSEP obtained,x',
  '2026-11-26 07:40:00.000,,"Pedicle screw, L4 ""left""",y',
  '2026-11-26 07:45:00.5,TcMEP,"Loss of R APB MEP',
  'surgeon notified",z',
  '',
  'Testpatient Synthetic,EMG,bad row,w',
  '2026-11-26 08:00:00.000,EMG,Closing',
].join('\r\n');

const parse = (profile: DelimitedProfile, text: string | Uint8Array, options?: DelimitedOptions) =>
  parseChunks(new DelimitedParser(profile, options), [typeof text === 'string' ? utf8(text) : text]);

describe('delimited event log', () => {
  it('reads RFC 4180 rows: quotes, doubled quotes, line breaks inside quotes', () => {
    const r = parse(CSV, CSV_TEXT);
    expect(r.events).toEqual([
      { wallClock: '2026-11-26T07:31:00.120', key: 'row:2', text: 'Baseline SSEP obtained', modalityName: 'SSEP', raw: '2026-11-26 07:31:00.120' },
      { wallClock: '2026-11-26T07:40:00.000', key: 'row:3', text: 'Pedicle screw, L4 "left"', raw: '2026-11-26 07:40:00.000' },
      { wallClock: '2026-11-26T07:45:00.5', key: 'row:4', text: 'Loss of R APB MEP\nsurgeon notified', modalityName: 'TcMEP', raw: '2026-11-26 07:45:00.5' },
      { wallClock: '2026-11-26T08:00:00.000', key: 'row:7', text: 'Closing', modalityName: 'EMG', raw: '2026-11-26 08:00:00.000' },
    ]);
    expect(r.warnings).toEqual([{ where: 'row 6', message: 'The time does not match the format YYYY-MM-DD HH:mm:ss.SSS; row skipped.' }]);
  });

  it('gives identical results in one chunk and in random 1–7 byte chunks', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { whole, chunked } = parseBothWays(() => new DelimitedParser(CSV), utf8(CSV_TEXT), seed);
      expect(chunked).toEqual(whole);
    }
  });

  it('reads an Eclipse-style export: metadata rows, semicolons, D-M-YYYY, one row per trial', () => {
    const profile: DelimitedProfile = {
      delimiter: ';',
      hasHeader: true,
      skipRows: 2,
      timeColumn: 'Timestamp',
      timeFormat: 'D-M-YYYY HH:mm:ss',
      textColumn: 'Modality',
      modalityColumn: 'Modality',
      rowsAreTrials: true,
      encoding: 'windows-1252',
    };
    const samples = Array.from({ length: 500 }, (_, i) => String(i * 0.001)).join(';');
    const text = ['Test name;Scoliosis_synthetic', 'Test date;31-7-2018 08:03:50', 'Timestamp;Modality;Channel;Data', `31-7-2018 08:04:01;TES MEP;L APB;${samples}`, `31-7-2018 08:04:02;MEP Drempel;R APB;${samples}`].join('\n');
    const r = parse(profile, Uint8Array.from(text, (c) => c.charCodeAt(0)));
    expect(r.warnings).toEqual([]);
    expect(r.events).toEqual([
      { wallClock: '2018-07-31T08:04:01', key: 'row:4', text: 'TES MEP', kind: 'modality_activity', modalityName: 'TES MEP', raw: '31-7-2018 08:04:01' },
      { wallClock: '2018-07-31T08:04:02', key: 'row:5', text: 'MEP Drempel', kind: 'modality_activity', modalityName: 'MEP Drempel', raw: '31-7-2018 08:04:02' },
    ]);
  });

  it('reads time-only rows on the case date, rolling past midnight; 12-hour clocks; date and time columns', () => {
    const timeOnly: DelimitedProfile = { delimiter: '\t', hasHeader: false, timeColumn: 0, timeFormat: 'hh:mm:ss A', textColumn: 1, encoding: 'utf-8' };
    const r = parse(timeOnly, '11:58:00 PM\tIncision\n12:03:00 AM\tScrew\n', { date: '2026-12-31' });
    expect(r.events.map((e) => e.wallClock)).toEqual(['2026-12-31T23:58:00', '2027-01-01T00:03:00']);
    expect(parse(timeOnly, '11:58:00 PM\tIncision\n').warnings[0]?.message).toContain('no case date');

    const split: DelimitedProfile = { delimiter: '|', hasHeader: true, dateColumn: 'date', timeColumn: 'TIME', timeFormat: 'MM/DD/YYYY HH:mm', textColumn: 'note', encoding: 'utf-8' };
    expect(parse(split, ' Date | Time | Note \n11/26/2026|07:05|Incision\n').events[0]).toMatchObject({ wallClock: '2026-11-26T07:05:00', raw: '11/26/2026 07:05' });
  });

  it('decodes GBK before splitting, so a "|" byte inside a character is not a delimiter', () => {
    const profile: DelimitedProfile = { delimiter: '|', hasHeader: false, timeColumn: 0, timeFormat: 'YYYY-MM-DD HH:mm:ss', textColumn: 1, encoding: 'gbk' };
    const bytes = new Uint8Array([...utf8('2026-11-26 07:00:00|'), 0x81, 0x7c, 0xc4, 0xe3, ...utf8('|x\n')]); // 亅你
    const r = parseChunks(new DelimitedParser(profile), randomChunks(bytes, seededRng(3)));
    expect(r.events[0]?.text).toBe('亅你');
  });

  it('warns about a header without the named columns, an unterminated quote and short rows', () => {
    expect(parse({ ...CSV, textColumn: 'Note' }, CSV_TEXT).warnings[0]?.message).toBe(
      'The text column "Note" is not in the header (it has 4 named columns).',
    );
    expect(parse(CSV, 'Time,Modality,Message\n2026-11-26 07:31:00.1,SSEP,"never closed\n2026-11-26 07:32:00.1,x,y\n').warnings.map((w) => w.message)).toContain(
      'A quoted field is never closed: the rest of the file was read as part of it.',
    );
    const numbered: DelimitedProfile = { ...CSV, hasHeader: false, timeColumn: 3, textColumn: 0, modalityColumn: undefined };
    expect(parse(numbered, 'a,b\n').warnings[0]?.message).toBe('The row has 2 column(s): no time column; row skipped.');
  });

  it('survives 200 random mutations: no throw, same result however chunked', () => {
    const rng = seededRng(99);
    const bytes = utf8(CSV_TEXT);
    for (let n = 0; n < 200; n++) {
      const mutated = mutateSome(bytes, rng);
      const whole = parseChunks(new DelimitedParser(CSV), [mutated]);
      expect(parseChunks(new DelimitedParser(CSV), randomChunks(mutated, rng))).toEqual(whole);
      expect(JSON.stringify(whole.warnings)).not.toContain('Testpatient');
    }
  });
});

describe('time format', () => {
  it.each([
    ['YYYY-MM-DD HH:mm:ss', '2026-11-26 07:05:09', 'days', 25_509],
    ['D-M-YYYY HH:mm:ss', '31-7-2018 08:03:50', 'days', 29_030],
    ['MM/DD/YYYY hh:mm:ss A', '11/26/2026 12:00:00 am', 'days', 0],
    ['MM/DD/YYYY hh:mm:ss A', '11/26/2026 12:30:00 P.M.', 'days', 45_000],
    ['DD MMM YYYY H:mm', '26 Nov. 2026 7:05', 'days', 25_500],
    ['YYYYMMDDHHmmss', '20261126070509', 'days', 25_509],
    ['HH:mm:ss', '23:59:59', 'no date', 86_399],
    ['[T]HH:mm', 'T07:05', 'no date', 25_500],
  ])('%s reads %j', (format, text, dated, seconds) => {
    const compiled = compileTimeFormat(format);
    if (!compiled.ok) throw new Error(compiled.message);
    const parsed = compiled.format.parse(text);
    expect(parsed?.micros).toBe(seconds * 1_000_000);
    expect(parsed?.days === null ? 'no date' : 'days').toBe(dated);
  });

  it.each([
    ['YYYY-MM-DD HH:mm:ss', '2026-02-30 07:00:00'],
    ['HH:mm:ss', '24:00:00'],
    ['hh:mm A', '13:00 PM'],
    ['HH:mm', '7:5x'],
  ])('%s rejects %j', (format, text) => {
    const compiled = compileTimeFormat(format);
    expect(compiled.ok && compiled.format.parse(text)).toBe(null);
  });

  it.each([
    ['YYYY-MM-DD', 'The format needs an hour (HH, or hh with A).'],
    ['HH:ss', 'The format needs minutes (mm).'],
    ['hh:mm', 'A 12-hour format (hh) needs AM/PM (A).'],
    ['DD HH:mm', 'A date needs year, month and day (or none of them for a time-only format).'],
    ['HH:mm:ss Z', '"Z" is not a known token (use [Z] for literal text).'],
    ['HH:mm HH', 'The format names the hour twice.'],
    ['[HH:mm', 'A "[" has no closing "]".'],
  ])('refuses %j', (format, message) => {
    expect(compileTimeFormat(format)).toEqual({ ok: false, message });
  });
});

describe('delimited profile validation', () => {
  it('accepts a complete profile and returns a clean copy', () => {
    expect(validateDelimitedProfile({ ...CSV, junk: 1 })).toEqual({ ok: true, profile: CSV });
  });

  it('gives one message per bad field', () => {
    expect(
      validateDelimitedProfile({ delimiter: ':', hasHeader: 'yes', skipRows: -1, timeColumn: 'Time', textColumn: -2, modalityColumn: '', timeFormat: 'HH', encoding: 'latin9' }),
    ).toEqual({
      ok: false,
      fields: {
        delimiter: 'Choose comma, semicolon, tab or "|".',
        hasHeader: 'Say whether the first row holds column names.',
        skipRows: 'Rows to skip must be a whole number from 0 to 1000.',
        timeColumn: 'Column names need a header row; use a number (0 = first column).',
        textColumn: 'A column number must be a whole number from 0 (the first column).',
        modalityColumn: 'Give a column name or number.',
        timeFormat: 'The format needs minutes (mm).',
        encoding: 'Choose one of utf-8, windows-1252, gbk.',
      },
    });
    expect(validateDelimitedProfile(null)).toEqual({ ok: false, fields: { profile: 'The profile must be an object.' } });
  });
});
