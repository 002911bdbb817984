import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DB_FILE_NAME } from '../../electron/services/store/open-db';
import { completeReport, sampleCase, testBackend } from '../helpers/backend';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/patience';

async function withPeople() {
  const b = testBackend();
  const tech = await b.ok('createPerson', { role: 'technologist', lastName: 'Tech', firstName: 'Tess', credential: 'CNIM' });
  const doc = await b.ok('createPerson', { role: 'physician', lastName: 'Reader', firstName: 'Rita', credential: 'MD', npi: '1234567893' });
  const surgeon = await b.ok('createPerson', { role: 'surgeon', lastName: 'Cutter', firstName: 'Cy', credential: 'MD', npi: '1000000004' });
  return { b, tech, doc, surgeon };
}

describe('cases through the backend', () => {
  it('creates a complete case, lists it, shows it with no gaps, and audits each step', async () => {
    const { b, tech, doc, surgeon } = await withPeople();
    const c = await b.ok('createCase', sampleCase({ technologistId: tech.id, physicianId: doc.id, surgeonId: surgeon.id, readerLocation: 'remote' }));
    expect(c.status).toBe('open');
    expect(c.version).toBe(1);
    expect(c.patient.mrn).toBe('SYN-1001');

    const list = await b.ok('listCases', {});
    expect(list).toEqual([expect.objectContaining({ id: c.id, patientName: 'Testpatient, Bea', mrn: 'SYN-1001', surgeonName: 'Cy Cutter' })]);

    const detail = await b.ok('getCase', { id: c.id });
    expect(detail.gaps).toEqual([]);
    expect(detail.people.physician?.npi).toBe('1234567893');
    expect(detail.allowedMoves).toEqual(['capturing', 'closed']);

    expect(b.pushes).toContainEqual({ name: 'caseChanged', payload: { caseId: c.id, status: 'open' } });
    const v = await b.ok('verifyAudit', {});
    expect(v.intact).toBe(true);
    expect(v.rows).toBe(5); // 3 people + create + view
    b.close();
  });

  it('refuses invalid input with field messages and stores nothing', async () => {
    const b = testBackend();
    const e = await b.fail('createCase', sampleCase({ patient: { lastName: '', firstName: 'A', mrn: 'M', dateOfBirth: '2090-01-01', sex: 'F' } }));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.fields?.['patient.lastName']).toBe("Enter the patient's last name.");
    const e2 = await b.fail('createCase', sampleCase({ patient: { lastName: 'A', firstName: 'B', mrn: 'M', dateOfBirth: '2090-01-01', sex: 'F' } }));
    expect(e2.fields?.['patient.dateOfBirth']).toMatch(/future/);
    expect(await b.ok('listCases', {})).toEqual([]);
    expect((await b.ok('verifyAudit', {})).rows).toBe(0);
    b.close();
  });

  it('checks that picked people exist and have the right role', async () => {
    const { b, tech } = await withPeople();
    const e = await b.fail('createCase', sampleCase({ physicianId: tech.id, surgeonId: 'no-such-person' }));
    expect(e.fields?.['physicianId']).toBe('Tess Tech is listed as technologist, not interpreting physician.');
    expect(e.fields?.['surgeonId']).toBe('That surgeon is not in the people list.');
    b.close();
  });

  it('updates with optimistic concurrency: a stale edit is refused, not merged', async () => {
    const b = testBackend();
    const c = await b.ok('createCase', sampleCase());
    const fields = { ...sampleCase(), payer: { type: 'commercial', name: 'Acme Health' } } as never;
    const u = await b.ok('updateCase', { id: c.id, version: 1, fields });
    expect(u.version).toBe(2);
    expect(u.payer).toEqual({ type: 'commercial', name: 'Acme Health' });
    const stale = await b.fail('updateCase', { id: c.id, version: 1, fields: sampleCase() });
    expect(stale.code).toBe('CONFLICT');
    expect((await b.ok('getCase', { id: c.id })).case.payer.name).toBe('Acme Health');
    b.close();
  });

  it('moves status only along allowed paths', async () => {
    const b = testBackend();
    const c = await b.ok('createCase', sampleCase());
    expect((await b.ok('setCaseStatus', { id: c.id, status: 'capturing' })).status).toBe('capturing');
    expect((await b.ok('setCaseStatus', { id: c.id, status: 'closed' })).status).toBe('closed');
    const e = await b.fail('setCaseStatus', { id: c.id, status: 'signed' });
    expect(e.code).toBe('INVALID_STATE');
    expect(e.message).toBe('A closed case cannot be set to signed directly.');
    expect((await b.ok('setCaseStatus', { id: c.id, status: 'open' })).status).toBe('open');
    b.close();
  });

  it('unknown ids and methods get specific messages', async () => {
    const b = testBackend();
    expect((await b.fail('getCase', { id: 'nope' })).message).toBe('No case with ID nope. Check the ID, or pick the case from the list.');
    const m = await b.call('dropAllTables', {});
    expect(m.ok ? null : m.code).toBe('BAD_INPUT');
    const a = await b.call('getCase', { id: 42 });
    expect(a.ok ? null : a.fields?.['id']).toBeTruthy();
    b.close();
  });

  it('searches by name or MRN, folding accents and case, all words must match', async () => {
    const b = testBackend();
    await b.ok('createCase', sampleCase({ patient: { lastName: 'Núñez', firstName: 'José', mrn: 'MX-77', dateOfBirth: '1970-01-01', sex: 'M' } }));
    await b.ok('createCase', sampleCase({ patient: { lastName: 'Żółć', firstName: 'Łukasz', mrn: 'PL-12', dateOfBirth: '1980-01-01', sex: 'M' } }));
    await b.ok('createCase', sampleCase({ patient: { lastName: '王', firstName: '伟', mrn: 'CN-5', dateOfBirth: '1990-01-01', sex: 'M' } }));
    const names = async (search: string) => (await b.ok('listCases', { search })).map((c) => c.patientName).sort();
    expect(await names('nunez')).toEqual(['Núñez, José']);
    expect(await names('ZOLC')).toEqual(['Żółć, Łukasz']);
    expect(await names('lukasz zolc')).toEqual(['Żółć, Łukasz']);
    expect(await names('Żółć, Ł')).toEqual(['Żółć, Łukasz']);
    expect(await names('pl-1')).toEqual(['Żółć, Łukasz']);
    expect(await names('王')).toEqual(['王, 伟']);
    expect(await names('%')).toEqual([]);
    expect(await names('')).toHaveLength(3);
    b.close();
  });
});

describe('notes', () => {
  it('stores a note at the keystroke time, pushes it, and a resend with the same client id is not duplicated', async () => {
    const b = testBackend();
    const c = await b.ok('createCase', sampleCase());
    const pressedAt = Date.now() - 1500;
    const note = { caseId: c.id, text: 'Baseline MEPs obtained', occurredAt: pressedAt, clientId: 'client-note-0001' };
    const e1 = await b.ok('addNote', note);
    const e2 = await b.ok('addNote', note);
    expect(e2.id).toBe(e1.id);
    expect(e1.occurredAt).toBe(pressedAt);
    expect(e1.receivedAt).toBeGreaterThanOrEqual(pressedAt);
    expect(e1).toMatchObject({ kind: 'note', source: 'keyboard', text: 'Baseline MEPs obtained' });
    expect(await b.ok('listEvents', { caseId: c.id })).toHaveLength(1);
    expect(b.pushes.filter((p) => p.name === 'eventCaptured')).toHaveLength(1);
    b.close();
  });

  it('refuses notes in the future, on closed cases, and empty ones', async () => {
    const b = testBackend();
    const c = await b.ok('createCase', sampleCase());
    expect((await b.fail('addNote', { caseId: c.id, text: 'x', occurredAt: Date.now() + 3_600_000, clientId: 'client-note-0002' })).code).toBe('BAD_INPUT');
    expect((await b.fail('addNote', { caseId: c.id, text: '   ', occurredAt: Date.now(), clientId: 'client-note-0003' })).fields?.['text']).toBe('Type the note first.');
    await b.ok('setCaseStatus', { id: c.id, status: 'closed' });
    const e = await b.fail('addNote', { caseId: c.id, text: 'late', occurredAt: Date.now(), clientId: 'client-note-0004' });
    expect(e.code).toBe('INVALID_STATE');
    expect(e.message).toBe('This case is closed. Re-open it to add notes.');
    b.close();
  });

  it('lists events newest first and pages without gaps or repeats', async () => {
    const b = testBackend();
    const c = await b.ok('createCase', sampleCase());
    const t0 = Date.now() - 100_000;
    // Equal times on purpose: paging must still be exact.
    for (let i = 0; i < 25; i++) await b.ok('addNote', { caseId: c.id, text: `n${i}`, occurredAt: t0 + Math.floor(i / 3) * 1000, clientId: `client-${String(i).padStart(6, '0')}` });
    const seen: string[] = [];
    let before: { occurredAt: number; id: number } | undefined;
    for (;;) {
      const page = await b.ok('listEvents', { caseId: c.id, limit: 7, ...(before ? { before } : {}) });
      if (page.length === 0) break;
      seen.push(...page.map((e) => e.text));
      const last = page[page.length - 1]!;
      before = { occurredAt: last.occurredAt, id: last.id };
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen[0]).toBe('n24');
    b.close();
  });
});

describe('people', () => {
  it('keeps each person once: the same NPI in the same role is refused with a pointer to the existing one', async () => {
    const { b } = await withPeople();
    const e = await b.fail('createPerson', { role: 'physician', lastName: 'Dup', firstName: 'D', credential: 'MD', npi: '1234567893' });
    expect(e.fields?.['npi']).toBe('NPI 1234567893 already belongs to Rita Reader. Pick them from the list instead.');
    const bad = await b.fail('createPerson', { role: 'physician', lastName: 'X', firstName: 'Y', npi: '1234567890' });
    expect(bad.fields?.['npi']).toMatch(/check digit/);
    b.close();
  });

  it('inactive people leave the pickers but stay on past cases', async () => {
    const { b, tech } = await withPeople();
    await b.ok('updatePerson', { id: tech.id, fields: { role: 'technologist', lastName: 'Tech', firstName: 'Tess', credential: 'CNIM', active: false } });
    expect((await b.ok('listPeople', { role: 'technologist' })).map((p) => p.id)).toEqual([]);
    expect((await b.ok('listPeople', { role: 'technologist', includeInactive: true })).map((p) => p.id)).toEqual([tech.id]);
    expect(b.pushes.filter((p) => p.name === 'peopleChanged').length).toBe(4);
    b.close();
  });
});

describe('store problems reach the user as plain messages', () => {
  it('a damaged database: status says so, calls fail with DB_CORRUPT, the file is kept', async () => {
    const dir = tempDir();
    const fs = await import('node:fs');
    fs.writeFileSync(path.join(dir, DB_FILE_NAME), 'garbage'.repeat(1000));
    const b = testBackend({ dataDir: dir });
    const s = await b.ok('getStatus', {});
    expect(s.store).toMatchObject({ state: 'error', code: 'DB_CORRUPT' });
    expect((await b.fail('listCases', {})).code).toBe('DB_CORRUPT');
    expect(fs.readFileSync(path.join(dir, DB_FILE_NAME), 'utf8')).toBe('garbage'.repeat(1000));
    b.close();
  });

  it('another program holding the write lock: DB_LOCKED, and nothing half-saved', async () => {
    const b = testBackend({ busyTimeoutMs: 150 });
    await b.ok('createCase', sampleCase());
    const other = new Database(path.join(b.dataDir, DB_FILE_NAME));
    other.exec('BEGIN IMMEDIATE');
    const e = await b.fail('createCase', sampleCase({ patient: { lastName: 'Second', firstName: 'S', mrn: 'S2', dateOfBirth: '1970-01-01', sex: 'F' } }));
    expect(e.code).toBe('DB_LOCKED');
    other.exec('ROLLBACK');
    other.close();
    expect(await b.ok('listCases', {})).toHaveLength(1);
    b.close();
  });
});

describe('demo case', () => {
  it('a demo whose folder is taken away stops; the backend goes on answering (no crash)', async () => {
    const b = testBackend({ seedDemo: true, capture: true, demoSpeed: 60 });
    const folder = path.join(b.dataDir, 'demo-device');
    await until('the demo device to write', () => fs.existsSync(folder) && fs.readdirSync(folder).length > 0);
    fs.rmSync(folder, { recursive: true, force: true });
    // The demo's own promise settles (the simulator's write failed), nothing is left unhandled.
    await b.demo?.done;
    expect((await b.ok('listCases', {})).length).toBe(1);
    await b.close();
  });

  it('appears once on the first start, its events played through the real watcher; never again', async () => {
    const dir = tempDir();
    const b1 = testBackend({ dataDir: dir, seedDemo: true, capture: true, demoSpeed: 50_000 });
    const list = await b1.ok('listCases', {});
    expect(list).toHaveLength(1);
    expect(list[0]?.patientName).toBe('Testpatient, Ada');
    await b1.demo?.done;
    await b1.capture?.idle();
    const events = await b1.ok('listEvents', { caseId: list[0]!.id, limit: 5000 });
    expect(events.filter((e) => e.source.startsWith('folder:')).length).toBeGreaterThan(100);
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['alert', 'surgeon_notified', 'intervention', 'alert_resolved', 'baseline', 'modality_activity', 'monitoring_start', 'monitoring_end']));
    expect((await b1.ok('getCase', { id: list[0]!.id })).gaps).toEqual([]);
    const timeline = await b1.ok('getTimeline', { caseId: list[0]!.id });
    expect(timeline.alerts.length).toBeGreaterThan(0);
    expect(timeline.alerts.every((a) => a.outcome === 'recovered' && a.notified !== null)).toBe(true);
    // The demo physician (PIN in the README) signs the demo case, and only it.
    const demoUser = (await b1.ok('listUsers', {})).find((u) => u.name === 'Morgan Example (demo)')!;
    const other = await b1.ok('createCase', sampleCase());
    await b1.ok('setCaseStatus', { id: other.id, status: 'closed' });
    await completeReport(b1, other.id);
    expect((await b1.fail('signReport', { caseId: other.id, userId: demoUser.id, pin: 'demo-sign' })).message).toBe('The demo physician can sign only the demo case.');
    await b1.ok('setCaseStatus', { id: list[0]!.id, status: 'closed' });
    await completeReport(b1, list[0]!.id);
    expect((await b1.ok('signReport', { caseId: list[0]!.id, userId: demoUser.id, pin: 'demo-sign' })).signerCredential).toBe('MD');
    await b1.close();
    const b2 = testBackend({ dataDir: dir, seedDemo: true, capture: true });
    expect(await b2.ok('listCases', {})).toHaveLength(2);
    expect(b2.demo).toBeNull();
    await b2.close();
  });

  it('is not added where real cases already exist', async () => {
    const dir = tempDir();
    const b1 = testBackend({ dataDir: dir });
    await b1.ok('createCase', sampleCase());
    await b1.close();
    const b2 = testBackend({ dataDir: dir, seedDemo: true, capture: true });
    expect((await b2.ok('listCases', {})).map((c) => c.patientName)).toEqual(['Testpatient, Bea']);
    expect(b2.demo).toBeNull();
    await b2.close();
  });
});

describe('global-shortcut marker', () => {
  it('lands on the capturing case at the key-press time, and says so plainly when nothing is capturing', async () => {
    const b = testBackend();
    const none = await b.fail('dropMarker', { occurredAt: Date.now(), clientId: 'marker-000001' });
    expect(none.message).toBe('No case is capturing, so the marker was not stored. Start capture on the case first.');
    const c = await b.ok('createCase', sampleCase());
    await b.ok('setCaseStatus', { id: c.id, status: 'capturing' });
    const pressed = Date.now() - 200;
    const m = await b.ok('dropMarker', { occurredAt: pressed, clientId: 'marker-000002' });
    expect(m).toMatchObject({ caseId: c.id, kind: 'marker', occurredAt: pressed, text: 'Marker' });
    await b.close();
  });
});
