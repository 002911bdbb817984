import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeReport, sampleCase, testBackend, type TestBackend } from '../helpers/backend';
import { cli } from '../helpers/cli';
import { until } from '../helpers/patience';
import { tempDir } from '../helpers/temp-dir';
import { addUser, loginCookie, request, serverCli, startTestServer, type TestServer } from '../helpers/practice-server';

let s: TestServer;
let port: number;
let physicianCookie: string;
const backends: TestBackend[] = [];

beforeAll(async () => {
  s = await startTestServer();
  port = s.server.port;
  physicianCookie = await loginCookie(s, 'dr.sync', await addUser(s.dir, 'dr.sync', ['physician']));
});

afterAll(async () => {
  for (const b of backends) await b.close();
  await s?.stop();
});

async function enrollCode(name: string): Promise<string> {
  const r = await serverCli(['enroll-code', '--dir', s.dir, '--workstation', name, '--json']);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout).code as string;
}

function workstation(dataDir?: string): TestBackend {
  const b = testBackend({ ...(dataDir ? { dataDir } : {}), sync: false });
  backends.push(b);
  return b;
}

const serverDown = () => s.down();
const serverUp = () => s.up();

let noteN = 0;
async function notes(b: TestBackend, caseId: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    noteN += 1;
    await b.ok('addNote', { caseId, text: `Synthetic note ${noteN}`, occurredAt: Date.now(), clientId: `sync-test-${noteN}-${caseId.slice(0, 8)}` });
  }
}

async function serverCounts(caseId: string): Promise<{ rows: number; distinct: number; ids: number[] }> {
  const r = await s.db.pool.query<{ local_id: string }>('SELECT local_id FROM ws_events WHERE case_id = $1 ORDER BY local_id', [caseId]);
  const ids = r.rows.map((x) => Number(x.local_id));
  return { rows: ids.length, distinct: new Set(ids).size, ids };
}

function localIds(b: TestBackend, caseId: string): Promise<number[]> {
  return b.ok('listEvents', { caseId, limit: 5000 }).then((ev) => ev.map((e) => e.id).sort((x, y) => x - y));
}

async function startCapturing(b: TestBackend): Promise<string> {
  const c = await b.ok('createCase', sampleCase());
  await b.ok('setCaseStatus', { id: c.id, status: 'capturing' });
  return c.id;
}

describe('workstation → practice server sync (real PostgreSQL, real HTTPS, real SQLite workstations)', () => {
  it('a workstation joins with the code and the fingerprint; a wrong fingerprint or code joins nothing and says why', async () => {
    const b = workstation();
    const code = await enrollCode('OR 1');
    const wrongFp = await b.fail('enrollSync', { url: `https://127.0.0.1:${port}`, fingerprint: 'AB'.repeat(32), code });
    expect(wrongFp.code).toBe('BAD_INPUT');
    expect(wrongFp.message).toMatch(/is not the one you were given: its certificate fingerprint is/);
    expect((await b.ok('getSyncStatus', {})).state).toBe('off');
    const wrongCode = await b.fail('enrollSync', { url: `https://127.0.0.1:${port}`, fingerprint: s.server.fingerprint, code: 'AAAA-BBBB-CCCC-DDDD' });
    expect(wrongCode.message).toMatch(/enrollment code is not valid/);
    const ok = await b.ok('enrollSync', { url: `https://127.0.0.1:${port}`, fingerprint: s.server.fingerprint.replace(/:/g, '').toLowerCase(), code });
    expect(ok.server).toMatchObject({ workstationName: 'OR 1', fingerprint: s.server.fingerprint });
    // The code worked once.
    const again = await workstation().fail('enrollSync', { url: `https://127.0.0.1:${port}`, fingerprint: s.server.fingerprint, code });
    expect(again.message).toMatch(/used already/);
  });

  it('sends the case and every event once, in order; the physician reads them, each read in the access log', async () => {
    const b = workstation();
    const caseId = await startCapturing(b);
    await notes(b, caseId, 30);
    await b.ok('enrollSync', { url: `https://127.0.0.1:${port}`, fingerprint: s.server.fingerprint, code: await enrollCode('OR 2') });
    expect((await b.ok('getSyncStatus', {})).waiting).toBeGreaterThan(30);
    const after = await b.ok('syncNow', {});
    expect(after).toMatchObject({ state: 'synced', waiting: 0 });
    const local = await localIds(b, caseId);
    const remote = await serverCounts(caseId);
    expect(remote.ids).toEqual(local);
    // Sending again changes nothing.
    await b.ok('syncNow', {});
    expect((await serverCounts(caseId)).rows).toBe(local.length);

    const list = await request(s, 'GET', '/api/cases', { cookie: physicianCookie });
    expect(list.status).toBe(200);
    const row = list.body.cases.find((c: { caseId: string }) => c.caseId === caseId);
    expect(row).toMatchObject({ workstation: 'OR 2', status: 'capturing', events: local.length });
    const one = await request(s, 'GET', `/api/cases/${caseId}`, { cookie: physicianCookie });
    expect(one.body.events.map((e: { text: string }) => e.text).filter((t: string) => t.startsWith('Synthetic note'))).toHaveLength(30);
    const log = await s.db.pool.query(`SELECT action FROM access_log WHERE case_id = $1 AND actor_name = 'dr.sync'`, [caseId]);
    expect(log.rows.map((r) => r.action)).toEqual(['case.list', 'case.read']);
    // A billing account reads too; a workstation credential reads no case.
    const billing = await loginCookie(s, 'billing.sync', await addUser(s.dir, 'billing.sync', ['billing']));
    expect((await request(s, 'GET', `/api/cases/${caseId}`, { cookie: billing })).status).toBe(200);
  });

  it('server down for the length of a case: the workstation keeps working, says so, and catches up exactly once', async () => {
    const b = workstation();
    await b.ok('enrollSync', { url: `https://127.0.0.1:${port}`, fingerprint: s.server.fingerprint, code: await enrollCode('OR 3') });
    await b.ok('syncNow', {});
    await serverDown();
    const caseId = await startCapturing(b);
    await notes(b, caseId, 120);
    await b.ok('setCaseStatus', { id: caseId, status: 'closed' });
    const down = await b.ok('syncNow', {});
    expect(down.state).toBe('unreachable');
    expect(down.waiting).toBeGreaterThan(120);
    expect(down.unreachableSince).not.toBeNull();
    // Local work is untouched by the outage.
    expect((await b.ok('getReport', { caseId })).caseId).toBe(caseId);
    await serverUp();
    expect(await b.ok('syncNow', {})).toMatchObject({ state: 'synced', waiting: 0, unreachableSince: null });
    const remote = await serverCounts(caseId);
    expect(remote.ids).toEqual(await localIds(b, caseId));
    expect(remote.distinct).toBe(remote.rows);
    const c = await s.db.pool.query('SELECT status FROM ws_cases WHERE case_id = $1', [caseId]);
    expect(c.rows[0].status).toBe('closed');
  });

  it('stopped at random points 24 times (server cut mid-request, workstation closed mid-sync): nothing lost, nothing doubled', async () => {
    let b = workstation();
    const dataDir = b.dataDir;
    await b.ok('enrollSync', { url: `https://127.0.0.1:${port}`, fingerprint: s.server.fingerprint, code: await enrollCode('OR 4') });
    const caseId = await startCapturing(b);
    // Deterministic "random" so a failure can be replayed.
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 24; round++) {
      await notes(b, caseId, 40 + Math.floor(rnd() * 80));
      const sending = b.call('syncNow', {});
      await new Promise((r) => setTimeout(r, Math.floor(rnd() * 15)));
      if (round % 2 === 0) {
        await serverDown();
        await sending;
        await serverUp();
      } else {
        await sending.catch(() => {});
        await b.close();
        b = workstation(dataDir);
      }
    }
    expect(await b.ok('syncNow', {})).toMatchObject({ state: 'synced', waiting: 0 });
    const local = await localIds(b, caseId);
    const remote = await serverCounts(caseId);
    expect(remote.rows).toBe(local.length);
    expect(remote.distinct).toBe(remote.rows);
    expect(remote.ids).toEqual(local);
    const audit = await s.db.pool.query<{ n: number; d: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT seq)::int AS d FROM ws_audit a JOIN workstations w ON w.id = a.workstation_id WHERE w.name = 'OR 4'`,
    );
    expect(audit.rows[0]!.n).toBe(audit.rows[0]!.d);
  });

  it('in the background, an event stored on the workstation reaches the physician within seconds', async () => {
    const b = testBackend({ sync: true });
    backends.push(b);
    await b.ok('enrollSync', { url: `https://127.0.0.1:${port}`, fingerprint: s.server.fingerprint, code: await enrollCode('OR 5') });
    const caseId = await startCapturing(b);
    await notes(b, caseId, 1);
    await until('the note on the physician’s side', async () => {
      const r = await request(s, 'GET', `/api/cases/${caseId}`, { cookie: physicianCookie });
      return r.status === 200 && r.body.events.some((e: { text: string }) => e.text === `Synthetic note ${noteN}`);
    });
    expect(b.pushes.some((m) => m.name === 'syncStatus')).toBe(true);
  });

  it('another workstation cannot overwrite a case it does not own; a revoked workstation is told and keeps working', async () => {
    const a = workstation();
    await a.ok('enrollSync', { url: `https://127.0.0.1:${port}`, fingerprint: s.server.fingerprint, code: await enrollCode('OR 6') });
    const caseId = await startCapturing(a);
    await a.ok('syncNow', {});
    const { receivePush } = await import('../../electron/server/sync-receive');
    const other = await s.db.pool.query<{ id: string }>(`SELECT id FROM workstations WHERE name = 'OR 1'`);
    const stolen = await receivePush(s.db.pool, other.rows[0]!.id, {
      records: [{ entity: 'case', key: caseId, row: { id: caseId, version: 99, status: 'signed', date_of_service: '2026-12-05', updated_at: Date.now() } }],
      events: [{ id: 1, case_id: caseId, kind: 'note', occurred_at: Date.now(), source: 'keyboard', dedupe_key: 'x', text: 'not mine' }],
    });
    expect(stolen.refusedCases).toEqual([caseId]);
    expect((await s.db.pool.query('SELECT status FROM ws_cases WHERE case_id = $1', [caseId])).rows[0].status).toBe('capturing');
    expect(stolen.events).toBe(0);

    const id = (await s.db.pool.query<{ id: string }>(`SELECT id FROM workstations WHERE name = 'OR 6'`)).rows[0]!.id;
    expect((await serverCli(['workstation', 'revoke', id, '--dir', s.dir])).code).toBe(0);
    await notes(a, caseId, 3);
    const st = await a.ok('syncNow', {});
    expect(st.state).toBe('revoked');
    expect(st.waiting).toBeGreaterThanOrEqual(3);
    // Capture goes on locally.
    await notes(a, caseId, 1);
    expect((await a.ok('listEvents', { caseId })).length).toBe(4);
  });

  it('a closed, signed case: its claim reaches the billing worklist (not clean first, with findings and age), its sections and signed version the server', async () => {
    const b = workstation();
    await b.ok('enrollSync', { url: `https://127.0.0.1:${port}`, fingerprint: s.server.fingerprint, code: await enrollCode('OR 7') });
    const doc = await b.ok('createPerson', { role: 'physician', lastName: 'Reader', firstName: 'Rita', credential: 'MD', npi: '1234567893' });
    const clean = await b.ok('createCase', sampleCase({ physicianId: doc.id, readerLocation: 'in_room' }));
    const t0 = Date.now() - 3 * 3600_000;
    const note = (min: number, text: string, kind: 'note' | 'monitoring_start' | 'monitoring_end' = 'note') =>
      b.ok('addNote', { caseId: clean.id, text, occurredAt: t0 + min * 60_000, clientId: `sync-signed-${min}-${kind}`, kind });
    await note(0, 'Monitoring start', 'monitoring_start');
    for (let m = 5; m < 60; m += 5) await note(m, `Check ${m}: all modalities at baseline`);
    await note(65, 'Monitoring end', 'monitoring_end');
    const user = await b.ok('saveUser', { user: { name: 'Dr Reader', role: 'physician', personId: doc.id } });
    await b.ok('setUserPin', { id: user.id, newPin: 'correct-horse' });
    await b.ok('setCaseStatus', { id: clean.id, status: 'closed' });
    await completeReport(b, clean.id, 'Monitoring as documented.');
    const signed = await b.ok('signReport', { caseId: clean.id, userId: user.id, pin: 'correct-horse' });
    // A second case, closed with nothing captured: its claim is not clean.
    const bare = await b.ok('createCase', sampleCase({ dateOfService: '2026-11-02' }));
    await b.ok('setCaseStatus', { id: bare.id, status: 'closed' });
    expect(await b.ok('syncNow', {})).toMatchObject({ state: 'synced', waiting: 0 });

    const v = await s.db.pool.query('SELECT content_sha256, row FROM ws_report_versions WHERE case_id = $1', [clean.id]);
    expect(v.rows).toHaveLength(1);
    expect(v.rows[0].content_sha256).toBe(signed.contentSha256);
    const sections = await s.db.pool.query('SELECT section_id FROM ws_sections WHERE case_id = $1 AND row IS NOT NULL', [clean.id]);
    expect(sections.rows.map((r) => r.section_id)).toContain('interpretation');

    const billing = await loginCookie(s, 'billing.work', await addUser(s.dir, 'billing.work', ['billing']));
    const w = await request(s, 'GET', '/api/claims', { cookie: billing });
    expect(w.status).toBe(200);
    expect(w.body.total).toBeGreaterThanOrEqual(2);
    expect(w.body.notClean).toBeGreaterThanOrEqual(1);
    const mine = w.body.claims.filter((c: { workstation: string }) => c.workstation === 'OR 7');
    expect(mine.map((c: { caseId: string }) => c.caseId)).toEqual([bare.id, clean.id]);
    expect(mine[0]).toMatchObject({ clean: false, dateOfService: '2026-11-02', caseStatus: 'closed' });
    expect(mine[0].findings.length).toBeGreaterThan(0);
    expect(mine[0].ageDays).toBeGreaterThanOrEqual(1);
    // Not clean comes before clean across the whole list.
    const firstClean = w.body.claims.findIndex((c: { clean: boolean }) => c.clean);
    if (firstClean >= 0) expect(w.body.claims.slice(firstClean).every((c: { clean: boolean }) => c.clean)).toBe(true);
    // A physician does not see the billing worklist.
    expect((await request(s, 'GET', '/api/claims', { cookie: physicianCookie })).status).toBe(403);

    // The charges, practice-wide, as the workstation's own export writes them (lines and skipped cases alike).
    const dos = sampleCase().dateOfService as string;
    const local = await b.ok('exportCharges', { from: '2026-11-01', to: dos, format: 'csv' });
    const charges = await request(s, 'GET', `/api/charges?from=2026-11-01&to=${dos}`, { cookie: billing });
    expect(charges.status).toBe(200);
    const ours = (content: string) => content.split('\r\n').filter((l) => l.includes(clean.id) || l.includes(bare.id));
    expect(ours(charges.body.content as string)).toEqual(ours(local.content));
    const skippedHere = (list: ReadonlyArray<{ caseId: string; why: string }>) => list.filter((x) => x.caseId === clean.id || x.caseId === bare.id).map((x) => [x.caseId, x.why.split(':')[0]]).sort();
    expect(skippedHere(charges.body.skipped)).toEqual(skippedHere(local.skipped));
    expect(charges.body.skipped.find((x: { caseId: string }) => x.caseId === bare.id).why).toMatch(/^Not clean/);
    expect((await request(s, 'GET', '/api/charges?from=2026-12-31&to=2026-01-01', { cookie: billing })).status).toBe(400);
    expect((await request(s, 'GET', `/api/charges?from=2026-11-01&to=${dos}`, { cookie: physicianCookie })).status).toBe(403);
  });

  it("the physician's queue: closed cases naming them (by NPI) on any workstation, oldest first; signed ones leave it", async () => {
    const cookie = await loginCookie(s, 'dr.queue', await addUser(s.dir, 'dr.queue', ['physician'], { npi: '1234567893' }));
    const b = workstation();
    await b.ok('enrollSync', { url: `https://127.0.0.1:${port}`, fingerprint: s.server.fingerprint, code: await enrollCode('OR 8') });
    const me = await b.ok('createPerson', { role: 'physician', lastName: 'Queue', firstName: 'Quinn', credential: 'MD', npi: '1234567893' });
    const other = await b.ok('createPerson', { role: 'physician', lastName: 'Other', firstName: 'Olga', credential: 'MD', npi: '1245319599' });
    const mine = await b.ok('createCase', sampleCase({ physicianId: me.id, readerLocation: 'remote' }));
    const theirs = await b.ok('createCase', sampleCase({ physicianId: other.id, readerLocation: 'remote' }));
    const open = await b.ok('createCase', sampleCase({ physicianId: me.id, readerLocation: 'remote' }));
    for (const c of [mine, theirs]) await b.ok('setCaseStatus', { id: c.id, status: 'closed' });
    await b.ok('syncNow', {});
    const q = await request(s, 'GET', '/api/queue', { cookie });
    expect(q.status).toBe(200);
    expect(q.body.queue.map((e: { caseId: string }) => e.caseId)).toEqual([mine.id]);
    expect(q.body.queue[0]).toMatchObject({ workstation: 'OR 8', patient: 'Testpatient, Bea' });
    expect(q.body.queue[0].waitingHours).toBeGreaterThanOrEqual(0);
    expect(q.body.queue.map((e: { caseId: string }) => e.caseId)).not.toContain(open.id);
    // An account without an NPI is told why its queue is empty.
    const noNpi = await request(s, 'GET', '/api/queue', { cookie: physicianCookie });
    expect(noNpi.status).toBe(400);
    expect(noNpi.body.message).toMatch(/no NPI/);
  });

  it('closeout sync: enroll, status and now from the command line, with --json and exit codes', async () => {
    const dir = tempDir();
    const off = await cli(dir, ['sync', 'status', '--json']);
    expect(off.code).toBe(0);
    expect(JSON.parse(off.stdout)).toMatchObject({ state: 'off', waiting: 0 });
    const notJoined = await cli(dir, ['sync', 'now']);
    expect(notJoined.code).toBe(2);
    expect(notJoined.stderr).toMatch(/not joined to a practice server/);
    expect((await cli(dir, ['sync', 'enroll', '--server', `https://127.0.0.1:${port}`])).code).toBe(2);
    const joined = await cli(dir, ['sync', 'enroll', '--server', `https://127.0.0.1:${port}`, '--fingerprint', s.server.fingerprint, '--code', await enrollCode('OR CLI')]);
    expect(joined.code).toBe(0);
    expect(joined.stdout).toMatch(/^Joined https:\/\/127\.0\.0\.1:\d+ as "OR CLI"\./);
    await cli(dir, ['case', 'new', '--json', JSON.stringify(sampleCase())]);
    const waiting = JSON.parse((await cli(dir, ['sync', 'status', '--json'])).stdout);
    expect(waiting.waiting).toBeGreaterThan(0);
    const now = await cli(dir, ['sync', 'now', '--json']);
    expect(now.code).toBe(0);
    expect(JSON.parse(now.stdout)).toMatchObject({ state: 'synced', waiting: 0 });
    await serverDown();
    await cli(dir, ['case', 'new', '--json', JSON.stringify(sampleCase())]);
    const down = await cli(dir, ['sync', 'now']);
    expect(down.code).toBe(3);
    expect(down.stdout).toMatch(/Practice server unreachable since \d\d:\d\d; \d+ waiting/);
    await serverUp();
    expect((await cli(dir, ['sync', 'now'])).code).toBe(0);
  });
});
