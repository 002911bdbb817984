import { describe, expect, it } from 'vitest';
import { dtFromIsoDate, dtmFromInstant, dtmFromWallClock, parseDtm } from '../../shared/hl7/dtm';

describe('parseDtm', () => {
  it.each([
    ['20191127145635+0100', { wallClock: '2019-11-27T14:56:35', utcOffset: '+0100', precision: 'second' }],
    ['200801311600+0215', { wallClock: '2008-01-31T16:00:00', utcOffset: '+0215', precision: 'minute' }],
    ['20250314081458.25-0500', { wallClock: '2025-03-14T08:14:58.25', utcOffset: '-0500', precision: 'fraction' }],
    ['20250314081458.123456', { wallClock: '2025-03-14T08:14:58.123456', utcOffset: null, precision: 'fraction' }],
    ['2025031408', { wallClock: '2025-03-14T08:00:00', utcOffset: null, precision: 'hour' }],
    ['20250314', { wallClock: '2025-03-14T00:00:00', utcOffset: null, precision: 'day' }],
    ['202503', { wallClock: '2025-03-01T00:00:00', utcOffset: null, precision: 'month' }],
    ['2025', { wallClock: '2025-01-01T00:00:00', utcOffset: null, precision: 'year' }],
    ['20240229', { wallClock: '2024-02-29T00:00:00', utcOffset: null, precision: 'day' }],
    [' 20250314 ', { wallClock: '2025-03-14T00:00:00', utcOffset: null, precision: 'day' }],
  ])('%s', (dtm, expected) => {
    expect(parseDtm(dtm)).toEqual(expected);
  });

  it.each(['', 'abc', '2025-03-14', '20250230', '20230229', '20251301', '202503142460', '20250314+2500', '20250314120000+0060', '2025031412000', '20250314.5', '20250314120000.1234567'])(
    'rejects %j',
    (bad) => {
      expect(parseDtm(bad)).toBeNull();
    },
  );
});

describe('formatting', () => {
  it('wall clock → DTM, truncating past four fraction digits, with an offset in minutes or text', () => {
    expect(dtmFromWallClock('2025-03-14T08:14:58.123456', -300)).toBe('20250314081458.1234-0500');
    expect(dtmFromWallClock('2025-03-14T08:14:58', null)).toBe('20250314081458');
    expect(dtmFromWallClock('2025-03-14T08:14:58', '+01:00')).toBe('20250314081458+0100');
    expect(dtmFromWallClock('2025-03-14T08:14:58', 345)).toBe('20250314081458+0545');
    expect(dtmFromWallClock('2025-03-14 08:14:58')).toBeNull();
    expect(dtmFromWallClock('2025-02-30T08:14:58')).toBeNull();
    expect(dtmFromWallClock('2025-03-14T08:14:58', 15 * 60)).toBeNull();
    expect(dtmFromWallClock('2025-03-14T08:14:58', '0100')).toBeNull();
  });

  it('round-trips through parseDtm', () => {
    for (const [wall, off] of [
      ['2025-03-14T08:14:58', '+0100'],
      ['1999-12-31T23:59:59.9', '-1200'],
      ['2024-02-29T00:00:00.0001', null],
    ] as const) {
      const dtm = dtmFromWallClock(wall, off);
      expect(dtm).not.toBeNull();
      expect(parseDtm(dtm ?? '')).toMatchObject({ wallClock: wall, utcOffset: off });
    }
  });

  it('instant → DTM in the given offset, across a day boundary', () => {
    expect(dtmFromInstant(Date.UTC(2025, 2, 14, 13, 14, 58, 7), -300)).toBe('20250314081458-0500');
    expect(dtmFromInstant(Date.UTC(2025, 2, 14, 13, 14, 58, 7), -300, { millis: true })).toBe('20250314081458.007-0500');
    expect(dtmFromInstant(Date.UTC(2025, 0, 1, 2, 0, 0), -300)).toBe('20241231210000-0500');
    expect(dtmFromInstant(Date.UTC(2025, 0, 1, 2, 0, 0), 0)).toBe('20250101020000+0000');
    expect(dtmFromInstant(Number.NaN, 0)).toBeNull();
  });

  it('ISO date → DT', () => {
    expect(dtFromIsoDate('1961-07-04')).toBe('19610704');
    expect(dtFromIsoDate('1961-7-4')).toBeNull();
    expect(dtFromIsoDate('1961-02-29')).toBeNull();
  });
});
