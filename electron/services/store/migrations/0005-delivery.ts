import type { Migration } from './types';

/**
 * Delivery to the EHR: the PDF of each signed report version as it was sent, and one row per
 * (version, destination, attempt series) — a queue that survives restarts. A message keeps its
 * control id for all its retries; a person's re-send is a new row with a new one.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'delivery',
  up: `
    CREATE TABLE delivery_documents (
      case_id      TEXT NOT NULL REFERENCES cases (id),
      version      INTEGER NOT NULL,
      pdf          BLOB NOT NULL,
      pdf_sha256   TEXT NOT NULL,
      created_at   INTEGER NOT NULL,
      PRIMARY KEY (case_id, version)
    ) STRICT;
    CREATE TRIGGER delivery_documents_immutable BEFORE UPDATE ON delivery_documents
      BEGIN SELECT RAISE(ABORT, 'a sent document is kept as sent'); END;

    CREATE TABLE deliveries (
      id                INTEGER PRIMARY KEY AUTOINCREMENT,
      case_id           TEXT NOT NULL REFERENCES cases (id),
      version           INTEGER NOT NULL,
      destination_id    TEXT NOT NULL,
      destination_name  TEXT NOT NULL,
      kind              TEXT NOT NULL CHECK (kind IN ('folder', 'mllp')),
      state             TEXT NOT NULL CHECK (state IN ('queued', 'retrying', 'sent', 'acknowledged', 'delivered', 'failed', 'rejected', 'error')),
      -- MSH-10 for MLLP (unique), the file name for a folder.
      reference         TEXT NOT NULL,
      -- The whole HL7 message (MLLP), so every retry sends the same bytes; NULL for folders.
      payload           TEXT,
      attempts          INTEGER NOT NULL DEFAULT 0,
      next_attempt_at   INTEGER,
      message           TEXT,
      created_at        INTEGER NOT NULL,
      done_at           INTEGER,
      requested_by      TEXT NOT NULL,
      FOREIGN KEY (case_id, version) REFERENCES delivery_documents (case_id, version)
    ) STRICT;
    CREATE UNIQUE INDEX deliveries_control_id ON deliveries (reference) WHERE kind = 'mllp';
    CREATE INDEX deliveries_case ON deliveries (case_id, id);
    CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state IN ('queued', 'retrying', 'sent');
  `,
};
