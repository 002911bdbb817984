import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase, DB_FILE_NAME } from '../../electron/services/store/open-db';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersion } from '../../electron/services/store/migrations';
import { AppError } from '../../electron/services/store/store-errors';
import { Store } from '../../electron/services/store/store';
import { tempDir } from '../helpers/temp-dir';

function openError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('opening the store', () => {
  it('creates the database with WAL, FULL sync, foreign keys and a private file mode', () => {
    const dir = path.join(tempDir(), 'nested', 'data');
    const db = openDatabase({ dataDir: dir });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
    expect(fs.statSync(path.join(dir, DB_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('reopens an existing database without migrating it again', () => {
    const dir = tempDir();
    openDatabase({ dataDir: dir }).close();
    const db = openDatabase({ dataDir: dir });
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it('refuses a damaged file with a plain message and leaves it byte for byte as it was', () => {
    const dir = tempDir();
    const file = path.join(dir, DB_FILE_NAME);
    const junk = Buffer.from('this is not a database, it is a technologist’s shopping list\n'.repeat(200));
    fs.writeFileSync(file, junk);
    const e = openError(() => openDatabase({ dataDir: dir }));
    expect(e.code).toBe('DB_CORRUPT');
    expect(e.message).toMatch(/damaged.*left it untouched/);
    expect(fs.readFileSync(file).equals(junk)).toBe(true);
  });

  it('refuses a database whose pages are corrupted (quick_check fails) without writing to it', () => {
    const dir = tempDir();
    const db = openDatabase({ dataDir: dir });
    db.exec(`CREATE TABLE filler (x TEXT);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) INSERT INTO filler SELECT hex(randomblob(500)) FROM n;`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const file = path.join(dir, DB_FILE_NAME);
    const bytes = fs.readFileSync(file);
    // Scribble over the middle of the file (table b-tree pages), keeping the header intact.
    bytes.fill(0xa5, 40_000, 60_000);
    fs.writeFileSync(file, bytes);
    const e = openError(() => openDatabase({ dataDir: dir }));
    expect(e.code).toBe('DB_CORRUPT');
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('refuses a database from a newer Closeout and changes nothing', () => {
    const dir = tempDir();
    const file = path.join(dir, DB_FILE_NAME);
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.exec('CREATE TABLE future_things (x)');
    raw.close();
    const before = fs.readFileSync(file);
    const e = openError(() => openDatabase({ dataDir: dir }));
    expect(e.code).toBe('DB_NEWER');
    expect(e.message).toContain(`schema ${LATEST_SCHEMA_VERSION + 5}`);
    expect(e.message).toMatch(/Install the latest Closeout/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('reports a database locked exclusively by another program', () => {
    const dir = tempDir();
    openDatabase({ dataDir: dir }).close();
    const other = new Database(path.join(dir, DB_FILE_NAME));
    // In WAL mode only an exclusive locking mode keeps readers out.
    other.pragma('locking_mode = EXCLUSIVE');
    other.exec('BEGIN EXCLUSIVE');
    try {
      const e = openError(() => openDatabase({ dataDir: dir, busyTimeoutMs: 200 }));
      expect(e.code).toBe('DB_LOCKED');
      expect(e.message).toMatch(/in use by another program/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('reports a data folder that is a file, not a folder', () => {
    const parent = tempDir();
    const notADir = path.join(parent, 'data');
    fs.writeFileSync(notADir, 'x');
    expect(() => openDatabase({ dataDir: notADir })).toThrow();
  });
});

describe('migrations', () => {
  it('are numbered 1..N with no gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('0001 (empty → initial): creates the tables, indexes and append-only triggers', () => {
    const db = new Database(':memory:');
    expect(migrate(db, 1)).toBe(1);
    const names = db.prepare("SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as { type: string; name: string }[];
    const tables = names.filter((n) => n.type === 'table').map((n) => n.name);
    expect(tables).toEqual(['audit_log', 'cases', 'events', 'people', 'settings']);
    const triggers = names.filter((n) => n.type === 'trigger').map((n) => n.name);
    expect(triggers).toEqual(['audit_append_only_delete', 'audit_append_only_update', 'events_append_only_delete', 'events_append_only_update']);
    expect(names.filter((n) => n.type === 'index').map((n) => n.name)).toContain('events_dedupe');
  });

  it('0002 (capture): events keep their data and gain limb + modality_name; capture tables appear', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    db.exec(`INSERT INTO cases (id, status, patient_last_name, patient_first_name, patient_mrn, patient_dob, patient_sex, procedure_text, date_of_service, time_zone, created_at, updated_at)
      VALUES ('c1', 'open', 'T', 'A', 'M1', '1970-01-01', 'F', 'P', '2026-11-26', 'UTC', 0, 0);
      INSERT INTO events (case_id, kind, modality, side, text, occurred_at, received_at, source, dedupe_key)
      VALUES ('c1', 'alert', 'TCMEP', 'left', 'L TA down 80%', 100, 101, 'keyboard', 'k1');`);
    expect(migrate(db, 2)).toBe(2);
    expect(db.prepare('SELECT kind, modality, side, text, occurred_at, limb, modality_name FROM events').get()).toEqual({
      kind: 'alert',
      modality: 'TCMEP',
      side: 'left',
      text: 'L TA down 80%',
      occurred_at: 100,
      limb: null,
      modality_name: null,
    });
    const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'capture_%' OR name = 'mapping_rules' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(['capture_files', 'capture_sources', 'mapping_rules']);
    // The append-only guard still holds after the ALTER.
    expect(() => db.exec("UPDATE events SET limb = 'lower'")).toThrow(/append-only/);
  });

  it('0003 (report): cases and events untouched; users, section edits, immutable signed versions and step times appear', () => {
    const db = new Database(':memory:');
    migrate(db, 2);
    db.exec(`INSERT INTO cases (id, status, patient_last_name, patient_first_name, patient_mrn, patient_dob, patient_sex, procedure_text, date_of_service, time_zone, created_at, updated_at)
      VALUES ('c1', 'closed', 'T', 'A', 'M1', '1970-01-01', 'F', 'P', '2026-11-26', 'UTC', 0, 0)`);
    expect(migrate(db, 3)).toBe(3);
    expect(db.prepare('SELECT id, status FROM cases').all()).toEqual([{ id: 'c1', status: 'closed' }]);
    const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('users', 'report_sections', 'report_versions', 'case_times') ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(['case_times', 'report_sections', 'report_versions', 'users']);
    db.exec(`INSERT INTO users (id, name, role, created_at, updated_at) VALUES ('u1', 'Dr X', 'physician', 0, 0);
      INSERT INTO report_versions (case_id, version, kind, content, content_sha256, signer_user_id, signer_name, signer_credential, signed_at) VALUES ('c1', 1, 'original', '{}', 'h', 'u1', 'Dr X', 'MD', 1)`);
    expect(() => db.exec("UPDATE report_versions SET content = '{\"x\":1}'")).toThrow(/cannot change/);
    expect(() => db.exec("INSERT INTO users (id, name, role, created_at, updated_at) VALUES ('u2', 'dr x', 'admin', 0, 0)")).toThrow(/UNIQUE/);
  });

  it('0004 (billing): users and signed versions kept, the billing role allowed, billing tables appear', () => {
    const dir = tempDir();
    const file = path.join(dir, 'db.sqlite');
    const db = new Database(file);
    db.pragma('foreign_keys = ON');
    migrate(db, 3);
    db.exec(`INSERT INTO cases (id, status, patient_last_name, patient_first_name, patient_mrn, patient_dob, patient_sex, procedure_text, date_of_service, time_zone, created_at, updated_at)
      VALUES ('c1', 'signed', 'T', 'A', 'M1', '1970-01-01', 'F', 'P', '2026-11-26', 'UTC', 0, 0);
      INSERT INTO users (id, name, role, created_at, updated_at) VALUES ('u1', 'Dr X', 'physician', 0, 0);
      INSERT INTO report_versions (case_id, version, kind, content, content_sha256, signer_user_id, signer_name, signer_credential, signed_at) VALUES ('c1', 1, 'original', '{}', 'h', 'u1', 'Dr X', 'MD', 1)`);
    expect(() => db.exec("INSERT INTO users (id, name, role, created_at, updated_at) VALUES ('u0', 'Biller', 'billing', 0, 0)")).toThrow(/CHECK/);
    expect(migrate(db, 4)).toBe(4);
    db.exec("INSERT INTO users (id, name, role, created_at, updated_at) VALUES ('u2', 'Biller', 'billing', 0, 0)");
    expect(() => db.exec("INSERT INTO users (id, name, role, created_at, updated_at) VALUES ('u3', 'Nobody', 'owner', 0, 0)")).toThrow(/CHECK/);
    expect(db.prepare('SELECT id, role FROM users ORDER BY id').all()).toEqual([{ id: 'u1', role: 'physician' }, { id: 'u2', role: 'billing' }]);
    expect(db.prepare('SELECT case_id, signer_user_id FROM report_versions').all()).toEqual([{ case_id: 'c1', signer_user_id: 'u1' }]);
    expect(() => db.exec("INSERT INTO report_versions (case_id, version, kind, content, content_sha256, signer_user_id, signer_name, signer_credential, signed_at) VALUES ('c1', 2, 'addendum', '{}', 'h', 'nobody', 'X', 'MD', 1)")).toThrow(/FOREIGN KEY/);
    const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('billing_details', 'billing_rule_sets', 'claim_index', 'claim_intervals', 'claim_overrides') ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(['billing_details', 'billing_rule_sets', 'claim_index', 'claim_intervals', 'claim_overrides']);
    db.exec("INSERT INTO billing_rule_sets (doc, label, saved_by, saved_at) VALUES ('{}', 'x', 'admin', 1)");
    expect(() => db.exec("UPDATE billing_rule_sets SET doc = '[]'")).toThrow(/kept as saved/);
    db.close();
    const again = new Database(file);
    expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
    again.close();
  });

  it('0005 (delivery): earlier data untouched; documents kept as sent, one control id per message', () => {
    const db = new Database(':memory:');
    migrate(db, 4);
    db.exec(`INSERT INTO cases (id, status, patient_last_name, patient_first_name, patient_mrn, patient_dob, patient_sex, procedure_text, date_of_service, time_zone, created_at, updated_at)
      VALUES ('c1', 'signed', 'T', 'A', 'M1', '1970-01-01', 'F', 'P', '2026-11-26', 'UTC', 0, 0);
      INSERT INTO billing_details (case_id, details, updated_by, updated_at) VALUES ('c1', '{}', 't', 1);`);
    expect(migrate(db, 5)).toBe(5);
    expect(db.prepare('SELECT case_id FROM billing_details').all()).toEqual([{ case_id: 'c1' }]);
    db.exec(`INSERT INTO delivery_documents (case_id, version, pdf, pdf_sha256, created_at) VALUES ('c1', 1, x'25504446', 'h', 1);
      INSERT INTO deliveries (case_id, version, destination_id, destination_name, kind, state, reference, created_at, requested_by) VALUES ('c1', 1, 'his', 'HIS', 'mllp', 'queued', 'CO1', 1, 't');`);
    expect(() => db.exec("UPDATE delivery_documents SET pdf = x'00'")).toThrow(/kept as sent/);
    expect(() => db.exec("INSERT INTO deliveries (case_id, version, destination_id, destination_name, kind, state, reference, created_at, requested_by) VALUES ('c1', 1, 'his', 'HIS', 'mllp', 'queued', 'CO1', 2, 't')")).toThrow(/UNIQUE/);
    expect(() => db.exec("INSERT INTO deliveries (case_id, version, destination_id, destination_name, kind, state, reference, created_at, requested_by) VALUES ('c1', 1, 'his', 'HIS', 'mllp', 'lost', 'CO2', 2, 't')")).toThrow(/CHECK/);
  });

  it('run each step in a transaction: a failing step leaves the previous version intact', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    db.exec("INSERT INTO settings (key, value) VALUES ('k', '1')");
    const broken = { version: 2, name: 'broken', up: "INSERT INTO settings (key, value) VALUES ('k2', '2'); SELECT no_such_function();" };
    expect(() => {
      const step = db.transaction(() => {
        db.exec(broken.up);
        db.pragma('user_version = 2');
      });
      step.immediate();
    }).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare('SELECT count(*) AS n FROM settings').get()).toEqual({ n: 1 });
  });

  it('hot queries use their indexes', () => {
    const db = new Database(':memory:');
    migrate(db);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan("SELECT * FROM events WHERE case_id = 'x' ORDER BY occurred_at DESC")).toMatch(/USING INDEX events_case_time/);
    expect(plan("SELECT * FROM events WHERE case_id = 'x' AND source = 's' AND dedupe_key = 'k'")).toMatch(/events_dedupe/);
    expect(plan("SELECT * FROM cases WHERE physician_id = 'p' AND date_of_service = '2026-01-01'")).toMatch(/cases_physician_date/);
  });
});

describe('append-only history', () => {
  function storeWithEvent() {
    const store = Store.open({ dataDir: tempDir() });
    store.db.exec(`INSERT INTO cases (id, status, patient_last_name, patient_first_name, patient_mrn, patient_dob, patient_sex, procedure_text, date_of_service, time_zone, created_at, updated_at)
      VALUES ('c1', 'open', 'T', 'A', 'M1', '1970-01-01', 'F', 'P', '2026-11-26', 'UTC', 0, 0)`);
    store.events.append({ caseId: 'c1', kind: 'note', modality: null, side: null, limb: null, modalityName: null, text: 'x', occurredAt: 1, receivedAt: 2, source: 'keyboard', dedupeKey: 'k', raw: null, clockZone: null, payload: null });
    store.write(() => store.audit.append({ actor: 't', action: 'a', caseId: 'c1' }, 1));
    return store;
  }

  it('events and audit rows cannot be updated or deleted, even with raw SQL', () => {
    const store = storeWithEvent();
    expect(() => store.db.exec("UPDATE events SET text = 'changed'")).toThrow(/append-only/);
    expect(() => store.db.exec('DELETE FROM events')).toThrow(/append-only/);
    expect(() => store.db.exec("UPDATE audit_log SET actor = 'someone else'")).toThrow(/append-only/);
    expect(() => store.db.exec('DELETE FROM audit_log')).toThrow(/append-only/);
    store.close();
  });

  it('a replayed event lands on the same row', () => {
    const store = storeWithEvent();
    const again = store.events.append({ caseId: 'c1', kind: 'note', modality: null, side: null, limb: null, modalityName: null, text: 'x', occurredAt: 1, receivedAt: 9, source: 'keyboard', dedupeKey: 'k', raw: null, clockZone: null, payload: null });
    expect(again.inserted).toBe(false);
    expect(again.event.receivedAt).toBe(2);
    expect(store.events.count('c1')).toBe(1);
    store.close();
  });
});

describe('audit chain', () => {
  function chain(n: number) {
    const dir = tempDir();
    const store = Store.open({ dataDir: dir });
    store.write(() => {
      for (let i = 0; i < n; i++) store.audit.append({ actor: 'tester', action: `act.${i}`, caseId: i % 2 ? 'c' : null, detail: { i } }, 1000 + i);
    });
    store.close();
    return dir;
  }

  /** Tamper the way an attacker with a raw SQLite tool would: drop the guard, change, restore. */
  function tamper(dir: string, sql: string) {
    const raw = new Database(path.join(dir, DB_FILE_NAME));
    raw.exec(`DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete; ${sql};`);
    raw.close();
  }

  it('verifies an intact chain', () => {
    const store = Store.open({ dataDir: chain(50) });
    expect(store.audit.verify()).toEqual({ rows: 50, firstBadSeq: null, problems: [], notes: [] });
    store.close();
  });

  it.each([
    ['a changed actor', "UPDATE audit_log SET actor = 'mallory' WHERE seq = 17", 17, /changed after it was written/],
    ['a changed detail', `UPDATE audit_log SET detail = '{"i":99}' WHERE seq = 30`, 30, /changed after it was written/],
    ['a deleted row', 'DELETE FROM audit_log WHERE seq = 12', 13, /missing/],
    ['a re-hashed row', "UPDATE audit_log SET action = 'x', hash = '00' WHERE seq = 5", 5, /changed/],
    ['a truncated tail then re-link', "DELETE FROM audit_log WHERE seq = 1", 2, /missing/],
  ])('detects %s', (_what, sql, seq, message) => {
    const dir = chain(40);
    tamper(dir, sql);
    const store = Store.open({ dataDir: dir });
    const v = store.audit.verify();
    expect(v.problems.length).toBeGreaterThan(0);
    expect(v.firstBadSeq).toBe(seq);
    expect(v.problems[0]?.message).toMatch(message);
    store.close();
  });
});

describe('the integrity check at open', () => {
  it('is skipped only for a file exactly as a clean close left it; a crash or a change behind our back checks it whole', () => {
    const dir = tempDir();
    const first = Store.open({ dataDir: dir });
    expect(first.integrity).toBe('checked');
    first.db.exec(`CREATE TABLE filler (x TEXT);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) INSERT INTO filler SELECT hex(randomblob(500)) FROM n;`);
    first.close();
    // As it was left: no whole-file pass (it grows with every case).
    const again = Store.open({ dataDir: dir });
    expect(again.integrity).toBe('unchanged since a clean close');
    // Not closed cleanly (a crash): the next open checks.
    again.db.pragma('wal_checkpoint(TRUNCATE)');
    const crashed = Store.open({ dataDir: dir });
    expect(crashed.integrity).toBe('checked');
    crashed.close();
    again.db.close();
    // Changed by something else (a damaged copy, a disk error): checked, the damage found, the file untouched.
    const file = path.join(dir, DB_FILE_NAME);
    const bytes = fs.readFileSync(file);
    bytes.fill(0xa5, 40_000, 60_000);
    fs.writeFileSync(file, bytes);
    const e = openError(() => Store.open({ dataDir: dir }));
    expect(e.code).toBe('DB_CORRUPT');
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });
});
