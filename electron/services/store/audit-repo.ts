import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { AUDIT_GENESIS_HASH, auditHashInput, type AuditEntry } from '../../../shared/domain/audit';
import type { AuditVerification } from '../../../shared/contract/api';

type AuditRow = {
  seq: number;
  at: number;
  actor: string;
  action: string;
  case_id: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
};

export type AuditRecord = Readonly<{
  actor: string;
  action: string;
  caseId: string | null;
  detail?: Readonly<Record<string, unknown>>;
}>;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Append-only, hash-chained audit log. Appends must run inside the caller's write transaction
 * (IMMEDIATE), so the "last hash" read and the insert cannot interleave with another writer.
 */
export class AuditRepo {
  readonly #last: Statement<[], { seq: number; hash: string }>;
  readonly #insert: Statement;
  readonly #iterate: Statement<[], AuditRow>;
  readonly #forCase: Statement<[string], AuditRow>;

  constructor(db: Database) {
    this.#last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.#insert = db.prepare(
      `INSERT INTO audit_log (seq, at, actor, action, case_id, detail, prev_hash, hash)
       VALUES (@seq, @at, @actor, @action, @case_id, @detail, @prev_hash, @hash)`,
    );
    this.#iterate = db.prepare('SELECT * FROM audit_log ORDER BY seq');
    this.#forCase = db.prepare('SELECT * FROM audit_log WHERE case_id = ? ORDER BY seq');
  }

  append(r: AuditRecord, at: number): AuditEntry {
    const last = this.#last.get();
    const entry = {
      seq: (last?.seq ?? 0) + 1,
      at,
      actor: r.actor,
      action: r.action,
      caseId: r.caseId,
      detail: r.detail ?? {},
      prevHash: last?.hash ?? AUDIT_GENESIS_HASH,
    };
    const hash = sha256(auditHashInput(entry));
    this.#insert.run({
      seq: entry.seq,
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      case_id: entry.caseId,
      detail: JSON.stringify(entry.detail),
      prev_hash: entry.prevHash,
      hash,
    });
    return { ...entry, hash };
  }

  forCase(caseId: string): AuditEntry[] {
    return this.#forCase.all(caseId).map(fromRow);
  }

  /** Walk the whole chain; streams rows so a long log costs constant memory. */
  verify(): AuditVerification {
    let prev = AUDIT_GENESIS_HASH;
    let expectedSeq = 1;
    let rows = 0;
    for (const row of this.#iterate.iterate()) {
      rows++;
      const e = fromRow(row);
      const bad =
        e.seq !== expectedSeq
          ? `row ${e.seq} follows row ${expectedSeq - 1}: a row is missing`
          : e.prevHash !== prev
            ? `row ${e.seq} does not link to the row before it`
            : sha256(auditHashInput(e)) !== e.hash
              ? `row ${e.seq} was changed after it was written`
              : null;
      if (bad) return { intact: false, rows, firstBadSeq: e.seq, message: `The audit log has been tampered with: ${bad}.` };
      prev = e.hash;
      expectedSeq++;
    }
    return { intact: true, rows, firstBadSeq: null, message: `The audit log is intact (${rows} entries).` };
  }
}

function fromRow(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    caseId: r.case_id,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
