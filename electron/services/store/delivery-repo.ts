import type { Database, Statement } from 'better-sqlite3';
import type { Delivery, DeliveryState } from '../../../shared/ehr/delivery';

type Row = {
  id: number;
  case_id: string;
  version: number;
  destination_id: string;
  destination_name: string;
  kind: 'folder' | 'mllp';
  state: DeliveryState;
  reference: string;
  payload: string | null;
  attempts: number;
  next_attempt_at: number | null;
  message: string | null;
  created_at: number;
  done_at: number | null;
  requested_by: string;
};

export type StoredDelivery = Delivery & Readonly<{ payload: string | null }>;

function of(r: Row): StoredDelivery {
  return {
    id: r.id,
    caseId: r.case_id,
    version: r.version,
    destinationId: r.destination_id,
    destinationName: r.destination_name,
    kind: r.kind,
    state: r.state,
    reference: r.reference,
    payload: r.payload,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    message: r.message,
    createdAt: r.created_at,
    doneAt: r.done_at,
    requestedBy: r.requested_by,
  };
}

/** The delivery queue and the documents it sends. */
export class DeliveryRepo {
  readonly #doc: Statement<[string, number], { pdf: Buffer; pdf_sha256: string }>;
  readonly #insertDoc: Statement;
  readonly #insert: Statement;
  readonly #byCase: Statement<[string], Row>;
  readonly #get: Statement<[number], Row>;
  readonly #due: Statement<[number], Row>;
  readonly #next: Statement<[], { at: number | null }>;
  readonly #update: Statement;
  readonly #claim: Statement;

  constructor(db: Database) {
    this.#doc = db.prepare('SELECT pdf, pdf_sha256 FROM delivery_documents WHERE case_id = ? AND version = ?');
    this.#insertDoc = db.prepare('INSERT OR IGNORE INTO delivery_documents (case_id, version, pdf, pdf_sha256, created_at) VALUES (?, ?, ?, ?, ?)');
    this.#insert = db.prepare(
      `INSERT INTO deliveries (case_id, version, destination_id, destination_name, kind, state, reference, payload, attempts, next_attempt_at, created_at, requested_by)
       VALUES (@caseId, @version, @destinationId, @destinationName, @kind, 'queued', @reference, @payload, 0, @at, @at, @requestedBy)`,
    );
    this.#byCase = db.prepare('SELECT * FROM deliveries WHERE case_id = ? ORDER BY id');
    this.#get = db.prepare('SELECT * FROM deliveries WHERE id = ?');
    this.#due = db.prepare("SELECT * FROM deliveries WHERE state IN ('queued', 'retrying', 'sent') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1");
    this.#next = db.prepare("SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE state IN ('queued', 'retrying', 'sent')");
    this.#claim = db.prepare("UPDATE deliveries SET next_attempt_at = @until WHERE id = @id AND state IN ('queued', 'retrying', 'sent') AND next_attempt_at IS @expected");
    this.#update = db.prepare('UPDATE deliveries SET state = @state, attempts = @attempts, next_attempt_at = @nextAttemptAt, message = @message, done_at = @doneAt WHERE id = @id');
  }

  document(caseId: string, version: number): { pdf: Uint8Array; sha256: string } | null {
    const r = this.#doc.get(caseId, version);
    return r ? { pdf: new Uint8Array(r.pdf), sha256: r.pdf_sha256 } : null;
  }

  /** Keep the PDF of a version; the first one stored stays (what was sent is what is kept). */
  saveDocument(caseId: string, version: number, pdf: Uint8Array, sha256: string, at: number): void {
    this.#insertDoc.run(caseId, version, Buffer.from(pdf), sha256, at);
  }

  enqueue(d: Readonly<{ caseId: string; version: number; destinationId: string; destinationName: string; kind: 'folder' | 'mllp'; reference: string; payload: string | null; requestedBy: string }>, at: number): StoredDelivery {
    const id = Number(this.#insert.run({ ...d, at }).lastInsertRowid);
    return of(this.#get.get(id) as Row);
  }

  get(id: number): StoredDelivery | null {
    const r = this.#get.get(id);
    return r ? of(r) : null;
  }

  forCase(caseId: string): StoredDelivery[] {
    return this.#byCase.all(caseId).map(of);
  }

  /** The next delivery whose time has come, oldest first. */
  due(now: number): StoredDelivery | null {
    const r = this.#due.get(now);
    return r ? of(r) : null;
  }

  nextAttemptAt(): number | null {
    return this.#next.get()?.at ?? null;
  }

  /**
   * Take a due delivery for this process until `until` (a lease): false when another process
   * (the app and the CLI share the database) took it first.
   */
  claim(id: number, expected: number | null, until: number): boolean {
    return this.#claim.run({ id, expected, until }).changes === 1;
  }

  update(id: number, patch: Readonly<{ state: DeliveryState; attempts: number; nextAttemptAt: number | null; message: string | null; doneAt: number | null }>): void {
    this.#update.run({ id, ...patch });
  }
}
