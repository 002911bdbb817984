import { WarningLog } from './push-parser';
import { decodeText, type TextEncodingName } from './text-decoding';
import type { DeviceEvent, ParseWarning } from './types';
import { addMicros, daysFromCivil, formatWallClock, isValidCivil, MICROS_PER_SECOND, parseWallClock, type WallPoint } from './wall-clock';

/**
 * Nihon Kohden event log: `.LOG` (events), `.PNT` (recording start), `.CMT` (comment texts).
 * Layout per MNE's nihon.py and vendor-formats.md §4. These files are a few KB, so this reads
 * whole buffers rather than streaming.
 *
 *   every file   bytes 0–15: a device/version magic ("EEG-1200A V01.00"…)
 *   .PNT         0x40: 14 ASCII digits YYYYMMDDhhmmss, the device wall clock at recording start
 *   .LOG         0x91: uint8 block count; 0x92 + 20·i: uint32 LE address of block i
 *                block: +0x01 the file's magic again, +0x12 uint8 record count, +0x14 records
 *                record (45 bytes): 0–19 text, 20–25 elapsed HHMMSS, 26–39 "(YYMMDDhhmmss)"
 *                with ≤ 21 blocks, block i + 22 is a sub-event block with the same record count:
 *                its record's bytes 0–19 continue the text and 24–29 are the microseconds
 *   .CMT         comment k: 384 bytes at 0x42D + 0x230·k + 0x30, one per "P_COMMENT" record
 */

export const NIHON_KOHDEN_MAGICS: readonly string[] = [
  'EEG-1100A V01.00',
  'EEG-1100B V01.00',
  'EEG-1100C V01.00',
  'QI-403A   V01.00',
  'QI-403A   V02.00',
  'EEG-2100  V01.00',
  'EEG-2100  V02.00',
  'DAE-2100D V01.30',
  'DAE-2100D V02.00',
  'EEG-1200A V01.00',
];

const MAGIC_LENGTH = 16;
const PNT_START_AT = 0x40;
const LOG_BLOCK_COUNT_AT = 0x91;
const LOG_BLOCK_TABLE_AT = 0x92;
const LOG_BLOCK_STRIDE = 20;
const BLOCK_COUNT_AT = 0x12;
const BLOCK_RECORDS_AT = 0x14;
export const NK_RECORD_BYTES = 45;
const SUB_BLOCK_SHIFT = 22;
const MAX_BLOCKS_WITH_SUB = 21;
const CMT_FIRST_AT = 0x42d;
const CMT_STRIDE = 0x230;
const CMT_TEXT_OFFSET = 0x30;
const CMT_TEXT_BYTES = 384;
const CMT_HEADER_BYTES = 0x429;
const COMMENT_PLACEHOLDER = 'P_COMMENT';

export type NihonKohdenFiles = Readonly<{ log: Uint8Array; pnt?: Uint8Array; cmt?: Uint8Array }>;

export type NihonKohdenOptions = Readonly<{
  /** Text encoding of event texts and comments: UTF-8 by default; Chinese systems write GBK. */
  encoding?: TextEncodingName;
  /** Recording start when there is no readable .PNT ("YYYY-MM-DDTHH:MM:SS"). */
  start?: string;
}>;

export type NihonKohdenResult = Readonly<{
  events: readonly DeviceEvent[];
  warnings: readonly ParseWarning[];
  /** The device/version magic of the .LOG, or null when it has none. */
  version: string | null;
  /** Recording start as read from the .PNT (raw digits) or the option. */
  start: Readonly<{ raw: string; wallClock: string }> | null;
}>;

/** The 16-byte magic of any NK file, or null. */
export function readNihonKohdenMagic(bytes: Uint8Array): string | null {
  if (bytes.length < MAGIC_LENGTH) return null;
  const text = ascii(bytes, 0, MAGIC_LENGTH);
  return NIHON_KOHDEN_MAGICS.includes(text) ? text : null;
}

export function parseNihonKohden(files: NihonKohdenFiles, options: NihonKohdenOptions = {}): NihonKohdenResult {
  const log = new WarningLog();
  const encoding = options.encoding ?? 'utf-8';
  const version = readNihonKohdenMagic(files.log);
  if (!version) {
    log.add('LOG', 'Not a Nihon Kohden .LOG file (unknown first 16 bytes).');
    return { events: [], warnings: log.warnings, version: null, start: null };
  }

  const start = readStart(files, options, log);
  const records = readLogRecords(files.log, version, encoding, log);
  const comments = files.cmt ? readComments(files.cmt, encoding, log) : null;

  // Comment texts replace their placeholders in order, but only when the counts agree: a
  // mismatch means we cannot tell which text belongs to which event (MNE does the same).
  const placeholders = records.filter((r) => r.text === COMMENT_PLACEHOLDER).length;
  let nextComment = 0;
  const useComments = comments !== null && comments.length === placeholders;
  if (comments !== null && !useComments) {
    log.add('CMT', `The .CMT has ${comments.length} comments but the .LOG has ${placeholders} placeholders: comments not used.`);
  }

  const events: DeviceEvent[] = [];
  for (const r of records) {
    let text = r.text;
    if (useComments && text === COMMENT_PLACEHOLDER) text = comments[nextComment++] ?? text;
    const clock = start ? addMicros(start.point, r.elapsedMicros) : r.recordClock;
    if (!clock) {
      log.add(r.where, 'No recording start (.PNT) and no wall clock in the record: event skipped.');
      continue;
    }
    events.push({
      wallClock: formatWallClock(clock, r.hasMicros ? 6 : 0),
      key: `b${r.block}/r${r.index}`,
      text,
      raw: r.raw,
      extra: {
        elapsedSec: r.elapsedMicros / MICROS_PER_SECOND,
        ...(r.recordClock ? { recordClock: formatWallClock(r.recordClock) } : {}),
        ...(start ? {} : { clockSource: 'record' }),
      },
    });
  }
  if (!start && events.length > 0) log.add('PNT', 'No recording start: times come from the clock written in each record.');
  return { events, warnings: log.warnings, version, start: start ? { raw: start.raw, wallClock: formatWallClock(start.point) } : null };
}

function readStart(files: NihonKohdenFiles, options: NihonKohdenOptions, log: WarningLog): { raw: string; point: WallPoint } | null {
  if (files.pnt) {
    if (!readNihonKohdenMagic(files.pnt)) log.add('PNT', 'Not a Nihon Kohden .PNT file (unknown first 16 bytes).');
    else if (files.pnt.length < PNT_START_AT + 14) log.add('PNT', 'The .PNT is too short to hold the start time.');
    else {
      const raw = ascii(files.pnt, PNT_START_AT, 14);
      const point = compactClock(raw, 4);
      if (point) return { raw, point };
      log.add('PNT', 'The start time at 0x40 is not YYYYMMDDhhmmss.');
    }
  }
  if (options.start !== undefined) {
    const point = parseWallClock(options.start);
    if (point) return { raw: options.start, point };
    log.add('options', `"${options.start}" is not a YYYY-MM-DDTHH:MM:SS time.`);
  }
  return null;
}

type LogRecord = Readonly<{
  block: number;
  index: number;
  where: string;
  text: string;
  raw: string;
  elapsedMicros: number;
  hasMicros: boolean;
  recordClock: WallPoint | null;
}>;

function readLogRecords(bytes: Uint8Array, version: string, encoding: TextEncodingName, log: WarningLog): LogRecord[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length <= LOG_BLOCK_COUNT_AT) {
    log.add('LOG', 'The .LOG is too short to hold a block table.');
    return [];
  }
  const blockCount = bytes[LOG_BLOCK_COUNT_AT] as number;
  const records: LogRecord[] = [];
  for (let b = 0; b < blockCount; b++) {
    const main = readBlock(bytes, view, b, version);
    if (main.problem) {
      log.add(`LOG block ${b}`, main.problem);
      if (main.records.length === 0) continue;
    }
    const sub = blockCount <= MAX_BLOCKS_WITH_SUB ? readBlock(bytes, view, b + SUB_BLOCK_SHIFT, version) : null;
    // A sub-event block only counts when it pairs one-to-one with the main block.
    const subRecords = sub && !sub.problem && sub.records.length === main.records.length ? sub.records : null;
    main.records.forEach((rec, k) => {
      const where = `LOG block ${b} record ${k}`;
      const hh = digits(rec, 20, 2);
      const mm = digits(rec, 22, 2);
      const ss = digits(rec, 24, 2);
      if (hh === null || mm === null || ss === null || mm > 59 || ss > 59) {
        log.add(where, 'Bytes 20–25 are not an elapsed HHMMSS time; skipped.');
        return;
      }
      const subRec = subRecords?.[k];
      const micros = subRec ? digits(subRec, 24, 6) : null;
      if (subRec && micros === null) log.add(where, 'The sub-event microseconds are not digits; whole seconds used.');
      const textBytes = subRec ? concat(rec.subarray(0, 20), subRec.subarray(0, 20)) : rec.subarray(0, 20);
      const elapsedRaw = ascii(rec, 20, 6);
      records.push({
        block: b,
        index: k,
        where,
        text: decodeField(textBytes, encoding),
        raw: micros === null ? elapsedRaw : `${elapsedRaw}.${ascii(subRec as Uint8Array, 24, 6)}`,
        elapsedMicros: ((hh * 60 + mm) * 60 + ss) * MICROS_PER_SECOND + (micros ?? 0),
        hasMicros: micros !== null,
        recordClock: recordClock(rec),
      });
    });
  }
  return records;
}

function readBlock(bytes: Uint8Array, view: DataView, index: number, version: string): { records: Uint8Array[]; problem: string | null } {
  const entry = LOG_BLOCK_TABLE_AT + index * LOG_BLOCK_STRIDE;
  if (entry + 4 > bytes.length) return { records: [], problem: 'The block table is cut short.' };
  const address = view.getUint32(entry, true);
  if (address === 0) return { records: [], problem: 'The block address is empty.' };
  if (address + BLOCK_RECORDS_AT > bytes.length) return { records: [], problem: `The block address ${address} is past the end of the file.` };
  if (ascii(bytes, address + 1, MAGIC_LENGTH) !== version) return { records: [], problem: 'The block does not repeat the file version.' };
  const count = bytes[address + BLOCK_COUNT_AT] as number;
  const records: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const at = address + BLOCK_RECORDS_AT + k * NK_RECORD_BYTES;
    if (at + NK_RECORD_BYTES > bytes.length) return { records, problem: `The block claims ${count} records but the file ends after ${k}.` };
    records.push(bytes.subarray(at, at + NK_RECORD_BYTES));
  }
  return { records, problem: null };
}

function readComments(bytes: Uint8Array, encoding: TextEncodingName, log: WarningLog): string[] | null {
  if (!readNihonKohdenMagic(bytes)) {
    log.add('CMT', 'Not a Nihon Kohden .CMT file (unknown first 16 bytes).');
    return null;
  }
  const count = Math.max(0, Math.floor((bytes.length - CMT_HEADER_BYTES) / CMT_STRIDE));
  const comments: string[] = [];
  for (let k = 0; k < count; k++) {
    const at = CMT_FIRST_AT + k * CMT_STRIDE + CMT_TEXT_OFFSET;
    comments.push(decodeField(bytes.subarray(at, Math.min(bytes.length, at + CMT_TEXT_BYTES)), encoding));
  }
  return comments;
}

/** Fixed-width text: NUL padding dropped (NUL never occurs inside a UTF-8 or GBK character). */
function decodeField(bytes: Uint8Array, encoding: TextEncodingName): string {
  return decodeText(bytes.filter((b) => b !== 0), encoding).trim();
}

/** "(YYMMDDhhmmss)" in bytes 26–39: the device clock at the event, seen in sample files only. */
function recordClock(rec: Uint8Array): WallPoint | null {
  if (rec[26] !== 0x28 || rec[39] !== 0x29) return null;
  return compactClock(ascii(rec, 27, 12), 2);
}

/** YYYYMMDDhhmmss (yearDigits 4) or YYMMDDhhmmss (2, read as 20YY). */
function compactClock(text: string, yearDigits: 2 | 4): WallPoint | null {
  if (!new RegExp(`^\\d{${yearDigits + 10}}$`).test(text)) return null;
  const n = (from: number, len: number): number => Number(text.slice(from, from + len));
  const year = yearDigits === 4 ? n(0, 4) : 2000 + n(0, 2);
  const [mo, d, h, mi, s] = [n(yearDigits, 2), n(yearDigits + 2, 2), n(yearDigits + 4, 2), n(yearDigits + 6, 2), n(yearDigits + 8, 2)];
  if (!isValidCivil(year, mo, d) || h > 23 || mi > 59 || s > 59) return null;
  return { days: daysFromCivil(year, mo, d), micros: ((h * 60 + mi) * 60 + s) * MICROS_PER_SECOND };
}

function digits(bytes: Uint8Array, from: number, len: number): number | null {
  let value = 0;
  for (let i = from; i < from + len; i++) {
    const c = bytes[i];
    if (c === undefined || c < 0x30 || c > 0x39) return null;
    value = value * 10 + (c - 0x30);
  }
  return value;
}

function ascii(bytes: Uint8Array, from: number, len: number): string {
  let s = '';
  for (let i = from; i < Math.min(bytes.length, from + len); i++) s += String.fromCharCode(bytes[i] as number);
  return s;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
