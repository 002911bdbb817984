/**
 * One received text line → one DeviceEvent.
 *
 * Without a profile the line is free text and its time is when it arrived, on the device's
 * zone's wall clock (so it lines up with facts whose time the device wrote). With a profile
 * (delimited-profile.ts) the line is read by the same DelimitedParser that reads exported logs,
 * so a site describes a serial printout and an export file the same way.
 *
 * Serial data is never replayed, so the key only has to be unique: receive time + sequence.
 */
import type { DeviceEvent } from '../../../../shared/domain/device-event';
import { instantToWallClock } from '../../../../shared/util/zoned-time';
import { DelimitedParser } from '../../../../shared/parsers/delimited';
import type { DelimitedProfile } from '../../../../shared/parsers/delimited-profile';
import { compileTimeFormat } from '../../../../shared/parsers/time-format';
import { formatIsoDate, MICROS_PER_DAY, parseWallClock as parseWallPoint } from '../../../../shared/parsers/wall-clock';

export function lineKey(receivedAt: number, sequence: number): string {
  return `${receivedAt}:${sequence}`;
}

/**
 * A free-text line, stamped with its receive time in the device's zone. `extra.timeSource`
 * says so (as observations.ts does for HL7), so nobody reads the stamp as the device's clock.
 */
export function freeTextEvent(text: string, receivedAt: number, timeZone: string, sequence: number): DeviceEvent {
  const wallClock = instantToWallClock(receivedAt, timeZone);
  return { wallClock, key: lineKey(receivedAt, sequence), text, raw: wallClock, extra: { timeSource: 'received' } };
}

export type ProfiledOutcome =
  | Readonly<{ kind: 'event'; event: DeviceEvent }>
  /** A row the profile says to skip, or the header row. */
  | Readonly<{ kind: 'skipped' }>
  /** The line does not fit the profile; `problem` never quotes the line (it can be PHI). */
  | Readonly<{ kind: 'bad'; problem: string }>;

const encoder = new TextEncoder();

/**
 * Reads lines with a delimited profile. Each line is parsed on its own (behind the header, when
 * the profile has one): in a live stream one stray quote must not swallow every later line, as
 * it would in a single long-running RFC 4180 tokenizer.
 *
 * A time-only format takes its date from the receive time: of the day before, the same day and
 * the day after, the one that puts the device time nearest the receive time. That handles a
 * case running past midnight and a device clock a little ahead or behind at midnight alike, and
 * does not drift after hours of silence as file-order rollover would.
 */
export class ProfiledLineReader {
  private readonly profile: DelimitedProfile;
  private readonly skipRows: number;
  private readonly timeOnly: boolean;
  /** Column names the profile refers to, normalised: how a header line is recognised. */
  private readonly names: readonly string[];
  private header: string | null = null;
  private seen = 0;

  constructor(
    profile: DelimitedProfile,
    private readonly timeZone: string,
  ) {
    // Lines reach us decoded (with the port's encoding) and are handed on as UTF-8.
    this.profile = { ...profile, encoding: 'utf-8', skipRows: 0 };
    this.skipRows = profile.skipRows ?? 0;
    const format = compileTimeFormat(profile.timeFormat);
    this.timeOnly = format.ok && !format.format.hasDate;
    const refs = [profile.timeColumn, profile.dateColumn, profile.textColumn, profile.modalityColumn];
    this.names = refs.filter((r): r is string => typeof r === 'string').map(norm);
  }

  read(text: string, receivedAt: number, sequence: number): ProfiledOutcome {
    this.seen += 1;
    if (this.seen <= this.skipRows) return { kind: 'skipped' };
    if (this.profile.hasHeader) {
      if (this.names.length === 0) {
        if (this.header === null) {
          this.header = text;
          return { kind: 'skipped' };
        }
      } else if (this.isHeader(text)) {
        // Devices print their header when they start: a capture started later has not seen it,
        // and a device restarted mid-case prints it again. Recognise it by its column names.
        this.header = text;
        return { kind: 'skipped' };
      } else if (this.header === null) {
        return { kind: 'bad', problem: `Waiting for the header line the device prints when it starts (with the columns ${this.names.join(', ')}): lines before it cannot be read.` };
      }
    }
    const receivedWall = instantToWallClock(receivedAt, this.timeZone);
    const parser = new DelimitedParser(this.profile, { date: receivedWall.slice(0, 10) });
    const input = this.header === null ? `${text}\n` : `${this.header}\n${text}\n`;
    const events = [...parser.push(encoder.encode(input)), ...parser.end()];
    const parsed = events[0];
    if (!parsed) {
      const last = parser.warnings.at(-1);
      return { kind: 'bad', problem: last ? `A line did not fit the line profile: ${last.message}` : 'A line did not fit the line profile.' };
    }
    const wallClock = this.timeOnly ? nearestDate(parsed.wallClock, receivedWall) : parsed.wallClock;
    return { kind: 'event', event: { ...parsed, wallClock, key: lineKey(receivedAt, sequence) } };
  }

  /** Every named column appears among the line's cells (as the parser reads them: quotes, case and spaces aside). */
  private isHeader(text: string): boolean {
    const unquote = (c: string): string => (c.length >= 2 && c.startsWith('"') && c.endsWith('"') ? c.slice(1, -1) : c);
    const cells = new Set(text.split(this.profile.delimiter).map((c) => norm(unquote(c))));
    return this.names.every((n) => cells.has(n));
  }
}

function norm(name: string): string {
  return name.trim().toLowerCase();
}

/** `wallClock` moved to whichever of its day −1, 0, +1 lies nearest to `reference`. */
export function nearestDate(wallClock: string, reference: string): string {
  const point = parseWallPoint(wallClock);
  const ref = parseWallPoint(reference);
  if (!point || !ref) return wallClock;
  let best = point.days;
  let bestGap = Number.POSITIVE_INFINITY;
  for (const days of [ref.days - 1, ref.days, ref.days + 1]) {
    const gap = Math.abs((days - ref.days) * MICROS_PER_DAY + point.micros - ref.micros);
    if (gap < bestGap) {
      bestGap = gap;
      best = days;
    }
  }
  return `${formatIsoDate(best)}${wallClock.slice(10)}`;
}
