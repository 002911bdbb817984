import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackend } from '../helpers/backend';
import { until } from '../helpers/patience';
import { addUser, loginCookie, request, serverCli, startTestServer, type TestServer } from '../helpers/practice-server';
import { closedRemoteCase, joinedWorkstations } from '../helpers/practice-workstation';
import { tempDir } from '../helpers/temp-dir';

const NPI = '1234567893';
const PASSWORD = 'a long enough passphrase';
let s: TestServer;
let doctor: string;
let billing: string;
const stations = joinedWorkstations(() => s);
const joined = stations.join;

beforeAll(async () => {
  s = await startTestServer();
  doctor = await loginCookie(s, 'dr.addenda', await addUser(s.dir, 'dr.addenda', ['physician'], { npi: NPI, credential: 'MD' }));
  billing = await loginCookie(s, 'billing.office', await addUser(s.dir, 'billing.office', ['billing']));
});

afterAll(async () => {
  await stations.closeAll();
  await s?.stop();
});

const closedCase = (b: TestBackend, tag: string) => closedRemoteCase(b, NPI, tag);

async function signRemotely(b: TestBackend, caseId: string): Promise<void> {
  await b.ok('syncNow', {});
  const draft = (await request(s, 'GET', `/api/cases/${caseId}`, { cookie: doctor })).body.draft as { draftSha256: string };
  expect((await request(s, 'POST', `/api/cases/${caseId}/sign`, { cookie: doctor, body: { draftSha256: draft.draftSha256, password: PASSWORD } })).status).toBe(202);
  await b.ok('syncNow', {});
  await b.ok('syncNow', {});
}

describe('addenda from the practice server (real PostgreSQL, HTTPS, SQLite workstations)', () => {
  it('the physician adds a signed addendum to the report from the page; the workstation stores it as theirs and sends the amended report to the EHR', async () => {
    const b = await joined('OR A1', { background: true });
    const admin = await b.ok('saveUser', { user: { name: 'Ada Admin', role: 'admin' } });
    await b.ok('setUserPin', { id: admin.id, newPin: 'admin-pin-1' });
    const drop = tempDir();
    await b.ok('saveEhrSettings', { settings: { destinations: [{ kind: 'folder', id: 'scans', name: 'Scanning share', path: drop, sidecar: 'none' }] }, userId: 'Ada Admin', pin: 'admin-pin-1' });
    const caseId = await closedCase(b, 'a1');
    const addendum = (cookie: string, body: Record<string, unknown>) => request(s, 'POST', `/api/cases/${caseId}/addendum`, { cookie, body });

    // Before the report is signed, there is nothing to add to.
    await until('the case on the server', async () => (await request(s, 'GET', `/api/cases/${caseId}`, { cookie: doctor })).status === 200);
    const early = await addendum(doctor, { text: 'Too early.', password: PASSWORD });
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/not signed yet/);

    await signRemotely(b, caseId);
    await until('the signed version on the server', async () => ((await request(s, 'GET', `/api/cases/${caseId}`, { cookie: doctor })).body.versions ?? []).length === 1);
    await until('the signed report in the EHR drop folder', () => fs.readdirSync(drop).filter((f) => f.endsWith('.pdf')).length === 1);
    // Signed remotely, the claim is computed again as after a signature here: the office no longer sees "not signed" (R16).
    await until('the claim without R16 on the server', async () => {
      const r = await s.db.pool.query(`SELECT row->>'top_rules' AS rules FROM ws_claims WHERE case_id = $1`, [caseId]);
      return r.rows[0] !== undefined && !(JSON.parse(r.rows[0].rules) as string[]).includes('R16');
    });

    expect((await addendum(doctor, { text: 'Late finding.', password: 'not my password' })).status).toBe(401);
    expect((await addendum(billing, { text: 'Late finding.', password: PASSWORD })).status).toBe(403);
    expect((await addendum(doctor, { text: '   ', password: PASSWORD })).status).toBe(400);
    const text = 'On review of the recorded traces, the right TcMEP amplitude drop at 10:42 recovered fully by 10:50.';
    const ok = await addendum(doctor, { text, password: PASSWORD });
    expect(ok.status).toBe(202);

    await until('the addendum on the workstation', async () => (await b.ok('getReport', { caseId })).versions.length === 2);
    const v = (await b.ok('getReport', { caseId })).versions[1]!;
    expect(v).toMatchObject({ version: 2, kind: 'addendum', signerName: 'Synthetic dr.addenda', addendumText: text });
    expect((await b.ok('getCase', { id: caseId })).case.status).not.toBe('signed');
    await until('the amended report in the EHR drop folder too', () => fs.readdirSync(drop).filter((f) => f.endsWith('.pdf')).length === 2);

    await until('the page to show it applied, with the version it became', async () => {
      const d = (await request(s, 'GET', `/api/cases/${caseId}`, { cookie: doctor })).body;
      return d.actions?.[0]?.state === 'applied' && d.actions[0].version === 2 && d.versions.length === 2;
    });
    const page = (await request(s, 'GET', `/api/cases/${caseId}`, { cookie: doctor })).body;
    expect(page.versions[1]).toMatchObject({ version: 2, kind: 'addendum', addendumText: text, signerName: 'Synthetic dr.addenda' });
    expect(page.versions[0].sections.find((x: { id: string }) => x.id === 'interpretation').text).toBe('Monitoring as documented; no significant change.');

    // The audit chain holds it, naming the server's user; the access log names the act.
    const audit = await b.ok('verifyAudit', { caseId });
    expect(audit.intact).toBe(true);
    const log = await s.db.pool.query(`SELECT action FROM access_log WHERE case_id = $1 AND action LIKE 'case.addendum%' ORDER BY id`, [caseId]);
    expect(log.rows.map((r) => r.action)).toEqual(['case.addendum_refused', 'case.addendum']);
  });

  it('an addendum seen twice (its answer lost on the way back) is stored once', async () => {
    const b = await joined('OR A2', { background: false });
    const caseId = await closedCase(b, 'a2');
    await signRemotely(b, caseId);
    expect((await request(s, 'POST', `/api/cases/${caseId}/addendum`, { cookie: doctor, body: { text: 'Once only.', password: PASSWORD } })).status).toBe(202);
    await b.ok('syncNow', {});
    expect((await b.ok('getReport', { caseId })).versions).toHaveLength(2);
    await s.db.pool.query(`UPDATE remote_actions SET state = 'pending' WHERE case_id = $1`, [caseId]);
    await b.ok('syncNow', {});
    expect((await b.ok('getReport', { caseId })).versions).toHaveLength(2);
    expect((await s.db.pool.query(`SELECT state, version FROM remote_actions WHERE case_id = $1`, [caseId])).rows).toEqual([{ state: 'applied', version: 2 }]);
  });
});

describe('claim overrides from the billing office', () => {
  type Row = { caseId: string; clean: boolean; findings: string[]; overridden: boolean; override: { state: string; by: string; reason: string | null } | null };
  const worklistRow = async (caseId: string): Promise<Row | undefined> =>
    ((await request(s, 'GET', '/api/claims', { cookie: billing })).body.claims as Row[]).find((c) => c.caseId === caseId);

  it('a biller overrides a claim that is not clean, with a reason; the workstation stores the override in their name and the claim goes out with the charges', async () => {
    const b = await joined('OR B1', { background: false });
    const caseId = await closedCase(b, 'b1');
    await b.ok('syncNow', {});
    const before = (await worklistRow(caseId))!;
    expect(before.clean).toBe(false);
    expect(before.findings.length).toBeGreaterThan(0);
    expect(before.overridden).toBe(false);
    const override = (cookie: string, body: Record<string, unknown>) => request(s, 'POST', `/api/claims/${caseId}/override`, { cookie, body });

    expect((await override(doctor, { reason: 'Documented by the surgeon separately.', rules: before.findings })).status).toBe(403);
    expect((await override(billing, { reason: 'short', rules: before.findings })).status).toBe(400);
    const stale = await override(billing, { reason: 'Documented by the surgeon separately.', rules: before.findings.slice(1) });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/changed on its workstation while you were reading it/);
    const reason = 'Payer agreed by phone, reference 12345.';
    expect((await override(billing, { reason, rules: before.findings })).status).toBe(202);
    expect((await override(billing, { reason, rules: before.findings })).status).toBe(409);
    expect((await worklistRow(caseId))!.override).toMatchObject({ state: 'pending', by: 'Synthetic billing.office' });

    await b.ok('syncNow', {});
    const claim = await b.ok('getClaim', { caseId });
    expect(claim.exportable).toBe(true);
    expect(claim.override).toMatchObject({ by: 'Synthetic billing.office', reason });
    await b.ok('syncNow', {});
    const after = (await worklistRow(caseId))!;
    expect(after.overridden).toBe(true);
    expect(after.override).toMatchObject({ state: 'applied' });
    // The office's charge export takes it now.
    const dos = (await b.ok('getCase', { id: caseId })).case.dateOfService;
    const charges = await request(s, 'GET', `/api/charges?from=${dos}&to=${dos}&format=json`, { cookie: billing });
    expect(charges.status).toBe(200);
    expect(charges.body.skipped.map((x: { caseId: string }) => x.caseId)).not.toContain(caseId);
    expect(JSON.parse(charges.body.content).some((r: { caseId?: string; case_id?: string }) => (r.caseId ?? r.case_id) === caseId)).toBe(true);
    expect((await b.ok('verifyAudit', { caseId })).intact).toBe(true);
    // A claim overridden already is not overridden twice.
    expect((await override(billing, { reason, rules: before.findings })).status).toBe(409);
  });

  it('an override that does not cover what the claim says now on the workstation is refused there, with why', async () => {
    const b = await joined('OR B2', { background: false });
    const caseId = await closedCase(b, 'b2');
    await b.ok('syncNow', {});
    const row = (await worklistRow(caseId))!;
    // As if the biller had read the claim before its latest findings arrived: the server's copy
    // says nothing of them, the workstation does.
    const ws = (await s.db.pool.query(`SELECT workstation_id FROM ws_claims WHERE case_id = $1`, [caseId])).rows[0].workstation_id;
    const users = await s.db.pool.query(`SELECT id FROM users WHERE username = 'billing.office'`);
    await s.db.pool.query(
      `INSERT INTO remote_actions (id, case_id, workstation_id, kind, body, author_user_id, author_name, author_credential, author_npi, at)
       VALUES (gen_random_uuid(), $1, $2, 'claimOverride', $3, $4, 'Synthetic billing.office', '', NULL, $5)`,
      [caseId, ws, JSON.stringify({ reason: 'An older reading of the claim.', rules: [] }), users.rows[0].id, Date.now()],
    );
    await b.ok('syncNow', {});
    expect((await b.ok('getClaim', { caseId })).exportable).toBe(false);
    const r = (await s.db.pool.query(`SELECT state, reason FROM remote_actions WHERE case_id = $1`, [caseId])).rows[0];
    expect(r.state).toBe('refused');
    const named = /^The claim changed on the workstation after you read it \(now also: (.+)\)\. Read it again, then override\.$/.exec(r.reason);
    expect(named).not.toBeNull();
    for (const rule of named![1]!.split(', ')) expect(row.findings).toContain(rule);
  });
});

describe('billing answers from the office', () => {
  type Row = { caseId: string; details: Record<string, unknown> | null; answers: { state: string; by: string; reason: string | null } | null };
  const row = async (caseId: string): Promise<Row> => ((await request(s, 'GET', '/api/claims', { cookie: billing })).body.claims as Row[]).find((c) => c.caseId === caseId)!;

  it('a biller answers what the claim needs (EMG extremities, the surgeon’s order, an ABN); the workstation stores the answers in their name, unless they changed there first', async () => {
    const b = await joined('OR Q1', { background: false });
    const caseId = await closedCase(b, 'q1');
    await b.ok('syncNow', {});
    const before = (await row(caseId)).details!;
    expect(before).toMatchObject({ emgExtremities: null, abnOnFile: false });
    const answer = (cookie: string, body: Record<string, unknown>) => request(s, 'POST', `/api/claims/${caseId}/answers`, { cookie, body });
    const details = { ...before, emgExtremities: 2, surgeonOrder: ['SSEP', 'TCMEP', 'EMG_FREE'], abnOnFile: true };

    expect((await answer(doctor, { details, before })).status).toBe(403);
    const bad = await answer(billing, { details: { ...details, emgExtremities: 9 }, before });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^emgExtremities: /);
    expect((await answer(billing, { details, before: { ...before, abnOnFile: true } })).status).toBe(409);
    expect((await answer(billing, { details, before })).status).toBe(202);

    await b.ok('syncNow', {});
    const claim = await b.ok('getClaim', { caseId });
    expect(claim.details).toMatchObject({ emgExtremities: 2, surgeonOrder: ['SSEP', 'TCMEP', 'EMG_FREE'], abnOnFile: true });
    await b.ok('syncNow', {});
    const after = await row(caseId);
    expect(after.details).toMatchObject({ emgExtremities: 2, abnOnFile: true });
    expect(after.answers).toMatchObject({ state: 'applied', by: 'Synthetic billing.office' });

    // Answered at the workstation after the office read them: the office's answers are refused, with why.
    expect((await answer(billing, { details: { ...after.details, emgExtremities: 3 }, before: after.details })).status).toBe(202);
    await b.ok('saveBillingDetails', { caseId, details: { ...claim.details, emgExtremities: 4 } });
    await b.ok('syncNow', {});
    expect((await b.ok('getClaim', { caseId })).details.emgExtremities).toBe(4);
    await b.ok('syncNow', {});
    const last = await row(caseId);
    expect(last.answers).toMatchObject({ state: 'refused', reason: 'The answers changed on the workstation after you read them. Read them again, then answer.' });
    expect(last.details).toMatchObject({ emgExtremities: 4 });
    expect((await b.ok('verifyAudit', { caseId })).intact).toBe(true);
  });
});

describe('practice billing settings set on the server, for every workstation', () => {
  it('an administrator saves the billing role and rule sets once; each workstation stores them as a new version in their name, once', async () => {
    const admin = await loginCookie(s, 'admin.rules', await addUser(s.dir, 'admin.rules', ['admin']));
    const b = await joined('OR S1', { background: false });
    const before = await b.ok('getBillingSettings', {});
    const ruleSets = structuredClone(before.ruleSets) as { base: { version: string } };
    ruleSets.base.version = '2026.2-practice';
    const body = { practice: { role: 'professional', billingNpi: '1234567893' }, ruleSets };

    expect((await request(s, 'POST', '/api/settings/billing', { cookie: billing, body })).status).toBe(403);
    const bad = await request(s, 'POST', '/api/settings/billing', { cookie: admin, body: { practice: { role: 'everything' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^The billing settings are not valid \(practice\.role: /);
    const typo = await request(s, 'POST', '/api/settings/billing', { cookie: admin, body: { practice: { role: 'professional', billingNPI: '1234567893' } } });
    expect(typo.status).toBe(400);
    expect(typo.body.message).toContain('"practice.billingNPI" is not a billing settings field (there: role, billingNpi).');
    const saved = await request(s, 'POST', '/api/settings/billing', { cookie: admin, body });
    expect(saved.status).toBe(201);

    await b.ok('syncNow', {});
    const after = await b.ok('getBillingSettings', {});
    expect(after.practice).toEqual({ role: 'professional', billingNpi: '1234567893' });
    expect(after.ruleSets.base.version).toBe('2026.2-practice');
    expect(after.history[0]).toMatchObject({ savedBy: 'Synthetic admin.rules (practice server)' });
    expect(after.history[0]!.label).toContain('2026.2-practice');
    await b.ok('syncNow', {});
    expect((await b.ok('getBillingSettings', {})).history).toHaveLength(after.history.length);

    // From the command line too: a new version, taken at the next sync.
    const file = `${tempDir()}/billing.json`;
    fs.writeFileSync(file, JSON.stringify({ practice: { role: 'global', billingNpi: '1234567893' } }));
    const cli = await serverCli(['billing', 'set', '--dir', s.dir, '--file', file, '--json']);
    expect(cli.code).toBe(0);
    const shown = JSON.parse((await serverCli(['billing', 'show', '--dir', s.dir, '--json'])).stdout) as { version: number; practice: unknown };
    expect(shown).toMatchObject({ version: JSON.parse(cli.stdout).version, practice: { role: 'global' } });
    expect((await serverCli(['billing', 'set', '--dir', s.dir, '--file', `${file}.missing`, '--json'])).code).toBe(2);
    await b.ok('syncNow', {});
    expect((await b.ok('getBillingSettings', {})).practice.role).toBe('global');
    expect((await b.ok('verifyAudit', {})).intact).toBe(true);
  });
});

describe('where reports go, set on the server for every workstation', () => {
  it('an administrator sets the EHR destinations once; each workstation takes them at its next sync and sends there', async () => {
    const admin = await loginCookie(s, 'admin.ehr', await addUser(s.dir, 'admin.ehr', ['admin']));
    // In the background, as the app runs (the EHR queue on).
    const b = await joined('OR E1', { background: true });
    const drop = tempDir();
    const settings = { destinations: [{ kind: 'folder', id: 'scans', name: 'Hospital scanning share', path: drop, sidecar: 'none' }] };
    expect((await request(s, 'POST', '/api/settings/ehr', { cookie: billing, body: settings })).status).toBe(403);
    const bad = await request(s, 'POST', '/api/settings/ehr', { cookie: admin, body: { destinations: [{ kind: 'carrier-pigeon' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^The EHR settings are not valid/);
    // A misspelt field is refused, named, not dropped from what every workstation would take.
    const typo = await request(s, 'POST', '/api/settings/ehr', { cookie: admin, body: { destinations: [{ ...settings.destinations[0], sidcar: 'xml' }] } });
    expect(typo.status).toBe(400);
    expect(typo.body.message).toMatch(/^The EHR settings are not valid: "destinations\.0\.sidcar" is not an EHR settings field \(there: kind, id, name, enabled, path, fileNamePattern, sidecar\)\.$/);
    expect((await request(s, 'POST', '/api/settings/ehr', { cookie: admin, body: settings })).status).toBe(201);

    await b.ok('syncNow', {});
    const here = await b.ok('getEhrSettings', {});
    expect(here.destinations).toMatchObject([{ kind: 'folder', id: 'scans', name: 'Hospital scanning share', path: drop }]);
    // A report signed here now goes there.
    const caseId = await closedCase(b, 'e1');
    await signRemotely(b, caseId);
    await until('the signed report in the drop folder the server named', () => fs.readdirSync(drop).some((f) => f.endsWith('.pdf')));
    const shown = JSON.parse((await serverCli(['ehr', 'show', '--dir', s.dir, '--json'])).stdout) as { setBy: string };
    expect(shown.setBy).toBe('Synthetic admin.ehr');
    expect((await b.ok('verifyAudit', {})).intact).toBe(true);
  });
});

describe("the practice's physicians on every workstation", () => {
  it('a workstation adds the physicians it lacks (by NPI) to its people list; one it has is left as it is', async () => {
    await expect(addUser(s.dir, 'dr.badnpi', ['physician'], { npi: '1922117592' })).rejects.toThrow(/check digit/);
    await addUser(s.dir, 'dr.roster', ['physician'], { npi: '1922117597', credential: 'MD, PhD' });
    const b = await joined('OR P1', { background: false });
    // This one is here already, as the technologist typed it.
    await b.ok('createPerson', { role: 'physician', lastName: 'Remote', firstName: 'Rosa', credential: 'MD', npi: NPI });
    await b.ok('syncNow', {});
    const doctors = await b.ok('listPeople', { role: 'physician' });
    expect(doctors.filter((p) => p.npi === NPI).map((p) => [p.firstName, p.lastName])).toEqual([['Rosa', 'Remote']]);
    expect(doctors.find((p) => p.npi === '1922117597')).toMatchObject({ firstName: 'Synthetic', lastName: 'dr.roster', credential: 'MD, PhD', role: 'physician' });
    const count = doctors.length;
    await b.ok('syncNow', {});
    expect(await b.ok('listPeople', { role: 'physician' })).toHaveLength(count);
    expect((await b.ok('verifyAudit', {})).intact).toBe(true);
  });
});
