import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { AUDIT_GENESIS_HASH, auditHashInput, type AuditEntry } from '../../../shared/domain/audit';
import { judgeAnchor, type AuditProblem, type ChainEnd } from '../../../shared/domain/audit-judge';
import type { AnchorBreak, AnchorState, AuditAnchor, ChainPoint } from './audit-anchor';

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

/** What walking the chain and holding it against its anchor found. */
export type ChainReport = Readonly<{
  rows: number;
  firstBadSeq: number | null;
  problems: readonly AuditProblem[];
  notes: readonly string[];
}>;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const GENESIS: ChainPoint = { seq: 0, hash: AUDIT_GENESIS_HASH };

/**
 * Append-only, hash-chained audit log, anchored outside the database (audit-anchor.ts).
 *
 * Every append runs inside a write transaction opened by `write` (an append outside one opens its
 * own), so the "last hash" read and the insert cannot interleave with another writer, and the
 * anchor is rewritten once per transaction, under SQLite's write lock, just before COMMIT.
 */
export class AuditRepo {
  readonly #db: Database;
  readonly #last: Statement<[], { seq: number; hash: string }>;
  readonly #insert: Statement;
  readonly #iterate: Statement<[number], AuditRow>;
  readonly #forCase: Statement<[string], AuditRow>;
  readonly #byAction: Statement<[string, string], AuditRow>;
  #anchor: AuditAnchor | null = null;
  /** The chain's head when the current transaction appended its first row. */
  #txStart: ChainPoint | null = null;
  #txHead: ChainPoint | null = null;

  constructor(db: Database) {
    this.#db = db;
    this.#last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.#insert = db.prepare(
      `INSERT INTO audit_log (seq, at, actor, action, case_id, detail, prev_hash, hash)
       VALUES (@seq, @at, @actor, @action, @case_id, @detail, @prev_hash, @hash)`,
    );
    this.#iterate = db.prepare('SELECT * FROM audit_log WHERE seq <= ? ORDER BY seq');
    this.#forCase = db.prepare('SELECT * FROM audit_log WHERE case_id = ? ORDER BY seq');
    this.#byAction = db.prepare('SELECT * FROM audit_log WHERE action IN (?, ?) ORDER BY seq');
  }

  /**
   * Tie the chain to its anchor, at open. A store with no anchor yet (new, or from before anchors)
   * is anchored at its head now. An anchor that is missing while its key exists was removed: a new
   * one is made, and says so for good (`remade`), so the removal stays visible to every later check.
   * Returns a warning when the anchor cannot be written (a read-only folder): checks still run.
   */
  attach(anchor: AuditAnchor, now: number): string | null {
    this.#anchor = anchor;
    if (anchor.read().state !== 'missing') return null;
    try {
      this.#db
        .transaction(() => {
          if (anchor.read().state !== 'missing') return; // another process made it meanwhile
          const head = this.#head();
          const breaks: AnchorBreak[] = anchor.hasKey() ? [{ seq: head.seq, at: now, why: 'missing' }] : [];
          anchor.write({ storeId: anchor.storeId, head, before: head, since: head, breaks, at: now });
        })
        .immediate();
      return null;
    } catch {
      return `The audit log's anchor could not be written in ${anchor.dataDir}: the log is checked without it until it can be.`;
    }
  }

  /**
   * Run `fn` in an IMMEDIATE transaction; if it appended audit rows, move the anchor before COMMIT,
   * and put the old anchor back if the COMMIT then fails. A nested call is a savepoint of the outer
   * transaction, which moves the anchor once at its end.
   */
  write<T>(fn: () => T): T {
    if (this.#db.inTransaction) return this.#db.transaction(fn)();
    let previous: string | null | undefined;
    try {
      return this.#db
        .transaction(() => {
          const r = fn();
          previous = this.#seal();
          return r;
        })
        .immediate();
    } catch (e) {
      if (previous !== undefined) this.#anchor?.restore(previous);
      throw e;
    } finally {
      this.#txStart = null;
      this.#txHead = null;
    }
  }

  append(r: AuditRecord, at: number): AuditEntry {
    if (!this.#db.inTransaction) return this.write(() => this.append(r, at));
    const last = this.#last.get();
    this.#txStart ??= last ? { seq: last.seq, hash: last.hash } : GENESIS;
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
    this.#txHead = { seq: entry.seq, hash };
    return { ...entry, hash };
  }

  forCase(caseId: string): AuditEntry[] {
    return this.#forCase.all(caseId).map(fromRow);
  }

  /** Signing entries (`report.sign`, `report.addendum`), for the signed-version check. */
  signings(): AuditEntry[] {
    return this.#byAction.all('report.sign', 'report.addendum').map(fromRow);
  }

  /**
   * Walk the chain up to its head, and hold the head against the anchor. Streams rows, so a long
   * log costs constant memory. The head and the anchor are read together under the write lock (a
   * moment), so a writer in another process cannot make them disagree mid-check.
   */
  verify(): ChainReport {
    const { head, anchor } = this.#headAndAnchor();
    let prev = AUDIT_GENESIS_HASH;
    let expectedSeq = 1;
    let rows = 0;
    let bad: AuditProblem | null = null;
    const anchoredSeqs = new Set<number>();
    const read = anchor?.state === 'read' ? anchor.anchor : null;
    if (read) for (const p of [read.head, read.before, read.since]) anchoredSeqs.add(p.seq);
    const seen = new Map<number, string>([[0, AUDIT_GENESIS_HASH]]);
    for (const row of this.#iterate.iterate(head.seq)) {
      rows++;
      const e = fromRow(row);
      if (anchoredSeqs.has(e.seq)) seen.set(e.seq, e.hash);
      if (bad) continue;
      const why =
        e.seq !== expectedSeq
          ? `entry ${e.seq} follows entry ${expectedSeq - 1}: entries in between are missing`
          : e.prevHash !== prev
            ? `entry ${e.seq} does not link to the entry before it`
            : sha256(auditHashInput(e)) !== e.hash
              ? `entry ${e.seq} was changed after it was written`
              : null;
      if (why) bad = { kind: 'chain-broken', seq: e.seq, caseId: null, message: `The audit log has been tampered with: ${why}.` };
      prev = e.hash;
      expectedSeq = e.seq + 1;
    }
    const end: ChainEnd = { rows, head, hashAt: (seq) => seen.get(seq) ?? null };
    const judged = judgeAnchor(end, anchor ?? { state: 'not attached' });
    return { rows, firstBadSeq: bad?.seq ?? judged.problems[0]?.seq ?? null, problems: [...(bad ? [bad] : []), ...judged.problems], notes: judged.notes };
  }

  #head(): ChainPoint {
    const last = this.#last.get();
    return last ? { seq: last.seq, hash: last.hash } : GENESIS;
  }

  #headAndAnchor(): { head: ChainPoint; anchor: ReturnType<AuditAnchor['read']> | null } {
    const take = () => ({ head: this.#head(), anchor: this.#anchor?.read() ?? null });
    try {
      return this.#db.transaction(take).immediate();
    } catch {
      // A read-only folder cannot take the write lock: read without it.
      return take();
    }
  }

  /**
   * Move the anchor to this transaction's head; returns the anchor file as it was (undefined: not
   * moved). An anchor not as Closeout left it is not silently made whole: the break is recorded in
   * the new anchor, for good.
   */
  #seal(): string | null | undefined {
    const anchor = this.#anchor;
    const start = this.#txStart;
    if (!anchor || !start || !this.#txHead) return undefined;
    const was = anchor.read();
    const previous = anchor.snapshot();
    const now = Date.now();
    let since = start;
    let breaks: readonly AnchorBreak[] = [];
    let why: AnchorBreak['why'] | null = null;
    if (was.state === 'read') {
      ({ since, breaks } = was.anchor);
      if (was.anchor.storeId !== anchor.storeId) why = 'other store';
      else if (was.seal === 'broken') why = 'seal broken';
      else if (was.seal === 'no key') why = 'key missing';
      else if (was.anchor.head.seq !== start.seq || was.anchor.head.hash !== start.hash) why = 'head moved';
    } else if (was.state === 'missing') why = 'missing';
    else if (was.state === 'unreadable') why = 'unreadable';
    if (why) breaks = [...breaks, { seq: start.seq, at: now, why }];
    const next: AnchorState = { storeId: anchor.storeId, head: this.#txHead, before: start, since, breaks, at: now };
    anchor.write(next);
    return previous;
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
