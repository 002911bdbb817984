/**
 * Tampering as an attacker with a raw SQLite tool would do it (triggers dropped, hashes recomputed
 * where that is possible without the key), checked by the real `closeout audit verify`: each kind
 * is named, exit 3. And the honest cases stay quiet: a failed COMMIT, two processes writing at
 * once, a data folder restored on another computer.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { auditHashInput } from '../../shared/domain/audit';
import type { AuditVerification } from '../../shared/contract/api';
import { ANCHOR_FILE_NAME } from '../../electron/services/store/audit-anchor';
import { DB_FILE_NAME } from '../../electron/services/store/open-db';
import { Store } from '../../electron/services/store/store';
import { AuditRepo } from '../../electron/services/store/audit-repo';
import { migrate } from '../../electron/services/store/migrations';
import { completeReport, sampleCase, testBackend } from '../helpers/backend';
import { cli, ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

const sha256 = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');

/** A closed, signed case with a few events, in a fresh data folder; the backend is closed after. */
async function signedCase() {
  const b = testBackend();
  const doc = await b.ok('createPerson', { role: 'physician', lastName: 'Reader', firstName: 'Rita', credential: 'MD', npi: '1234567893' });
  const c = await b.ok('createCase', sampleCase({ physicianId: doc.id, readerLocation: 'in_room' }));
  const t0 = Date.now() - 3 * 3600_000;
  const note = (min: number, text: string, kind: 'note' | 'milestone' | 'monitoring_start' | 'monitoring_end' = 'note') =>
    b.ok('addNote', { caseId: c.id, text, occurredAt: t0 + min * 60_000, clientId: `seed-${min}-${kind}`, kind });
  await note(0, 'Monitoring start', 'monitoring_start');
  for (let m = 5; m < 120; m += 1) await note(m, `Check ${m}: all modalities at baseline`);
  await note(125, 'Monitoring end', 'monitoring_end');
  const user = await b.ok('saveUser', { user: { name: 'Dr Reader', role: 'physician', personId: doc.id } });
  await b.ok('setUserPin', { id: user.id, newPin: 'correct-horse' });
  await b.ok('setCaseStatus', { id: c.id, status: 'closed' });
  await completeReport(b, c.id, 'Monitoring as documented; no recordings were captured by the workstation.');
  await b.ok('signReport', { caseId: c.id, userId: user.id, pin: 'correct-horse' });
  const dataDir = b.dataDir;
  await b.close();
  return { dataDir, caseId: c.id };
}

function tamper(dataDir: string, fn: (db: Database.Database) => void): void {
  const db = new Database(path.join(dataDir, DB_FILE_NAME));
  for (const t of ['audit_append_only_update', 'audit_append_only_delete', 'events_append_only_update', 'events_append_only_delete', 'report_versions_immutable_update', 'report_versions_immutable_delete']) {
    db.exec(`DROP TRIGGER IF EXISTS ${t}`);
  }
  fn(db);
  db.close();
}

/** Recompute every audit hash from `fromSeq` on, as someone who knows the (unkeyed) chain would. */
function rehashFrom(db: Database.Database, fromSeq: number): void {
  type Row = { seq: number; at: number; actor: string; action: string; case_id: string | null; detail: string; prev_hash: string; hash: string };
  const rows = db.prepare('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq').all(fromSeq) as Row[];
  let prev = (db.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(fromSeq - 1) as { hash: string } | undefined)?.hash ?? '0'.repeat(64);
  for (const r of rows) {
    const hash = sha256(auditHashInput({ seq: r.seq, at: r.at, actor: r.actor, action: r.action, caseId: r.case_id, detail: JSON.parse(r.detail), prevHash: prev }));
    db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, hash, r.seq);
    prev = hash;
  }
}

async function verify(dataDir: string, ...more: string[]): Promise<{ code: number; v: AuditVerification }> {
  const r = await cli(dataDir, ['audit', 'verify', '--json', ...more]);
  return { code: r.code, v: JSON.parse(r.stdout) as AuditVerification };
}

const kinds = (v: AuditVerification) => v.problems.map((p) => p.kind);

describe('audit verify: the chain, its anchor, the signed versions and the events behind them', () => {
  it('an untouched store is intact, with its signed version and its events checked', async () => {
    const { dataDir } = await signedCase();
    const { code, v } = await verify(dataDir);
    expect(code).toBe(0);
    expect(v).toMatchObject({ intact: true, signedVersions: 1, problems: [], notes: [] });
    expect(v.message).toMatch(/^The audit log is intact \(\d+ entries, anchored\); 1 signed report version and the events behind it are as signed\.$/);
    expect(fs.statSync(path.join(dataDir, ANCHOR_FILE_NAME)).mode & 0o077).toBe(0);
    const text = await cli(dataDir, ['audit', 'verify']);
    expect(text.code).toBe(0);
  });

  it('names entries deleted from the end of the log, and a whole log deleted', async () => {
    const { dataDir } = await signedCase();
    const rows = (await verify(dataDir)).v.rows;
    tamper(dataDir, (db) => db.prepare('DELETE FROM audit_log WHERE seq > ?').run(rows - 2));
    const cut = await verify(dataDir);
    expect(cut.code).toBe(3);
    expect(cut.v.problems[0]).toMatchObject({ kind: 'tail-removed', seq: rows - 1 });
    expect(cut.v.problems[0]?.message).toBe(`2 entries were removed from the end of the audit log: the anchor records ${rows}, the log ends at ${rows - 2}.`);
    // The signing entry went with the tail: the signed version no longer has one.
    expect(kinds(cut.v)).toContain('signed-unaudited');

    tamper(dataDir, (db) => db.exec('DELETE FROM audit_log'));
    const gone = await verify(dataDir);
    expect(gone.code).toBe(3);
    expect(gone.v.message).toContain(`The whole audit log was removed: the anchor records ${rows} entries, the log holds none.`);
    const text = await cli(dataDir, ['audit', 'verify']);
    expect(text.code).toBe(3);
    expect(text.stderr).toContain('The whole audit log was removed');
  });

  it("names a signed report's text edited with the triggers dropped, with or without its hash recomputed", async () => {
    const { dataDir, caseId } = await signedCase();
    tamper(dataDir, (db) => db.prepare(`UPDATE report_versions SET content = replace(content, 'Monitoring as documented', 'Monitoring was uneventful') WHERE case_id = ?`).run(caseId));
    const plain = await verify(dataDir);
    expect(plain.code).toBe(3);
    expect(plain.v.problems).toEqual([expect.objectContaining({ kind: 'signed-changed', caseId, message: expect.stringMatching(/signed version 1 .*: the signed text was changed after signing \(it no longer matches the hash stored with it\)\./) })]);

    tamper(dataDir, (db) => {
      const { content } = db.prepare('SELECT content FROM report_versions WHERE case_id = ?').get(caseId) as { content: string };
      db.prepare('UPDATE report_versions SET content_sha256 = ? WHERE case_id = ?').run(sha256(content), caseId);
    });
    const rehashed = await verify(dataDir);
    expect(rehashed.code).toBe(3);
    expect(rehashed.v.problems).toEqual([expect.objectContaining({ kind: 'signed-changed', message: expect.stringMatching(/its hash was recomputed, but the signing entry \d+ in the audit log recorded another/) })]);
  });

  it('a chain rewritten to match (every hash recomputed) is caught by the anchor, and an anchor edited to match by its seal', async () => {
    const { dataDir, caseId } = await signedCase();
    tamper(dataDir, (db) => {
      db.prepare(`UPDATE report_versions SET content = replace(content, 'Monitoring as documented', 'Monitoring was uneventful') WHERE case_id = ?`).run(caseId);
      const { content } = db.prepare('SELECT content FROM report_versions WHERE case_id = ?').get(caseId) as { content: string };
      db.prepare('UPDATE report_versions SET content_sha256 = ? WHERE case_id = ?').run(sha256(content), caseId);
      const sign = db.prepare(`SELECT seq, detail FROM audit_log WHERE action = 'report.sign' AND case_id = ?`).get(caseId) as { seq: number; detail: string };
      const detail = { ...JSON.parse(sign.detail), contentSha256: sha256(content) };
      db.prepare('UPDATE audit_log SET detail = ? WHERE seq = ?').run(JSON.stringify(detail), sign.seq);
      rehashFrom(db, sign.seq);
    });
    const rewritten = await verify(dataDir);
    expect(rewritten.code).toBe(3);
    expect(kinds(rewritten.v)).toEqual(['chain-rewritten']);
    expect(rewritten.v.message).toMatch(/The audit log was rewritten: its last entry \(\d+\) is not the one the anchor records/);

    // The tamperer now makes the anchor name the rewritten head: without the key, the seal breaks.
    const file = path.join(dataDir, ANCHOR_FILE_NAME);
    const anchor = JSON.parse(fs.readFileSync(file, 'utf8'));
    const db = new Database(path.join(dataDir, DB_FILE_NAME), { readonly: true });
    const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    db.close();
    anchor.anchor.head = last;
    anchor.anchor.before = last;
    fs.writeFileSync(file, JSON.stringify(anchor));
    const forged = await verify(dataDir);
    expect(forged.code).toBe(3);
    expect(kinds(forged.v)).toEqual(['anchor-seal-broken']);

    // Closeout goes on working, and the next audited change does not make the forgery whole.
    const b = testBackend({ dataDir });
    await b.ok('createPerson', { role: 'technologist', lastName: 'Next', firstName: 'Nia' });
    await b.close();
    const after = await verify(dataDir);
    expect(after.code).toBe(3);
    expect(after.v.problems).toEqual([expect.objectContaining({ kind: 'anchor-broke-before', message: expect.stringContaining('the audit anchor had been altered (its seal did not match) and was made again') })]);
  });

  it('names an event behind a signed report that was edited or deleted after signing', async () => {
    const { dataDir, caseId } = await signedCase();
    const ids = (() => {
      const db = new Database(path.join(dataDir, DB_FILE_NAME), { readonly: true });
      const r = (db.prepare('SELECT id FROM events WHERE case_id = ? ORDER BY id').all(caseId) as { id: number }[]).map((x) => x.id);
      db.close();
      return r;
    })();
    expect(ids.length).toBeGreaterThan(100);
    const target = ids[70]!;
    tamper(dataDir, (db) => db.prepare(`UPDATE events SET text = 'Check: MEP loss L TA' WHERE id = ?`).run(target));
    const edited = await verify(dataDir);
    expect(edited.code).toBe(3);
    expect(edited.v.problems).toHaveLength(1);
    expect(edited.v.problems[0]).toMatchObject({ kind: 'events-changed', caseId });
    expect(edited.v.problems[0]?.message).toMatch(new RegExp(`an event the signed report was drawn from was changed or removed after signing, among events #${ids[64]}–#${ids.at(-1)}`));

    const db = new Database(path.join(dataDir, DB_FILE_NAME));
    db.exec('DROP TRIGGER IF EXISTS events_append_only_delete');
    db.prepare('DELETE FROM events WHERE id = ?').run(ids[3]!);
    db.close();
    const removed = await verify(dataDir, '--case', caseId.slice(0, 8));
    expect(removed.code).toBe(3);
    expect(removed.v.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(new RegExp(`among events #${ids[0]}–#${ids[63]} .*\\(64 at signing, 63 now\\)`)),
      expect.stringMatching(new RegExp(`among events #${ids[64]}–#${ids.at(-1)}`)),
    ]);
  });

  it('an anchor file removed, or entries appended outside Closeout, are named', async () => {
    const { dataDir } = await signedCase();
    tamper(dataDir, (db) => {
      const last = db.prepare('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
      const e = { seq: last.seq + 1, at: Date.now(), actor: 'user:x', action: 'report.view', caseId: null, detail: {}, prevHash: last.hash };
      db.prepare('INSERT INTO audit_log (seq, at, actor, action, case_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)').run(e.seq, e.at, e.actor, e.action, '{}', e.prevHash, sha256(auditHashInput(e)));
    });
    const added = await verify(dataDir);
    expect(added.code).toBe(3);
    expect(added.v.problems).toEqual([expect.objectContaining({ kind: 'rows-unanchored', message: expect.stringMatching(/^1 entry \(from entry \d+\) were added to the audit log outside Closeout/) })]);

    const other = await signedCase();
    fs.rmSync(path.join(other.dataDir, ANCHOR_FILE_NAME));
    const missing = await verify(other.dataDir);
    expect(missing.code).toBe(3);
    expect(missing.v.problems).toEqual([expect.objectContaining({ kind: 'anchor-broke-before', message: expect.stringContaining('the audit anchor was missing and was made again') })]);
  });

  it('a COMMIT that fails puts the old anchor back: nothing is reported afterwards', () => {
    const dataDir = tempDir();
    const store = Store.open({ dataDir });
    store.write(() => store.audit.append({ actor: 'test', action: 'test.one', caseId: null }, Date.now()));
    const before = fs.readFileSync(path.join(dataDir, ANCHOR_FILE_NAME), 'utf8');
    // A deferred foreign key fails at COMMIT, after the anchor was moved inside the transaction.
    expect(() =>
      store.write(() => {
        store.db.pragma('defer_foreign_keys = ON');
        store.audit.append({ actor: 'test', action: 'test.two', caseId: null }, Date.now());
        store.db.prepare(`INSERT INTO events (case_id, kind, text, occurred_at, received_at, source, dedupe_key) VALUES ('no-such-case', 'note', '', 1, 1, 'x', 'k')`).run();
      }),
    ).toThrow(/FOREIGN KEY/);
    expect(fs.readFileSync(path.join(dataDir, ANCHOR_FILE_NAME), 'utf8')).toBe(before);
    expect(store.audit.verify()).toMatchObject({ rows: 1, problems: [] });
    // A body that throws after appending leaves the anchor alone too.
    expect(() => store.write(() => { store.audit.append({ actor: 'test', action: 'test.three', caseId: null }, Date.now()); throw new Error('boom'); })).toThrow('boom');
    expect(store.audit.verify()).toMatchObject({ rows: 1, problems: [] });
    store.close();
  });

  it('two processes writing audited changes at once leave an intact, anchored log', async () => {
    const b = testBackend();
    await b.ok('createPerson', { role: 'technologist', lastName: 'First', firstName: 'Fay' });
    const child = (i: number) =>
      new Promise<number>((resolve, reject) => {
        const p = spawn(process.execPath, [path.join(ROOT, 'bin', 'closeout.js'), '--data-dir', b.dataDir, 'people', 'add', '--role', 'technologist', '--last', `Child${i}`, '--first', 'Cy'], { stdio: 'ignore', env: process.env });
        p.on('error', reject);
        p.on('exit', (code) => resolve(code ?? -1));
      });
    const children = Promise.all([1, 2, 3, 4].map(child));
    for (let i = 0; i < 15; i++) await b.ok('createPerson', { role: 'technologist', lastName: `Parent${i}`, firstName: 'Pat' });
    expect(await children).toEqual([0, 0, 0, 0]);
    const v = await b.ok('verifyAudit', {});
    expect(v).toMatchObject({ intact: true, rows: 20, problems: [] });
    await b.close();
  });

  it('a data folder restored on another computer (no key there) is checked without its seal, and says so', async () => {
    const { dataDir } = await signedCase();
    const elsewhere = path.join(tempDir(), 'restored');
    fs.cpSync(dataDir, elsewhere, { recursive: true });
    const keys = tempDir();
    const prev = process.env['CLOSEOUT_KEY_DIR'];
    process.env['CLOSEOUT_KEY_DIR'] = keys;
    try {
      const { code, v } = await verify(elsewhere);
      expect(code).toBe(0);
      expect(v.intact).toBe(true);
      expect(v.notes).toEqual([expect.stringContaining("The audit anchor's key is not on this computer")]);
    } finally {
      process.env['CLOSEOUT_KEY_DIR'] = prev;
    }
  });

  it('a store from before anchors is anchored at its head when upgraded, and says from where', async () => {
    const dataDir = tempDir();
    const raw = new Database(path.join(dataDir, DB_FILE_NAME));
    migrate(raw, 6);
    const old = new AuditRepo(raw);
    for (let i = 0; i < 5; i++) old.append({ actor: 'test', action: 'old.entry', caseId: null }, Date.now());
    raw.close();
    const { code, v } = await verify(dataDir);
    expect(code).toBe(0);
    expect(v).toMatchObject({ intact: true, rows: 5, problems: [] });
    expect(v.notes).toEqual(['The anchor vouches for the log from entry 5 on (the log is older than its anchor).']);
    tamper(dataDir, (db) => db.prepare('DELETE FROM audit_log WHERE seq = 5').run());
    expect((await verify(dataDir)).v.problems[0]).toMatchObject({ kind: 'tail-removed' });
  });

  it('a data folder taken away while running: an audited change is refused in words, not half-saved', async () => {
    const b = testBackend({ dataDir: path.join(tempDir(), 'data') });
    await b.ok('createPerson', { role: 'technologist', lastName: 'Before', firstName: 'Bo' });
    fs.rmSync(b.dataDir, { recursive: true, force: true });
    const e = await b.fail('createPerson', { role: 'technologist', lastName: 'After', firstName: 'Al' });
    expect(e.code).toBe('DB_UNAVAILABLE');
    expect(e.message).toMatch(/^The data folder \(.*\) is no longer there: it was moved, removed, or its drive was disconnected while Closeout was running\. This change was not saved\./);
    await b.close();
  });

  it('--case with no such case is bad input (exit 2)', async () => {
    const { dataDir } = await signedCase();
    const r = await cli(dataDir, ['audit', 'verify', '--case', 'no-such-case-id']);
    expect(r.code).toBe(2);
  });
});
