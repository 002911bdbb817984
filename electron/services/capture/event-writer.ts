import { hash } from 'node:crypto';
import type { CaseEvent } from '../../../shared/domain/event';
import type { DeviceEvent } from '../../../shared/domain/device-event';
import type { NormalizedEvent } from '../../../shared/domain/normalize';
import type { ServiceContext } from '../context';

/** Pushing each event of a bulk read would flood the UI; above this it gets one "reload" message. */
const SINGLE_PUSH_LIMIT = 20;

export type Fact = Readonly<{ dedupeKey: string; event: NormalizedEvent }>;

/**
 * The dedupe key of a device fact: what it says and when, plus how many identical facts came
 * before it in the same file. It does not depend on the file's name, position or header, so a
 * restart, a re-save (even with a changed header), a copy of the file, or the same note in two
 * export formats of one source maps to the same rows.
 */
export class FactKeys {
  readonly #seen = new Map<string, number>();

  next(d: DeviceEvent): string {
    // Typed text is known to the second (a note exported by two device programs, one with µs and
    // one without, is one fact); trials keep full precision, several can share a second.
    const when = d.kind ? d.wallClock : d.wallClock.slice(0, 19);
    // One-shot hash: no Hash object (and its native state, freed only by a GC) per event.
    const h = hash('sha1', `${when}\u0000${d.modalityName ?? ''}\u0000${d.kind ?? ''}\u0000${d.text}`, 'base64url').slice(0, 22);
    const n = this.#seen.get(h) ?? 0;
    this.#seen.set(h, n + 1);
    return `${h}#${n}`;
  }
}

/** What a write stored: how many facts were new, the newest of their times, and the new facts themselves. */
export type Written = Readonly<{ count: number; newestOccurredAt: number | null; facts: readonly Fact[] }>;

/**
 * Stores captured facts: one transaction per batch, together with whatever read position the
 * caller must advance (so a crash never leaves events stored without the position, or the
 * reverse), then tells the UIs. A bulk batch (a large file) is inserted without reading rows
 * back: the UIs get one "reload" message for it, and no object is made per stored event.
 */
export class EventWriter {
  constructor(private readonly ctx: ServiceContext) {}

  write(caseId: string, source: string, facts: readonly Fact[], receivedAt: number, alsoInTransaction?: (inserted: number) => void): Written {
    const { store } = this.ctx;
    const bulk = facts.length > SINGLE_PUSH_LIMIT;
    const rows: CaseEvent[] = [];
    const stored: Fact[] = [];
    store.write(() => {
      for (const f of facts) {
        const e = f.event;
        const event = {
          caseId,
          kind: e.kind,
          modality: e.modality,
          side: e.side,
          limb: e.limb,
          modalityName: e.modalityName,
          text: e.text,
          occurredAt: e.occurredAt,
          receivedAt,
          source,
          dedupeKey: `${f.dedupeKey}${e.keySuffix}`,
          raw: e.raw,
          clockZone: e.clockZone,
          payload: e.payload,
        };
        if (bulk) {
          if (store.events.insert(event)) stored.push(f);
          continue;
        }
        const r = store.events.append(event);
        if (r.inserted) {
          rows.push(r.event);
          stored.push(f);
        }
      }
      alsoInTransaction?.(stored.length);
    });
    if (bulk) {
      if (stored.length > 0) this.ctx.emit({ name: 'eventsCaptured', payload: { caseId, count: stored.length } });
    } else for (const event of rows) this.ctx.emit({ name: 'eventCaptured', payload: { caseId, event } });
    let newest: number | null = null;
    for (const f of stored) newest = Math.max(newest ?? f.event.occurredAt, f.event.occurredAt);
    return { count: stored.length, newestOccurredAt: newest, facts: stored };
  }
}
