import { WarningLog, type EventPushParser } from './push-parser';
import type { TextEncodingName } from './text-decoding';
import { TextLineReader, type TextLine } from './text-lines';
import { parseElapsed } from './time-of-day';
import type { DeviceEvent, ParseWarning } from './types';
import { addMicros, formatWallClock, parseWallClock, type WallPoint } from './wall-clock';

/**
 * Nicolet exported events text (vendor-formats.md §4, after Brainstorm's in_events_nicolet):
 * TAB-separated Name / Time / Duration. The events section starts at a header line naming
 * Name, Time and Duration, at a line containing "Exam Start", or at any line with two or more
 * tabs; after that, lines without exactly three non-empty fields are skipped.
 *
 * Time is elapsed since the exam start (HH:MM:SS), so a wall clock needs the start, which the
 * export does not carry: the app supplies it (`options.start`, from the .e file or the case).
 */
export type NicoletOptions = Readonly<{
  /** Exam start on the device clock, "YYYY-MM-DDTHH:MM:SS[.ffffff]". */
  start?: string;
  encoding?: TextEncodingName;
}>;

const HEADER = /\bname\b.*\btime\b.*\bduration\b/i;
const SECTION_TABS = 2;

export class NicoletTxtParser implements EventPushParser {
  private readonly lines: TextLineReader;
  private readonly log = new WarningLog();
  private readonly start: WallPoint | null;
  private inSection = false;
  private warnedNoStart = false;
  private ended = false;

  constructor(private readonly options: NicoletOptions = {}) {
    this.lines = new TextLineReader(options.encoding ?? 'utf-8');
    this.start = options.start === undefined ? null : parseWallClock(options.start);
    if (options.start !== undefined && this.start === null) this.log.add('options', `"${options.start}" is not a YYYY-MM-DDTHH:MM:SS time.`);
  }

  get warnings(): readonly ParseWarning[] {
    return this.log.warnings;
  }

  push(chunk: Uint8Array): readonly DeviceEvent[] {
    if (this.ended) return [];
    return this.handle(this.lines.push(chunk));
  }

  end(): readonly DeviceEvent[] {
    if (this.ended) return [];
    this.ended = true;
    const events = this.handle(this.lines.end());
    if (!this.inSection) this.log.add('file', 'No events section (a Name/Time/Duration header or tab-separated lines) was found.');
    const bad = this.lines.firstUndecodableLine;
    if (bad !== null) this.log.add(`line ${bad}`, `Some bytes are not valid ${this.lines.encodingUsed}: choose the file's encoding.`);
    if (this.lines.encodingFellBack) this.log.add('file', `This system cannot decode ${this.options.encoding ?? 'utf-8'}; UTF-8 was used.`);
    return events;
  }

  private handle(lines: readonly TextLine[]): DeviceEvent[] {
    const out: DeviceEvent[] = [];
    for (const line of lines) {
      const event = this.line(line);
      if (event) out.push(event);
    }
    return out;
  }

  private line(line: TextLine): DeviceEvent | null {
    const text = line.text;
    if (!this.inSection) {
      if (HEADER.test(text)) {
        // The header itself is not an event.
        this.inSection = true;
        return null;
      }
      if (!/exam start/i.test(text) && countTabs(text) < SECTION_TABS) return null;
      this.inSection = true;
    }
    const where = `line ${line.lineNo}`;
    const fields = text
      .split('\t')
      .map((f) => f.trim())
      .filter((f) => f.length > 0);
    if (fields.length === 0) return null;
    if (fields.length !== 3) {
      this.log.add(where, `Expected Name, Time and Duration separated by tabs, found ${fields.length} field(s); line skipped.`);
      return null;
    }
    const [name, time, duration] = fields as [string, string, string];
    const elapsed = parseElapsed(time);
    if (elapsed === null) {
      this.log.add(where, 'The Time field is not an elapsed time (HH:MM:SS); line skipped.');
      return null;
    }
    const durationSec = parseDuration(duration);
    if (durationSec === null) this.log.add(where, 'The Duration field is not a duration (MM:SS); kept without one.');
    if (!this.start) {
      if (!this.warnedNoStart) {
        this.warnedNoStart = true;
        this.log.add(where, 'The exam start time is needed to place Nicolet events (times are elapsed).');
      }
      return null;
    }
    const fractionDigits = /[.,](\d+)$/.exec(time)?.[1]?.length ?? 0;
    return {
      wallClock: formatWallClock(addMicros(this.start, elapsed), fractionDigits),
      key: `line:${line.lineNo}`,
      text: name,
      durationSec,
      raw: time,
      extra: { duration },
    };
  }
}

function countTabs(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\t'); i >= 0; i = text.indexOf('\t', i + 1)) n += 1;
  return n;
}

/** "MM:SS" (minutes may pass 59), "HH:MM:SS", or plain seconds; fractions allowed. */
export function parseDuration(text: string): number | null {
  const m = /^(?:(\d+):)?(\d+):(\d{2})(?:[.,](\d+))?$/.exec(text) ?? null;
  if (m) {
    const [h, mi, s] = [Number(m[1] ?? '0'), Number(m[2]), Number(m[3])];
    if (s > 59 || (m[1] !== undefined && mi > 59)) return null;
    return h * 3600 + mi * 60 + s + (m[4] ? Number(`0.${m[4]}`) : 0);
  }
  return /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : null;
}

export function createNicoletTxtParser(options?: NicoletOptions): NicoletTxtParser {
  return new NicoletTxtParser(options);
}
