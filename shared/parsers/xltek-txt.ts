import { findDateInText, type DateOrder } from './header-date';
import { WarningLog, type EventPushParser } from './push-parser';
import type { TextEncodingName } from './text-decoding';
import { TextLineReader, type TextLine } from './text-lines';
import { DayRollover, parseTimeOfDay, type TimeOfDay } from './time-of-day';
import type { DeviceEvent, ParseWarning } from './types';
import { formatIsoDate, formatWallClock, parseIsoDateDays, pointFromParts } from './wall-clock';

/**
 * Natus / XLTEK exported events text (vendor-formats.md §2a, after Brainstorm's in_events_xltek):
 *
 *   lines 1–6   header, free text (a date in it, if any, is the recording date)
 *   line 7      <token> H:MM:SS …        recording start, time of day (a date after it, if any,
 *                                        is the recording date when the header named none)
 *   line 8…     <token> HH:MM:SS label   one event per line, time of day
 *
 * Times carry no date: the date comes from the header or from the case (`options.date`), and a
 * step back of more than an hour is read as the clock passing midnight.
 */
export type XltekOptions = Readonly<{
  /** The case date (YYYY-MM-DD), used when the header names none. */
  date?: string;
  encoding?: TextEncodingName;
  /** How to read a numeric header date such as 03/04/2026 (default month first, as Natus US builds print). */
  dateOrder?: DateOrder;
}>;

export type XltekHeader = Readonly<{
  /** The recording date in use (YYYY-MM-DD), or null when neither header nor options give one. */
  date: string | null;
  dateSource: 'header' | 'option' | null;
  /** Line 7's start time as written. */
  startTime: string | null;
  startWallClock: string | null;
}>;

const HEADER_LINES = 6;
const START_LINE = 7;
// token1, token2 (a time), then the label; an optional AM/PM right after the time.
const EVENT_LINE = /^\s*(\S+)\s+(\S+)(?:\s+(AM|PM)(?=\s|$))?(?:\s+(.*?))?\s*$/i;

export class XltekTxtParser implements EventPushParser {
  private readonly lines: TextLineReader;
  private readonly log = new WarningLog();
  private readonly rollover = new DayRollover();
  private headerDays: number | null = null;
  private readonly optionDays: number | null;
  private startTime: string | null = null;
  private startWall: string | null = null;
  private warnedNoDate = false;
  private ended = false;

  constructor(private readonly options: XltekOptions = {}) {
    this.lines = new TextLineReader(options.encoding ?? 'utf-8');
    this.optionDays = options.date === undefined ? null : parseIsoDateDays(options.date);
    if (options.date !== undefined && this.optionDays === null) this.log.add('options', `"${options.date}" is not a YYYY-MM-DD date.`);
  }

  get warnings(): readonly ParseWarning[] {
    return this.log.warnings;
  }

  get header(): XltekHeader {
    const days = this.days;
    return {
      date: days === null ? null : formatIsoDate(days),
      dateSource: this.headerDays !== null ? 'header' : this.optionDays !== null ? 'option' : null,
      startTime: this.startTime,
      startWallClock: this.startWall,
    };
  }

  push(chunk: Uint8Array): readonly DeviceEvent[] {
    if (this.ended) return [];
    return this.handle(this.lines.push(chunk));
  }

  end(): readonly DeviceEvent[] {
    if (this.ended) return [];
    this.ended = true;
    const events = this.handle(this.lines.end());
    const bad = this.lines.firstUndecodableLine;
    if (bad !== null) {
      this.log.add(`line ${bad}`, `Some bytes are not valid ${this.lines.encodingUsed}: choose the file's encoding (Windows-1252, GBK…).`);
    }
    if (this.lines.encodingFellBack) this.log.add('file', `This system cannot decode ${this.options.encoding ?? 'utf-8'}; UTF-8 was used.`);
    return events;
  }

  private get days(): number | null {
    return this.headerDays ?? this.optionDays;
  }

  private handle(lines: readonly TextLine[]): DeviceEvent[] {
    const out: DeviceEvent[] = [];
    for (const line of lines) {
      if (line.lineNo <= HEADER_LINES) this.headerLine(line);
      else if (line.lineNo === START_LINE) this.startLine(line);
      else {
        const event = this.eventLine(line);
        if (event) out.push(event);
      }
    }
    return out;
  }

  private headerLine(line: TextLine): void {
    if (this.headerDays !== null) return;
    const found = findDateInText(line.text, this.options.dateOrder);
    if (!found) return;
    this.headerDays = found.days;
    const where = `line ${line.lineNo}`;
    if (found.ambiguous) {
      this.log.add(where, `The header date could be day-first or month-first; read ${this.options.dateOrder === 'DMY' ? 'day' : 'month'}-first (site setting).`);
    }
    if (this.optionDays !== null && this.optionDays !== found.days) {
      this.log.add(where, "The header's date differs from the case date: the header's date is used.");
    }
  }

  private startLine(line: TextLine): void {
    // Some builds put the date on the start line, after the time ("Start 22:58:10 2026-10-14").
    if (this.headerDays === null) this.headerLine(line);
    const token = line.text.trim().split(/\s+/)[1] ?? '';
    const time = parseTimeOfDay(token);
    if (!time) {
      this.log.add(`line ${line.lineNo}`, 'No start time (H:MM:SS) as the second item of line 7; midnight is judged from the first event.');
      return;
    }
    this.startTime = token;
    this.rollover.seed(time.micros);
    const days = this.days;
    if (days !== null) this.startWall = formatWallClock(pointFromParts(days, 0, time.micros), time.fractionDigits);
  }

  private eventLine(line: TextLine): DeviceEvent | null {
    const where = `line ${line.lineNo}`;
    if (line.text.trim() === '') return null;
    if (line.truncated) this.log.add(where, 'The line is very long; its end was dropped.');
    const m = EVENT_LINE.exec(line.text);
    const timeToken = m?.[2] ?? '';
    const parsed = parseTimeOfDay(timeToken);
    if (!m || !parsed) {
      this.log.add(where, 'No time (HH:MM:SS) as the second item; line skipped.');
      return null;
    }
    const meridiem = m[3];
    const time = meridiem ? toTwentyFourHour(parsed, meridiem) : parsed;
    if (!time) {
      this.log.add(where, 'The time is not a valid 12-hour time (1–12 with AM/PM); line skipped.');
      return null;
    }
    // The rollover sees every event, even ones we cannot date, so later days stay right.
    const dayOffset = this.rollover.next(time.micros);
    const days = this.days;
    if (days === null) {
      if (!this.warnedNoDate) {
        this.warnedNoDate = true;
        this.log.add(where, 'No date in the header and no case date given: events cannot be placed in time.');
      }
      return null;
    }
    return {
      wallClock: formatWallClock(pointFromParts(days + dayOffset, 0, time.micros), time.fractionDigits),
      key: `line:${line.lineNo}`,
      text: m[4] ?? '',
      raw: meridiem ? `${timeToken} ${meridiem}` : timeToken,
      extra: { dayOffset },
    };
  }
}

function toTwentyFourHour(time: TimeOfDay, meridiem: string): TimeOfDay | null {
  const hourMicros = 3600 * 1_000_000;
  const hour = Math.floor(time.micros / hourMicros);
  if (hour < 1 || hour > 12) return null;
  const pm = meridiem.toUpperCase() === 'PM';
  const hour24 = (hour % 12) + (pm ? 12 : 0);
  return { micros: time.micros + (hour24 - hour) * hourMicros, fractionDigits: time.fractionDigits };
}

export function createXltekTxtParser(options?: XltekOptions): XltekTxtParser {
  return new XltekTxtParser(options);
}
