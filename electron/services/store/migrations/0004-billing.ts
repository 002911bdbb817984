import type { Database } from 'better-sqlite3';
import type { Migration } from './types';

const OLD_ROLES = "CHECK (role IN ('technologist', 'physician', 'admin'))";
const NEW_ROLES = "CHECK (role IN ('technologist', 'physician', 'admin', 'billing'))";

/**
 * Billing: per-case answers a claim needs (limbs, surgeon's order…), the scrubber's rule sets
 * (every saved version kept), each case's billed time indexed by reader for the cross-case rules,
 * overrides of unclean claims, and a "billing" user role.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'billing',
  up: (db: Database) => {
    // Widening a CHECK constraint changes no stored row, so it is done the way SQLite documents
    // for such changes (writable_schema + schema_version bump), not by rebuilding `users`, which
    // signed report versions reference.
    const version = db.pragma('schema_version', { simple: true }) as number;
    db.unsafeMode(true);
    try {
      db.pragma('writable_schema = ON');
      const r = db.prepare("UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'users'").run(OLD_ROLES, NEW_ROLES);
      if (r.changes !== 1) throw new Error('users table not as expected');
      db.pragma(`schema_version = ${version + 1}`);
      db.pragma('writable_schema = OFF');
    } finally {
      db.unsafeMode(false);
    }
    db.exec(`
      CREATE TABLE billing_details (
        case_id     TEXT PRIMARY KEY REFERENCES cases (id),
        details     TEXT NOT NULL,
        updated_by  TEXT NOT NULL,
        updated_at  INTEGER NOT NULL
      ) STRICT;

      -- Every saved version of the rule sets (default + payer overlays) as one JSON document;
      -- the newest row is in force. Rows are never changed, so what a claim was judged by stays known.
      CREATE TABLE billing_rule_sets (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT,
        doc       TEXT NOT NULL,
        label     TEXT NOT NULL,
        saved_by  TEXT NOT NULL,
        saved_at  INTEGER NOT NULL
      ) STRICT;
      CREATE TRIGGER billing_rule_sets_append_only BEFORE UPDATE ON billing_rule_sets
        BEGIN SELECT RAISE(ABORT, 'rule set versions are kept as saved'); END;

      -- The latest claim of each case, summarised for the cross-case rules and the charge export.
      CREATE TABLE claim_index (
        case_id      TEXT PRIMARY KEY REFERENCES cases (id),
        reader_id    TEXT,
        payer_type   TEXT,
        time_code    TEXT,
        or_room      TEXT NOT NULL,
        date_of_service TEXT NOT NULL,
        minutes      INTEGER NOT NULL,
        clean        INTEGER NOT NULL CHECK (clean IN (0, 1)),
        blocking     INTEGER NOT NULL,
        warnings     INTEGER NOT NULL,
        top_rules    TEXT NOT NULL,
        updated_at   INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX claim_index_dos ON claim_index (date_of_service);
      CREATE TABLE claim_intervals (
        case_id    TEXT NOT NULL REFERENCES cases (id),
        reader_id  TEXT NOT NULL,
        start      INTEGER NOT NULL,
        end        INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX claim_intervals_reader ON claim_intervals (reader_id, start);
      CREATE INDEX claim_intervals_case ON claim_intervals (case_id);

      CREATE TABLE claim_overrides (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        case_id     TEXT NOT NULL REFERENCES cases (id),
        user_id     TEXT NOT NULL REFERENCES users (id),
        user_name   TEXT NOT NULL,
        reason      TEXT NOT NULL,
        -- The blocking findings overridden: a later, different problem is not covered by it.
        findings    TEXT NOT NULL,
        at          INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX claim_overrides_case ON claim_overrides (case_id);
    `);
  },
};
