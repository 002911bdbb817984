import type { Migration } from './types';

/**
 * What the practice server has not received yet (#17). Append-only tables (events, the audit
 * log) are sent by cursor: every row after the last one the server acknowledged, in commit order.
 * A case record changes in place: a trigger marks it dirty in the same transaction as the change,
 * and it is sent as it stands when the sender gets to it (a later change re-marks it). Nothing is
 * sent before the workstation is enrolled; enrolling marks everything.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'sync',
  up: `
    CREATE TABLE sync_dirty (
      entity  TEXT NOT NULL CHECK (entity IN ('case')),
      key     TEXT NOT NULL,
      seq     INTEGER NOT NULL,
      PRIMARY KEY (entity, key)
    ) STRICT;
    CREATE TABLE sync_cursor (
      stream  TEXT PRIMARY KEY CHECK (stream IN ('events', 'audit')),
      last    INTEGER NOT NULL
    ) STRICT;
    CREATE TRIGGER sync_case_inserted AFTER INSERT ON cases BEGIN
      INSERT INTO sync_dirty (entity, key, seq) VALUES ('case', NEW.id, (SELECT coalesce(max(seq), 0) + 1 FROM sync_dirty))
        ON CONFLICT (entity, key) DO UPDATE SET seq = excluded.seq;
    END;
    CREATE TRIGGER sync_case_updated AFTER UPDATE ON cases BEGIN
      INSERT INTO sync_dirty (entity, key, seq) VALUES ('case', NEW.id, (SELECT coalesce(max(seq), 0) + 1 FROM sync_dirty))
        ON CONFLICT (entity, key) DO UPDATE SET seq = excluded.seq;
    END;
  `,
};
