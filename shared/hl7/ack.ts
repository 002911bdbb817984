/**
 * Reading the acknowledgement a receiver sends back for a message we sent.
 *
 * MSA-1 (table 0008): AA/CA accept, AE/CE error, AR/CR reject. The C-codes are enhanced-mode
 * commit acks: "stored safely", which for handing a report to the hospital is delivery. MSA-2
 * must echo our MSH-10, otherwise the ACK is for some other message (a receiver answering a
 * retry late, a proxy mixing connections) and cannot be trusted either way: garbled.
 *
 * Reasons never quote the ACK's content: receivers echo patient data in error texts, and
 * reasons are logged.
 */
import { assertNever } from '../util/assert-never';
import { fieldValue, parseHl7, segmentsOf, segmentOf, type Hl7Message, type Hl7Segment } from './parse';

export type AckCodeReceived = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

export type AckResult =
  | Readonly<{ kind: 'accepted'; code: 'AA' | 'CA'; controlId: string; text: string }>
  | Readonly<{ kind: 'error'; code: 'AE' | 'CE'; controlId: string; text: string }>
  | Readonly<{ kind: 'rejected'; code: 'AR' | 'CR'; controlId: string; text: string }>
  | Readonly<{ kind: 'garbled'; reason: string }>;

/**
 * Interpret an ACK (text or parsed) for the message whose MSH-10 was `expectedControlId`.
 * `text` joins MSA-3 and the ERR segments' human-readable parts, the receiver's own words.
 */
export function interpretAck(ack: string | Hl7Message, expectedControlId: string): AckResult {
  let msg: Hl7Message;
  if (typeof ack === 'string') {
    const parsed = parseHl7(ack);
    if (!parsed.ok) return { kind: 'garbled', reason: `The answer is not an HL7 message (${parsed.reason}).` };
    msg = parsed.message;
  } else {
    msg = ack;
  }
  const msa = segmentOf(msg, 'MSA');
  if (!msa) return { kind: 'garbled', reason: 'The answer has no MSA segment, so it does not acknowledge anything.' };
  // MSH-9 should read ACK, but receivers answer with "ACK^T02", "ACK" or the original type;
  // MSA is what carries the verdict, so we do not insist on MSH-9.
  const code = fieldValue(msa, 1).trim().toUpperCase();
  const controlId = fieldValue(msa, 2);
  if (controlId !== expectedControlId) {
    return { kind: 'garbled', reason: 'The acknowledgement is for a different message (its MSA-2 does not match the control id we sent).' };
  }
  const text = ackText(msa, segmentsOf(msg, 'ERR'));
  if (!isAckCode(code)) return { kind: 'garbled', reason: 'The acknowledgement code in MSA-1 is not one of AA, AE, AR, CA, CE, CR.' };
  switch (code) {
    case 'AA':
    case 'CA':
      return { kind: 'accepted', code, controlId, text };
    case 'AE':
    case 'CE':
      return { kind: 'error', code, controlId, text };
    case 'AR':
    case 'CR':
      return { kind: 'rejected', code, controlId, text };
    default:
      return assertNever(code, 'ack code');
  }
}

const ACK_CODES: ReadonlySet<string> = new Set(['AA', 'AE', 'AR', 'CA', 'CE', 'CR']);

function isAckCode(code: string): code is AckCodeReceived {
  return ACK_CODES.has(code);
}

/**
 * Human-readable text: MSA-3, then per ERR segment the v2.5+ user message (ERR-8) and
 * diagnostics (ERR-7) or, for v2.4 and older, ERR-1.4.2 (the CE text inside ELD). The generic
 * table-0357 text of ERR-3.2 ("Application internal error") is used only when the receiver
 * wrote nothing else. Duplicates are dropped: receivers often repeat one sentence in MSA-3 and ERR.
 */
function ackText(msa: Hl7Segment, errs: readonly Hl7Segment[]): string {
  const words: string[] = [fieldValue(msa, 3)];
  const codeTexts: string[] = [];
  for (const err of errs) {
    words.push(fieldValue(err, 8), fieldValue(err, 7));
    // Pre-2.5 ELD: segment^sequence^field^code (CE, so its text is subcomponent 2).
    words.push(fieldValue(err, 1, { comp: 4, sub: 2 }));
    codeTexts.push(fieldValue(err, 3, { comp: 2 }));
  }
  const own = distinct(words);
  return (own.length > 0 ? own : distinct(codeTexts)).join('; ');
}

function distinct(parts: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of parts.map((s) => s.trim())) if (p !== '' && !out.includes(p)) out.push(p);
  return out;
}
