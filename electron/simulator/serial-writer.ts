/**
 * The simulated monitor's serial output: every vitals reading to a serial device path (in tests
 * and demos, one end of a socat pty pair), as MLLP-framed HL7 ORU^R01 or as plain text lines.
 *
 * A serial line is not a reliable peer, and the simulator must never die of it:
 * - the path is opened without O_CREAT, so a vanished pty is never replaced by a regular file;
 * - the descriptor is non-blocking, so a peer that stops reading makes writes fail with EAGAIN
 *   instead of freezing the whole simulation; the backlog is bounded (oldest messages dropped);
 * - EIO/ENXIO/ENOENT/EBADF (the pty closed or gone) close the descriptor and retry the open
 *   on a timer until the path comes back.
 */
import fs from 'node:fs';
import { mllpEncode } from '../../shared/hl7/mllp';
import type { SimCase } from './demo-case';
import { buildVitalsOru, vitalsTextLine, type VitalsReading } from './vitals-message';

export type SerialFraming = 'mllp' | 'lines';
export const SERIAL_FRAMINGS: readonly SerialFraming[] = ['mllp', 'lines'];

export type SerialWriterOptions = Readonly<{
  path: string;
  framing: SerialFraming;
  case: SimCase;
  /** Prefix of MSH-10; the message number follows (MSH-10 is at most 20 characters). */
  controlIdPrefix: string;
  /** Wait before retrying a failed open (ms). */
  reopenDelayMs?: number;
  /** Unsent bytes kept while the peer is not reading; older whole messages are dropped. */
  maxBacklogBytes?: number;
}>;

export type SerialStats = Readonly<{
  /** Messages fully written to the device. */
  sent: number;
  /** Messages given up on (backlog full, or cut off when the device went away). */
  dropped: number;
  /** Successful opens after the first. */
  reopened: number;
  /** Failed open or write attempts. */
  failures: number;
  lastError: string | null;
}>;

const RETRY_WRITE_MS = 20;
const encoder = new TextEncoder();

export class SerialWriter {
  readonly #o: SerialWriterOptions;
  readonly #queue: Uint8Array[] = [];
  /** Bytes of the queue head already written. */
  #headOffset = 0;
  #backlog = 0;
  #fd: number | null = null;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  #opens = 0;
  #seq = 0;
  #stats = { sent: 0, dropped: 0, failures: 0, lastError: null as string | null };

  constructor(o: SerialWriterOptions) {
    this.#o = o;
    this.#open();
  }

  get stats(): SerialStats {
    return { ...this.#stats, reopened: Math.max(0, this.#opens - 1) };
  }

  /** Queues one reading and writes as much as the device takes now. */
  vitals(v: VitalsReading): void {
    if (this.#closed) return;
    this.#seq += 1;
    const bytes = this.#o.framing === 'mllp' ? mllpEncode(buildVitalsOru(v, this.#o.case, `${this.#o.controlIdPrefix}${this.#seq}`)) : encoder.encode(vitalsTextLine(v));
    this.#queue.push(bytes);
    this.#backlog += bytes.length;
    this.#trim();
    this.#flush();
  }

  /** Gives a slow peer up to `drainMs` to take what is queued, then closes. */
  async close(drainMs = 1000): Promise<void> {
    if (this.#closed) return;
    const until = Date.now() + drainMs;
    while (this.#queue.length > 0 && this.#fd !== null && Date.now() < until) {
      this.#flush();
      if (this.#queue.length > 0) await new Promise((r) => setTimeout(r, RETRY_WRITE_MS));
    }
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#stats.dropped += this.#queue.length;
    this.#queue.length = 0;
    this.#closeFd();
  }

  #open(): void {
    if (this.#closed || this.#fd !== null) return;
    try {
      this.#fd = fs.openSync(this.#o.path, fs.constants.O_WRONLY | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
      this.#opens += 1;
      this.#flush();
    } catch (e) {
      this.#fail(e);
      this.#schedule(this.#o.reopenDelayMs ?? 500);
    }
  }

  #flush(): void {
    while (this.#fd !== null && this.#queue.length > 0) {
      const head = this.#queue[0] as Uint8Array;
      let n: number;
      try {
        n = fs.writeSync(this.#fd, head, this.#headOffset, head.length - this.#headOffset);
      } catch (e) {
        if (errorCode(e) === 'EAGAIN') {
          // The peer is not reading (or is slow): try again shortly, keep the backlog bounded.
          this.#schedule(RETRY_WRITE_MS);
          return;
        }
        this.#fail(e);
        this.#lostDevice();
        return;
      }
      this.#headOffset += n;
      if (this.#headOffset >= head.length) {
        this.#queue.shift();
        this.#backlog -= head.length;
        this.#headOffset = 0;
        this.#stats.sent += 1;
      }
    }
  }

  /** The device went away mid-stream: a half-sent message is lost (the peer's deframer drops it). */
  #lostDevice(): void {
    this.#closeFd();
    if (this.#headOffset > 0) {
      const head = this.#queue.shift() as Uint8Array;
      this.#backlog -= head.length;
      this.#headOffset = 0;
      this.#stats.dropped += 1;
    }
    this.#schedule(this.#o.reopenDelayMs ?? 500);
  }

  #trim(): void {
    const max = this.#o.maxBacklogBytes ?? 64 * 1024;
    // Never drop the head while it is half written: the peer would get a torn message.
    const first = this.#headOffset > 0 ? 1 : 0;
    while (this.#backlog > max && this.#queue.length > first + 1) {
      const [dropped] = this.#queue.splice(first, 1);
      this.#backlog -= (dropped as Uint8Array).length;
      this.#stats.dropped += 1;
    }
  }

  /** One timer for both retries: whichever is due, the tick reopens or flushes as the state needs. */
  #schedule(ms: number): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#fd === null) this.#open();
      else this.#flush();
    }, ms);
    // Retries alone must not keep a finished process alive.
    this.#timer.unref();
  }

  #fail(e: unknown): void {
    this.#stats.failures += 1;
    this.#stats.lastError = errorCode(e) ?? (e instanceof Error ? e.message : String(e));
  }

  #closeFd(): void {
    if (this.#fd === null) return;
    try {
      fs.closeSync(this.#fd);
    } catch {
      // already invalid (EBADF after the pty vanished): nothing left to release
    }
    this.#fd = null;
  }
}

function errorCode(e: unknown): string | null {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : null;
}
