/**
 * What the capture needs of a framing ('lines', 'mllp', 'hl7-lines'): bytes in, events out, plus
 * the HL7 messages to acknowledge. Readers are plain objects with no port, timers or clock, so
 * they test without a serial device.
 */
import type { DeviceEvent } from '../../../../shared/domain/device-event';
import type { Hl7Message } from '../../../../shared/hl7/parse';

export type ReaderCounts = {
  /** Complete lines ('lines') or HL7 messages (the HL7 framings). */
  lines: number;
  /** Events produced. */
  events: number;
  /** Bytes that were not data: control bytes in text lines, noise between MLLP frames, cut-off line ends. */
  garbageBytes: number;
  /** Lines or messages that were complete but could not be read (noise, profile mismatch, not HL7). */
  badLines: number;
  /** Frames or lines lost half-way: a link drop mid-line, a restarted MLLP frame, an oversize message. */
  droppedFrames: number;
};

export type ReadResult = Readonly<{
  events: readonly DeviceEvent[];
  /** Parsed HL7 messages to acknowledge once their events are stored (in arrival order). */
  toAcknowledge: readonly Hl7Message[];
  /** The latest reason something was not read, in plain words (never quoting the data). */
  problem: string | null;
}>;

export interface FrameReader {
  /**
   * Bytes as received. `streamUnreadable` says the recent stream looks like a wrong baud rate,
   * so a reader can be stricter about what it lets through.
   */
  push(chunk: Uint8Array, receivedAt: number, streamUnreadable: boolean): ReadResult;
  /**
   * Milliseconds of quiet after which `flushIdle` completes what is pending, or null when the
   * framing always knows where a unit ends.
   */
  readonly idleFlushMs: number | null;
  flushIdle(receivedAt: number): ReadResult;
  /** The connection dropped: a half-received unit is dropped and counted. */
  linkLost(): void;
  readonly counts: Readonly<ReaderCounts>;
}

export const NOTHING: ReadResult = { events: [], toAcknowledge: [], problem: null };

export function emptyCounts(): ReaderCounts {
  return { lines: 0, events: 0, garbageBytes: 0, badLines: 0, droppedFrames: 0 };
}
