import { MICROS_PER_SECOND } from './wall-clock';

export type TimeOfDay = Readonly<{
  /** Microseconds since midnight. */
  micros: number;
  /** How many fraction digits the text had (0 for whole seconds). */
  fractionDigits: number;
}>;

const CLOCK = /^(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,6}))?$/;

/** "H:MM:SS" or "HH:MM:SS", optionally with a fraction; null unless it is a real time of day. */
export function parseTimeOfDay(token: string): TimeOfDay | null {
  const m = CLOCK.exec(token);
  if (!m) return null;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (h > 23 || mi > 59 || s > 59) return null;
  const fraction = m[4] ?? '';
  return {
    micros: ((h * 60 + mi) * 60 + s) * MICROS_PER_SECOND + (fraction ? Number(fraction.padEnd(6, '0')) : 0),
    fractionDigits: fraction.length,
  };
}

const ELAPSED = /^(\d{1,4}):(\d{2}):(\d{2})(?:[.,](\d{1,6}))?$/;

/** Elapsed "HH:MM:SS" where hours may pass 23 (a long recording). Returns microseconds. */
export function parseElapsed(token: string): number | null {
  const m = ELAPSED.exec(token);
  if (!m) return null;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mi > 59 || s > 59) return null;
  return ((h * 60 + mi) * 60 + s) * MICROS_PER_SECOND + (m[4] ? Number(m[4].padEnd(6, '0')) : 0);
}

/** One hour: more than any out-of-order note is late, less than any real gap across midnight. */
const DEFAULT_BACKSTEP_MICROS = 3600 * MICROS_PER_SECOND;

/**
 * Turns a sequence of times of day into day offsets. Time-of-day-only formats (XLTEK, a time-only
 * CSV) carry no date, and a case running past midnight must not put its last hour before its
 * first (Brainstorm's reader does exactly that, vendor-formats.md §2a). A step back of more than
 * an hour means the clock crossed midnight; a smaller one is an out-of-order note on the same day.
 */
export class DayRollover {
  private previous: number | null = null;
  private offset = 0;

  constructor(private readonly backstepMicros = DEFAULT_BACKSTEP_MICROS) {}

  /** The recording start, when known, is the reference for the first event. */
  seed(micros: number): void {
    this.previous = micros;
  }

  /** Day offset (0 = the start date) for the next time of day in file order. */
  next(micros: number): number {
    if (this.previous !== null && micros < this.previous - this.backstepMicros) this.offset += 1;
    this.previous = micros;
    return this.offset;
  }
}
