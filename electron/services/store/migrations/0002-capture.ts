import type { Migration } from './types';

/**
 * Capture: where device data comes from (folders, serial ports), how far each file has been
 * read, and the editable rules that map site names to our modality vocabulary and event kinds.
 *
 * Events gain `limb` (upper/lower/…: what separates 95925 from 95926) and `modality_name`,
 * the device's own name kept verbatim so a corrected mapping can be re-applied and audited.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'capture',
  up: `
    ALTER TABLE events ADD COLUMN limb TEXT;
    ALTER TABLE events ADD COLUMN modality_name TEXT;

    CREATE TABLE capture_sources (
      id          TEXT PRIMARY KEY,
      kind        TEXT NOT NULL CHECK (kind IN ('folder', 'serial')),
      name        TEXT NOT NULL,
      config      TEXT NOT NULL,
      enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
      created_at  INTEGER NOT NULL,
      updated_at  INTEGER NOT NULL
    ) STRICT;

    -- One row per file seen in a watched folder: resume point and outcome. The head hash
    -- (first 64 KiB) tells a grown file (same head) from a replaced one (new head).
    CREATE TABLE capture_files (
      source_id     TEXT NOT NULL REFERENCES capture_sources (id),
      path          TEXT NOT NULL,
      case_id       TEXT REFERENCES cases (id),
      format        TEXT,
      head_hash     TEXT NOT NULL,
      size          INTEGER NOT NULL,
      read_offset   INTEGER NOT NULL DEFAULT 0,
      parser_state  TEXT,
      status        TEXT NOT NULL CHECK (status IN ('reading', 'done', 'error', 'held', 'ignored')),
      message       TEXT,
      events        INTEGER NOT NULL DEFAULT 0,
      updated_at    INTEGER NOT NULL,
      PRIMARY KEY (source_id, path)
    ) STRICT;
    CREATE INDEX capture_files_case ON capture_files (case_id);

    CREATE TABLE mapping_rules (
      id          INTEGER PRIMARY KEY,
      target      TEXT NOT NULL CHECK (target IN ('modality', 'kind')),
      match_type  TEXT NOT NULL CHECK (match_type IN ('contains', 'word', 'regex')),
      pattern     TEXT NOT NULL,
      modality    TEXT,
      limb        TEXT,
      side        TEXT,
      kind        TEXT,
      priority    INTEGER NOT NULL DEFAULT 100,
      enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
      builtin     INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
      updated_at  INTEGER NOT NULL
    ) STRICT;
  `,
};
