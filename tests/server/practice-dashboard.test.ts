import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeReport, sampleCase, testBackend, type TestBackend } from '../helpers/backend';
import { until } from '../helpers/patience';
import { addUser, loginCookie, request, serverCli, startTestServer, type TestServer } from '../helpers/practice-server';
import type { Dashboard } from '../../shared/dashboard/dashboard';

const NPI = '1234567893';
let s: TestServer;
let billing: string;
const backends: TestBackend[] = [];

beforeAll(async () => {
  s = await startTestServer();
  billing = await loginCookie(s, 'owner.dash', await addUser(s.dir, 'owner.dash', ['admin']));
});

afterAll(async () => {
  for (const b of backends) await b.close();
  await s?.stop();
});

async function joined(name: string): Promise<TestBackend> {
  const b = testBackend({ sync: false });
  backends.push(b);
  const code = JSON.parse((await serverCli(['enroll-code', '--dir', s.dir, '--workstation', name, '--json'])).stdout).code as string;
  await b.ok('enrollSync', { url: `https://127.0.0.1:${s.server.port}`, fingerprint: s.server.fingerprint, code });
  return b;
}

/** A case on `dateOfService`, captured for an hour, closed (and its report completed) unless `open`. */
async function caseOn(b: TestBackend, dateOfService: string, tag: string, opts: { open?: boolean; sign?: boolean } = {}): Promise<string> {
  let doc = (await b.ok('listPeople', { role: 'physician' })).find((p) => p.npi === NPI);
  doc ??= await b.ok('createPerson', { role: 'physician', lastName: 'Shared', firstName: 'Sam', credential: 'MD', npi: NPI });
  let tech = (await b.ok('listPeople', { role: 'technologist' }))[0];
  tech ??= await b.ok('createPerson', { role: 'technologist', lastName: 'Tech', firstName: 'Toni', credential: 'CNIM' });
  const c = await b.ok('createCase', sampleCase({ dateOfService, physicianId: doc.id, technologistId: tech.id, readerLocation: 'remote' }));
  // Events are stamped by the workstation clock (a note more than a day old is refused): the last
  // hours, whatever the date of service.
  const t0 = Date.now() - 3 * 3600_000;
  const note = (min: number, text: string, kind: 'note' | 'monitoring_start' | 'monitoring_end' = 'note') =>
    b.ok('addNote', { caseId: c.id, text, occurredAt: t0 + min * 60_000, clientId: `${tag}-${min}-${kind}`, kind });
  await note(0, 'Monitoring start', 'monitoring_start');
  await note(30, 'All modalities at baseline');
  await note(62, 'Monitoring end', 'monitoring_end');
  if (opts.open) return c.id;
  await b.ok('setCaseStatus', { id: c.id, status: 'closed' });
  await completeReport(b, c.id, 'Monitoring as documented; no significant change.');
  if (opts.sign) {
    const user = await b.ok('saveUser', { user: { name: `Dr Shared ${tag}`, role: 'physician', personId: doc.id } });
    await b.ok('setUserPin', { id: user.id, newPin: 'correct-horse' });
    await b.ok('signReport', { caseId: c.id, userId: user.id, pin: 'correct-horse' });
  }
  return c.id;
}

const dashboard = async (query = ''): Promise<Dashboard> => {
  const r = await request(s, 'GET', `/api/dashboard${query}`, { cookie: billing });
  expect(r.status).toBe(200);
  return r.body as Dashboard;
};

/** What both dashboards must agree on (person keys differ: the server's are practice-wide). */
const figures = (d: Dashboard) => ({
  cases: d.cases,
  closedCases: d.closedCases,
  byStatus: d.byStatus,
  lag: d.lag,
  weeks: d.weeks,
  clean: d.clean,
  findings: d.findings,
  minutes: d.minutes,
  measured: d.measured,
  technologists: d.technologists.map(({ personId: _p, ...x }) => x),
  physicians: d.physicians.map(({ personId: _p, ...x }) => x),
});

describe('the practice dashboard over every workstation (real PostgreSQL, HTTPS, SQLite workstations)', () => {
  it('gives, for one workstation’s cases, exactly the figures that workstation’s own dashboard gives; over two, one row per person', async () => {
    const a = await joined('OR D1');
    const b = await joined('OR D2');
    await caseOn(a, '2026-10-05', 'a1', { sign: true });
    await caseOn(a, '2026-10-06', 'a2');
    await caseOn(a, '2026-10-07', 'a3', { open: true });
    await caseOn(b, '2026-10-20', 'b1', { sign: true });
    // The workstations bring their claims up to date (as their own dashboard does), then sync.
    const own = await a.ok('getDashboard', { from: '2026-10-01', to: '2026-10-10' });
    await b.ok('getDashboard', {});
    for (const w of [a, b]) {
      await w.ok('syncNow', {});
      await w.ok('syncNow', {});
    }
    await until('every case on the server', async () => (await dashboard('?from=2026-10-01&to=2026-10-31')).cases === 4);

    const server = await dashboard('?from=2026-10-01&to=2026-10-10');
    expect(figures(server)).toEqual(figures(own));
    expect(server.claims).toEqual({ recomputed: 0, pending: 0 });
    expect(own.lag.find((l) => l.step === 'signed')?.measured).toBe(1);

    const all = await dashboard('?from=2026-10-01&to=2026-10-31');
    expect(all.cases).toBe(4);
    expect(all.closedCases).toBe(3);
    // The physician (same NPI) and the technologist (same role and name) are one row each across both ORs.
    expect(all.physicians.map((p) => [p.name, p.cases])).toEqual([['Sam Shared, MD', 3]]);
    expect(all.technologists.map((p) => [p.name, p.cases])).toEqual([['Toni Tech, CNIM', 3]]);
    expect(all.measured.casesPerMonth).not.toBeNull();
    // The same from the command line.
    const cli = await serverCli(['dashboard', '--dir', s.dir, '--from', '2026-10-01', '--to', '2026-10-31', '--json']);
    expect(cli.code).toBe(0);
    expect(figures(JSON.parse(cli.stdout) as Dashboard)).toEqual(figures(all));
    const bad = await serverCli(['dashboard', '--dir', s.dir, '--from', '10/01/2026', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr)).toMatchObject({ ok: false, code: 'BAD_INPUT' });
  });

  it('is for billing and administrators; dates are checked; reading it is logged without any case', async () => {
    const doc = await loginCookie(s, 'dr.dash', await addUser(s.dir, 'dr.dash', ['physician'], { npi: '1245319599' }));
    expect((await request(s, 'GET', '/api/dashboard', { cookie: doc })).status).toBe(403);
    expect((await request(s, 'GET', '/api/dashboard')).status).toBe(401);
    expect((await request(s, 'GET', '/api/dashboard?from=10/01/2026', { cookie: billing })).status).toBe(400);
    await dashboard();
    const log = await s.db.pool.query(`SELECT case_id FROM access_log WHERE action = 'dashboard.read'`);
    expect(log.rows.length).toBeGreaterThan(0);
    expect(log.rows.every((r) => r.case_id === null)).toBe(true);
  });
});
