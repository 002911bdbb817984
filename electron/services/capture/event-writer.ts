import { createHash } from 'node:crypto';
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
    const h = createHash('sha1')
      .update(`${when}\u0000${d.modalityName ?? ''}\u0000${d.kind ?? ''}\u0000${d.text}`)
      .digest('base64url')
      .slice(0, 22);
    const n = this.#seen.get(h) ?? 0;
    this.#seen.set(h, n + 1);
    return `${h}#${n}`;
  }
}

/**
 * Stores captured facts: one transaction per batch, together with whatever read position the
 * caller must advance (so a crash never leaves events stored without the position, or the
 * reverse), then tells the UIs.
 */
export class EventWriter {
  constructor(private readonly ctx: ServiceContext) {}

  write(caseId: string, source: string, facts: readonly Fact[], receivedAt: number, alsoInTransaction?: (inserted: number) => void): CaseEvent[] {
    const { store } = this.ctx;
    const inserted = store.write(() => {
      const out: CaseEvent[] = [];
      for (const f of facts) {
        const e = f.event;
        const r = store.events.append({
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
        });
        if (r.inserted) out.push(r.event);
      }
      alsoInTransaction?.(out.length);
      return out;
    });
    if (inserted.length > SINGLE_PUSH_LIMIT) this.ctx.emit({ name: 'eventsCaptured', payload: { caseId, count: inserted.length } });
    else for (const event of inserted) this.ctx.emit({ name: 'eventCaptured', payload: { caseId, event } });
    return inserted;
  }
}
