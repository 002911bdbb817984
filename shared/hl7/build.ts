/**
 * HL7 v2 message builder: structured values in, correctly escaped text out, segments ended by
 * CR as the standard wants (v2.5 §2.5.3: every segment, including the last, ends with CR).
 *
 * Callers never escape by hand: every leaf passes through `escapeHl7`, so any name or free text
 * ("Zoë O'Brien-Smith", "Łukasz Żółć", "王伟", "a|b^c~d\e&f") arrives as written. Non-ASCII is
 * written as-is and the message is meant to be sent as UTF-8 (declare it in MSH-18).
 */
import { DEFAULT_DELIMITERS, fieldValue, segmentOf, type Hl7Delimiters, type Hl7Message } from './parse';

export { dtFromIsoDate, dtmFromInstant, dtmFromWallClock } from './dtm';

/** A component: plain text, or its subcomponents. */
export type Hl7ComponentInput = string | readonly string[];
/** One repetition: plain text, or its components. */
export type Hl7RepetitionInput = string | readonly Hl7ComponentInput[];
/**
 * A field: empty (null/undefined/''), plain text, components of a single repetition, or
 * several repetitions. A parsed `Hl7Field` fits the `{ reps }` form, so values can be relayed.
 */
export type Hl7FieldInput = string | null | undefined | readonly Hl7ComponentInput[] | Readonly<{ reps: readonly Hl7RepetitionInput[] }>;

/**
 * A segment with fields keyed by their number in the standard ({ 3: 'APP', 9: ['ORU','R01'] }).
 * For MSH, fields 1 and 2 come from the delimiters and are ignored here.
 */
export type SegmentSpec = Readonly<{ id: string; fields: Readonly<Record<number, Hl7FieldInput>> }>;

/** Escape one leaf value for the given delimiters. */
export function escapeHl7(value: string, d: Hl7Delimiters = DEFAULT_DELIMITERS): string {
  if (!needsEscaping(value, d)) return value;
  const e = d.escape;
  let out = '';
  for (const ch of value) {
    if (ch === e) out += `${e}E${e}`;
    else if (ch === d.field) out += `${e}F${e}`;
    else if (ch === d.component) out += `${e}S${e}`;
    else if (ch === d.subcomponent) out += `${e}T${e}`;
    else if (ch === d.repetition) out += `${e}R${e}`;
    else if (d.truncation !== null && ch === d.truncation) out += `${e}P${e}`;
    else if (isControl(ch)) out += `${e}X${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}${e}`;
    else out += ch;
  }
  return out;
}

/** Fast path for the common case (and for a multi-megabyte base64 PDF): nothing to escape. */
function needsEscaping(value: string, d: Hl7Delimiters): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return [d.field, d.component, d.repetition, d.escape, d.subcomponent, d.truncation ?? ''].some((ch) => ch !== '' && value.includes(ch));
}

// C0 controls other than TAB would end a segment (CR, LF) or an MLLP frame (0x0B, 0x1C), so
// they travel as \Xhh\ and come back unchanged through our parser.
function isControl(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return ch.length === 1 && ((c < 0x20 && c !== 0x09) || c === 0x7f);
}

function trimTrailingEmpty(parts: string[]): string[] {
  let n = parts.length;
  while (n > 0 && parts[n - 1] === '') n -= 1;
  return parts.slice(0, n);
}

function encodeComponent(c: Hl7ComponentInput, d: Hl7Delimiters): string {
  if (typeof c === 'string') return escapeHl7(c, d);
  return trimTrailingEmpty(c.map((s) => escapeHl7(s, d))).join(d.subcomponent);
}

function encodeRepetition(r: Hl7RepetitionInput, d: Hl7Delimiters): string {
  if (typeof r === 'string') return escapeHl7(r, d);
  return trimTrailingEmpty(r.map((c) => encodeComponent(c, d))).join(d.component);
}

/** Encode one field value (escaped, trailing empty parts dropped as the standard recommends). */
export function encodeField(value: Hl7FieldInput, d: Hl7Delimiters = DEFAULT_DELIMITERS): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return escapeHl7(value, d);
  if (isReps(value)) return trimTrailingEmpty(value.reps.map((r) => encodeRepetition(r, d))).join(d.repetition);
  return encodeRepetition(value, d);
}

function isReps(v: readonly Hl7ComponentInput[] | Readonly<{ reps: readonly Hl7RepetitionInput[] }>): v is Readonly<{ reps: readonly Hl7RepetitionInput[] }> {
  return !Array.isArray(v);
}

/** MSH-2 for these delimiters: "^~\&" (plus the truncation character from v2.7). */
export function encodingCharacters(d: Hl7Delimiters): string {
  return `${d.component}${d.repetition}${d.escape}${d.subcomponent}${d.truncation ?? ''}`;
}

/** One segment without its terminator. */
export function buildSegment(spec: SegmentSpec, d: Hl7Delimiters = DEFAULT_DELIMITERS): string {
  const numbers = Object.keys(spec.fields).map(Number).filter((n) => Number.isInteger(n) && n >= 1);
  const last = numbers.length > 0 ? Math.max(...numbers) : 0;
  const isMsh = spec.id === 'MSH';
  const encoded: string[] = [];
  for (let n = isMsh ? 3 : 1; n <= last; n += 1) encoded.push(encodeField(spec.fields[n], d));
  const body = trimTrailingEmpty(encoded);
  // MSH-1 is the separator between "MSH" and MSH-2, so MSH is "MSH" + "|" + "^~\&" + "|MSH-3"…
  const head = isMsh ? `MSH${d.field}${encodingCharacters(d)}` : spec.id;
  return body.length > 0 ? `${head}${d.field}${body.join(d.field)}` : head;
}

/** A whole message: every segment ends with CR. */
export function buildMessage(segments: readonly SegmentSpec[], d: Hl7Delimiters = DEFAULT_DELIMITERS): string {
  return segments.map((s) => `${buildSegment(s, d)}\r`).join('');
}

// ---------------------------------------------------------------------------------------------
// Acknowledgements (original mode, v2.5 §2.9.2).

export type AckCode = 'AA' | 'AE' | 'AR';

export type AckOptions = Readonly<{
  code: AckCode;
  /** MSH-10 of the ACK itself (its own control id, not the one acknowledged). */
  controlId: string;
  /** MSH-7 as DTM (see dtm.ts). */
  timestamp: string;
  /** MSA-3: deprecated since v2.4 but still the first place most receivers and senders look. */
  text?: string;
  /** Adds an ERR segment in the v2.5+ layout: ERR-3 HL7 error code (table 0357), ERR-4 severity, ERR-8 user message. */
  error?: Readonly<{ code?: string; codeText?: string; severity?: 'E' | 'W' | 'I'; text?: string }>;
  /** Defaults to the received MSH-5/MSH-6 (we answer as the application that was addressed). */
  sendingApplication?: string;
  sendingFacility?: string;
}>;

/**
 * ACK for a received message, with the received message's own delimiters (a receiver answers
 * in the sender's encoding characters), MSH-9 "ACK^<trigger>^ACK", MSH-11/MSH-12 copied, and
 * MSA-2 echoing the received MSH-10 so the sender can match it.
 */
export function buildAck(received: Hl7Message, opts: AckOptions): string {
  const d = received.delimiters;
  const msh = segmentOf(received, 'MSH');
  const relay = (n: number): Hl7FieldInput => {
    const f = msh?.fields[n];
    return f ? { reps: f.reps } : '';
  };
  const segments: SegmentSpec[] = [
    {
      id: 'MSH',
      fields: {
        3: opts.sendingApplication ?? relay(5),
        4: opts.sendingFacility ?? relay(6),
        5: relay(3),
        6: relay(4),
        7: opts.timestamp,
        9: ['ACK', fieldValue(msh, 9, { comp: 2 }), 'ACK'],
        10: opts.controlId,
        11: relay(11),
        12: relay(12),
      },
    },
    { id: 'MSA', fields: { 1: opts.code, 2: fieldValue(msh, 10), 3: opts.text } },
  ];
  if (opts.error) {
    const e = opts.error;
    segments.push({
      id: 'ERR',
      fields: {
        // 207 "Application internal error" is the catch-all of table 0357.
        3: e.code ? [e.code, e.codeText ?? '', 'HL70357'] : ['207', 'Application internal error', 'HL70357'],
        4: e.severity ?? 'E',
        8: e.text,
      },
    });
  }
  return buildMessage(segments, d);
}
