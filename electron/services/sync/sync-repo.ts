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

export type Entity = 'person' | 'case' | 'claim' | 'section' | 'version';
/** Also sent, but not from the dirty marks: the draft of a closed, unsigned case (see sync-engine). */
export type SentEntity = Entity | 'draft';

/** One changed thing, as it stands now; `row` null: it no longer exists (a section put back to the draft). */
export type RecordOut = Readonly<{ entity: SentEntity; key: string; row: Record<string, unknown> | null }>;
export type EventRowOut = Record<string, unknown> & { id: number; case_id: string };
export type AuditRowOut = Record<string, unknown> & { seq: number };

export type Batch = Readonly<{
  records: readonly RecordOut[];
  /** seq of each record's dirty mark as read: acknowledged only if unchanged since. */
  seqs: readonly number[];
  events: readonly EventRowOut[];
  audit: readonly AuditRowOut[];
}>;

const LINK_KEY = 'sync.link';
const CREDENTIAL_KEY = 'sync.credential';

export class SyncRepo {
  readonly #db: Database;
  readonly #settings: SettingsRepo;
  readonly #dirty: Statement<[number], { entity: Entity; key: string; seq: number }>;
  readonly #read: Readonly<Record<Entity, Statement<[string], Record<string, unknown>>>>;
  readonly #cursor: Statement<[string], { last: number }>;
  readonly #setCursor: Statement<[string, number]>;
  readonly #events: Statement<[number, number], EventRowOut>;
  readonly #audit: Statement<[number, number], AuditRowOut>;
  readonly #ack: Statement<[Entity, string, number]>;
  #waiting: Statement<[], { n: number }> | undefined;

  constructor(db: Database, settings: SettingsRepo) {
    this.#db = db;
    this.#settings = settings;
    this.#dirty = db.prepare('SELECT entity, key, seq FROM sync_dirty ORDER BY seq LIMIT ?');
    this.#read = {
      person: db.prepare('SELECT * FROM people WHERE id = ?'),
      // With its step times (closed, signed, delivered…), for the practice dashboard.
      case: db.prepare(`SELECT c.*, (SELECT json_group_object(t.what, t.at) FROM case_times t WHERE t.case_id = c.id) AS times FROM cases c WHERE c.id = ?`),
      claim: db.prepare('SELECT * FROM claim_index WHERE case_id = ?'),
      section: db.prepare(`SELECT * FROM report_sections WHERE case_id || '/' || section_id = ?`),
      version: db.prepare(`SELECT * FROM report_versions WHERE case_id || '/' || version = ?`),
    };
    this.#cursor = db.prepare('SELECT last FROM sync_cursor WHERE stream = ?');
    this.#setCursor = db.prepare('INSERT INTO sync_cursor (stream, last) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET last = max(last, excluded.last)');
    this.#events = db.prepare('SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?');
    this.#audit = db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
    this.#ack = db.prepare('DELETE FROM sync_dirty WHERE entity = ? AND key = ? AND seq = ?');
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
      // People and cases first (what the rest names), then claims, sections and signed versions.
      this.#db.exec(`
        INSERT INTO sync_dirty (entity, key, seq)
        SELECT entity, key, row_number() OVER (ORDER BY o, at, key) FROM (
          SELECT 'person' AS entity, id AS key, 0 AS o, created_at AS at FROM people
          UNION ALL SELECT 'case', id, 1, created_at FROM cases
          UNION ALL SELECT 'claim', case_id, 2, updated_at FROM claim_index
          UNION ALL SELECT 'section', case_id || '/' || section_id, 3, edited_at FROM report_sections
          UNION ALL SELECT 'version', case_id || '/' || version, 4, signed_at FROM report_versions
        )`);
    }).immediate();
  }

  /** Leave the server (a revoked credential, an administrator's choice): nothing more is sent. */
  forget(): void {
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM settings WHERE key IN (?, ?)').run(LINK_KEY, CREDENTIAL_KEY);
    }).immediate();
  }

  /** The next things to send, in the order they changed (a case before what names it). */
  nextBatch(limits: { records: number; events: number; audit: number }): Batch {
    return this.#db.transaction((): Batch => {
      const dirty = this.#dirty.all(limits.records);
      const records: RecordOut[] = dirty.map((d) => ({ entity: d.entity, key: d.key, row: this.#read[d.entity].get(d.key) ?? null }));
      const events = this.#events.all(this.#cursorOf('events'), limits.events);
      const audit = this.#audit.all(this.#cursorOf('audit'), limits.audit);
      return { records, seqs: dirty.map((d) => d.seq), events, audit };
    })();
  }

  /** The server has what `batch` held. */
  acknowledge(batch: Batch): void {
    this.#db.transaction(() => {
      batch.records.forEach((r, i) => {
        if (r.entity !== 'draft') this.#ack.run(r.entity, r.key, batch.seqs[i]!);
      });
      const lastEvent = batch.events.at(-1);
      if (lastEvent) this.#setCursor.run('events', lastEvent.id);
      const lastAudit = batch.audit.at(-1);
      if (lastAudit) this.#setCursor.run('audit', lastAudit.seq);
    }).immediate();
  }

  /** The drafts as last sent: case → hash. */
  sentDrafts(): Map<string, string> {
    return new Map((this.#db.prepare('SELECT case_id, sha256 FROM sync_drafts').all() as Array<{ case_id: string; sha256: string }>).map((r) => [r.case_id, r.sha256]));
  }

  /** The server has these drafts (sha) and knows these are gone (null). */
  draftsSent(sent: ReadonlyArray<readonly [string, string | null]>): void {
    this.#db.transaction(() => {
      for (const [caseId, sha] of sent) {
        if (sha === null) this.#db.prepare('DELETE FROM sync_drafts WHERE case_id = ?').run(caseId);
        else this.#db.prepare('INSERT INTO sync_drafts (case_id, sha256) VALUES (?, ?) ON CONFLICT (case_id) DO UPDATE SET sha256 = excluded.sha256').run(caseId, sha);
      }
    }).immediate();
  }

  /** Something was written since `mark` (this connection or another): drafts may have moved. */
  changeMark(): string {
    return `${String(this.#db.pragma('data_version', { simple: true }))}:${String(this.#db.prepare('SELECT total_changes()').pluck().get())}`;
  }

  /** How many things are waiting to be sent. */
  waiting(): number {
    // Asked after every pull and for every status line: prepared once, at first use.
    this.#waiting ??= this.#db.prepare(
      `SELECT (SELECT count(*) FROM sync_dirty)
            + (SELECT count(*) FROM events WHERE id > coalesce((SELECT last FROM sync_cursor WHERE stream = 'events'), 0))
            + (SELECT count(*) FROM audit_log WHERE seq > coalesce((SELECT last FROM sync_cursor WHERE stream = 'audit'), 0)) AS n`,
    );
    return this.#waiting.get()!.n;
  }

  #cursorOf(stream: 'events' | 'audit'): number {
    return this.#cursor.get(stream)?.last ?? 0;
  }
}
