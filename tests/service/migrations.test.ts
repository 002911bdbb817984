/**
 * Every schema migration in one place (numbered like Signal's): each step from the one before
 * keeps the data that was there and adds what it says; steps are transactional; the hot queries
 * of the final schema use their indexes. (A store from before the audit anchor, upgraded and
 * verified end to end, is in audit-anchor.test.ts.)
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersion } from '../../electron/services/store/migrations';
import { DashboardRepo } from '../../electron/services/store/dashboard-repo';
import { Store } from '../../electron/services/store/store';
import { tempDir } from '../helpers/temp-dir';

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
  it('0006 (dashboard): claim index rows kept, the two new columns empty until recomputed; clean at close written once', () => {
    const db = new Database(':memory:');
    migrate(db, 5);
    db.exec(`INSERT INTO cases (id, status, patient_last_name, patient_first_name, patient_mrn, patient_dob, patient_sex, procedure_text, date_of_service, time_zone, created_at, updated_at)
      VALUES ('c1', 'signed', 'T', 'A', 'M1', '1970-01-01', 'F', 'P', '2026-11-26', 'UTC', 0, 5);
      INSERT INTO claim_index (case_id, reader_id, payer_type, time_code, or_room, date_of_service, minutes, clean, blocking, warnings, top_rules, updated_at)
      VALUES ('c1', NULL, NULL, NULL, '', '2026-11-26', 95, 1, 0, 0, '[]', 9);`);
    expect(migrate(db, 6)).toBe(6);
    expect(db.prepare('SELECT minutes, clean, monitored_minutes, clean_at_close FROM claim_index').get()).toEqual({ minutes: 95, clean: 1, monitored_minutes: null, clean_at_close: null });
    expect(() => db.exec("UPDATE claim_index SET clean_at_close = 2 WHERE case_id = 'c1'")).toThrow(/CHECK/);
    const repo = new DashboardRepo(db);
    // Before 0006 the row lacks the new figures: stale, so the dashboard recomputes it.
    expect(repo.rows('2026-01-01', '2026-12-31')[0]).toMatchObject({ caseId: 'c1', stale: true, claim: { billedMinutes: 95, monitoredMinutes: null, cleanAtClose: null } });
    db.close();

    const store = Store.open({ dataDir: tempDir() });
    store.db.exec(`INSERT INTO cases (id, status, patient_last_name, patient_first_name, patient_mrn, patient_dob, patient_sex, procedure_text, date_of_service, time_zone, created_at, updated_at)
      VALUES ('c2', 'closed', 'T', 'A', 'M1', '1970-01-01', 'F', 'P', '2026-11-26', 'UTC', 0, 5)`);
    const row = { caseId: 'c2', readerId: null, payerType: null, timeCode: null, orRoom: '', dateOfService: '2026-11-26', minutes: 10, clean: false, blocking: 1, warnings: 0, topRules: ['C04'], intervals: [] };
    store.write(() => store.billing.index({ ...row, monitoredMinutes: 12, cleanAtClose: false }, 10));
    store.write(() => store.billing.index({ ...row, monitoredMinutes: 14, cleanAtClose: true, clean: true, blocking: 0, topRules: [] }, 20));
    expect(store.billing.indexed('c2')).toMatchObject({ monitoredMinutes: 14, cleanAtClose: false, clean: true });
    expect(store.dashboard.rows('2026-11-26', '2026-11-26')[0]!.stale).toBe(false);
    store.close();
  });

  it('0007 (audit anchor): earlier data untouched; the store gets its own id once, kept by a second run', () => {
    const db = new Database(':memory:');
    migrate(db, 6);
    db.exec("INSERT INTO settings (key, value) VALUES ('k', '\"v\"')");
    expect(migrate(db, 7)).toBe(7);
    const id = (db.prepare("SELECT value FROM settings WHERE key = 'audit.storeId'").get() as { value: string }).value;
    expect(JSON.parse(id)).toMatch(/^[0-9a-f-]{36}$/);
    expect(db.prepare("SELECT value FROM settings WHERE key = 'k'").get()).toEqual({ value: '"v"' });
    expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION);
    expect((db.prepare("SELECT value FROM settings WHERE key = 'audit.storeId'").get() as { value: string }).value).toBe(id);
    db.close();
  });

  it('0008 (sync): existing cases are marked to send; a new case and each change mark it again; events are not touched', () => {
    const db = new Database(':memory:');
    migrate(db, 7);
    const insert = (id: string) =>
      db.exec(`INSERT INTO cases (id, status, patient_last_name, patient_first_name, patient_mrn, patient_dob, patient_sex, procedure_text, date_of_service, time_zone, created_at, updated_at)
        VALUES ('${id}', 'open', 'T', 'A', 'M1', '1970-01-01', 'F', 'P', '2026-11-26', 'UTC', 0, 5)`);
    insert('before');
    expect(migrate(db, 8)).toBe(8);
    // A case from before the step is not marked by it: enrolling marks everything (sync-repo).
    expect(db.prepare('SELECT count(*) AS n FROM sync_dirty').get()).toEqual({ n: 0 });
    insert('after');
    expect(db.prepare('SELECT entity, key, seq FROM sync_dirty').all()).toEqual([{ entity: 'case', key: 'after', seq: 1 }]);
    db.exec("UPDATE cases SET status = 'capturing' WHERE id = 'before'");
    db.exec("UPDATE cases SET status = 'capturing' WHERE id = 'after'");
    expect(db.prepare('SELECT key, seq FROM sync_dirty ORDER BY seq').all()).toEqual([
      { key: 'before', seq: 2 },
      { key: 'after', seq: 3 },
    ]);
    expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });
});
