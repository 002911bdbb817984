import type { Migration } from './types';

/**
 * What the practice server has not received yet (#17). Append-only tables (events, the audit
 * log) are sent by cursor: every row after the last one the server acknowledged, in commit order.
 * What changes in place (the people a case names, the case record, its claim summary, a report section; a signed version
 * is new each time) is marked dirty by a trigger in the same transaction as the change, and sent
 * as it stands when the sender gets to it (a later change re-marks it; a removed section is sent
 * as removed). Nothing is sent before the workstation is enrolled; enrolling marks everything.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'sync',
  up: `
    CREATE TABLE sync_dirty (
      entity  TEXT NOT NULL CHECK (entity IN ('person', 'case', 'claim', 'section', 'version')),
      key     TEXT NOT NULL,
      seq     INTEGER NOT NULL,
      PRIMARY KEY (entity, key)
    ) STRICT;
    CREATE INDEX sync_dirty_seq ON sync_dirty (seq);
    -- Signatures made on the practice server, once applied or refused here (an answer lost on the
    -- way back gets the same answer again).
    CREATE TABLE sync_remote_signatures (
      id       TEXT PRIMARY KEY,
      case_id  TEXT NOT NULL,
      outcome  TEXT NOT NULL CHECK (outcome IN ('applied', 'refused')),
      version  INTEGER,
      reason   TEXT,
      at       INTEGER NOT NULL
    ) STRICT;
    -- The draft of each closed, unsigned case as last sent (its hash): sent again only when it changes.
    CREATE TABLE sync_drafts (
      case_id  TEXT PRIMARY KEY,
      sha256   TEXT NOT NULL
    ) STRICT;
    CREATE TABLE sync_cursor (
      stream  TEXT PRIMARY KEY CHECK (stream IN ('events', 'audit')),
      last    INTEGER NOT NULL
    ) STRICT;
    ${(
      [
      ['person', 'people', 'INSERT', 'NEW.id'],
      ['person', 'people', 'UPDATE', 'NEW.id'],
      ['case', 'cases', 'INSERT', 'NEW.id'],
      ['case', 'cases', 'UPDATE', 'NEW.id'],
      ['claim', 'claim_index', 'INSERT', 'NEW.case_id'],
      ['claim', 'claim_index', 'UPDATE', 'NEW.case_id'],
      ['section', 'report_sections', 'INSERT', "NEW.case_id || '/' || NEW.section_id"],
      ['section', 'report_sections', 'UPDATE', "NEW.case_id || '/' || NEW.section_id"],
      ['section', 'report_sections', 'DELETE', "OLD.case_id || '/' || OLD.section_id"],
      ['version', 'report_versions', 'INSERT', "NEW.case_id || '/' || NEW.version"],
      ] as const
    )
      .map(
        ([entity, table, op, key]) => `
    CREATE TRIGGER sync_${table}_${op.toLowerCase()} AFTER ${op} ON ${table} BEGIN
      INSERT INTO sync_dirty (entity, key, seq) VALUES ('${entity}', ${key}, (SELECT coalesce(max(seq), 0) + 1 FROM sync_dirty))
        ON CONFLICT (entity, key) DO UPDATE SET seq = excluded.seq;
    END;`,
      )
      .join('')}
  `,
};
