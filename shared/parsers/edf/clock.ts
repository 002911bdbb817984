/** Wall-clock text: the header's start, and the device clock at an onset (exact decimal arithmetic on TAL text). */
import type { EdfHeader } from './header';

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * The device wall clock at an onset written as TAL text ("+12.5", "-0.25"): exact decimal
 * arithmetic on the text, so "+0.1" is 100 ms, not 99.999…
 */
export function wallClockAt(header: Pick<EdfHeader, 'startClockSec'>, onsetRaw: string): string {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(onsetRaw);
  if (!m) return wallClockAtSeconds(header, Number(onsetRaw) || 0);
  const frac = (m[3] ?? '').padEnd(7, '0');
  let micros = Number(frac.slice(0, 6)) + (Number(frac[6]) >= 5 ? 1 : 0);
  let whole = Number(m[2]);
  if (micros >= 1e6) {
    whole += 1;
    micros -= 1e6;
  }
  return m[1] === '-' ? clockFrom(header.startClockSec - whole, -micros) : clockFrom(header.startClockSec + whole, micros);
}

/** The wall clock at an onset in seconds (records without time-keeping TALs). */
export function wallClockAtSeconds(header: Pick<EdfHeader, 'startClockSec'>, onsetSec: number): string {
  const whole = Math.trunc(onsetSec);
  return clockFrom(header.startClockSec + whole, Math.round((onsetSec - whole) * 1e6));
}

function clockFrom(sec: number, micros: number): string {
  let s = sec;
  let us = micros;
  if (us < 0) {
    s -= 1;
    us += 1e6;
  }
  if (us >= 1e6) {
    s += 1;
    us -= 1e6;
  }
  return formatClock(s, us);
}

/** The date part of the last day formatted: a file's clocks mostly fall on one or two days. */
let clockDay = Number.NaN;
let clockDayText = '';

/** An instant as the wall-clock text the reader gives ("YYYY-MM-DDTHH:MM:SS[.fff[fff]]"). */
export function formatClock(sec: number, micros: number): string {
  const day = Math.floor(sec / 86400);
  if (day !== clockDay) {
    const d = new Date(day * 86400_000);
    clockDayText = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
    clockDay = day;
  }
  const t = sec - day * 86400;
  const time = `${pad(Math.floor(t / 3600), 2)}:${pad(Math.floor(t / 60) % 60, 2)}:${pad(t % 60, 2)}`;
  const frac = micros === 0 ? '' : micros % 1000 === 0 ? `.${pad(micros / 1000, 3)}` : `.${pad(micros, 6)}`;
  return `${clockDayText}T${time}${frac}`;
}
