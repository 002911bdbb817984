/**
 * HL7 v2 message parser: text → segments → fields → repetitions → components → subcomponents.
 *
 * Pure (runs in the renderer too) and total: any input yields either a message or
 * `{ ok: false, reason }`, never an exception. Reasons never quote message content, because
 * message content is PHI and reasons end up in warnings and logs.
 *
 * Layout follows the standard's numbering so code reads like the spec ("TXA-12"):
 * `segment.fields[n]` is field n, `fields[0]` is the segment id. For MSH, field 1 is the field
 * separator itself and field 2 the encoding characters, both kept literally (never split or
 * unescaped), so MSH-3 is the sending application as in every HL7 table.
 */

export type Hl7Delimiters = Readonly<{
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
  /** v2.7+ truncation character (5th char of MSH-2, usually '#'); null when MSH-2 has four. */
  truncation: string | null;
}>;

/** One repetition: components, each a list of subcomponents. All leaves are unescaped text. */
export type Hl7Repetition = readonly (readonly string[])[];

export type Hl7Field = Readonly<{
  /** The field as it stood in the message, still escaped: for logging lengths, hashing, relaying. */
  raw: string;
  reps: readonly Hl7Repetition[];
}>;

export type Hl7Segment = Readonly<{
  id: string;
  /** Index = field number per the standard; index 0 holds the segment id. */
  fields: readonly Hl7Field[];
}>;

export type Hl7Message = Readonly<{
  delimiters: Hl7Delimiters;
  segments: readonly Hl7Segment[];
}>;

export type Hl7ParseResult = Readonly<{ ok: true; message: Hl7Message }> | Readonly<{ ok: false; reason: string }>;

export type Hl7Position = Readonly<{
  /** 1-based repetition (default 1). */
  rep?: number;
  /** 1-based component (default 1). */
  comp?: number;
  /** 1-based subcomponent (default 1). */
  sub?: number;
  /** 1-based occurrence of the segment in the message (default 1). */
  occurrence?: number;
}>;

export const DEFAULT_DELIMITERS: Hl7Delimiters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
  truncation: null,
};

const SEGMENT_ID = /^[A-Z][A-Z0-9]{2}$/;

/**
 * Parse one HL7 v2 message. Segment separators may be CR (the standard), LF or CRLF (what git
 * checkouts and some devices produce); blank or whitespace-only lines are ignored. A leading
 * UTF-8 BOM or whitespace is tolerated. Batches (FHS/BHS) and several messages in one text are
 * not: split them first (see mllp.ts).
 */
export function parseHl7(text: string): Hl7ParseResult {
  if (typeof text !== 'string') return fail('input is not text');
  const start = text.replace(/^[\uFEFF\s]+/, '');
  if (!start.startsWith('MSH')) return fail('message does not start with an MSH segment');
  const delims = readDelimiters(start);
  if (!delims.ok) return delims;
  const d = delims.delimiters;

  const lines = start.split(/\r\n|\r|\n/);
  const segments: Hl7Segment[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const id = line.slice(0, 3);
    if (!SEGMENT_ID.test(id) || (line.length > 3 && line[3] !== d.field)) {
      return fail(`line ${i + 1} does not start with a segment id and field separator`);
    }
    if (id === 'MSH' && segments.length > 0) {
      return fail(`line ${i + 1} starts a second MSH: split concatenated messages first`);
    }
    segments.push(id === 'MSH' ? parseMsh(line, d) : parseSegment(id, line, d));
  }
  return { ok: true, message: { delimiters: d, segments } };
}

/**
 * One segment line other than MSH, with the delimiters its message's MSH declared: for readers
 * that take a message a segment at a time (a file of any size). Null when the line does not start
 * with a segment id and the field separator.
 */
export function parseSegmentLine(line: string, d: Hl7Delimiters): Hl7Segment | null {
  const id = line.slice(0, 3);
  if (!SEGMENT_ID.test(id) || (line.length > 3 && line[3] !== d.field)) return null;
  return id === 'MSH' ? parseMsh(line, d) : parseSegment(id, line, d);
}

function fail(reason: string): Readonly<{ ok: false; reason: string }> {
  return { ok: false, reason };
}

type DelimiterResult = Readonly<{ ok: true; delimiters: Hl7Delimiters }> | Readonly<{ ok: false; reason: string }>;

function readDelimiters(text: string): DelimiterResult {
  const field = text[3];
  if (field === undefined) return fail('MSH segment is too short');
  // MSH-2 runs to the next field separator, or to the end of the line for a bare "MSH|^~\&".
  const lineEnd = text.search(/[\r\n]/);
  const firstLine = lineEnd === -1 ? text : text.slice(0, lineEnd);
  const end = firstLine.indexOf(field, 4);
  const enc = firstLine.slice(4, end === -1 ? firstLine.length : end);
  if (enc.length < 4 || enc.length > 5) return fail('MSH-2 must hold 4 encoding characters (5 from v2.7)');
  const all = [field, ...enc];
  if (new Set(all).size !== all.length) return fail('MSH-1 and MSH-2 repeat a delimiter');
  if (all.some((c) => /[A-Za-z0-9\s]/.test(c))) return fail('delimiters must not be letters, digits or whitespace');
  return {
    ok: true,
    delimiters: {
      field,
      component: enc[0] as string,
      repetition: enc[1] as string,
      escape: enc[2] as string,
      subcomponent: enc[3] as string,
      truncation: enc[4] ?? null,
    },
  };
}

function parseSegment(id: string, line: string, d: Hl7Delimiters): Hl7Segment {
  const parts = line.split(d.field);
  const fields: Hl7Field[] = [{ raw: id, reps: [[[id]]] }];
  for (let i = 1; i < parts.length; i += 1) fields.push(parseField(parts[i] ?? '', d));
  return { id, fields };
}

function parseMsh(line: string, d: Hl7Delimiters): Hl7Segment {
  // "MSH|^~\&|APP" splits to ["MSH", "^~\&", "APP"]: insert MSH-1 (the separator) so that
  // numbering matches the standard, and keep MSH-2 literal (its escape char must not escape).
  const parts = line.split(d.field);
  const literal = (s: string): Hl7Field => ({ raw: s, reps: [[[s]]] });
  const fields: Hl7Field[] = [literal('MSH'), literal(d.field), literal(parts[1] ?? '')];
  for (let i = 2; i < parts.length; i += 1) fields.push(parseField(parts[i] ?? '', d));
  return { id: 'MSH', fields };
}

function parseField(raw: string, d: Hl7Delimiters): Hl7Field {
  // Split first, unescape leaves after: escape sequences never contain delimiters, and escaped
  // delimiters (\S\ …) must become data only after the structure is known.
  const reps = raw.split(d.repetition).map((rep) => rep.split(d.component).map((comp) => comp.split(d.subcomponent).map((s) => unescapeHl7(s, d))));
  return { raw, reps };
}

/**
 * Undo HL7 escaping (v2.5 §2.7 / v2.8 §2.7.4): \F\ \S\ \T\ \R\ \E\ (and \P\ from v2.7) become
 * the delimiters; \Xhh..\ becomes the bytes it names, read as UTF-8 (Latin-1 when they are not
 * valid UTF-8, which is what a single-byte sender meant); \.br\ and \.sp\ become a line break;
 * highlighting \H\ \N\ is dropped. Sequences we cannot honour (character-set switches \C..\ \M..\,
 * site-defined \Z..\, other formatting commands) and an escape with no closing escape character
 * are kept verbatim rather than silently lost.
 */
export function unescapeHl7(value: string, d: Hl7Delimiters = DEFAULT_DELIMITERS): string {
  const esc = d.escape;
  if (!value.includes(esc)) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const open = value.indexOf(esc, i);
    if (open === -1) {
      out += value.slice(i);
      break;
    }
    out += value.slice(i, open);
    const close = value.indexOf(esc, open + 1);
    if (close === -1) {
      out += value.slice(open);
      break;
    }
    const seq = value.slice(open + 1, close);
    const replaced = expandEscape(seq, d);
    out += replaced ?? value.slice(open, close + 1);
    i = close + 1;
  }
  return out;
}

function expandEscape(seq: string, d: Hl7Delimiters): string | null {
  switch (seq) {
    case 'F':
      return d.field;
    case 'S':
      return d.component;
    case 'T':
      return d.subcomponent;
    case 'R':
      return d.repetition;
    case 'E':
      return d.escape;
    case 'P':
      return d.truncation;
    case 'H':
    case 'N':
      return '';
    case '.br':
    case '.sp':
      return '\n';
    default:
      break;
  }
  if (/^X(?:[0-9A-Fa-f]{2})+$/.test(seq)) return decodeHexBytes(seq.slice(1));
  return null;
}

function decodeHexBytes(hex: string): string {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return s;
  }
}

/**
 * Decode received bytes to text. HL7 from v2.8 prefers UTF-8; older devices send Latin-1 or
 * Windows-1252 without saying so in MSH-18. We try strict UTF-8 first (it fails loudly on
 * single-byte text), then fall back to Windows-1252, the usual superset of Latin-1.
 */
export function decodeHl7Bytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

// ---------------------------------------------------------------------------------------------
// Accessors. Absent parts read as '' because HL7 itself does not tell "empty" from "not sent".

/** Every segment with this id, in message order. */
export function segmentsOf(msg: Hl7Message, id: string): readonly Hl7Segment[] {
  return msg.segments.filter((s) => s.id === id);
}

/** The nth (1-based) segment with this id. */
export function segmentOf(msg: Hl7Message, id: string, occurrence = 1): Hl7Segment | undefined {
  let seen = 0;
  for (const s of msg.segments) {
    if (s.id === id) {
      seen += 1;
      if (seen === occurrence) return s;
    }
  }
  return undefined;
}

/** Unescaped leaf of a segment: `fieldValue(obx, 5, { comp: 2 })`. */
export function fieldValue(seg: Hl7Segment | undefined, field: number, pos: Hl7Position = {}): string {
  const f = seg?.fields[field];
  if (!f) return '';
  return f.reps[(pos.rep ?? 1) - 1]?.[(pos.comp ?? 1) - 1]?.[(pos.sub ?? 1) - 1] ?? '';
}

/** Unescaped leaf of a message: `get(msg, 'OBX', 5, { occurrence: 2, comp: 1 })`. */
export function get(msg: Hl7Message, segmentId: string, field: number, pos: Hl7Position = {}): string {
  return fieldValue(segmentOf(msg, segmentId, pos.occurrence ?? 1), field, pos);
}

/** The field as it stood in the message (escaped), '' when absent. */
export function rawField(seg: Hl7Segment | undefined, field: number): string {
  return seg?.fields[field]?.raw ?? '';
}

/** Number of repetitions actually present in a field (0 when the field is empty or absent). */
export function repetitionCount(seg: Hl7Segment | undefined, field: number): number {
  const f = seg?.fields[field];
  if (!f || f.raw === '') return 0;
  return f.reps.length;
}

export type Hl7Header = Readonly<{
  messageCode: string;
  triggerEvent: string;
  messageStructure: string;
  controlId: string;
  processingId: string;
  version: string;
  /** MSH-7 as sent (DTM); see dtm.ts to read it. */
  timestamp: string;
  sendingApplication: string;
  sendingFacility: string;
  receivingApplication: string;
  receivingFacility: string;
  charset: string;
}>;

/** The MSH facts most callers need, unescaped. */
export function headerOf(msg: Hl7Message): Hl7Header {
  const msh = segmentOf(msg, 'MSH');
  return {
    messageCode: fieldValue(msh, 9, { comp: 1 }),
    triggerEvent: fieldValue(msh, 9, { comp: 2 }),
    messageStructure: fieldValue(msh, 9, { comp: 3 }),
    controlId: fieldValue(msh, 10),
    processingId: fieldValue(msh, 11),
    version: fieldValue(msh, 12),
    timestamp: fieldValue(msh, 7),
    sendingApplication: fieldValue(msh, 3),
    sendingFacility: fieldValue(msh, 4),
    receivingApplication: fieldValue(msh, 5),
    receivingFacility: fieldValue(msh, 6),
    charset: fieldValue(msh, 18),
  };
}
