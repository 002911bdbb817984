/**
 * Simulated time. The case runs `speed`× faster than real time; the devices stamp what they write
 * with a naive wall clock in the OR's zone (vendor-formats.md §5: no vendor stores a zone).
 *
 * Default start: chosen so the LAST action's device time equals the real time at which it is
 * written (start = now − duration + duration/speed). At speed 1 nothing is ever stamped in the
 * future, and a fast demo ends "now", so the files look like a case that just finished.
 *
 * Wall clocks are carried as "naive ms": milliseconds since 1970 of the wall-clock fields read as
 * if they were UTC. That is exactly Cadwell's convention for its µs timestamps, and it keeps
 * calendar arithmetic free of zones.
 */
import { isValidTimeZone, wallClockToInstant, zoneOffsetMs } from '../../shared/util/zoned-time';

export type SimClock = Readonly<{
  speed: number;
  zone: string;
  durationMs: number;
  /** Real time (epoch ms) at which the case starts playing. */
  realStartMs: number;
  /** The instant (epoch ms) the device clocks show as the case start. */
  startInstantMs: number;
}>;

export type ClockOptions = Readonly<{
  durationMs: number;
  speed: number;
  zone: string;
  realStartMs: number;
  /** The case start as an instant; default: the last action lands at the real time it is written. */
  startInstantMs?: number;
}>;

export function createClock(o: ClockOptions): SimClock {
  if (!(o.speed > 0) || !Number.isFinite(o.speed)) throw new RangeError('speed must be a positive number');
  if (!isValidTimeZone(o.zone)) throw new RangeError(`unknown time zone ${o.zone}`);
  const startInstantMs = o.startInstantMs ?? defaultStartInstant(o.realStartMs, o.durationMs, o.speed);
  return { speed: o.speed, zone: o.zone, durationMs: o.durationMs, realStartMs: o.realStartMs, startInstantMs };
}

/** now − duration + duration/speed, to the millisecond. */
export function defaultStartInstant(realStartMs: number, durationMs: number, speed: number): number {
  return Math.round(realStartMs - durationMs + durationMs / speed);
}

/** Real time (epoch ms) at which the action at `offsetMs` is due. */
export function realDueMs(clock: SimClock, offsetMs: number): number {
  return clock.realStartMs + offsetMs / clock.speed;
}

/** The instant (epoch ms) of the action at `offsetMs`. */
export function instantAt(clock: SimClock, offsetMs: number): number {
  return clock.startInstantMs + offsetMs;
}

/** The device's naive wall clock at `offsetMs`, as naive ms. */
export function deviceWallMs(clock: SimClock, offsetMs: number): number {
  const instant = instantAt(clock, offsetMs);
  return instant + zoneOffsetMs(instant, clock.zone);
}

/** The zone's UTC offset in minutes at `offsetMs` (for HL7 times, which may carry it). */
export function utcOffsetMinutesAt(clock: SimClock, offsetMs: number): number {
  return Math.round(zoneOffsetMs(instantAt(clock, offsetMs), clock.zone) / 60_000);
}

/** The workstation's zone: the default device zone. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const WITH_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const NAIVE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?$/;

/**
 * `--start`: an ISO time with Z or an offset is an instant; without one it is a wall clock in
 * the device zone ("2026-11-26T07:30" = 07:30 on the OR clock). Null when unreadable.
 */
export function parseStartOption(text: string, zone: string): number | null {
  const t = text.trim();
  if (WITH_OFFSET.test(t)) {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(t)) return null;
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? null : ms;
  }
  if (!NAIVE.test(t)) return null;
  const [date, time = ''] = t.split('T') as [string, string];
  const [hh = '00', mm = '00', ss = '00'] = time.split(':');
  return wallClockToInstant(`${date}T${hh}:${mm}:${ss}`, zone);
}

export type WallParts = Readonly<{ year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number }>;

export function wallParts(wallMs: number): WallParts {
  const d = new Date(wallMs);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
  };
}

export function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** "YYYY-MM-DDTHH:MM:SS.mmm": how tests and progress lines show a device time. */
export function formatWallClock(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 23);
}

/** "HH:MM:SS" of a naive wall clock (XLTEK lines, serial text lines). */
export function timeOfDay(wallMs: number): string {
  const p = wallParts(wallMs);
  return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}
