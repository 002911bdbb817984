/**
 * Live capture from a serial port: a stimulator or monitor printing lines, or an HL7 sender on
 * RS-232 or a USB adapter. Opens the port, turns bytes into DeviceEvents as each line or message
 * completes, answers HL7 with ACKs, and keeps going through everything an OR does to a cable:
 * unplugged adapters (reopens with backoff, same path), wrong port settings (says so), devices
 * switched off (says so), noise (counts it). Plain Node: never imports Electron.
 *
 * Latency: `onFacts` is called from the port's data handler, synchronously, with whatever that
 * chunk completed. No timer sits on that path (only HL7 without framing waits for quiet, because
 * nothing else tells where its last message ends).
 *
 * Never logs received data: it is PHI.
 */
import fs from 'node:fs';
import type { SerialPort } from 'serialport';
import type * as Serialport from 'serialport';
import type { DeviceEvent } from '../../../../shared/domain/device-event';
import type { Hl7Message } from '../../../../shared/hl7/parse';
import { assertNever } from '../../../../shared/util/assert-never';
import type { FrameReader, ReadResult } from './frame-reader';
import { ackBytes, Hl7Reader } from './hl7-reader';
import { LinesReader } from './lines-reader';
import type { SerialCaptureConfig } from './serial-config';
import { classifyOpenError, openFailureMessage, stateMessage, type SerialState, type SerialStatus } from './serial-status';
import { UnreadableDetector } from './unreadable-detector';

let serialModule: typeof Serialport | null = null;
async function loadSerialport(): Promise<void> {
  serialModule ??= await import('serialport');
}

export type { SerialState, SerialStatus } from './serial-status';
export type { SerialCaptureConfig } from './serial-config';

export type SerialFacts = Readonly<{ events: readonly DeviceEvent[]; receivedAt: number }>;

export type SerialCaptureOptions = Readonly<{
  config: SerialCaptureConfig;
  /**
   * Called as soon as a line or message is complete, from the data handler. Store synchronously
   * here: for HL7 the ACK is sent after this returns (AA), or AE when it throws, so the sender
   * only hears "accepted" once the events are safe.
   */
  onFacts: (facts: SerialFacts) => void;
  /** On every state change, and at most every 500 ms when only counters changed. */
  onStatus?: (status: SerialStatus) => void;
  /** Receive-time clock (ms since the epoch). */
  now?: () => number;
  /** Reopen backoff after a loss or a failed open: minMs doubling up to maxMs. Default 500 ms → 10 s. */
  reconnect?: Readonly<{ minMs: number; maxMs: number }>;
  /** Open but silent this long → 'waiting'. Default 60 s. */
  waitingAfterMs?: number;
  /** Least time between two counter-only status reports. Default 500 ms. */
  statusIntervalMs?: number;
}>;

export type SerialCapture = Readonly<{
  /** Closes the port and cancels every timer; resolves once the port is closed. */
  stop(): Promise<void>;
  status(): SerialStatus;
}>;

export function startSerialCapture(opts: SerialCaptureOptions): SerialCapture {
  const session = new SerialSession(opts);
  session.start();
  return { stop: () => session.stop(), status: () => session.snapshot() };
}

const DEFAULT_RECONNECT = { minMs: 500, maxMs: 10_000 } as const;
const DEFAULT_WAITING_AFTER_MS = 60_000;
const DEFAULT_STATUS_INTERVAL_MS = 500;
/** How often an open port is checked for silence and for its device path vanishing. */
const MAX_TICK_MS = 1000;

function makeReader(config: SerialCaptureConfig): FrameReader {
  switch (config.framing) {
    case 'lines':
      return new LinesReader({ encoding: config.encoding, timeZone: config.timeZone, lineProfile: config.lineProfile });
    case 'mllp':
    case 'hl7-lines':
      return new Hl7Reader({ framing: config.framing, encoding: config.encoding });
    default:
      return assertNever(config.framing, 'serial framing');
  }
}

class SerialSession {
  private readonly config: SerialCaptureConfig;
  private readonly reader: FrameReader;
  private readonly detector: UnreadableDetector;
  private readonly now: () => number;
  private readonly backoff: Readonly<{ minMs: number; maxMs: number }>;
  private readonly waitingAfterMs: number;
  private readonly statusIntervalMs: number;

  private port: SerialPort | null = null;
  private opening: Promise<void> | null = null;
  private stopped = false;
  private stopping: Promise<void> | null = null;

  private state: SerialState = 'connecting';
  private message = '';
  private bytes = 0;
  private reconnects = 0;
  private lastDataAt: number | null = null;
  private lastProblem: string | null = null;
  /** The port has been open at least once: a missing path now means "unplugged", not "wrong name". */
  private everOpened = false;
  private attempt = 0;
  private ackSequence = 0;
  /** Monotonic time of the last byte or of the open, for 'waiting'. */
  private lastActivity = 0;
  private lastEmitAt = Number.NEGATIVE_INFINITY;

  private reopenTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private statusTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: SerialCaptureOptions) {
    this.config = opts.config;
    this.reader = makeReader(opts.config);
    this.detector = new UnreadableDetector(opts.config.encoding);
    this.now = opts.now ?? Date.now;
    this.backoff = opts.reconnect ?? DEFAULT_RECONNECT;
    this.waitingAfterMs = opts.waitingAfterMs ?? DEFAULT_WAITING_AFTER_MS;
    this.statusIntervalMs = opts.statusIntervalMs ?? DEFAULT_STATUS_INTERVAL_MS;
  }

  start(): void {
    this.setState('connecting');
    this.open();
  }

  snapshot(): SerialStatus {
    const c = this.reader.counts;
    return {
      state: this.state,
      message: this.message,
      bytes: this.bytes,
      lines: c.lines,
      events: c.events,
      garbageBytes: c.garbageBytes,
      badLines: c.badLines,
      droppedFrames: c.droppedFrames,
      reconnects: this.reconnects,
      lastDataAt: this.lastDataAt,
      lastProblem: this.lastProblem,
    };
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  // ---- opening and losing the port ----

  private open(): void {
    this.reopenTimer = null;
    if (this.stopped) return;
    // serialport and its native binding load on the first port opened, not with the backend.
    if (!serialModule) {
      void loadSerialport().then(
        () => this.open(),
        (err: unknown) => this.openFailed(err),
      );
      return;
    }
    const { path, baudRate, dataBits, parity, stopBits } = this.config;
    let port: SerialPort;
    try {
      port = new serialModule.SerialPort({ path, baudRate, dataBits, parity, stopBits, autoOpen: false });
    } catch (err) {
      this.openFailed(err);
      return;
    }
    // Without a listener a late error (a failed write or close) would be thrown by the emitter.
    port.on('error', (err) => this.portError(port, err));
    this.port = port;
    this.opening = new Promise<void>((resolve) => {
      port.open((err) => {
        this.opening = null;
        resolve();
        if (this.stopped) return; // stop() closes it
        if (err) {
          if (this.port === port) this.port = null;
          this.openFailed(err);
          return;
        }
        this.opened(port);
      });
    });
  }

  private opened(port: SerialPort): void {
    this.attempt = 0;
    if (this.everOpened) this.reconnects += 1;
    this.everOpened = true;
    this.detector.reset();
    this.lastActivity = performance.now();
    port.on('data', (chunk: Buffer) => this.data(port, chunk));
    port.on('close', () => this.closed(port));
    this.setState('connected');
    this.startTick();
  }

  private openFailed(err: unknown): void {
    const failure = classifyOpenError(err);
    // Once connected, a vanished path is the adapter pulled out: keep saying so while retrying.
    if (failure === 'missing' && this.everOpened) this.setState('disconnected');
    else this.setState('error', openFailureMessage(this.config.path, failure, err));
    this.scheduleReopen();
  }

  private closed(port: SerialPort): void {
    if (port !== this.port) return;
    this.port = null;
    port.removeAllListeners('data');
    this.stopTick();
    this.clearIdle();
    if (this.stopped) return;
    this.reader.linkLost();
    this.setState('disconnected');
    this.countersChanged();
    this.scheduleReopen();
  }

  private portError(port: SerialPort, err: unknown): void {
    // Errors of a port already given up (a second close after a loss) say nothing new.
    if (this.stopped || port !== this.port) return;
    this.lastProblem = `The serial port reported a problem (${err instanceof Error ? err.message.slice(0, 120) : 'unknown'}).`;
    this.countersChanged();
    // An error that left the port closed is a loss like any other.
    if (!port.isOpen && this.opening === null) this.closed(port);
  }

  /** For a path the OS removes when the adapter goes (a USB serial device, a pty link). */
  private dropPort(port: SerialPort): void {
    port.close((err) => {
      if (err) this.closed(port);
    });
  }

  private scheduleReopen(): void {
    if (this.stopped || this.reopenTimer) return;
    const delay = Math.min(this.backoff.maxMs, this.backoff.minMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    // Not unref'd: reconnecting is this capture's job, it keeps the process alive until stop().
    this.reopenTimer = setTimeout(() => this.open(), delay);
  }

  private async shutDown(): Promise<void> {
    this.stopped = true;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
    this.stopTick();
    if (this.idleTimer) {
      // A message waiting for its quiet period is complete: deliver it rather than lose it.
      this.clearIdle();
      this.deliver(this.reader.flushIdle(this.lastDataAt ?? this.now()), this.lastDataAt ?? this.now());
    }
    if (this.opening) await this.opening;
    const port = this.port;
    this.port = null;
    if (port) {
      port.removeAllListeners('data');
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    }
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = null;
    this.state = 'stopped';
    this.message = stateMessage('stopped', this.config, this.lastDataAt !== null);
    this.emitNow();
  }

  // ---- data ----

  private data(port: SerialPort, chunk: Buffer): void {
    if (this.stopped || port !== this.port) return;
    const receivedAt = this.now();
    this.bytes += chunk.length;
    this.lastDataAt = receivedAt;
    this.lastActivity = performance.now();
    const unreadable = this.detector.push(chunk);
    this.deliver(this.reader.push(chunk, receivedAt, unreadable), receivedAt);
    this.setState(unreadable ? 'unreadable' : 'connected');
    if (this.reader.idleFlushMs !== null) this.armIdleFlush(this.reader.idleFlushMs);
    this.countersChanged();
  }

  private deliver(result: ReadResult, receivedAt: number): void {
    if (result.problem !== null) this.lastProblem = result.problem;
    let stored = true;
    if (result.events.length > 0) {
      try {
        this.opts.onFacts({ events: result.events, receivedAt });
      } catch {
        stored = false;
        this.lastProblem = 'Received events could not be stored.';
      }
    }
    if (this.config.ack) for (const msg of result.toAcknowledge) this.acknowledge(msg, stored);
  }

  private acknowledge(msg: Hl7Message, stored: boolean): void {
    const port = this.port;
    if (!port?.isOpen) return;
    const now = this.now();
    const bytes = ackBytes(msg, {
      code: stored ? 'AA' : 'AE',
      framing: this.config.framing === 'mllp' ? 'mllp' : 'hl7-lines',
      encoding: this.config.encoding,
      // Own MSH-10, unique per capture and short enough for the 20 characters of v2.5.
      controlId: `CO${now.toString(36)}${(this.ackSequence++).toString(36)}`,
      now,
      timeZone: this.config.timeZone,
      ...(stored ? {} : { text: 'The receiver could not store the message; send it again.' }),
    });
    port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (err) => {
      if (err) this.lastProblem = 'An HL7 acknowledgement could not be sent to the device.';
    });
  }

  private armIdleFlush(ms: number): void {
    this.clearIdle();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.stopped || !this.port) return;
      const at = this.lastDataAt ?? this.now();
      this.deliver(this.reader.flushIdle(at), at);
      this.countersChanged();
    }, ms);
    this.idleTimer.unref();
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  // ---- silence and vanished paths ----

  private startTick(): void {
    this.stopTick();
    const every = Math.max(20, Math.min(MAX_TICK_MS, Math.floor(this.waitingAfterMs / 4)));
    this.tickTimer = setInterval(() => this.tick(), every);
    this.tickTimer.unref();
  }

  private stopTick(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
  }

  private tick(): void {
    const port = this.port;
    if (!port || this.stopped) return;
    // A USB adapter pulled out removes its /dev node; the read does not always fail at once.
    if (this.config.path.startsWith('/') && !fs.existsSync(this.config.path)) {
      this.dropPort(port);
      return;
    }
    if (this.state === 'connected' && performance.now() - this.lastActivity > this.waitingAfterMs) this.setState('waiting');
  }

  // ---- status ----

  private setState(state: SerialState, message?: string): void {
    const text = message ?? (state === 'error' ? this.message : stateMessage(state, this.config, this.lastDataAt !== null));
    if (state === this.state && text === this.message) return;
    this.state = state;
    this.message = text;
    this.emitNow();
  }

  /** Counters moved: report them, but not more often than every statusIntervalMs. */
  private countersChanged(): void {
    if (this.statusTimer || !this.opts.onStatus || this.stopped) return;
    const wait = Math.max(0, this.lastEmitAt + this.statusIntervalMs - performance.now());
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      this.emitNow();
    }, wait);
    this.statusTimer.unref();
  }

  private emitNow(): void {
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = null;
    this.lastEmitAt = performance.now();
    const onStatus = this.opts.onStatus;
    if (!onStatus) return;
    try {
      onStatus(this.snapshot());
    } catch {
      // A failing listener must not stop the capture.
    }
  }
}
