/**
 * Wrong baud rate / data bits / parity, detected from the bytes themselves: over the last few
 * hundred bytes, too large a share that is not text (text-bytes.ts) means the port settings do
 * not match the device's. A serial port gives no other sign of it.
 *
 * Hysteresis (enter above 30 %, leave at or below 10 %) keeps a noisy stretch from flickering
 * the state, and a minimum sample keeps the few junk bytes an adapter emits when a device
 * powers up from raising the alarm on their own.
 */
import type { TextEncodingName } from '../../../../shared/parsers/text-decoding';
import { TextByteClassifier, type VerdictSink } from './text-bytes';

export type UnreadableOptions = Readonly<{
  windowBytes?: number;
  /** Share of non-text bytes in the window above which the stream is unreadable. */
  enterShare?: number;
  /** Share at or below which it is readable again. */
  leaveShare?: number;
  /** Judge nothing before this many bytes have been seen. */
  minBytes?: number;
}>;

export class UnreadableDetector {
  private readonly classifier: TextByteClassifier;
  private readonly window: Uint8Array;
  private readonly enter: number;
  private readonly leave: number;
  private readonly min: number;
  private at = 0;
  private filled = 0;
  private bad = 0;
  private judged = false;
  private readonly sink: VerdictSink = (readable, count) => {
    for (let i = 0; i < count; i++) this.record(readable ? 0 : 1);
  };

  constructor(encoding: TextEncodingName, opts: UnreadableOptions = {}) {
    this.classifier = new TextByteClassifier(encoding);
    this.window = new Uint8Array(opts.windowBytes ?? 256);
    this.enter = opts.enterShare ?? 0.3;
    this.leave = opts.leaveShare ?? 0.1;
    this.min = opts.minBytes ?? 64;
  }

  /** Feeds received bytes; returns whether the stream now reads as unreadable. */
  push(chunk: Uint8Array): boolean {
    this.classifier.feed(chunk, this.sink);
    if (this.filled >= this.min) {
      const share = this.bad / this.filled;
      if (!this.judged && share > this.enter) this.judged = true;
      else if (this.judged && share <= this.leave) this.judged = false;
    }
    return this.judged;
  }

  get unreadable(): boolean {
    return this.judged;
  }

  /** Share of non-text bytes in the window (0 before any byte). */
  get share(): number {
    return this.filled === 0 ? 0 : this.bad / this.filled;
  }

  /** A new connection: what the last one received says nothing about this one. */
  reset(): void {
    this.classifier.reset();
    this.window.fill(0);
    this.at = 0;
    this.filled = 0;
    this.bad = 0;
    this.judged = false;
  }

  private record(verdict: 0 | 1): void {
    if (this.filled === this.window.length) this.bad -= this.window[this.at] as number;
    else this.filled += 1;
    this.window[this.at] = verdict;
    this.bad += verdict;
    this.at = (this.at + 1) % this.window.length;
  }
}
