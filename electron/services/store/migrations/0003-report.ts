import type { Migration } from './types';

/**
 * The report: sections a person (or the AI, accepted by a person) rewrote, the signed versions
 * (original and addenda, never changed once written), local users who sign, and the times the
 * practice dashboard measures report lag from.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'report',
  up: `
    CREATE TABLE users (
      id          TEXT PRIMARY KEY,
      name        TEXT NOT NULL,
      role        TEXT NOT NULL CHECK (role IN ('technologist', 'physician', 'admin')),
      person_id   TEXT REFERENCES people (id),
      -- scrypt, salted: "scrypt$N$r$p$salt$hash" (base64url); null until a PIN is set.
      pin_hash    TEXT,
      active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
      created_at  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX users_name ON users (name COLLATE NOCASE);

    -- A section's text as a person left it; the generated draft is used for the others.
    CREATE TABLE report_sections (
      case_id     TEXT NOT NULL REFERENCES cases (id),
      section_id  TEXT NOT NULL,
      text        TEXT NOT NULL,
      origin      TEXT NOT NULL CHECK (origin IN ('person', 'ai')),
      -- The generated text at the time of the edit: the UI shows when the facts moved on since.
      based_on    TEXT NOT NULL,
      edited_by   TEXT NOT NULL,
      edited_at   INTEGER NOT NULL,
      PRIMARY KEY (case_id, section_id)
    ) STRICT;

    CREATE TABLE report_versions (
      case_id            TEXT NOT NULL REFERENCES cases (id),
      version            INTEGER NOT NULL,
      kind               TEXT NOT NULL CHECK (kind IN ('original', 'addendum')),
      content            TEXT NOT NULL,
      content_sha256     TEXT NOT NULL,
      signer_user_id     TEXT NOT NULL REFERENCES users (id),
      signer_name        TEXT NOT NULL,
      signer_credential  TEXT NOT NULL,
      signed_at          INTEGER NOT NULL,
      PRIMARY KEY (case_id, version)
    ) STRICT;
    CREATE TRIGGER report_versions_immutable_update BEFORE UPDATE ON report_versions
      BEGIN SELECT RAISE(ABORT, 'a signed report cannot change; add an addendum'); END;
    CREATE TRIGGER report_versions_immutable_delete BEFORE DELETE ON report_versions
      BEGIN SELECT RAISE(ABORT, 'a signed report cannot change; add an addendum'); END;

    -- First time each step was reached: monitoring_ended, closed, draft_complete, signed, delivered.
    CREATE TABLE case_times (
      case_id  TEXT NOT NULL REFERENCES cases (id),
      what     TEXT NOT NULL,
      at       INTEGER NOT NULL,
      PRIMARY KEY (case_id, what)
    ) STRICT;
  `,
};
