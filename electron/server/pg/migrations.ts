/**
 * The practice server's schema, as numbered migrations (as the workstation's SQLite store has):
 * each runs once, in its own transaction, in order, under an advisory lock so two servers
 * starting on one database do not both run it. A database migrated by a newer server is refused.
 */
import type pg from 'pg';
import { ServerError } from '../server-error';

export type Migration = Readonly<{ version: number; name: string; sql: string }>;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, sessions, workstations, access log',
    sql: `
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        username text NOT NULL UNIQUE CHECK (username = lower(username) AND length(username) BETWEEN 2 AND 60),
        display_name text NOT NULL,
        credential text NOT NULL DEFAULT '',
        -- A physician's NPI: how the server knows which workstation cases name them.
        npi text CHECK (npi IS NULL OR npi ~ '^[0-9]{10}$'),
        roles text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['physician','billing','admin']::text[]),
        password_hash text NOT NULL,
        totp_secret text NOT NULL,
        totp_last_step bigint,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ip text NOT NULL
      );
      CREATE INDEX sessions_user ON sessions (user_id);
      CREATE TABLE login_attempts (
        id bigserial PRIMARY KEY,
        username text NOT NULL,
        ip text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        ok boolean NOT NULL
      );
      CREATE INDEX login_attempts_user ON login_attempts (username, at);
      CREATE INDEX login_attempts_ip ON login_attempts (ip, at);
      CREATE TABLE workstations (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        credential_hash text NOT NULL UNIQUE,
        enrolled_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz,
        revoked_at timestamptz,
        revoked_by uuid REFERENCES users(id)
      );
      CREATE TABLE enroll_codes (
        code_hash text PRIMARY KEY,
        workstation_name text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        workstation_id uuid REFERENCES workstations(id)
      );
      -- Who read or changed what, when: every read of a case's PHI is a row (HIPAA access log).
      CREATE TABLE access_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'workstation', 'admin-cli')),
        actor_id text NOT NULL,
        actor_name text NOT NULL,
        action text NOT NULL,
        case_id text,
        ip text,
        detail jsonb
      );
      CREATE INDEX access_log_at ON access_log (at);
      CREATE INDEX access_log_case ON access_log (case_id, at);
    `,
  },
  {
    version: 2,
    name: 'what workstations send: case records, events, audit rows, claims, report sections and signed versions',
    sql: `
      -- The workstation owns the case record and its capture: the server keeps copies, one row per
      -- thing sent, whatever number of times it was sent.
      CREATE TABLE ws_cases (
        case_id text PRIMARY KEY,
        workstation_id uuid NOT NULL REFERENCES workstations(id),
        version integer NOT NULL,
        status text NOT NULL,
        date_of_service text NOT NULL,
        record jsonb NOT NULL,
        updated_at bigint NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ws_cases_date ON ws_cases (date_of_service, case_id);
      CREATE INDEX ws_cases_status ON ws_cases (status, date_of_service);
      CREATE TABLE ws_events (
        workstation_id uuid NOT NULL REFERENCES workstations(id),
        local_id bigint NOT NULL,
        case_id text NOT NULL,
        kind text NOT NULL,
        occurred_at bigint NOT NULL,
        source text NOT NULL,
        dedupe_key text NOT NULL,
        row jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workstation_id, local_id)
      );
      CREATE INDEX ws_events_case ON ws_events (case_id, occurred_at, local_id);
      CREATE TABLE ws_audit (
        workstation_id uuid NOT NULL REFERENCES workstations(id),
        seq bigint NOT NULL,
        case_id text,
        action text NOT NULL,
        row jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workstation_id, seq)
      );
      CREATE INDEX ws_audit_case ON ws_audit (case_id, seq);
      -- The people each workstation's cases name (its own ids); physicians are matched to accounts by NPI.
      CREATE TABLE ws_people (
        workstation_id uuid NOT NULL REFERENCES workstations(id),
        person_id text NOT NULL,
        role text NOT NULL,
        npi text,
        row jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workstation_id, person_id)
      );
      CREATE INDEX ws_people_npi ON ws_people (npi) WHERE npi IS NOT NULL;
      CREATE INDEX ws_cases_physician ON ws_cases ((record->>'physician_id'), status);
      -- The claim as the workstation's scrubber sees it now: the billing office's worklist.
      CREATE TABLE ws_claims (
        case_id text PRIMARY KEY,
        workstation_id uuid NOT NULL REFERENCES workstations(id),
        date_of_service text NOT NULL,
        clean boolean NOT NULL,
        blocking integer NOT NULL,
        warnings integer NOT NULL,
        row jsonb NOT NULL,
        updated_at bigint NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ws_claims_worklist ON ws_claims (clean, date_of_service);
      CREATE TABLE ws_sections (
        case_id text NOT NULL,
        section_id text NOT NULL,
        workstation_id uuid NOT NULL REFERENCES workstations(id),
        row jsonb,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_id, section_id)
      );
      -- The report of a closed, unsigned case as its workstation drafted it: what a remote physician reads and signs.
      CREATE TABLE ws_drafts (
        case_id text PRIMARY KEY,
        workstation_id uuid NOT NULL REFERENCES workstations(id),
        draft_sha256 text NOT NULL,
        draft jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      );
      -- A physician's signature made here, for the text they read (its hash); the workstation applies
      -- it (its report still says exactly that) or refuses it with the reason.
      CREATE TABLE remote_signatures (
        id uuid PRIMARY KEY,
        case_id text NOT NULL,
        workstation_id uuid NOT NULL REFERENCES workstations(id),
        draft_sha256 text NOT NULL,
        signer_user_id uuid NOT NULL REFERENCES users(id),
        signer_name text NOT NULL,
        signer_credential text NOT NULL,
        signer_npi text,
        signed_at bigint NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'refused')),
        version integer,
        reason text,
        settled_at timestamptz
      );
      CREATE UNIQUE INDEX remote_signatures_one_pending ON remote_signatures (case_id) WHERE state = 'pending';
      -- The interpretation a physician writes here, applied on the workstation as their own text.
      CREATE TABLE remote_edits (
        id uuid PRIMARY KEY,
        case_id text NOT NULL,
        workstation_id uuid NOT NULL REFERENCES workstations(id),
        section_id text NOT NULL CHECK (section_id = 'interpretation'),
        text text NOT NULL,
        author_user_id uuid NOT NULL REFERENCES users(id),
        author_name text NOT NULL,
        at bigint NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'refused')),
        reason text,
        settled_at timestamptz
      );
      CREATE INDEX remote_edits_ws ON remote_edits (workstation_id, state, at);
      CREATE INDEX remote_signatures_ws ON remote_signatures (workstation_id, state);
      -- A signed version never changes wherever it was made: the first copy is kept.
      CREATE TABLE ws_report_versions (
        case_id text NOT NULL,
        version integer NOT NULL,
        workstation_id uuid NOT NULL REFERENCES workstations(id),
        content_sha256 text NOT NULL,
        signed_at bigint NOT NULL,
        row jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_id, version)
      );
    `,
  },
  {
    version: 3,
    name: 'what people do here for a case and its workstation applies: addenda, claim overrides, billing answers',
    sql: `
      CREATE TABLE remote_actions (
        id uuid PRIMARY KEY,
        case_id text NOT NULL,
        workstation_id uuid NOT NULL REFERENCES workstations(id),
        kind text NOT NULL CHECK (kind IN ('addendum', 'claimOverride', 'billingDetails')),
        body jsonb NOT NULL,
        author_user_id uuid NOT NULL REFERENCES users(id),
        author_name text NOT NULL,
        author_credential text NOT NULL,
        author_npi text,
        at bigint NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'refused')),
        version integer,
        reason text,
        settled_at timestamptz
      );
      CREATE INDEX remote_actions_ws ON remote_actions (workstation_id, state, at);
      CREATE INDEX remote_actions_case ON remote_actions (case_id, at);
      -- One override waiting per claim: a second click is the same request.
      CREATE UNIQUE INDEX remote_actions_one_override ON remote_actions (case_id) WHERE kind = 'claimOverride' AND state = 'pending';
    `,
  },
  {
    version: 4,
    name: 'practice settings set here for every workstation: billing role and rule sets, EHR destinations',
    sql: `
      -- Every version kept, as on the workstations; the newest is in force.
      CREATE TABLE practice_settings (
        version serial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('billing', 'ehr')),
        body jsonb NOT NULL,
        set_by_user_id uuid REFERENCES users(id),
        set_by_name text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX practice_settings_kind ON practice_settings (kind, version);
    `,
  },
];

export const LATEST_SERVER_SCHEMA = MIGRATIONS[MIGRATIONS.length - 1]!.version;

// Any constant: two servers migrating one database take turns on it.
const MIGRATION_LOCK = 0x636c6f73;

export async function migrate(pool: pg.Pool): Promise<{ from: number; to: number }> {
  const c = await pool.connect();
  try {
    await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await c.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const from = Number((await c.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations')).rows[0]?.v ?? 0);
      if (from > LATEST_SERVER_SCHEMA) {
        throw new ServerError('DB_NEWER', `The practice database was set up by a newer Closeout server (schema ${from}; this one knows up to ${LATEST_SERVER_SCHEMA}). Install the latest Closeout on the server. Nothing was changed.`);
      }
      for (const m of MIGRATIONS) {
        if (m.version <= from) continue;
        await c.query('BEGIN');
        try {
          await c.query(m.sql);
          await c.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
          await c.query('COMMIT');
        } catch (e) {
          await c.query('ROLLBACK');
          throw e;
        }
      }
      return { from, to: LATEST_SERVER_SCHEMA };
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    c.release();
  }
}
