import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DB_FILE_NAME } from '../../electron/services/store/open-db';
import { completeReport, sampleCase, testBackend, type TestBackend } from '../helpers/backend';
import { SECTION_IDS } from '../../shared/report/sections';

async function caseWithEvents(b: TestBackend) {
  const doc = await b.ok('createPerson', { role: 'physician', lastName: 'Reader', firstName: 'Rita', credential: 'MD', npi: '1234567893' });
  const c = await b.ok('createCase', sampleCase({ physicianId: doc.id, readerLocation: 'in_room' }));
  const t0 = Date.now() - 3 * 3600_000;
  const note = (min: number, text: string, kind: 'note' | 'milestone' | 'monitoring_start' | 'monitoring_end' = 'note') =>
    b.ok('addNote', { caseId: c.id, text, occurredAt: t0 + min * 60_000, clientId: `seed-${min}-${text.length}-${kind}`, kind });
  await note(0, 'Monitoring start', 'monitoring_start');
  await note(10, 'Incision', 'milestone');
  await note(120, 'At closure all modalities at baseline');
  await note(125, 'Monitoring end', 'monitoring_end');
  const user = await b.ok('saveUser', { user: { name: 'Dr Reader', role: 'physician', personId: doc.id } });
  await b.ok('setUserPin', { id: user.id, newPin: 'correct-horse' });
  return { c, user, doc };
}

describe('report', () => {
  it('is drafted from the facts, edits survive later updates, and the UI learns a section changed since', async () => {
    const b = testBackend();
    const { c } = await caseWithEvents(b);
    const r1 = await b.ok('getReport', { caseId: c.id });
    expect(r1.sections.map((s) => s.origin)).toEqual(Array(SECTION_IDS.length).fill('draft'));
    expect(r1.sections.find((s) => s.id === 'closing')?.text).toMatch(/At closure all modalities at baseline\.$/);
    const r2 = await b.ok('saveSection', { caseId: c.id, sectionId: 'interpretation', text: 'Uneventful monitoring; no changes from baseline.' });
    const interp = r2.sections.find((s) => s.id === 'interpretation')!;
    expect(interp).toMatchObject({ origin: 'person', text: 'Uneventful monitoring; no changes from baseline.', changedSinceEdit: false });
    // New facts arrive: the person's text stays, the UI is told the draft moved on.
    await b.ok('addNote', { caseId: c.id, text: 'Loss of L TA MEP', occurredAt: Date.now() - 60_000, clientId: 'late-alert-1', kind: 'alert' });
    const r3 = await b.ok('getReport', { caseId: c.id });
    const again = r3.sections.find((s) => s.id === 'interpretation')!;
    expect(again.text).toBe('Uneventful monitoring; no changes from baseline.');
    expect(again.changedSinceEdit).toBe(true);
    expect(again.suggestion).toContain('has no recorded recovery');
    // Back to the draft.
    const r4 = await b.ok('saveSection', { caseId: c.id, sectionId: 'interpretation', text: null });
    expect(r4.sections.find((s) => s.id === 'interpretation')?.origin).toBe('draft');
    await b.close();
  });

  it('closing records the report-lag times; signing needs a closed case, a physician and the right PIN', async () => {
    const b = testBackend();
    const { c, user } = await caseWithEvents(b);
    const early = await b.fail('signReport', { caseId: c.id, userId: user.id, pin: 'correct-horse' });
    expect(early.message).toMatch(/^Close the case before signing/);
    await b.ok('setCaseStatus', { id: c.id, status: 'closed' });
    // Typed facts only, no recordings: the report lists its gaps, and nobody has written the
    // interpretation. Refused in plain words, before any PIN is asked for.
    const notReady = await b.fail('signReport', { caseId: c.id, userId: user.id, pin: 'correct-horse' });
    expect(notReady.code).toBe('INVALID_STATE');
    expect(notReady.message).toMatch(/^Not signed\. The interpretation has not been written: the interpreting physician writes it, or adopts the suggested wording/);
    expect(notReady.message).toContain('The report still lists 5 gaps (Surgeon: not recorded; Modalities: not recorded; Baselines: not recorded; …): record what is missing, or edit the section to say what is known.');
    await completeReport(b, c.id, 'Monitoring as documented; no recordings were captured by the workstation.');

    expect((await b.fail('signReport', { caseId: c.id, userId: user.id, pin: 'wrong-pin' })).message).toBe('That PIN is not right. Nothing was signed.');
    expect((await b.fail('signReport', { caseId: c.id, userId: 'Nobody', pin: 'x' })).message).toMatch(/^No active user by that name/);
    const tech = await b.ok('saveUser', { user: { name: 'Tess Tech', role: 'technologist' } });
    await b.ok('setUserPin', { id: tech.id, newPin: 'tech-pass' });
    expect((await b.fail('signReport', { caseId: c.id, userId: tech.id, pin: 'tech-pass' })).message).toBe('Tess Tech is not an interpreting physician, so cannot sign reports.');

    const v = await b.ok('signReport', { caseId: c.id, userId: 'dr reader', pin: 'correct-horse' });
    expect(v).toMatchObject({ version: 1, kind: 'original', signerName: 'Dr Reader', signerCredential: 'MD' });
    expect(v.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await b.ok('getCase', { id: c.id })).case.status).toBe('signed');

    // Signing twice, editing, or changing the record: refused.
    expect((await b.fail('signReport', { caseId: c.id, userId: user.id, pin: 'correct-horse' })).message).toMatch(/already signed/);
    expect((await b.fail('saveSection', { caseId: c.id, sectionId: 'closing', text: 'changed' })).message).toMatch(/signed and cannot change/);
    expect((await b.fail('updateCase', { id: c.id, version: 99, fields: sampleCase() })).code).toBe('INVALID_STATE');

    const db = new Database(path.join(b.dataDir, DB_FILE_NAME), { readonly: true });
    const times = Object.fromEntries((db.prepare('SELECT what, at FROM case_times WHERE case_id = ?').all(c.id) as { what: string; at: number }[]).map((r) => [r.what, r.at]));
    const audit = (db.prepare('SELECT action, detail FROM audit_log WHERE case_id = ? ORDER BY seq').all(c.id) as { action: string; detail: string }[]).map((r) => `${r.action}${JSON.parse(r.detail).code ? `:${JSON.parse(r.detail).code}` : ''}`);
    db.close();
    expect(Object.keys(times).sort()).toEqual(['closed', 'draft_complete', 'monitoring_ended', 'signed']);
    expect(times['monitoring_ended']).toBeLessThan(times['closed']!);
    expect(audit).toEqual(expect.arrayContaining(['report.sign_refused:interpretation_missing', 'report.sign_refused:pin', 'report.sign_refused:unknown_user', 'report.sign_refused:not_physician', 'report.sign', 'report.sign_refused:already_signed', 'report.edit_refused:signed']));
    expect((await b.ok('verifyAudit', {})).intact).toBe(true);
    await b.close();
  });

  it('a change after signing is an addendum: a new signed version referencing the original, which is kept', async () => {
    const b = testBackend();
    const { c, user } = await caseWithEvents(b);
    await b.ok('setCaseStatus', { id: c.id, status: 'closed' });
    await completeReport(b, c.id);
    const original = await b.ok('signReport', { caseId: c.id, userId: user.id, pin: 'correct-horse' });
    const add = await b.ok('addAddendum', { caseId: c.id, userId: user.id, pin: 'correct-horse', text: 'Correction: the alert at 09:36 was on the left.' });
    expect(add).toMatchObject({ version: 2, kind: 'addendum', addendumText: 'Correction: the alert at 09:36 was on the left.' });
    const r = await b.ok('getReport', { caseId: c.id });
    expect(r.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(r.versions[0]!.contentSha256).toBe(original.contentSha256);
    expect(r.locked).toBe(true);
    expect((await b.ok('getCase', { id: c.id })).case.status).toBe('amended');
    // The stored signed content cannot be altered, even with raw SQL.
    const db = new Database(path.join(b.dataDir, DB_FILE_NAME));
    expect(() => db.prepare("UPDATE report_versions SET content = 'x'").run()).toThrow(/cannot change; add an addendum/);
    db.close();
    await b.close();
  });

  it('a new user with a weak PIN is not added at all; with a good one, user and PIN are stored together', async () => {
    const b = testBackend();
    const weak = await b.fail('saveUser', { user: { name: 'Dr Weak', role: 'physician' }, pin: '1234' });
    expect(weak).toMatchObject({ code: 'BAD_INPUT', fields: { pin: expect.stringMatching(/digits needs at least 6/) } });
    expect((await b.ok('listUsers', {})).map((u) => u.name)).not.toContain('Dr Weak');
    const u = await b.ok('saveUser', { user: { name: 'Dr Weak', role: 'physician' }, pin: '48151623' });
    expect(u).toMatchObject({ name: 'Dr Weak', hasPin: true });
    // An existing user's PIN changes only with its current PIN.
    expect((await b.fail('saveUser', { id: u.id, user: { name: 'Dr Weak', role: 'physician' }, pin: '99887766' })).fields).toHaveProperty('pin');
    await b.close();
  });

  it('PINs are stored as slow salted hashes and changing one needs the current one', async () => {
    const b = testBackend();
    const u = await b.ok('saveUser', { user: { name: 'Dr New', role: 'physician' } });
    expect((await b.fail('setUserPin', { id: u.id, newPin: '1234' })).message).toMatch(/digits needs at least 6/);
    await b.ok('setUserPin', { id: u.id, newPin: '48151623' });
    expect((await b.fail('setUserPin', { id: u.id, currentPin: 'nope', newPin: 'another-one' })).fields?.['currentPin']).toBe('The current PIN is not right.');
    await b.ok('setUserPin', { id: u.id, currentPin: '48151623', newPin: 'another-one' });
    const db = new Database(path.join(b.dataDir, DB_FILE_NAME), { readonly: true });
    const hash = (db.prepare('SELECT pin_hash FROM users WHERE id = ?').get(u.id) as { pin_hash: string }).pin_hash;
    db.close();
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain('another-one');
    expect(JSON.stringify(await b.ok('listUsers', {}))).not.toContain('scrypt');
    await b.close();
  });
});
