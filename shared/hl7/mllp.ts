/**
 * MLLP framing (HL7 v2 Minimal Lower Layer Protocol, v2.5 Appendix C): every message travels as
 * <VT 0x0B> payload <FS 0x1C><CR 0x0D>. TCP delivers arbitrary chunks, so the deframer is a
 * small state machine that survives frames split anywhere, noise between frames, a sender that
 * restarts mid-frame, and a peer that never sends an end block (bounded by a size limit).
 *
 * Also a line-based deframer for devices that write HL7 without MLLP (serial ports, raw TCP).
 *
 * Pure: Uint8Array only, so it runs in any JavaScript runtime and tests without sockets.
 */

import { assertNever } from '../util/assert-never';

export const MLLP_START_BLOCK = 0x0b;
export const MLLP_END_BLOCK = 0x1c;
export const MLLP_CARRIAGE_RETURN = 0x0d;
/** Larger than any sane HL7 message incl. a base64 PDF, small enough not to exhaust memory. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

const encoder = new TextEncoder();

/** Wrap one message: 0x0B payload 0x1C 0x0D. Strings are sent as UTF-8. */
export function mllpEncode(payload: string | Uint8Array): Uint8Array {
  const body = typeof payload === 'string' ? encoder.encode(payload) : payload;
  const out = new Uint8Array(body.length + 3);
  out[0] = MLLP_START_BLOCK;
  out.set(body, 1);
  out[body.length + 1] = MLLP_END_BLOCK;
  out[body.length + 2] = MLLP_CARRIAGE_RETURN;
  return out;
}

export type MllpStats = Readonly<{
  /** Complete frames delivered. */
  frames: number;
  payloadBytes: number;
  /** Start/end blocks (and the CR after an end block) of delivered frames. */
  framingBytes: number;
  /**
   * Every byte that was neither a delivered payload nor its framing: noise outside frames,
   * dropped partial frames (their start block included) and oversize frames. So
   * frames' payload + framing + garbage + pending = every byte pushed.
   */
  garbageBytes: number;
  /** Frames abandoned because a new start block came before their end block, or the stream ended. */
  droppedFrames: number;
  oversizeFrames: number;
}>;

type State = 'outside' | 'inFrame' | 'afterEnd' | 'discarding';

/** Growable byte buffer, so a frame split over many chunks is copied once per chunk, not per byte. */
class ByteBuffer {
  private buf = new Uint8Array(4096);
  length = 0;

  append(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    if (this.length + n > this.buf.length) {
      let cap = this.buf.length;
      while (cap < this.length + n) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(src.subarray(from, to), this.length);
    this.length += n;
  }

  head(n: number): Uint8Array {
    return this.buf.subarray(0, Math.min(n, this.length));
  }

  take(): Uint8Array {
    const out = this.buf.slice(0, this.length);
    this.clear();
    return out;
  }

  clear(): void {
    this.length = 0;
    // Do not hold on to a 16 MB buffer because one message was large.
    if (this.buf.length > 1024 * 1024) this.buf = new Uint8Array(4096);
  }
}

/**
 * Streaming MLLP deframer: `push(chunk)` returns the payloads of the frames completed by that
 * chunk. An end block alone completes a frame (some senders omit the CR after it); a CR right
 * after it is swallowed as framing. A start block inside a frame means the sender gave up on the
 * previous one: that partial frame is dropped and counted, and the new frame starts.
 */
export class MllpDeframer {
  private state: State = 'outside';
  private readonly frame = new ByteBuffer();
  private readonly max: number;
  private s = { frames: 0, payloadBytes: 0, framingBytes: 0, garbageBytes: 0, droppedFrames: 0, oversizeFrames: 0 };

  constructor(opts: Readonly<{ maxFrameBytes?: number }> = {}) {
    this.max = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  get stats(): MllpStats {
    return { ...this.s };
  }

  /** Bytes held for a frame not yet complete (its start block included). */
  get pendingBytes(): number {
    return this.state === 'inFrame' ? this.frame.length + 1 : 0;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    const len = chunk.length;
    let pos = 0;
    while (pos < len) {
      switch (this.state) {
        case 'outside': {
          const start = chunk.indexOf(MLLP_START_BLOCK, pos);
          const stop = start === -1 ? len : start;
          this.s.garbageBytes += stop - pos;
          pos = stop;
          if (start !== -1) {
            this.state = 'inFrame';
            this.frame.clear();
            pos += 1;
          }
          break;
        }
        case 'afterEnd': {
          if (chunk[pos] === MLLP_CARRIAGE_RETURN) {
            this.s.framingBytes += 1;
            pos += 1;
          }
          this.state = 'outside';
          break;
        }
        case 'inFrame': {
          const end = chunk.indexOf(MLLP_END_BLOCK, pos);
          const restart = chunk.indexOf(MLLP_START_BLOCK, pos);
          const stop = Math.min(end === -1 ? len : end, restart === -1 ? len : restart);
          if (this.frame.length + (stop - pos) > this.max) {
            // Everything held so far is garbage; the rest of this frame is counted by 'discarding'.
            this.s.garbageBytes += this.frame.length + 1;
            this.s.oversizeFrames += 1;
            this.frame.clear();
            this.state = 'discarding';
            break;
          }
          this.frame.append(chunk, pos, stop);
          pos = stop;
          if (stop === len) break;
          if (stop === restart) {
            this.s.garbageBytes += this.frame.length + 1;
            this.s.droppedFrames += 1;
            this.frame.clear();
            pos += 1;
          } else {
            this.s.frames += 1;
            this.s.payloadBytes += this.frame.length;
            this.s.framingBytes += 2;
            out.push(this.frame.take());
            this.state = 'afterEnd';
            pos += 1;
          }
          break;
        }
        case 'discarding': {
          const end = chunk.indexOf(MLLP_END_BLOCK, pos);
          const restart = chunk.indexOf(MLLP_START_BLOCK, pos);
          if (end === -1 && restart === -1) {
            this.s.garbageBytes += len - pos;
            pos = len;
          } else if (restart !== -1 && (end === -1 || restart < end)) {
            this.s.garbageBytes += restart - pos;
            this.state = 'inFrame';
            this.frame.clear();
            pos = restart + 1;
          } else {
            this.s.garbageBytes += end - pos + 1;
            this.state = 'outside';
            pos = end + 1;
          }
          break;
        }
        default:
          return assertNever(this.state, 'deframer state');
      }
    }
    return out;
  }

  /** The stream ended: a frame still open is dropped and counted. */
  end(): void {
    if (this.state === 'inFrame') {
      this.s.garbageBytes += this.frame.length + 1;
      this.s.droppedFrames += 1;
    }
    this.frame.clear();
    this.state = 'outside';
  }
}

// ---------------------------------------------------------------------------------------------

export type LineDeframerStats = Readonly<{
  messages: number;
  /** Bytes of lines before the first MSH, of oversize messages, and stray MLLP block bytes. */
  garbageBytes: number;
  oversizeMessages: number;
}>;

const CR = 0x0d;
const LF = 0x0a;

/**
 * For devices that write HL7 without MLLP: segments end with CR (LF and CRLF are accepted too),
 * and a line starting "MSH" + a field separator starts a new message, which completes the
 * previous one. The last message of a burst has no successor, so the caller flushes it after a
 * quiet period (`flush()`); choosing that period is the caller's job because it depends on the
 * device. Blank lines are skipped. Output messages use CR after every segment.
 */
export class Hl7LineDeframer {
  private readonly max: number;
  private readonly line = new ByteBuffer();
  /** True while skipping the rest of a line that outgrew the limit. */
  private skippingLine = false;
  private segments: Uint8Array[] = [];
  private messageBytes = 0;
  /** True after an oversize message until the next MSH: its remaining segments are garbage. */
  private discarding = false;
  private s = { messages: 0, garbageBytes: 0, oversizeMessages: 0 };

  constructor(opts: Readonly<{ maxMessageBytes?: number }> = {}) {
    this.max = opts.maxMessageBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  get stats(): LineDeframerStats {
    return { ...this.s };
  }

  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      let stop = pos;
      while (stop < chunk.length && !isLineBreak(chunk[stop] as number)) stop += 1;
      if (this.skippingLine) {
        this.s.garbageBytes += stop - pos;
      } else if (this.line.length + (stop - pos) > this.max) {
        this.overflow(chunk, pos, stop, out);
      } else {
        this.line.append(chunk, pos, stop);
      }
      if (stop === chunk.length) break;
      const b = chunk[stop] as number;
      if (b === MLLP_START_BLOCK || b === MLLP_END_BLOCK) this.s.garbageBytes += 1;
      this.endLine(out);
      pos = stop + 1;
    }
    return out;
  }

  /**
   * End of a quiet period or of the stream: whatever is in progress is complete. Usually one
   * message; two when an unterminated MSH line followed a complete message.
   */
  flush(): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.endLine(out);
    const last = this.takeMessage();
    if (last) out.push(last);
    return out;
  }

  /** The line being read is longer than a whole message may be. */
  private overflow(chunk: Uint8Array, pos: number, stop: number, out: Uint8Array[]): void {
    const head = new Uint8Array(4);
    const held = Math.min(this.line.length, 4);
    head.set(this.line.head(held));
    head.set(chunk.subarray(pos, pos + 4 - held), held);
    const headLen = Math.min(4, held + (stop - pos));
    const startsMessage = isMshLine(head.subarray(0, headLen));
    if (startsMessage) {
      // The huge line is a new message: the one before it is complete and good.
      const done = this.takeMessage();
      if (done) out.push(done);
    }
    this.s.garbageBytes += this.line.length + (stop - pos);
    this.line.clear();
    this.skippingLine = true;
    if (startsMessage || this.segments.length > 0) this.dropMessage();
  }

  private endLine(out: Uint8Array[]): void {
    if (this.skippingLine) {
      this.skippingLine = false;
      return;
    }
    const line = this.line.take();
    if (line.every((b) => b === 0x20 || b === 0x09)) return;
    if (isMshLine(line)) {
      const done = this.takeMessage();
      if (done) out.push(done);
      this.discarding = false;
    } else if (this.discarding || this.segments.length === 0) {
      this.s.garbageBytes += line.length;
      return;
    } else if (this.messageBytes + line.length + 1 > this.max) {
      this.s.garbageBytes += line.length;
      this.dropMessage();
      return;
    }
    this.segments.push(line);
    this.messageBytes += line.length + 1;
  }

  private dropMessage(): void {
    this.s.garbageBytes += this.messageBytes;
    this.s.oversizeMessages += 1;
    this.discarding = true;
    this.segments = [];
    this.messageBytes = 0;
  }

  private takeMessage(): Uint8Array | null {
    if (this.segments.length === 0) return null;
    const msg = new Uint8Array(this.messageBytes);
    let at = 0;
    for (const seg of this.segments) {
      msg.set(seg, at);
      at += seg.length;
      msg[at] = CR;
      at += 1;
    }
    this.segments = [];
    this.messageBytes = 0;
    this.s.messages += 1;
    return msg;
  }
}

function isLineBreak(b: number): boolean {
  // Stray MLLP block bytes from a half-configured sender end a line rather than corrupt one.
  return b === CR || b === LF || b === MLLP_START_BLOCK || b === MLLP_END_BLOCK;
}

function isMshLine(line: Uint8Array): boolean {
  // "MSH" then a field separator that is not a letter, digit or space.
  if (line.length < 4 || line[0] !== 0x4d || line[1] !== 0x53 || line[2] !== 0x48) return false;
  const sep = line[3] as number;
  return sep > 0x20 && sep < 0x7f && !/[A-Za-z0-9]/.test(String.fromCharCode(sep));
}
