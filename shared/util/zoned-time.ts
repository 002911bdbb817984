/**
 * Naive device wall clocks → instants. IONM machines write local wall-clock times with no zone
 * (vendor-formats.md §5); which zone they mean is a per-source setting. Uses only Intl, so it
 * runs anywhere and needs no time-zone database of our own.
 */

const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

export type WallClockParts = Readonly<{ y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number }>;

export function parseWallClock(wall: string): WallClockParts | null {
  const m = WALL.exec(wall);
  if (!m) return null;
  const frac = (m[7] ?? '').padEnd(3, '0').slice(0, 3);
  const p = { y: +m[1]!, mo: +m[2]!, d: +m[3]!, h: +m[4]!, mi: +m[5]!, s: +m[6]!, ms: +frac };
  if (p.mo < 1 || p.mo > 12 || p.d < 1 || p.d > 31 || p.h > 23 || p.mi > 59 || p.s > 60) return null;
  return p;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Offset of `timeZone` from UTC at instant `ms`, in ms (e.g. -5 h for New York in winter). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(ms);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant a wall clock in `timeZone` shows. In the repeated hour when clocks go back the
 * earlier instant is taken; a time skipped when clocks go forward maps to the instant after the
 * gap (as the device clock would have read it had it been set right).
 */
export function wallClockToInstant(wall: string | WallClockParts, timeZone: string): number | null {
  const p = typeof wall === 'string' ? parseWallClock(wall) : wall;
  if (!p) return null;
  const naive = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, p.ms);
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return naive;
  // Two candidates cover both sides of a transition; prefer the earlier one that matches.
  const o1 = zoneOffsetMs(naive - zoneOffsetMs(naive, timeZone), timeZone);
  const before = naive - zoneOffsetMs(naive - o1 - 3 * 3600_000, timeZone);
  const candidates = [naive - o1, before, naive - zoneOffsetMs(naive - o1 + 3 * 3600_000, timeZone)];
  const matching = candidates.filter((c) => c + zoneOffsetMs(c, timeZone) === naive).sort((a, b) => a - b);
  // No match: the time fell in a gap. A clock not yet moved forward still reads the old offset.
  return matching[0] ?? before;
}

/** "YYYY-MM-DDTHH:MM:SS(.fff)" wall clock of an instant in a zone (the inverse, for display). */
export function instantToWallClock(ms: number, timeZone: string): string {
  const local = new Date(ms + zoneOffsetMs(ms, timeZone));
  const iso = local.toISOString();
  return local.getUTCMilliseconds() ? iso.slice(0, 23) : iso.slice(0, 19);
}

/** The calendar date ("YYYY-MM-DD") of an instant in an IANA zone. */
export function zonedIsoDate(ms: number, timeZone: string): string {
  return instantToWallClock(ms, timeZone).slice(0, 10);
}
