import type { Migration } from './types';

/**
 * The base schema: people, cases, append-only events, hash-chained audit log, settings.
 *
 * Times are integer milliseconds since the epoch (UTC instants); calendar dates (birth, service)
 * are ISO `YYYY-MM-DD` text because they are dates, not instants. Events and audit rows refuse
 * UPDATE and DELETE at the database level, so no code path can rewrite history.
 */
export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up: `
    CREATE TABLE people (
      id          TEXT PRIMARY KEY,
      role        TEXT NOT NULL CHECK (role IN ('technologist', 'physician', 'surgeon')),
      last_name   TEXT NOT NULL,
      first_name  TEXT NOT NULL,
      credential  TEXT NOT NULL DEFAULT '',
      npi         TEXT,
      active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
      created_at  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL
    ) STRICT;
    -- One person may appear under two roles (a physician who also operates) but not twice in one.
    CREATE UNIQUE INDEX people_role_npi ON people (role, npi) WHERE npi IS NOT NULL;

    CREATE TABLE cases (
      id                  TEXT PRIMARY KEY,
      status              TEXT NOT NULL CHECK (status IN ('open', 'capturing', 'closed', 'signed', 'sent', 'amended')),
      patient_last_name   TEXT NOT NULL,
      patient_first_name  TEXT NOT NULL,
      patient_mrn         TEXT NOT NULL,
      patient_dob         TEXT NOT NULL,
      patient_sex         TEXT NOT NULL CHECK (patient_sex IN ('F', 'M', 'X', 'U')),
      procedure_text      TEXT NOT NULL,
      procedure_cpt       TEXT,
      procedure_side      TEXT,
      procedure_levels    TEXT NOT NULL DEFAULT '',
      date_of_service     TEXT NOT NULL,
      facility            TEXT NOT NULL DEFAULT '',
      or_room             TEXT NOT NULL DEFAULT '',
      surgeon_id          TEXT REFERENCES people (id),
      technologist_id     TEXT REFERENCES people (id),
      physician_id        TEXT REFERENCES people (id),
      reader_location     TEXT CHECK (reader_location IN ('in_room', 'remote')),
      payer_type          TEXT,
      payer_name          TEXT NOT NULL DEFAULT '',
      place_of_service    TEXT,
      diagnosis_codes     TEXT NOT NULL DEFAULT '[]',
      anesthesia_regimen  TEXT,
      anesthesia_detail   TEXT NOT NULL DEFAULT '',
      time_zone           TEXT NOT NULL,
      -- Lower-cased, accent-free "last first mrn": SQLite's LIKE folds ASCII only, and a tired
      -- technologist types "nunez" for Núñez.
      search_key          TEXT NOT NULL DEFAULT '',
      version             INTEGER NOT NULL DEFAULT 1,
      created_at          INTEGER NOT NULL,
      updated_at          INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX cases_date_of_service ON cases (date_of_service);
    CREATE INDEX cases_mrn ON cases (patient_mrn);
    CREATE INDEX cases_physician_date ON cases (physician_id, date_of_service);

    CREATE TABLE events (
      id           INTEGER PRIMARY KEY,
      case_id      TEXT NOT NULL REFERENCES cases (id),
      kind         TEXT NOT NULL,
      modality     TEXT,
      side         TEXT,
      text         TEXT NOT NULL DEFAULT '',
      occurred_at  INTEGER NOT NULL,
      received_at  INTEGER NOT NULL,
      source       TEXT NOT NULL,
      dedupe_key   TEXT NOT NULL,
      raw          TEXT,
      clock_zone   TEXT,
      payload      TEXT
    ) STRICT;
    CREATE UNIQUE INDEX events_dedupe ON events (case_id, source, dedupe_key);
    CREATE INDEX events_case_time ON events (case_id, occurred_at);
    CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

    CREATE TABLE audit_log (
      seq        INTEGER PRIMARY KEY,
      at         INTEGER NOT NULL,
      actor      TEXT NOT NULL,
      action     TEXT NOT NULL,
      case_id    TEXT,
      detail     TEXT NOT NULL DEFAULT '{}',
      prev_hash  TEXT NOT NULL,
      hash       TEXT NOT NULL
    ) STRICT;
    CREATE INDEX audit_case ON audit_log (case_id, seq);
    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

    CREATE TABLE settings (
      key    TEXT PRIMARY KEY,
      value  TEXT NOT NULL
    ) STRICT;
  `,
};
