/**
 * One serial source of the capturing case: the serial reader (serial/serial-capture.ts) turns
 * bytes into device facts; this stores them at once (the line → stored path is timed).
 */
import type { CaptureSource, SerialConfig, SourceStatus, SourceState } from '../../../shared/domain/capture-source';
import type { CompiledRules } from '../../../shared/domain/mapping';
import { normalizeDeviceEvent } from '../../../shared/domain/normalize';
import type { ServiceContext } from '../context';
import { FactKeys, type EventWriter, type Fact } from './event-writer';
import type { CaptureCase } from './file-ingest';
import { startSerialCapture, type SerialStatus } from './serial/serial-capture';
import { validateDelimitedProfile, type DelimitedProfile } from './parsers/delimited-profile';

export type SerialSourceDeps = Readonly<{
  ctx: ServiceContext;
  source: CaptureSource & { kind: 'serial'; config: SerialConfig };
  writer: EventWriter;
  rules: () => CompiledRules;
  target: () => CaptureCase | null;
  onStatus: (s: SourceStatus) => void;
}>;

export class SerialSourceCapture {
  readonly #d: SerialSourceDeps;
  #handle: { stop(): Promise<void> } | null = null;
  readonly #keys = new FactKeys();
  #events = 0;
  #drift: number[] = [];
  #last: SerialStatus | null = null;

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
          const key = `${receivedAt}:${this.#keys.next(d)}`;
          const n = normalizeDeviceEvent(d, rules, zone);
          if (n.ok) for (const event of n.events) facts.push({ dedupeKey: key, event });
        }
        const rows = this.#d.writer.write(target.id, `serial:${this.#d.source.id}`, facts, receivedAt);
        this.#events += rows.length;
        // Device-stamped lines: how far the device clock is from the workstation's.
        if (this.#d.source.config.checkClock !== false) for (const r of rows) if (r.payload?.['timeSource'] !== 'received') this.#drift = [...this.#drift.slice(-20), r.occurredAt - receivedAt];
        if (this.#last) this.#publish(this.#last);
      },
      onStatus: (s) => this.#publish(s),
    });
  }

  async stop(): Promise<void> {
    await this.#handle?.stop();
    this.#handle = null;
    this.#d.onStatus({ ...this.#status(this.#last), state: 'stopped', message: 'Not capturing.' });
  }

  #publish(s: SerialStatus): void {
    this.#last = s;
    this.#d.onStatus(this.#status(s));
  }

  #status(s: SerialStatus | null): SourceStatus {
    const drift = this.#drift.length ? [...this.#drift].sort((a, b) => a - b)[Math.floor(this.#drift.length / 2)] ?? null : null;
    return {
      sourceId: this.#d.source.id,
      name: this.#d.source.name,
      kind: 'serial',
      state: (s?.state ?? 'connecting') as SourceState,
      message: s?.message ?? 'Opening the port…',
      events: this.#events,
      files: 0,
      fileErrors: 0,
      garbageBytes: s?.garbageBytes ?? 0,
      lastEventAt: s?.lastDataAt ?? null,
      clockDriftMs: drift,
    };
  }
}
