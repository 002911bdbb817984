/**
 * One serial source of the capturing case: the serial reader (serial/serial-capture.ts) turns
 * bytes into device facts; this stores them at once (the line → stored path is timed).
 *
 * When the database cannot take them (a full disk), facts from a device that is not told (plain
 * lines, no HL7 acknowledgement) are held in memory, in order, and stored as soon as it can take
 * them again: a serial line is sent once and exists nowhere else. A device that gets HL7
 * acknowledgements is told AE instead, and sends the message again.
 */
import type { CaptureSource, SerialConfig, SourceStatus, SourceState } from '../../../shared/domain/capture-source';
import type { CompiledRules } from '../../../shared/domain/mapping';
import { normalizeDeviceEvent } from '../../../shared/domain/normalize';
import { EVENT_TEXT_MAX_CHARS } from '../../../shared/domain/event-limits';
import type { ServiceContext } from '../context';
import { FactKeys, type EventWriter, type Fact } from './event-writer';
import { storageProblem, type CaptureCase } from './file-ingest';
import type { AppError } from '../store/store-errors';
import { startSerialCapture, type SerialStatus } from './serial/serial-capture';
import { MESSAGE_KEY } from './serial/hl7-reader';
import { validateDelimitedProfile, type DelimitedProfile } from '../../../shared/parsers/delimited-profile';

export type SerialSourceDeps = Readonly<{
  ctx: ServiceContext;
  source: CaptureSource & { kind: 'serial'; config: SerialConfig };
  writer: EventWriter;
  rules: () => CompiledRules;
  target: () => CaptureCase | null;
  onStatus: (s: SourceStatus) => void;
}>;

type Batch = Readonly<{ caseId: string; facts: readonly Fact[]; receivedAt: number }>;

/** Readings held in memory at most while the database cannot take them (hours of a serial monitor). */
const MAX_HELD_FACTS = 100_000;
const HELD_RETRY_MS = 3000;

export class SerialSourceCapture {
  readonly #d: SerialSourceDeps;
  #handle: { stop(): Promise<void> } | null = null;
  readonly #keys = new FactKeys();
  #events = 0;
  #drift: number[] = [];
  #last: SerialStatus | null = null;
  /** Batches the database could not take yet, oldest first. */
  #held: Batch[] = [];
  #heldFacts = 0;
  #dropped = 0;
  /** Readings whose text was longer than an event keeps (event-limits.ts), stored cut. */
  #cut = 0;
  #problem: AppError | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;

  constructor(d: SerialSourceDeps) {
    this.#d = d;
  }

  start(): void {
    const cfg = this.#d.source.config;
    const zone = cfg.timeZone === 'workstation' ? this.#d.ctx.timeZone : cfg.timeZone;
    let lineProfile: DelimitedProfile | null = null;
    if (cfg.lineProfile) {
      const check = validateDelimitedProfile(cfg.lineProfile);
      if (!check.ok) {
        this.#d.onStatus({ ...this.#status(null), state: 'error', message: `The line profile of this port is incomplete: ${Object.values(check.fields).join(' ')}` });
        return;
      }
      lineProfile = check.profile;
    }
    this.#handle = startSerialCapture({
      config: { ...cfg, timeZone: zone, lineProfile },
      onFacts: ({ events, receivedAt }) => {
        const target = this.#d.target();
        if (events.length === 0) return;
        // Throwing makes the reader answer HL7 with AE, so the device resends rather than
        // believing unstored data is safe.
        if (!target) throw new Error('no case is capturing');
        const rules = this.#d.rules();
        const facts: Fact[] = [];
        for (const d of events) {
          // A message that names itself keeps its own key, so a re-send is the same row; a
          // plain line is known only by when it arrived.
          const key = d.key.startsWith(MESSAGE_KEY) ? d.key : `${receivedAt}:${this.#keys.next(d)}`;
          const n = normalizeDeviceEvent(d, rules, zone);
          if (!n.ok) continue;
          if (n.cut) this.#cut += 1;
          for (const event of n.events) facts.push({ dedupeKey: key, event });
        }
        const batch: Batch = { caseId: target.id, facts, receivedAt };
        // Order is kept: while anything is held, new facts queue behind it.
        if (this.#held.length > 0) {
          this.#hold(batch);
          this.#storeHeld();
          return;
        }
        try {
          this.#store(batch);
        } catch (e) {
          const problem = storageProblem(this.#d.ctx, e);
          // An acknowledging device keeps what it was not told was stored, and sends it again.
          const acknowledged = this.#d.source.config.ack && this.#d.source.config.framing !== 'lines';
          if (!problem || acknowledged) throw problem ?? e;
          this.#problem = problem;
          this.#hold(batch);
        }
        if (this.#last) this.#publish(this.#last);
      },
      onStatus: (s) => this.#publish(s),
    });
  }

  async stop(): Promise<void> {
    await this.#handle?.stop();
    this.#handle = null;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#storeHeld();
    if (this.#heldFacts > 0) this.#d.ctx.log.warn('capture.serial.held_not_stored', { count: this.#heldFacts });
    this.#d.onStatus({ ...this.#status(this.#last), state: 'stopped', message: 'Not capturing.' });
  }

  #store(b: Batch): void {
    const w = this.#d.writer.write(b.caseId, `serial:${this.#d.source.id}`, b.facts, b.receivedAt);
    this.#events += w.count;
    // Device-stamped lines: how far the device clock is from the workstation's.
    if (this.#d.source.config.checkClock !== false) {
      for (const { event: e } of w.facts) if (e.payload?.['timeSource'] !== 'received') this.#drift = [...this.#drift.slice(-20), e.occurredAt - b.receivedAt];
    }
  }

  #hold(b: Batch): void {
    if (this.#heldFacts + b.facts.length > MAX_HELD_FACTS) this.#dropped += b.facts.length;
    else {
      this.#held.push(b);
      this.#heldFacts += b.facts.length;
    }
    if (!this.#retry) {
      this.#retry = setTimeout(() => {
        this.#retry = null;
        this.#storeHeld();
      }, HELD_RETRY_MS);
      this.#retry.unref?.();
    }
    if (this.#last) this.#publish(this.#last);
  }

  /** Store what is held, oldest first, until the database refuses again (then try later). */
  #storeHeld(): void {
    while (this.#held.length > 0) {
      const b = this.#held[0] as Batch;
      try {
        this.#store(b);
      } catch (e) {
        const problem = storageProblem(this.#d.ctx, e);
        if (problem) this.#problem = problem;
        else this.#d.ctx.log.error('capture.serial.held_failed', e);
        if (!this.#retry && this.#handle) {
          this.#retry = setTimeout(() => {
            this.#retry = null;
            this.#storeHeld();
          }, HELD_RETRY_MS);
          this.#retry.unref?.();
        }
        if (this.#last) this.#publish(this.#last);
        return;
      }
      this.#held.shift();
      this.#heldFacts -= b.facts.length;
    }
    this.#problem = null;
    if (this.#last) this.#publish(this.#last);
  }

  #publish(s: SerialStatus): void {
    this.#last = s;
    this.#d.onStatus(this.#status(s));
  }

  #heldMessage(): string {
    const n = this.#heldFacts;
    const lost = this.#dropped ? ` ${this.#dropped} more could not be held and were not saved.` : '';
    return `${this.#problem?.message ?? 'The database cannot save right now.'} ${n} reading${n === 1 ? ' is' : 's are'} held in memory and will be saved as soon as there is room: keep Closeout open.${lost}`;
  }

  #cutMessage(): string {
    const n = this.#cut;
    if (n === 0) return '';
    return ` ${n} reading${n === 1 ? ' was' : 's were'} longer than an event keeps (${EVENT_TEXT_MAX_CHARS.toLocaleString('en-US')} characters of text) and stored cut.`;
  }

  #status(s: SerialStatus | null): SourceStatus {
    const drift = this.#drift.length ? [...this.#drift].sort((a, b) => a - b)[Math.floor(this.#drift.length / 2)] ?? null : null;
    return {
      sourceId: this.#d.source.id,
      name: this.#d.source.name,
      kind: 'serial',
      state: this.#heldFacts > 0 ? 'error' : ((s?.state ?? 'connecting') as SourceState),
      message: `${this.#heldFacts > 0 ? this.#heldMessage() : (s?.message ?? 'Opening the port…')}${this.#cutMessage()}`,
      events: this.#events,
      files: 0,
      fileErrors: 0,
      garbageBytes: s?.garbageBytes ?? 0,
      lastEventAt: s?.lastDataAt ?? null,
      clockDriftMs: drift,
    };
  }
}
