import { assertNever } from '../util/assert-never';
import { daysFromCivil, isValidCivil, MICROS_PER_SECOND } from './wall-clock';

/**
 * User-written time formats for delimited logs, e.g. "YYYY-MM-DD HH:mm:ss", "D-M-YYYY HH:mm:ss"
 * (NIM-Eclipse shows "31-7-2018 08:03:50"), "HH:mm:ss", "MM/DD/YYYY hh:mm:ss A", "YYYYMMDDHHmmss".
 *
 * Tokens (moment.js spelling, so sites can copy formats from other tools):
 *   YYYY  4-digit year        YY  2-digit year, read as 20YY
 *   MM M  month 1–12          MMM month name or abbreviation (Jan, Sept, November)
 *   DD D  day 1–31
 *   HH H  hour 0–23           hh h  hour 1–12, needs A
 *   mm m  minute              ss s  second
 *   S…    fraction of a second (any number of S; 1–9 digits accepted, µs kept)
 *   A a   AM/PM (also am, a.m.)
 *   [..]  literal text; any other character matches itself; a space matches any run of spaces
 * Padded and unpadded tokens both accept one or two digits: exports rarely pad consistently.
 */

type Field = 'year4' | 'year2' | 'month' | 'monthName' | 'day' | 'hour24' | 'hour12' | 'minute' | 'second' | 'fraction' | 'meridiem';

const TOKENS: ReadonlyArray<Readonly<{ token: string; field: Field; pattern: string }>> = [
  { token: 'YYYY', field: 'year4', pattern: '(\\d{4})' },
  { token: 'YY', field: 'year2', pattern: '(\\d{2})' },
  { token: 'MMMM', field: 'monthName', pattern: '([A-Za-z]{3,9}\\.?)' },
  { token: 'MMM', field: 'monthName', pattern: '([A-Za-z]{3,9}\\.?)' },
  { token: 'MM', field: 'month', pattern: '(\\d{1,2})' },
  { token: 'M', field: 'month', pattern: '(\\d{1,2})' },
  { token: 'DD', field: 'day', pattern: '(\\d{1,2})' },
  { token: 'D', field: 'day', pattern: '(\\d{1,2})' },
  { token: 'HH', field: 'hour24', pattern: '(\\d{1,2})' },
  { token: 'H', field: 'hour24', pattern: '(\\d{1,2})' },
  { token: 'hh', field: 'hour12', pattern: '(\\d{1,2})' },
  { token: 'h', field: 'hour12', pattern: '(\\d{1,2})' },
  { token: 'mm', field: 'minute', pattern: '(\\d{1,2})' },
  { token: 'm', field: 'minute', pattern: '(\\d{1,2})' },
  { token: 'ss', field: 'second', pattern: '(\\d{1,2})' },
  { token: 's', field: 'second', pattern: '(\\d{1,2})' },
  { token: 'A', field: 'meridiem', pattern: '([AaPp]\\.?[Mm]\\.?)' },
  { token: 'a', field: 'meridiem', pattern: '([AaPp]\\.?[Mm]\\.?)' },
];

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

export type CompiledTimeFormat = Readonly<{
  source: string;
  /** False for a time-only format: the date must come from elsewhere (the case date). */
  hasDate: boolean;
  parse(text: string): ParsedTime | null;
}>;

export type ParsedTime = Readonly<{
  /** Days since 1970-01-01, or null for a time-only format. */
  days: number | null;
  /** Microseconds since midnight. */
  micros: number;
  fractionDigits: number;
}>;

export type TimeFormatResult = Readonly<{ ok: true; format: CompiledTimeFormat }> | Readonly<{ ok: false; message: string }>;

export function compileTimeFormat(source: string): TimeFormatResult {
  const fields: Field[] = [];
  let pattern = '';
  for (let i = 0; i < source.length; ) {
    const ch = source[i] as string;
    if (ch === '[') {
      const close = source.indexOf(']', i + 1);
      if (close < 0) return { ok: false, message: 'A "[" has no closing "]".' };
      pattern += escapeRegExp(source.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    if (/\s/.test(ch)) {
      while (i < source.length && /\s/.test(source[i] as string)) i++;
      pattern += '\\s+';
      continue;
    }
    if (ch === 'S') {
      let j = i;
      while (source[j] === 'S') j++;
      fields.push('fraction');
      pattern += '(\\d{1,9})';
      i = j;
      continue;
    }
    const token = TOKENS.find((t) => source.startsWith(t.token, i));
    if (token) {
      fields.push(token.field);
      pattern += token.pattern;
      i += token.token.length;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) return { ok: false, message: `"${ch}" is not a known token (use [${ch}] for literal text).` };
    pattern += escapeRegExp(ch);
    i++;
  }

  const has = (f: Field): boolean => fields.includes(f);
  const repeated = fields.find((f, i) => fields.indexOf(f) !== i);
  if (repeated) return { ok: false, message: `The format names the ${describe(repeated)} twice.` };
  if (has('year4') && has('year2')) return { ok: false, message: 'The format names the year twice.' };
  if (has('month') && has('monthName')) return { ok: false, message: 'The format names the month twice.' };
  if (has('hour24') && has('hour12')) return { ok: false, message: 'Use either HH (24-hour) or hh (12-hour), not both.' };
  if (!has('hour24') && !has('hour12')) return { ok: false, message: 'The format needs an hour (HH, or hh with A).' };
  if (!has('minute')) return { ok: false, message: 'The format needs minutes (mm).' };
  if (has('hour12') !== has('meridiem')) {
    return { ok: false, message: has('hour12') ? 'A 12-hour format (hh) needs AM/PM (A).' : 'AM/PM (A) needs a 12-hour hour (hh).' };
  }
  const dateParts = [has('year4') || has('year2'), has('month') || has('monthName'), has('day')];
  const hasDate = dateParts.every(Boolean);
  if (!hasDate && dateParts.some(Boolean)) return { ok: false, message: 'A date needs year, month and day (or none of them for a time-only format).' };

  const regex = new RegExp(`^${pattern}$`);
  return {
    ok: true,
    format: {
      source,
      hasDate,
      parse: (text) => parseWith(regex, fields, hasDate, text.trim()),
    },
  };
}

function parseWith(regex: RegExp, fields: readonly Field[], hasDate: boolean, text: string): ParsedTime | null {
  const m = regex.exec(text);
  if (!m) return null;
  const v: Partial<Record<Field, string>> = {};
  fields.forEach((f, i) => {
    v[f] = m[i + 1];
  });
  const num = (f: Field): number => Number(v[f] ?? '0');

  let hour: number;
  if (v.hour12 !== undefined) {
    const h = num('hour12');
    if (h < 1 || h > 12) return null;
    const pm = /^p/i.test(v.meridiem ?? '');
    hour = (h % 12) + (pm ? 12 : 0);
  } else hour = num('hour24');
  const [minute, second] = [num('minute'), num('second')];
  if (hour > 23 || minute > 59 || second > 59) return null;
  const fraction = v.fraction ?? '';
  const micros = ((hour * 60 + minute) * 60 + second) * MICROS_PER_SECOND + (fraction ? Number(fraction.slice(0, 6).padEnd(6, '0')) : 0);

  let days: number | null = null;
  if (hasDate) {
    const year = v.year4 !== undefined ? num('year4') : 2000 + num('year2');
    const month = v.monthName !== undefined ? monthNumber(v.monthName) : num('month');
    const day = num('day');
    if (month === null || !isValidCivil(year, month, day)) return null;
    days = daysFromCivil(year, month, day);
  }
  return { days, micros, fractionDigits: Math.min(6, fraction.length) };
}

function monthNumber(word: string): number | null {
  const w = word.replace('.', '').toLowerCase();
  const i = w.length >= 3 ? MONTHS.findIndex((m) => m.startsWith(w)) : -1;
  return i < 0 ? null : i + 1;
}

function describe(field: Field): string {
  switch (field) {
    case 'year4':
    case 'year2':
      return 'year';
    case 'month':
    case 'monthName':
      return 'month';
    case 'day':
      return 'day';
    case 'hour24':
    case 'hour12':
      return 'hour';
    case 'minute':
      return 'minute';
    case 'second':
      return 'second';
    case 'fraction':
      return 'fraction of a second';
    case 'meridiem':
      return 'AM/PM';
    default:
      return assertNever(field, 'time field');
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
