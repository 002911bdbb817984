import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase, DB_FILE_NAME } from '../../electron/services/store/open-db';
import { LATEST_SCHEMA_VERSION, schemaVersion } from '../../electron/services/store/migrations';
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
