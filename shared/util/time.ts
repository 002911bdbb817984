/**
 * Calendar helpers on plain `YYYY-MM-DD` strings. Dates of birth and of service are calendar
 * dates, not instants: keeping them as strings avoids the classic off-by-one-day across zones.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1800 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; UTC avoids DST edge cases.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Local calendar date of an instant, as the workstation sees it. */
export function localIsoDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** Whole years between two ISO dates (age on a date). */
export function yearsBetween(fromIso: string, toIso: string): number {
  const [fy, fm, fd] = fromIso.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = toIso.split('-').map(Number) as [number, number, number];
  let years = ty - fy;
  if (tm < fm || (tm === fm && td < fd)) years -= 1;
  return years;
}

export function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`;
}

export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `HH:MM:SS` local wall clock of an instant, for event lists. */
export function localClock(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** `YYYY-MM-DD HH:MM` local: the one way the app writes a moment (signatures, deliveries, versions). */
export function localDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/**
 * A clock time typed as HH:MM or HH:MM:SS, as the instant nearest `reference` (local time): the
 * reference's day, or the day before or after when that is closer (typed just after midnight
 * about something just before it). Null when the text is no clock time.
 */
export function nearestClockTime(reference: number, text: string): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) return null;
  const d = new Date(reference);
  d.setHours(Number(m[1]), Number(m[2]), Number(m[3] ?? 0), 0);
  let t = d.getTime();
  if (t - reference > 12 * 3600_000) t -= 24 * 3600_000;
  if (reference - t > 12 * 3600_000) t += 24 * 3600_000;
  return t;
}
