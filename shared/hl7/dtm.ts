/**
 * HL7 DTM (date/time) ⇄ our wall clocks. DTM is `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`:
 * precision is whatever the sender chose, and the offset is optional. Device clocks are naive
 * local clocks (vendor-formats.md §5), so we keep the wall clock as written and carry the offset
 * beside it rather than converting to an instant here: the zone rule downstream decides.
 */
import { isIsoDate, pad2 } from '../util/time';

export type DtmPrecision = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'fraction';

export type ParsedDtm = Readonly<{
  /** "YYYY-MM-DDTHH:MM:SS" plus ".f…" when sent; parts the sender left out are filled with their lowest value. */
  wallClock: string;
  /** "+HHMM"/"-HHMM" as sent, or null when the DTM has none (then it is the sender's local time). */
  utcOffset: string | null;
  precision: DtmPrecision;
}>;

const DTM =
  /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?)?)?)?([+-]\d{4})?$/;
const PRECISIONS: readonly DtmPrecision[] = ['year', 'month', 'day', 'hour', 'minute', 'second', 'fraction'];

/**
 * Read a DTM/TS value (the first component of a TS field, e.g. OBX-14). Returns null for
 * anything that is not a real calendar time; six fraction digits are accepted because some
 * gateways send microseconds although the standard allows four.
 */
export function parseDtm(value: string): ParsedDtm | null {
  const m = DTM.exec(value.trim());
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', frac, offset] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  // Seconds up to 60 for a leap second; the wall clock keeps what the device said.
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
  if (offset !== undefined && !validOffset(offset)) return null;
  const given = m.slice(1, 8).filter((p) => p !== undefined).length;
  const precision = PRECISIONS[given - 1] ?? 'year';
  return {
    wallClock: `${y}-${mo}-${d}T${h}:${mi}:${s}${frac ? `.${frac}` : ''}`,
    utcOffset: offset ?? null,
    precision,
  };
}

function validOffset(offset: string): boolean {
  const hh = Number(offset.slice(1, 3));
  const mm = Number(offset.slice(3, 5));
  return hh <= 14 && mm <= 59;
}

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/**
 * Our wall clock ("YYYY-MM-DDTHH:MM:SS[.f…]") to DTM, with an optional UTC offset in minutes
 * or as "+HHMM"/"+HH:MM". Fractions beyond the four digits DTM allows are truncated, not
 * rounded, so a time never moves into the next second. Null for a malformed input.
 */
export function dtmFromWallClock(wallClock: string, utcOffset: number | string | null = null): string | null {
  const m = WALL_CLOCK.exec(wallClock);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac] = m;
  if (parseDtm(`${y}${mo}${d}${h}${mi}${s}`) === null) return null;
  const off = formatOffset(utcOffset);
  if (off === null) return null;
  return `${y}${mo}${d}${h}${mi}${s}${frac ? `.${frac.slice(0, 4)}` : ''}${off}`;
}

/**
 * An instant (ms since the epoch) as DTM in the given offset, e.g. for MSH-7:
 * `dtmFromInstant(Date.now(), -new Date().getTimezoneOffset())`.
 */
export function dtmFromInstant(ms: number, utcOffsetMinutes: number, opts: Readonly<{ millis?: boolean }> = {}): string | null {
  if (!Number.isFinite(ms)) return null;
  const off = formatOffset(utcOffsetMinutes);
  if (off === null) return null;
  const t = new Date(ms + utcOffsetMinutes * 60_000);
  if (Number.isNaN(t.getTime())) return null;
  const base =
    `${String(t.getUTCFullYear()).padStart(4, '0')}${pad2(t.getUTCMonth() + 1)}${pad2(t.getUTCDate())}` +
    `${pad2(t.getUTCHours())}${pad2(t.getUTCMinutes())}${pad2(t.getUTCSeconds())}`;
  return `${base}${opts.millis ? `.${String(t.getUTCMilliseconds()).padStart(3, '0')}` : ''}${off}`;
}

/** A calendar date "YYYY-MM-DD" (dates of birth) as HL7 DT "YYYYMMDD"; null when invalid. */
export function dtFromIsoDate(iso: string): string | null {
  return isIsoDate(iso) ? iso.replaceAll('-', '') : null;
}

function formatOffset(offset: number | string | null): string | null {
  if (offset === null) return '';
  if (typeof offset === 'number') {
    if (!Number.isInteger(offset) || Math.abs(offset) > 14 * 60) return null;
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return `${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
  }
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(offset);
  if (!m) return null;
  const out = `${m[1]}${m[2]}${m[3]}`;
  return validOffset(out) ? out : null;
}
