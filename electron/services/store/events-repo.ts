import type { Database, Statement } from 'better-sqlite3';
import type { CaseEvent } from '../../../shared/domain/event';
import type { EventKind } from '../../../shared/domain/event-kinds';

type EventRow = {
  id: number;
  case_id: string;
  kind: EventKind;
  modality: string | null;
  side: string | null;
  limb: string | null;
  modality_name: string | null;
  text: string;
  occurred_at: number;
  received_at: number;
  source: string;
  dedupe_key: string;
  raw: string | null;
  clock_zone: string | null;
  payload: string | null;
};

function fromRow(r: EventRow): CaseEvent {
  return {
    id: r.id,
    caseId: r.case_id,
    kind: r.kind,
    modality: r.modality,
    side: r.side,
    limb: r.limb,
    modalityName: r.modality_name,
    text: r.text,
    occurredAt: r.occurred_at,
    receivedAt: r.received_at,
    source: r.source,
    dedupeKey: r.dedupe_key,
    raw: r.raw,
    clockZone: r.clock_zone,
    payload: r.payload === null ? null : (JSON.parse(r.payload) as Record<string, unknown>),
  };
}

export type NewEvent = Omit<CaseEvent, 'id'>;

export class EventsRepo {
  readonly #insert: Statement;
  readonly #byKey: Statement<[string, string, string], EventRow>;
  readonly #page: Statement<[string, number, number, number, number], EventRow>;
  readonly #count: Statement<[string], { n: number }>;

  constructor(db: Database) {
    // DO NOTHING on the dedupe key: replaying a file or resending a note is harmless.
    this.#insert = db.prepare(
      `INSERT INTO events (case_id, kind, modality, side, limb, modality_name, text, occurred_at, received_at, source, dedupe_key, raw, clock_zone, payload)
       VALUES (@case_id, @kind, @modality, @side, @limb, @modality_name, @text, @occurred_at, @received_at, @source, @dedupe_key, @raw, @clock_zone, @payload)
       ON CONFLICT (case_id, source, dedupe_key) DO NOTHING`,
    );
    this.#byKey = db.prepare('SELECT * FROM events WHERE case_id = ? AND source = ? AND dedupe_key = ?');
    this.#page = db.prepare(
      `SELECT * FROM events WHERE case_id = ? AND (occurred_at < ? OR (occurred_at = ? AND id < ?))
       ORDER BY occurred_at DESC, id DESC LIMIT ?`,
    );
    this.#count = db.prepare('SELECT count(*) AS n FROM events WHERE case_id = ?');
  }

  /** Insert unless the same (case, source, key) exists. Returns the stored row and whether it is new. */
  append(e: NewEvent): { event: CaseEvent; inserted: boolean } {
    const info = this.#insert.run({
      case_id: e.caseId,
      kind: e.kind,
      modality: e.modality,
      side: e.side,
      limb: e.limb,
      modality_name: e.modalityName,
      text: e.text,
      occurred_at: e.occurredAt,
      received_at: e.receivedAt,
      source: e.source,
      dedupe_key: e.dedupeKey,
      raw: e.raw,
      clock_zone: e.clockZone,
      payload: e.payload === null ? null : JSON.stringify(e.payload),
    });
    const row = this.#byKey.get(e.caseId, e.source, e.dedupeKey) as EventRow;
    return { event: fromRow(row), inserted: info.changes === 1 };
  }

  /** Newest first by when it happened; `before` is the last row of the previous page. */
  listNewestFirst(caseId: string, limit: number, before?: Readonly<{ occurredAt: number; id: number }>): CaseEvent[] {
    const t = before?.occurredAt ?? Number.MAX_SAFE_INTEGER;
    const id = before?.id ?? Number.MAX_SAFE_INTEGER;
    return this.#page.all(caseId, t, t, id, limit).map(fromRow);
  }

  count(caseId: string): number {
    return this.#count.get(caseId)?.n ?? 0;
  }
}
