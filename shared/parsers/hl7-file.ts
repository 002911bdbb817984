/**
 * HL7 v2 files (a gateway's or monitor's export), read as a stream one segment at a time, so a
 * file of any size, and a single message of any size, is read in the memory of one segment.
 * Segments end with CR, LF or CRLF; MLLP block bytes (0x0B, 0x1C) around messages end lines too,
 * and 0x1C ends its message. A line starting "MSH" starts a message; its MSH-9 says what is read:
 * ORU^R01 one fact per OBX with a value, ORU^R40 one fact per alert (the OBX rows of one OBR),
 * exactly as shared/hl7/observations.ts maps a whole message (the same functions, row by row).
 *
 * Where whole-message reading refused a message for one bad line, this skips that line and says
 * so: a 200 MB message is not lost for one segment. Warnings name the message and segment by
 * number and never quote content.
 */
import { decodeHl7Bytes, headerOf, parseHl7, parseSegmentLine, type Hl7Delimiters, type Hl7Header, type Hl7Segment } from '../hl7/parse';
import { alertFact, notObservationsWarning, observationKind, resultFact, type ObxRow } from '../hl7/observations';
import { WarningLog, type EventPushParser } from './push-parser';
import type { DeviceEvent, ParseWarning } from './types';

/** One segment read at most; longer is not a segment Closeout reads (a base64 document is in messages it skips). */
export const MAX_SEGMENT_BYTES = 1024 * 1024;
/** One alert's OBX rows at most (an ACM alert has about ten). */
const MAX_ALERT_ROWS = 1000;

const CR = 0x0d;
const LF = 0x0a;
const VT = 0x0b;
const FS = 0x1c;

/** What the file holds, in order: each message as it starts, and the facts read from it. */
export type Hl7FileItem = Readonly<{ kind: 'message'; type: string; controlId: string }> | Readonly<{ kind: 'event'; event: DeviceEvent }>;

type Message = {
  readonly no: number;
  readonly h: Hl7Header;
  readonly d: Hl7Delimiters;
  readonly reads: 'results' | 'alerts' | null;
  segment: number;
  obxIndex: number;
  obr: Hl7Segment | undefined;
  /** ORU^R40: the rows of the alert being gathered (its OBR's), and alerts so far. */
  rows: ObxRow[];
  groupNo: number;
  rowsDropped: boolean;
};

export class Hl7FileParser implements EventPushParser {
  readonly #log = new WarningLog();
  #line = new Uint8Array(4096);
  #len = 0;
  /** The line being read is longer than a segment may be: the rest of it is dropped. */
  #lineTooLong = false;
  #messages = 0;
  /** Messages whose MSH could not be read (numbered with the others, not listed). */
  #unreadable = 0;
  /** The message being read; null outside one (before the first MSH, after an MLLP end block, or a message that could not be read). */
  #msg: Message | null = null;
  #strayLines = 0;
  #ended = false;

  get warnings(): readonly ParseWarning[] {
    const stray = this.#strayLines ? [{ where: 'file', message: `${this.#strayLines} line${this.#strayLines === 1 ? '' : 's'} outside any message (before the first MSH, or after a message's end) ignored.` }] : [];
    return [...this.#log.warnings, ...stray];
  }

  /** Messages started so far (readable MSH segments). */
  get messages(): number {
    return this.#messages;
  }

  push(chunk: Uint8Array): readonly DeviceEvent[] {
    return eventsOf(this.pushItems(chunk));
  }

  end(): readonly DeviceEvent[] {
    return eventsOf(this.endItems());
  }

  pushItems(chunk: Uint8Array): Hl7FileItem[] {
    const out: Hl7FileItem[] = [];
    if (this.#ended) return out;
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (b !== CR && b !== LF && b !== VT && b !== FS) continue;
      this.#append(chunk, start, i);
      this.#endLine(out);
      if (b === FS) this.#endMessage(out);
      start = i + 1;
    }
    this.#append(chunk, start, chunk.length);
    return out;
  }

  endItems(): Hl7FileItem[] {
    const out: Hl7FileItem[] = [];
    if (this.#ended) return out;
    this.#ended = true;
    this.#endLine(out);
    this.#endMessage(out);
    return out;
  }

  #append(chunk: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n <= 0 || this.#lineTooLong) return;
    if (this.#len + n > MAX_SEGMENT_BYTES) {
      // Keep the start (it says which segment it is); drop the rest.
      this.#lineTooLong = true;
      to = from + Math.max(0, Math.min(n, 16 - this.#len));
    }
    const need = this.#len + (to - from);
    if (need > this.#line.length) {
      const grown = new Uint8Array(Math.min(MAX_SEGMENT_BYTES, Math.max(need, this.#line.length * 2)));
      grown.set(this.#line.subarray(0, this.#len));
      this.#line = grown;
    }
    this.#line.set(chunk.subarray(from, to), this.#len);
    this.#len += to - from;
  }

  #endLine(out: Hl7FileItem[]): void {
    const tooLong = this.#lineTooLong;
    const bytes = this.#line.subarray(0, this.#len);
    this.#lineTooLong = false;
    this.#len = 0;
    // Do not keep a large buffer because one segment was large.
    const text = decodeHl7Bytes(bytes);
    if (this.#line.length > 64 * 1024) this.#line = new Uint8Array(4096);
    if (text.trim() === '') return;
    if (text.startsWith('MSH')) {
      this.#endMessage(out);
      this.#startMessage(text, tooLong, out);
      return;
    }
    const m = this.#msg;
    if (!m) {
      this.#strayLines += 1;
      return;
    }
    m.segment += 1;
    const where = `message ${m.no}, segment ${m.segment + 1}`;
    const id = text.slice(0, 3);
    if (tooLong) {
      if (id === 'OBX') m.obxIndex += 1;
      if (m.reads) this.#log.add(where, `A ${/^[A-Z][A-Z0-9]{2}$/.test(id) ? `${id} ` : ''}segment longer than ${MAX_SEGMENT_BYTES / 1024 / 1024} MB was skipped.`);
      return;
    }
    if (!m.reads) return;
    const seg = parseSegmentLine(text, m.d);
    if (!seg) {
      this.#log.add(where, 'The line does not start with a segment id and field separator; skipped.');
      return;
    }
    if (seg.id === 'OBR') {
      if (m.reads === 'alerts') this.#alert(m, out);
      m.obr = seg;
      return;
    }
    if (seg.id !== 'OBX') return;
    m.obxIndex += 1;
    const row: ObxRow = { obx: seg, index: m.obxIndex, obr: m.obr };
    if (m.reads === 'results') {
      const warnings: ParseWarning[] = [];
      const e = resultFact(m.h, row, warnings);
      this.#warn(m, warnings);
      if (e) out.push({ kind: 'event', event: e });
    } else if (m.rows.length < MAX_ALERT_ROWS) m.rows.push(row);
    else if (!m.rowsDropped) {
      m.rowsDropped = true;
      this.#log.add(where, `An alert has more than ${MAX_ALERT_ROWS} OBX rows; the rest of them were not read.`);
    }
  }

  #startMessage(text: string, tooLong: boolean, out: Hl7FileItem[]): void {
    const no = this.#messages + this.#unreadable + 1;
    if (tooLong) {
      this.#unreadable += 1;
      this.#log.add(`message ${no}`, `Its MSH segment is longer than ${MAX_SEGMENT_BYTES / 1024 / 1024} MB; the message was skipped.`);
      return;
    }
    const parsed = parseHl7(text);
    if (!parsed.ok) {
      this.#unreadable += 1;
      this.#log.add(`message ${no}`, parsed.reason);
      return;
    }
    const h = headerOf(parsed.message);
    this.#messages += 1;
    const reads = observationKind(h);
    this.#msg = { no, h, d: parsed.message.delimiters, reads, segment: 0, obxIndex: 0, obr: undefined, rows: [], groupNo: 0, rowsDropped: false };
    out.push({ kind: 'message', type: [h.messageCode, h.triggerEvent].filter(Boolean).join('^'), controlId: h.controlId });
    if (!reads) this.#warn(this.#msg, [notObservationsWarning(h)]);
  }

  #endMessage(out: Hl7FileItem[]): void {
    const m = this.#msg;
    if (!m) return;
    if (m.reads === 'alerts') this.#alert(m, out);
    this.#msg = null;
  }

  /** The alert gathered so far (the rows of the current OBR), as a fact. */
  #alert(m: Message, out: Hl7FileItem[]): void {
    if (m.rows.length === 0) return;
    m.groupNo += 1;
    const warnings: ParseWarning[] = [];
    const e = alertFact(m.h, m.obr, m.rows, m.groupNo, warnings);
    this.#warn(m, warnings);
    if (e) out.push({ kind: 'event', event: e });
    m.rows = [];
    m.rowsDropped = false;
  }

  #warn(m: Message, warnings: readonly ParseWarning[]): void {
    for (const w of warnings) this.#log.add(`message ${m.no}, ${w.where}`, w.message);
  }
}

function eventsOf(items: readonly Hl7FileItem[]): DeviceEvent[] {
  const out: DeviceEvent[] = [];
  for (const item of items) if (item.kind === 'event') out.push(item.event);
  return out;
}
