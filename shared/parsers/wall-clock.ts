/**
 * Naive wall-clock arithmetic for device times. Vendor clocks carry no zone (vendor-formats.md §5),
 * so nothing here goes through `Date` or the workstation's zone: a day is always 86 400 s and
 * dates are proleptic Gregorian, computed with integer day counts.
 */

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND;

/** A point on a naive clock: whole days since 1970-01-01 plus microseconds into that day. */
export type WallPoint = Readonly<{ days: number; micros: number }>;

export type CivilDate = Readonly<{ year: number; month: number; day: number }>;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Inverse of daysFromCivil. */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isValidCivil(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  const next = month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
  return day <= next - daysFromCivil(year, month, 1);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since the epoch of a valid `YYYY-MM-DD`, else null. */
export function parseIsoDateDays(s: string): number | null {
  const m = ISO_DATE.exec(s.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isValidCivil(y, mo, d) ? daysFromCivil(y, mo, d) : null;
}

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;

/** Parses our own wall-clock form ("YYYY-MM-DDTHH:MM[:SS[.ffffff]]"; a space for the T is fine). */
export function parseWallClock(s: string): WallPoint | null {
  const m = WALL_CLOCK.exec(s.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  if (!isValidCivil(y, mo, d) || h > 23 || mi > 59 || sec > 59) return null;
  return { days: daysFromCivil(y, mo, d), micros: ((h * 60 + mi) * 60 + sec) * MICROS_PER_SECOND + fractionToMicros(m[7] ?? '') };
}

/** ".5" → 500000 µs; more than six digits are cut (no device here resolves below 1 µs). */
export function fractionToMicros(digits: string): number {
  if (digits.length === 0) return 0;
  return Number(digits.slice(0, 6).padEnd(6, '0'));
}

/** Moves a point by a signed number of microseconds (an integer), carrying whole days. */
export function addMicros(point: WallPoint, micros: number): WallPoint {
  const total = point.micros + micros;
  const carry = Math.floor(total / MICROS_PER_DAY);
  return { days: point.days + carry, micros: total - carry * MICROS_PER_DAY };
}

export function pointFromParts(days: number, secondOfDay: number, micros = 0): WallPoint {
  return addMicros({ days, micros: 0 }, secondOfDay * MICROS_PER_SECOND + micros);
}

/**
 * "YYYY-MM-DDTHH:MM:SS" plus `fractionDigits` (0–6) of the microseconds. The digits shown follow
 * the source's resolution (whole seconds for a time-of-day text, six for Cadwell's µs) so the raw
 * precision is neither invented nor lost.
 */
export function formatWallClock(point: WallPoint, fractionDigits = 0): string {
  const { year, month, day } = civilFromDays(point.days);
  const sec = Math.floor(point.micros / MICROS_PER_SECOND);
  const micros = point.micros - sec * MICROS_PER_SECOND;
  const hh = Math.floor(sec / 3600);
  const mm = Math.floor((sec % 3600) / 60);
  const ss = sec % 60;
  const base = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}`;
  if (fractionDigits <= 0) return base;
  return `${base}.${pad(micros, 6).slice(0, Math.min(6, fractionDigits))}`;
}

export function formatIsoDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
