import { daysFromCivil, isValidCivil } from './wall-clock';

/** How a numeric date like 03/04/2026 is read when both orders are possible. */
export type DateOrder = 'MDY' | 'DMY';

export type FoundDate = Readonly<{
  /** Days since 1970-01-01. */
  days: number;
  /** The text that was read as a date, for messages. */
  text: string;
  /** Day and month were both ≤ 12 and the configured order decided. */
  ambiguous: boolean;
}>;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** "Nov", "Sept", "November" → 11; any other word (say "Marker") → null. */
function monthNumber(word: string): number | null {
  const w = word.toLowerCase();
  const i = w.length >= 3 ? MONTHS.findIndex((m) => m.startsWith(w)) : -1;
  return i < 0 ? null : i + 1;
}

const ISO = /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/;
const NUMERIC = /\b(\d{1,2})([/.-])(\d{1,2})\2(\d{4})\b/;
const DAY_MONTH_NAME = /\b(\d{1,2})[- ]([A-Za-z]{3,9})\.?[-\s,]+(\d{4})\b/;
const MONTH_NAME_DAY = /\b([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})\b/;

/**
 * Finds a calendar date in a free-text header line ("Date: 11/26/2026", "Study date 2026-11-26",
 * "26-Nov-2026"). Header layouts are not documented for any vendor text export, so this accepts
 * the common shapes and leaves the order of a numeric date to the site setting.
 */
export function findDateInText(line: string, order: DateOrder = 'MDY'): FoundDate | null {
  const iso = ISO.exec(line);
  if (iso) {
    const found = civil(Number(iso[1]), Number(iso[2]), Number(iso[3]), iso[0], false);
    if (found) return found;
  }
  const num = NUMERIC.exec(line);
  if (num) {
    const a = Number(num[1]);
    const b = Number(num[3]);
    const year = Number(num[4]);
    // A first number above 12 can only be a day, a second above 12 only a day.
    const dmy = a > 12 ? true : b > 12 ? false : order === 'DMY';
    const found = civil(year, dmy ? b : a, dmy ? a : b, num[0], a <= 12 && b <= 12 && a !== b);
    if (found) return found;
  }
  const dmn = DAY_MONTH_NAME.exec(line);
  if (dmn) {
    const month = monthNumber(dmn[2] ?? '');
    const found = month ? civil(Number(dmn[3]), month, Number(dmn[1]), dmn[0], false) : null;
    if (found) return found;
  }
  const mnd = MONTH_NAME_DAY.exec(line);
  if (mnd) {
    const month = monthNumber(mnd[1] ?? '');
    const found = month ? civil(Number(mnd[3]), month, Number(mnd[2]), mnd[0], false) : null;
    if (found) return found;
  }
  return null;
}

function civil(year: number, month: number, day: number, text: string, ambiguous: boolean): FoundDate | null {
  if (!isValidCivil(year, month, day) || year < 1900) return null;
  return { days: daysFromCivil(year, month, day), text, ambiguous };
}
