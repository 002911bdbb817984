import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCase, type TestBackend } from '../helpers/backend';
import { until } from '../helpers/patience';
import { addUser, loginCookie, request, startTestServer, type TestServer } from '../helpers/practice-server';
import { closedRemoteCase, joinedWorkstations } from '../helpers/practice-workstation';
import { tempDir } from '../helpers/temp-dir';

const NPI = '1234567893';
let s: TestServer;
let cookie: string;
const stations = joinedWorkstations(() => s);
const joined = stations.join;

beforeAll(async () => {
  s = await startTestServer();
  cookie = await loginCookie(s, 'dr.remote', await addUser(s.dir, 'dr.remote', ['physician'], { npi: NPI }));
});

afterAll(async () => {
  await stations.closeAll();
  await s?.stop();
});

const closedCase = (b: TestBackend, tag: string) => closedRemoteCase(b, NPI, tag);

async function draftOnServer(caseId: string): Promise<{ draftSha256: string; blockers: string[]; sections: Array<{ id: string; text: string }> }> {
  const r = await request(s, 'GET', `/api/cases/${caseId}`, { cookie });
  expect(r.status).toBe(200);
  return r.body.draft;
}

describe('signing from the practice server (real PostgreSQL, HTTPS, SQLite workstations)', () => {
  it('the physician signs the report they read; the workstation takes the signature and sends the signed report to the EHR as if signed there', async () => {
    const b = await joined('OR R1', { background: true });
    const admin = await b.ok('saveUser', { user: { name: 'Ada Admin', role: 'admin' } });
    await b.ok('setUserPin', { id: admin.id, newPin: 'admin-pin-1' });
    const drop = tempDir();
    await b.ok('saveEhrSettings', { settings: { destinations: [{ kind: 'folder', id: 'scans', name: 'Scanning share', path: drop, sidecar: 'none' }] }, userId: 'Ada Admin', pin: 'admin-pin-1' });
    const caseId = await closedCase(b, 'r1');
    await until('the case in the physician’s queue with its draft', async () => {
      const q = await request(s, 'GET', '/api/queue', { cookie });
      return q.body.queue?.some((e: { caseId: string }) => e.caseId === caseId) && (await draftOnServer(caseId)) !== null;
    });
    const draft = await draftOnServer(caseId);
    expect(draft.blockers).toEqual([]);
    expect(draft.sections.find((x) => x.id === 'interpretation')!.text).toBe('Monitoring as documented; no significant change.');

    const wrongPw = await request(s, 'POST', `/api/cases/${caseId}/sign`, { cookie, body: { draftSha256: draft.draftSha256, password: 'not my password' } });
    expect(wrongPw.status).toBe(401);
    const stale = await request(s, 'POST', `/api/cases/${caseId}/sign`, { cookie, body: { draftSha256: 'ab'.repeat(32), password: 'a long enough passphrase' } });
    expect(stale.status).toBe(409);
    const signed = await request(s, 'POST', `/api/cases/${caseId}/sign`, { cookie, body: { draftSha256: draft.draftSha256, password: 'a long enough passphrase' } });
    expect(signed.status).toBe(202);
    const twice = await request(s, 'POST', `/api/cases/${caseId}/sign`, { cookie, body: { draftSha256: draft.draftSha256, password: 'a long enough passphrase' } });
    expect(twice.status).toBe(409);

    await until('the signature on the workstation', async () => (await b.ok('getReport', { caseId })).versions.length === 1);
    const v = (await b.ok('getReport', { caseId })).versions[0]!;
    expect(v).toMatchObject({ version: 1, kind: 'original', signerName: 'Synthetic dr.remote' });
    await until('the signed report in the EHR drop folder', () => fs.readdirSync(drop).some((f) => f.endsWith('.pdf')));
    expect((await b.ok('listDeliveries', { caseId })).length).toBe(1);
    await until('the server to know it was applied', async () => {
      const r = await s.db.pool.query(`SELECT state, version FROM remote_signatures WHERE case_id = $1`, [caseId]);
      return r.rows[0]?.state === 'applied' && r.rows[0]?.version === 1;
    });
    await until('the signed version and status on the server', async () => {
      const r = await s.db.pool.query(`SELECT (SELECT count(*)::int FROM ws_report_versions WHERE case_id = $1) AS v, (SELECT status FROM ws_cases WHERE case_id = $1) AS st`, [caseId]);
      return r.rows[0].v === 1 && ['signed', 'sent'].includes(r.rows[0].st);
    });
    const q = await request(s, 'GET', '/api/queue', { cookie });
    expect(q.body.queue.map((e: { caseId: string }) => e.caseId)).not.toContain(caseId);
    // The audit trail says who signed, and from where.
    const audit = await b.ok('verifyAudit', { caseId });
    expect(audit.problems).toEqual([]);
    expect(audit.intact).toBe(true);
  });

  it('a report that changed after the physician read it is refused on the workstation, with why; nothing is signed', async () => {
    const b = await joined('OR R2', { background: false });
    const caseId = await closedCase(b, 'r2');
    await b.ok('syncNow', {});
    const draft = await draftOnServer(caseId);
    // The technologist edits a section after the physician opened the report, before it syncs.
    await b.ok('saveSection', { caseId, sectionId: 'closing', text: 'Closing note added after the read.' });
    expect((await request(s, 'POST', `/api/cases/${caseId}/sign`, { cookie, body: { draftSha256: draft.draftSha256, password: 'a long enough passphrase' } })).status).toBe(202);
    await b.ok('syncNow', {});
    expect((await b.ok('getReport', { caseId })).versions).toEqual([]);
    const detail = await request(s, 'GET', `/api/cases/${caseId}`, { cookie });
    expect(detail.body.signatures[0]).toMatchObject({ state: 'refused' });
    expect(detail.body.signatures[0].reason).toMatch(/changed on the workstation after you read it/);
    // The new draft is there to read and sign.
    expect(detail.body.draft.draftSha256).not.toBe(draft.draftSha256);
    expect((await request(s, 'POST', `/api/cases/${caseId}/sign`, { cookie, body: { draftSha256: detail.body.draft.draftSha256, password: 'a long enough passphrase' } })).status).toBe(202);
    await b.ok('syncNow', {});
    expect((await b.ok('getReport', { caseId })).versions).toHaveLength(1);
  });

  it('signed on both sides at once: both are kept, in order, and the second says so', async () => {
    const b = await joined('OR R3', { background: false });
    const caseId = await closedCase(b, 'r3');
    await b.ok('syncNow', {});
    const draft = await draftOnServer(caseId);
    expect((await request(s, 'POST', `/api/cases/${caseId}/sign`, { cookie, body: { draftSha256: draft.draftSha256, password: 'a long enough passphrase' } })).status).toBe(202);
    // Meanwhile, at the workstation, a physician signs with a PIN.
    const doc = (await b.ok('listPeople', { role: 'physician' })).find((p) => p.npi === NPI)!;
    const local = await b.ok('saveUser', { user: { name: 'Dr Local', role: 'physician', personId: doc.id } });
    await b.ok('setUserPin', { id: local.id, newPin: 'correct-horse' });
    await b.ok('signReport', { caseId, userId: local.id, pin: 'correct-horse' });
    await b.ok('syncNow', {});
    const versions = (await b.ok('getReport', { caseId })).versions;
    expect(versions.map((v) => [v.version, v.kind, v.signerName])).toEqual([
      [1, 'original', 'Dr Local'],
      [2, 'addendum', 'Synthetic dr.remote'],
    ]);
    expect(versions[1]!.addendumText).toMatch(/^Also signed on the practice server by Synthetic dr\.remote .* for the same report text, while it was being signed on this workstation \(version 1, Dr Local\)\. Both signatures are kept\.$/);
    // A second look at the same signature (its answer lost) changes nothing.
    await s.db.pool.query(`UPDATE remote_signatures SET state = 'pending' WHERE case_id = $1`, [caseId]);
    await b.ok('syncNow', {});
    expect((await b.ok('getReport', { caseId })).versions).toHaveLength(2);
    expect((await s.db.pool.query(`SELECT state, version FROM remote_signatures WHERE case_id = $1`, [caseId])).rows[0]).toEqual({ state: 'applied', version: 2 });
  });

  it('a physician cannot sign a case that does not name them; billing cannot sign at all', async () => {
    const b = await joined('OR R4', { background: false });
    const other = await b.ok('createPerson', { role: 'physician', lastName: 'Else', firstName: 'Eve', credential: 'MD', npi: '1245319599' });
    const c = await b.ok('createCase', sampleCase({ physicianId: other.id }));
    await b.ok('setCaseStatus', { id: c.id, status: 'closed' });
    await b.ok('syncNow', {});
    const d = await draftOnServer(c.id);
    const r = await request(s, 'POST', `/api/cases/${c.id}/sign`, { cookie, body: { draftSha256: d.draftSha256, password: 'a long enough passphrase' } });
    expect(r.status).toBe(403);
    const billing = await loginCookie(s, 'billing.rs', await addUser(s.dir, 'billing.rs', ['billing']));
    expect((await request(s, 'POST', `/api/cases/${c.id}/sign`, { cookie: billing, body: { draftSha256: d.draftSha256, password: 'a long enough passphrase' } })).status).toBe(403);
  });
});
