/**
 * The HL7 framings: 'mllp' (0x0B payload 0x1C 0x0D, what gateways and most serial HL7 senders
 * use) and 'hl7-lines' (segments as lines with no framing; a message ends when the next MSH
 * starts or the line goes quiet). Each message → parseHl7 → observationsFromMessage → events.
 *
 * Acknowledging is left to the capture, after the events are stored: an AA promises the sender
 * the data is safe, so it must not go out before the store write has happened.
 */
import type { DeviceEvent } from '../../../../shared/domain/device-event';
import { buildAck, dtmFromInstant, type AckCode } from '../../../../shared/hl7/build';
import { Hl7LineDeframer, MllpDeframer, mllpEncode } from '../../../../shared/hl7/mllp';
import { observationsFromMessage } from '../../../../shared/hl7/observations';
import { decodeHl7Bytes, headerOf, parseHl7, type Hl7Message } from '../../../../shared/hl7/parse';
import { assertNever } from '../../../../shared/util/assert-never';
import { zoneOffsetMs } from '../../../../shared/util/zoned-time';
import { CP1252_80_9F, decodeText, type TextEncodingName } from '../../../../shared/parsers/text-decoding';
import { NOTHING, type FrameReader, type ReadResult, type ReaderCounts } from './frame-reader';

export type Hl7Framing = 'mllp' | 'hl7-lines';

/** Quiet time that ends an unframed message: longer than a device pauses inside one message. */
export const DEFAULT_HL7_IDLE_FLUSH_MS = 200;

export type Hl7ReaderOptions = Readonly<{
  framing: Hl7Framing;
  encoding: TextEncodingName;
  idleFlushMs?: number;
}>;

export class Hl7Reader implements FrameReader {
  readonly idleFlushMs: number | null;
  private readonly mllp: MllpDeframer | null;
  private readonly lineDeframer: Hl7LineDeframer | null;
  private messages = 0;
  private events = 0;
  private bad = 0;
  /** Unframed messages still in progress when the link dropped. */
  private lost = 0;
  private sequence = 0;

  constructor(private readonly opts: Hl7ReaderOptions) {
    this.mllp = opts.framing === 'mllp' ? new MllpDeframer() : null;
    this.lineDeframer = opts.framing === 'hl7-lines' ? new Hl7LineDeframer() : null;
    this.idleFlushMs = opts.framing === 'hl7-lines' ? (opts.idleFlushMs ?? DEFAULT_HL7_IDLE_FLUSH_MS) : null;
  }

  get counts(): Readonly<ReaderCounts> {
    if (this.mllp) {
      const s = this.mllp.stats;
      return { lines: this.messages, events: this.events, badLines: this.bad, garbageBytes: s.garbageBytes, droppedFrames: s.droppedFrames + s.oversizeFrames + this.lost };
    }
    const s = this.lineDeframer?.stats;
    return { lines: this.messages, events: this.events, badLines: this.bad, garbageBytes: s?.garbageBytes ?? 0, droppedFrames: (s?.oversizeMessages ?? 0) + this.lost };
  }

  push(chunk: Uint8Array, receivedAt: number): ReadResult {
    const payloads = this.mllp ? this.mllp.push(chunk) : (this.lineDeframer?.push(chunk) ?? []);
    return this.read(payloads, receivedAt);
  }

  flushIdle(receivedAt: number): ReadResult {
    return this.lineDeframer ? this.read(this.lineDeframer.flush(), receivedAt) : NOTHING;
  }

  linkLost(): void {
    // A message cut off by the drop must not be read (nor acknowledged) as if it were whole; the
    // sender, not having had its ACK, sends it again.
    this.mllp?.end();
    if (this.lineDeframer) this.lost += this.lineDeframer.flush().length;
  }

  private read(payloads: readonly Uint8Array[], receivedAt: number): ReadResult {
    if (payloads.length === 0) return NOTHING;
    const events: DeviceEvent[] = [];
    const toAcknowledge: Hl7Message[] = [];
    let problem: string | null = null;
    for (const payload of payloads) {
      this.messages += 1;
      const parsed = parseHl7(this.decode(payload));
      if (!parsed.ok) {
        this.bad += 1;
        // parseHl7's reasons never quote message content.
        problem = `An HL7 message could not be read (${parsed.reason}).`;
        continue;
      }
      const msg = parsed.message;
      const prefix = this.keyPrefix(msg, receivedAt);
      for (const e of observationsFromMessage(msg).events) events.push({ ...e, key: `${prefix}/${e.key}` });
      toAcknowledge.push(msg);
    }
    this.events += events.length;
    return { events, toAcknowledge, problem };
  }

  /**
   * observations.ts keys events by MSH-10 and OBX position, which makes a resent message (its
   * ACK was lost) dedupe to the same rows. But devices restart their control ids at power-up,
   * so MSH-7 goes into the key too; a message with neither gets a key of its own.
   */
  private keyPrefix(msg: Hl7Message, receivedAt: number): string {
    const h = headerOf(msg);
    const n = this.sequence++;
    return h.timestamp !== '' && h.controlId !== '' ? `${MESSAGE_KEY}${h.timestamp}|${h.controlId}` : `rx${receivedAt}.${n}`;
  }

  private decode(payload: Uint8Array): string {
    // HL7 over UTF-8 falls back to Windows-1252 for old single-byte senders (parse.ts).
    return this.opts.encoding === 'utf-8' ? decodeHl7Bytes(payload) : decodeText(payload, this.opts.encoding);
  }
}

/**
 * Keys that name the message itself (MSH-7 and MSH-10) start with this: the same message sent
 * again (its ACK was lost, the cable was replugged) has the same key, and is stored once.
 */
export const MESSAGE_KEY = 'msg:';

export type AckInput = Readonly<{
  code: AckCode;
  framing: Hl7Framing;
  encoding: TextEncodingName;
  /** The ACK's own MSH-10. */
  controlId: string;
  now: number;
  timeZone: string;
  text?: string;
}>;

/** An ACK for `received`, framed like the message came (MLLP, or bare CR-ended segments). */
export function ackBytes(received: Hl7Message, a: AckInput): Uint8Array {
  const offsetMinutes = Math.round(zoneOffsetMs(a.now, a.timeZone) / 60_000);
  const text = buildAck(received, {
    code: a.code,
    controlId: a.controlId,
    timestamp: dtmFromInstant(a.now, offsetMinutes) ?? '',
    ...(a.text !== undefined ? { text: a.text } : {}),
  });
  const bytes = encodeText(text, a.encoding);
  switch (a.framing) {
    case 'mllp':
      return mllpEncode(bytes);
    case 'hl7-lines':
      return bytes;
    default:
      return assertNever(a.framing, 'HL7 framing');
  }
}

const utf8 = new TextEncoder();

/**
 * Text → bytes in the device's encoding. An ACK is nearly all ASCII (it only echoes MSH-3 to
 * MSH-6 and MSH-10); a character the encoding lacks becomes "?". GBK has no encoder in the
 * platform, so non-ASCII in a GBK ACK becomes "?" too.
 */
export function encodeText(text: string, encoding: TextEncodingName): Uint8Array {
  switch (encoding) {
    case 'utf-8':
      return utf8.encode(text);
    case 'windows-1252':
    case 'gbk': {
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) out[i] = singleByte(text.charCodeAt(i), encoding);
      return out;
    }
    default:
      return assertNever(encoding, 'text encoding');
  }
}

function singleByte(code: number, encoding: 'windows-1252' | 'gbk'): number {
  if (code < 0x80) return code;
  if (encoding === 'windows-1252') {
    if (code >= 0xa0 && code <= 0xff) return code;
    const i = CP1252_80_9F.indexOf(code);
    if (i >= 0) return 0x80 + i;
  }
  return 0x3f;
}
