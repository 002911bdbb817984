import { describe, expect, it } from 'vitest';
import { instantToWallClock, isValidTimeZone, parseWallClock, wallClockToInstant, zoneOffsetMs } from '../../shared/util/zoned-time';

describe('device wall clock → instant', () => {
  it.each([
    ['2026-11-26T08:05:00', 'UTC', '2026-11-26T08:05:00.000Z'],
    ['2026-11-26T08:05:00', 'America/New_York', '2026-11-26T13:05:00.000Z'],
    ['2026-07-01T08:05:00.250', 'America/New_York', '2026-07-01T12:05:00.250Z'],
    ['2026-11-26T08:05:00', 'Europe/Warsaw', '2026-11-26T07:05:00.000Z'],
    ['2026-11-26T08:05:00', 'Asia/Kolkata', '2026-11-26T02:35:00.000Z'],
    ['2026-11-26T23:30:00', 'Pacific/Auckland', '2026-11-26T10:30:00.000Z'],
    // Clocks go back (New York, 2026-11-01 02:00 → 01:00): 01:30 happens twice; the first is taken.
    ['2026-11-01T01:30:00', 'America/New_York', '2026-11-01T05:30:00.000Z'],
    // Clocks go forward (2026-03-08 02:00 → 03:00): 02:30 never happens; the instant after the gap.
    ['2026-03-08T02:30:00', 'America/New_York', '2026-03-08T07:30:00.000Z'],
  ])('%s in %s', (wall, zone, iso) => {
    expect(new Date(wallClockToInstant(wall, zone)!).toISOString()).toBe(iso);
  });

  it('round-trips ordinary times', () => {
    for (const zone of ['America/Chicago', 'Europe/London', 'Asia/Shanghai', 'Australia/Sydney']) {
      for (let day = 0; day < 365; day += 7) {
        const ms = Date.UTC(2026, 0, 1, 14, 7, 3) + day * 86_400_000;
        const wall = instantToWallClock(ms, zone);
        expect(wallClockToInstant(wall, zone)).toBe(ms);
      }
    }
  });

  it('refuses malformed wall clocks and zones', () => {
    expect(parseWallClock('2026-13-01T00:00:00')).toBeNull();
    expect(parseWallClock('26.11.26 08.05.00')).toBeNull();
    expect(wallClockToInstant('garbage', 'UTC')).toBeNull();
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(zoneOffsetMs(Date.UTC(2026, 0, 1), 'America/New_York')).toBe(-5 * 3600_000);
  });
});
