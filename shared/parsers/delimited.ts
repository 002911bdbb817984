import type { ColumnRef, DelimitedProfile } from './delimited-profile';
import { WarningLog, type EventPushParser } from './push-parser';
import { StreamDecoder } from './text-decoding';
import { DayRollover } from './time-of-day';
import { compileTimeFormat, type CompiledTimeFormat } from './time-format';
import type { DeviceEvent, ParseWarning } from './types';
import { formatWallClock, parseIsoDateDays, pointFromParts } from './wall-clock';

/**
 * A delimited event log read with a site profile (delimited-profile.ts): one row per event, or per
 * trial for NIM-Eclipse-style exports. Quoting follows RFC 4180: a quoted field may hold the
 * delimiter, doubled quotes and line breaks. Line ends may be CRLF, LF or CR.
 *
 * Bytes are decoded before splitting because in GBK a '|' byte can be the second half of a
 * character. Only the profile's columns are kept per row, so a row carrying thousands of
 * waveform samples costs a scan, not a copy.
 */
export type DelimitedOptions = Readonly<{
  /** The case date (YYYY-MM-DD) for a time-only format; past-midnight rows roll to the next day. */
  date?: string;
}>;

// Tokenizer states.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

const MAX_FIELD_CHARS = 64 * 1024;
const MAX_HEADER_CHARS = 256;

type Columns = Readonly<{ time: number; date: number | null; text: number; modality: number | null }>;

export class DelimitedParser implements EventPushParser {
  private readonly decoder: StreamDecoder;
  private readonly log = new WarningLog();
  private readonly delimiter: number;
  private readonly format: CompiledTimeFormat | null;
  private readonly caseDays: number | null;
  private readonly rollover = new DayRollover();
  private columns: Columns | null = null;
  private wanted: ReadonlySet<number> = new Set();
  private unusable = false;
  private warnedNoDate = false;
  private ended = false;

  // Tokenizer state.
  private state = FIELD_START;
  private afterCr = false;
  private fieldIndex = 0;
  private field = '';
  private fieldCut = false;
  /** Whether the field being read is one we keep (decided once per field, not per character). */
  private keepField = false;
  private cells = new Map<number, string>();
  private recordHasContent = false;
  private row = 0;
  private quoteOpenedAtRow = 0;
  private out: DeviceEvent[] = [];

  constructor(
    private readonly profile: DelimitedProfile,
    options: DelimitedOptions = {},
  ) {
    this.decoder = new StreamDecoder(profile.encoding);
    this.delimiter = profile.delimiter.charCodeAt(0);
    const compiled = compileTimeFormat(profile.timeFormat);
    this.format = compiled.ok ? compiled.format : null;
    if (!compiled.ok) this.fail('profile', `Time format: ${compiled.message}`);
    this.caseDays = options.date === undefined ? null : parseIsoDateDays(options.date);
    if (options.date !== undefined && this.caseDays === null) this.log.add('options', `"${options.date}" is not a YYYY-MM-DD date.`);
    if (!profile.hasHeader) this.resolveColumns(null);
    this.keepField = this.keeps(0);
  }

  get warnings(): readonly ParseWarning[] {
    return this.log.warnings;
  }

  push(chunk: Uint8Array): readonly DeviceEvent[] {
    if (this.ended) return [];
    this.scan(this.decoder.decode(chunk));
    return this.drain();
  }

  end(): readonly DeviceEvent[] {
    if (this.ended) return [];
    this.ended = true;
    this.scan(this.decoder.end());
    if (this.state === QUOTED) this.log.add(`row ${this.quoteOpenedAtRow}`, 'A quoted field is never closed: the rest of the file was read as part of it.');
    if (this.recordHasContent || this.fieldIndex > 0) this.endRecord();
    if (this.decoder.fellBack) this.log.add('file', `This system cannot decode ${this.profile.encoding}; UTF-8 was used.`);
    if (this.profile.hasHeader && this.columns === null && !this.unusable) this.log.add('file', 'The file has no header row.');
    return this.drain();
  }

  private drain(): DeviceEvent[] {
    const batch = this.out;
    this.out = [];
    return batch;
  }

  private fail(where: string, message: string): void {
    this.unusable = true;
    this.log.add(where, message);
  }

  // ---- tokenizer ----

  private scan(text: string): void {
    const delim = this.delimiter;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.afterCr) {
        this.afterCr = false;
        // The LF of a CRLF: the record already ended at the CR.
        if (c === LF) continue;
      }
      switch (this.state) {
        case FIELD_START:
          if (c === QUOTE) {
            this.state = QUOTED;
            this.recordHasContent = true;
            this.quoteOpenedAtRow = this.row + 1;
            break;
          }
          this.state = UNQUOTED;
          this.unquoted(c, delim);
          break;
        case UNQUOTED:
          this.unquoted(c, delim);
          break;
        case QUOTED:
          if (c === QUOTE) this.state = QUOTE_IN_QUOTED;
          else this.append(c);
          break;
        case QUOTE_IN_QUOTED:
          if (c === QUOTE) {
            // A doubled quote is one literal quote.
            this.append(c);
            this.state = QUOTED;
          } else if (c === delim || c === LF || c === CR) {
            this.state = UNQUOTED;
            this.unquoted(c, delim);
          } else {
            // Text after a closing quote is not RFC 4180; keep it rather than lose the row.
            this.append(c);
            this.state = UNQUOTED;
          }
          break;
        default:
          this.state = FIELD_START;
      }
    }
  }

  private unquoted(c: number, delim: number): void {
    if (c === delim) {
      this.recordHasContent = true;
      this.endField();
      this.state = FIELD_START;
    } else if (c === LF || c === CR) {
      this.afterCr = c === CR;
      this.endRecord();
    } else {
      this.recordHasContent = true;
      this.append(c);
    }
  }

  private append(c: number): void {
    if (this.fieldCut || !this.keepField) return;
    const limit = this.columns === null ? MAX_HEADER_CHARS : MAX_FIELD_CHARS;
    if (this.field.length >= limit) {
      this.fieldCut = true;
      return;
    }
    this.field += String.fromCharCode(c);
  }

  /** Which cells of the current row to keep: all of the header row, the profile's columns after it. */
  private keeps(index: number): boolean {
    if (this.row < (this.profile.skipRows ?? 0)) return false;
    if (this.columns === null) return true;
    return this.wanted.has(index);
  }

  private endField(): void {
    if (this.keepField) {
      // Inside quotes a CRLF is a line break of the text: store it as one.
      this.cells.set(this.fieldIndex, this.field.replace(/\r\n?/g, '\n'));
      if (this.fieldCut) this.log.add(`row ${this.row + 1}`, `Column ${this.fieldIndex} is very long; its end was dropped.`);
    }
    this.fieldIndex += 1;
    this.field = '';
    this.fieldCut = false;
    this.keepField = this.keeps(this.fieldIndex);
  }

  private endRecord(): void {
    this.endField();
    const cells = this.cells;
    const fieldCount = this.fieldIndex;
    const hadContent = this.recordHasContent;
    this.cells = new Map();
    this.fieldIndex = 0;
    this.recordHasContent = false;
    this.state = FIELD_START;
    this.row += 1;
    this.recordDone(cells, fieldCount, hadContent);
    this.keepField = this.keeps(0);
  }

  private recordDone(cells: ReadonlyMap<number, string>, fieldCount: number, hadContent: boolean): void {
    if (this.row <= (this.profile.skipRows ?? 0) || !hadContent) return;
    if (this.columns === null && this.profile.hasHeader) {
      this.resolveColumns(cells);
      return;
    }
    const event = this.rowEvent(cells, fieldCount);
    if (event) this.out.push(event);
  }

  // ---- rows ----

  private resolveColumns(header: ReadonlyMap<number, string> | null): void {
    const names = new Map<string, number>();
    if (header) for (const [i, name] of header) if (!names.has(norm(name))) names.set(norm(name), i);
    const find = (label: string, ref: ColumnRef | undefined): number | null => {
      if (ref === undefined) return null;
      if (typeof ref === 'number') return ref;
      const i = names.get(norm(ref));
      if (i === undefined) {
        this.fail(`row ${this.row}`, `The ${label} column "${ref}" is not in the header (it has ${names.size} named columns).`);
        return null;
      }
      return i;
    };
    const time = find('time', this.profile.timeColumn);
    const text = find('text', this.profile.textColumn);
    const date = find('date', this.profile.dateColumn);
    const modality = find('modality', this.profile.modalityColumn);
    if (this.unusable || time === null || text === null) {
      // Keep scanning (nothing is kept per row) so the file is still consumed to the end.
      this.columns = { time: -1, date: null, text: -1, modality: null };
      this.wanted = new Set();
      this.unusable = true;
      return;
    }
    this.columns = { time, date, text, modality };
    this.wanted = new Set([time, text, ...(date === null ? [] : [date]), ...(modality === null ? [] : [modality])]);
  }

  private rowEvent(cells: ReadonlyMap<number, string>, fieldCount: number): DeviceEvent | null {
    const columns = this.columns;
    const format = this.format;
    if (this.unusable || !columns || !format) return null;
    const where = `row ${this.row}`;
    const timeCell = cells.get(columns.time);
    const dateCell = columns.date === null ? '' : cells.get(columns.date);
    if (timeCell === undefined || dateCell === undefined) {
      this.log.add(where, `The row has ${fieldCount} column(s): no time column; row skipped.`);
      return null;
    }
    const raw = columns.date === null ? timeCell.trim() : `${dateCell.trim()} ${timeCell.trim()}`;
    const parsed = format.parse(raw);
    if (!parsed) {
      this.log.add(where, `The time does not match the format ${format.source}; row skipped.`);
      return null;
    }
    let days = parsed.days;
    if (days === null) {
      // Time-only rows: the case date, moved a day on when the clock passes midnight.
      const offset = this.rollover.next(parsed.micros);
      if (this.caseDays === null) {
        if (!this.warnedNoDate) {
          this.warnedNoDate = true;
          this.log.add(where, 'The time format has no date and no case date was given: rows cannot be placed in time.');
        }
        return null;
      }
      days = this.caseDays + offset;
    }
    const modality = columns.modality === null ? '' : (cells.get(columns.modality) ?? '').trim();
    return {
      wallClock: formatWallClock(pointFromParts(days, 0, parsed.micros), parsed.fractionDigits),
      key: `row:${this.row}`,
      text: (cells.get(columns.text) ?? '').trim(),
      ...(this.profile.rowsAreTrials ? { kind: 'modality_activity' as const } : {}),
      ...(modality ? { modalityName: modality } : {}),
      raw,
    };
  }
}

function norm(name: string): string {
  return name.trim().toLowerCase();
}

export function createDelimitedParser(profile: DelimitedProfile, options?: DelimitedOptions): DelimitedParser {
  return new DelimitedParser(profile, options);
}
