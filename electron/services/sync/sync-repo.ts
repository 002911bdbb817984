/**
 * The workstation's side of sync, in its SQLite store: where the practice server is (and the
 * certificate it pinned), the workstation's credential, and what the server has not received
 * (store migration 0008). Reading a batch and acknowledging it are separate: a batch the server
 * never confirmed is read again, and the server keeps one copy of anything it gets twice.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { SettingsRepo } from '../store/settings-repo';

export type PracticeLink = Readonly<{
  url: string;
  /** SHA-256 of the server's certificate, as the administrator gave it and the workstation saw it. */
  fingerprint: string;
  /** The certificate itself when self-signed (trusted only for this server); null: the system's CAs. */
  certPem: string | null;
  workstationId: string;
  workstationName: string;
  enrolledAt: number;
}>;

export type CaseRowOut = Record<string, unknown> & { id: string };
export type EventRowOut = Record<string, unknown> & { id: number; case_id: string };
export type AuditRowOut = Record<string, unknown> & { seq: number };

export type Batch = Readonly<{
  cases: readonly CaseRowOut[];
  /** seq of each case's dirty mark as read: acknowledged only if unchanged since. */
  caseSeqs: readonly number[];
  events: readonly EventRowOut[];
  audit: readonly AuditRowOut[];
}>;

const LINK_KEY = 'sync.link';
const CREDENTIAL_KEY = 'sync.credential';

export class SyncRepo {
  readonly #db: Database;
  readonly #settings: SettingsRepo;
  readonly #dirtyCases: Statement<[number], { key: string; seq: number }>;
  readonly #case: Statement<[string], CaseRowOut>;
  readonly #cursor: Statement<[string], { last: number }>;
  readonly #setCursor: Statement<[string, number]>;
  readonly #events: Statement<[number, number], EventRowOut>;
  readonly #audit: Statement<[number, number], AuditRowOut>;
  readonly #ackCase: Statement<[string, number]>;

  constructor(db: Database, settings: SettingsRepo) {
    this.#db = db;
    this.#settings = settings;
    this.#dirtyCases = db.prepare(`SELECT key, seq FROM sync_dirty WHERE entity = 'case' ORDER BY seq LIMIT ?`);
    this.#case = db.prepare('SELECT * FROM cases WHERE id = ?');
    this.#cursor = db.prepare('SELECT last FROM sync_cursor WHERE stream = ?');
    this.#setCursor = db.prepare('INSERT INTO sync_cursor (stream, last) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET last = max(last, excluded.last)');
    this.#events = db.prepare('SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?');
    this.#audit = db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
    this.#ackCase = db.prepare(`DELETE FROM sync_dirty WHERE entity = 'case' AND key = ? AND seq = ?`);
  }

  link(): PracticeLink | null {
    return this.#settings.get<PracticeLink>(LINK_KEY) ?? null;
  }

  credential(): string | null {
    return this.#settings.get<string>(CREDENTIAL_KEY) ?? null;
  }

  /**
   * Joined to a server: remember it, and mark everything this workstation holds to be sent
   * (cases dirty, cursors at the start), all in one transaction.
   */
  enroll(link: PracticeLink, credential: string): void {
    this.#db.transaction(() => {
      this.#settings.set(LINK_KEY, link);
      this.#settings.set(CREDENTIAL_KEY, credential);
      this.#db.exec(`DELETE FROM sync_cursor; DELETE FROM sync_dirty;`);
      this.#db.exec(`INSERT INTO sync_dirty (entity, key, seq) SELECT 'case', id, row_number() OVER (ORDER BY created_at, id) FROM cases`);
    }).immediate();
  }

  /** Leave the server (a revoked credential, an administrator's choice): nothing more is sent. */
  forget(): void {
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM settings WHERE key IN (?, ?)').run(LINK_KEY, CREDENTIAL_KEY);
    }).immediate();
  }

  /** The next things to send, oldest first: changed cases before events (an event names its case). */
  nextBatch(limits: { cases: number; events: number; audit: number }): Batch {
    return this.#db.transaction((): Batch => {
      const dirty = this.#dirtyCases.all(limits.cases);
      const cases: CaseRowOut[] = [];
      const caseSeqs: number[] = [];
      for (const d of dirty) {
        const row = this.#case.get(d.key);
        if (row) {
          cases.push(row);
          caseSeqs.push(d.seq);
        }
      }
      const events = this.#events.all(this.#cursorOf('events'), limits.events);
      const audit = this.#audit.all(this.#cursorOf('audit'), limits.audit);
      return { cases, caseSeqs, events, audit };
    })();
  }

  /** The server has what `batch` held. */
  acknowledge(batch: Batch): void {
    this.#db.transaction(() => {
      batch.cases.forEach((c, i) => this.#ackCase.run(c.id, batch.caseSeqs[i]!));
      const lastEvent = batch.events.at(-1);
      if (lastEvent) this.#setCursor.run('events', lastEvent.id);
      const lastAudit = batch.audit.at(-1);
      if (lastAudit) this.#setCursor.run('audit', lastAudit.seq);
    }).immediate();
  }

  /** How many things are waiting to be sent. */
  waiting(): number {
    const r = this.#db
      .prepare(
        `SELECT (SELECT count(*) FROM sync_dirty)
              + (SELECT count(*) FROM events WHERE id > coalesce((SELECT last FROM sync_cursor WHERE stream = 'events'), 0))
              + (SELECT count(*) FROM audit_log WHERE seq > coalesce((SELECT last FROM sync_cursor WHERE stream = 'audit'), 0)) AS n`,
      )
      .get() as { n: number };
    return r.n;
  }

  #cursorOf(stream: 'events' | 'audit'): number {
    return this.#cursor.get(stream)?.last ?? 0;
  }
}
