import type { Database, Statement } from 'better-sqlite3';
import type { CaseEvent } from '../../../shared/domain/event';
import { eventFromRow, type EventRow } from '../../../shared/domain/event-row';

// One mapping for the workstation and the practice server (shared/domain/event-row.ts).
const fromRow = eventFromRow;

export type NewEvent = Omit<CaseEvent, 'id'>;

function rowOf(e: NewEvent): Record<string, unknown> {
  return {
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
  };
}

/** Rows per JSON chunk of forReport: a 100,000-event case in two. */
const CHUNK_ROWS = 65_536;
/** Text and payloads up to this many characters come inline; longer ones are read by id. */
const INLINE_CHARS = 512;
/** SQL for readsPayload: a payload is read unless it is a plain trial's (no setup in it). */
const PAYLOAD_READ = `(payload IS NOT NULL AND (kind <> 'modality_activity' OR instr(payload, '"setup"') > 0))`;

/** Whether the report reads this payload (the JavaScript twin of PAYLOAD_READ). */
function readsPayload(kind: string, payload: string | null): payload is string {
  return payload !== null && (kind !== 'modality_activity' || payload.includes('"setup"'));
}

type ForReportRow = [number, CaseEvent['kind'], string | null, string | null, string | null, string | null, string | null, number, string, string | null, 0 | 1];

export class EventsRepo {
  readonly #insert: Statement<[Record<string, unknown>], EventRow>;
  readonly #insertOnly: Statement<[Record<string, unknown>]>;
  readonly #byKey: Statement<[string, string, string], EventRow>;
  readonly #db: Database;
  /** Page queries by how many kinds they leave out. */
  readonly #pages = new Map<number, Statement<unknown[], EventRow>>();
  readonly #count: Statement<[string], { n: number }>;
  readonly #all: Statement<[string], EventRow>;
  readonly #after: Statement<[string, number], EventRow>;
  readonly #byId: Statement<[string, number], EventRow>;
  readonly #forReport: Statement<[string, number], [string, number, number | null]>;
  readonly #textAndPayload: Statement<[number], [string, string | null]>;

  constructor(db: Database) {
    // DO NOTHING on the dedupe key: replaying a file or resending a note is harmless.
    this.#insert = db.prepare(
      `INSERT INTO events (case_id, kind, modality, side, limb, modality_name, text, occurred_at, received_at, source, dedupe_key, raw, clock_zone, payload)
       VALUES (@case_id, @kind, @modality, @side, @limb, @modality_name, @text, @occurred_at, @received_at, @source, @dedupe_key, @raw, @clock_zone, @payload)
       ON CONFLICT (case_id, source, dedupe_key) DO NOTHING
       RETURNING *`,
    );
    this.#insertOnly = db.prepare(
      `INSERT INTO events (case_id, kind, modality, side, limb, modality_name, text, occurred_at, received_at, source, dedupe_key, raw, clock_zone, payload)
       VALUES (@case_id, @kind, @modality, @side, @limb, @modality_name, @text, @occurred_at, @received_at, @source, @dedupe_key, @raw, @clock_zone, @payload)
       ON CONFLICT (case_id, source, dedupe_key) DO NOTHING`,
    );
    this.#byKey = db.prepare('SELECT * FROM events WHERE case_id = ? AND source = ? AND dedupe_key = ?');
    this.#db = db;
    this.#count = db.prepare('SELECT count(*) AS n FROM events WHERE case_id = ?');
    this.#all = db.prepare('SELECT * FROM events WHERE case_id = ? ORDER BY occurred_at, id');
    this.#after = db.prepare('SELECT * FROM events WHERE case_id = ? AND id > ? ORDER BY id');
    this.#byId = db.prepare('SELECT * FROM events WHERE case_id = ? AND id = ?');
    // One JSON text per chunk of rows, parsed by V8 at once, instead of a JavaScript value per
    // column per row from SQLite: ~25% of the first view of a long case (#15). A trial's payload
    // comes only when the report reads it (a setup); text or payload longer than INLINE_CHARS
    // is marked and read row by row, so a row is at most ~1.2 KB of JSON (a chunk of plain
    // trials ~8 MB) whatever the events hold.
    this.#forReport = db
      .prepare(
        `SELECT json_group_array(json_array(id, kind, modality, side, limb, modality_name, t, occurred_at, source, p, big)), count(*), max(id) FROM (
           SELECT id, kind, modality, side, limb, modality_name, occurred_at, source,
             CASE WHEN length(text) <= ${INLINE_CHARS} THEN text END AS t,
             CASE WHEN ${PAYLOAD_READ} AND length(payload) <= ${INLINE_CHARS} THEN payload END AS p,
             length(text) > ${INLINE_CHARS} OR (${PAYLOAD_READ} AND length(payload) > ${INLINE_CHARS}) AS big
           FROM events WHERE case_id = ? AND id > ? ORDER BY id LIMIT ${CHUNK_ROWS})`,
      )
      .raw(true) as Statement<[string, number], [string, number, number | null]>;
    this.#textAndPayload = db.prepare('SELECT text, payload FROM events WHERE id = ?').raw(true) as Statement<[number], [string, string | null]>;
  }

  /**
   * Events stored after a given id, in id order, as the live report reads them: the fields the
   * timeline, facts and claim use (what happened, when, where it came from, what its payload
   * states), the others left empty (receivedAt = occurredAt, no dedupe key, raw value or zone).
   * A trial's payload is parsed only when it holds a setup (an EDF sweep's `{record}` is not read
   * by the report): the first view of a 100,000-trial case is mostly this.
   */
  forReport(caseId: string, afterId: number): CaseEvent[] {
    const out: CaseEvent[] = [];
    let after = afterId;
    for (;;) {
      const [json, n, last] = this.#forReport.get(caseId, after) as [string, number, number | null];
      for (const r of JSON.parse(json) as ForReportRow[]) {
        const [id, kind, modality, side, limb, modalityName, inlineText, occurredAt, source, inlinePayload, big] = r;
        let text = inlineText as string;
        let payload = inlinePayload;
        if (big) {
          const full = this.#textAndPayload.get(id)!;
          text = full[0];
          payload = readsPayload(kind, full[1]) ? full[1] : null;
        }
        out.push({ id, caseId, kind, modality, side, limb, modalityName, text, occurredAt, receivedAt: occurredAt, source, dedupeKey: '', raw: null, clockZone: null, payload: payload === null ? null : (JSON.parse(payload) as Record<string, unknown>) });
      }
      if (n < CHUNK_ROWS || last === null) break;
      after = last;
    }
    // json_group_array keeps the subquery's order in SQLite as built; if a later one did not, the
    // live report must still get id order.
    for (let i = 1; i < out.length; i++) {
      if (out[i - 1]!.id > out[i]!.id) {
        out.sort((a, b) => a.id - b.id);
        break;
      }
    }
    return out;
  }

  /** Insert unless the same (case, source, key) exists. Returns the stored row and whether it is new. */
  append(e: NewEvent): { event: CaseEvent; inserted: boolean } {
    // RETURNING gives the new row in the same statement; nothing comes back on a duplicate.
    const row = this.#insert.get(rowOf(e));
    if (row) return { event: fromRow(row), inserted: true };
    return { event: fromRow(this.#byKey.get(e.caseId, e.source, e.dedupeKey) as EventRow), inserted: false };
  }

  /**
   * Insert unless the same (case, source, key) exists; whether it was new. Nothing is read back:
   * for bulk writes (a large export file), where a row object per event is only garbage.
   */
  insert(e: NewEvent): boolean {
    return this.#insertOnly.run(rowOf(e)).changes === 1;
  }

  /** Newest first by when it happened; `before` is the last row of the previous page. */
  listNewestFirst(caseId: string, limit: number, before?: Readonly<{ occurredAt: number; id: number }>, excludeKinds: readonly string[] = []): CaseEvent[] {
    const t = before?.occurredAt ?? Number.MAX_SAFE_INTEGER;
    const id = before?.id ?? Number.MAX_SAFE_INTEGER;
    let stmt = this.#pages.get(excludeKinds.length);
    if (!stmt) {
      const not = excludeKinds.length ? `AND kind NOT IN (${excludeKinds.map(() => '?').join(', ')})` : '';
      stmt = this.#db.prepare(
        `SELECT * FROM events WHERE case_id = ? AND (occurred_at < ? OR (occurred_at = ? AND id < ?)) ${not}
         ORDER BY occurred_at DESC, id DESC LIMIT ?`,
      );
      this.#pages.set(excludeKinds.length, stmt);
    }
    return stmt.all(caseId, t, t, id, ...excludeKinds, limit).map(fromRow);
  }

  /** Every event of a case, oldest first (timeline, report). Streams rows: no big intermediate copy. */
  all(caseId: string): CaseEvent[] {
    const out: CaseEvent[] = [];
    for (const r of this.#all.iterate(caseId)) out.push(fromRow(r));
    return out;
  }

  /** Events stored after a given id (what a live view has not seen yet). */
  after(caseId: string, afterId: number): CaseEvent[] {
    return this.#after.all(caseId, afterId).map(fromRow);
  }

  /** One event of a case, or null. */
  get(caseId: string, id: number): CaseEvent | null {
    const r = this.#byId.get(caseId, id);
    return r ? fromRow(r) : null;
  }

  count(caseId: string): number {
    return this.#count.get(caseId)?.n ?? 0;
  }
}
