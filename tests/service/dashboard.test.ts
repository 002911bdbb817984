/**
 * The practice dashboard on real SQLite: the demo case played through the real watcher, closed
 * clean, signed and delivered to a drop folder; plus cases made here on a clock the test sets,
 * so every lag, percentile, week and share below is worked out by hand. Also the CLI's
 * `dashboard` and `roi`, the query plan, and 10,000 stored cases.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeReport, sampleCase, testBackend, type TestBackend } from '../helpers/backend';
import { cli } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';
import { DashboardRepo } from '../../electron/services/store/dashboard-repo';
import { RECOMPUTE_LIMIT } from '../../electron/services/dashboard/dashboard-service';
import { Store } from '../../electron/services/store/store';
import { migrate } from '../../electron/services/store/migrations';
import { DASHBOARD_TABLES } from '../../shared/dashboard/csv';
import { isoWeek } from '../../shared/dashboard/dashboard';
import { computeRoi, ROI_DEFAULTS } from '../../shared/roi/roi';
import { seedDashboardCases } from '../../electron/bench/dashboard-bench';

const H = 3_600_000;
const M = 60_000;
const at = (iso: string) => Date.parse(`${iso}Z`);

let b: TestBackend;
let dataDir: string;
let dropDir: string;
/** The backend's clock: real time while the demo plays, then set by the tests. */
let clock: number | null = null;
let demoId: string;
const ids: Record<string, string> = {};
const people: Record<string, string> = {};

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-dash-'));
  dropDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-dash-drop-'));
  b = testBackend({ dataDir, seedDemo: true, capture: true, demoSpeed: 50_000, now: () => clock ?? Date.now() });
  await b.demo?.done;
  await b.capture?.idle();
  demoId = (await b.ok('listCases', {}))[0]!.id;
});
afterAll(async () => {
  await b?.close();
  for (const d of [dataDir, dropDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('the demo case', () => {
  it('answered before close, it closes clean; signed and delivered, every lag is measured', async () => {
    await b.ok('saveBillingDetails', { caseId: demoId, details: { limbs: { TCMEP: ['upper', 'lower'] }, emgExtremities: 2, surgeonOrder: ['SSEP', 'TCMEP', 'EMG_FREE', 'EMG_TRIGGERED'] } });
    await b.ok('setCaseStatus', { id: demoId, status: 'closed' });
    const demoUser = (await b.ok('listUsers', {})).find((u) => u.name === 'Morgan Example (demo)')!;
    await completeReport(b, demoId);
    const signed = await b.ok('signReport', { caseId: demoId, userId: demoUser.id, pin: 'demo-sign' });
    const admin = await b.ok('saveUser', { user: { name: 'Ada Admin', role: 'admin' } });
    await b.ok('setUserPin', { id: admin.id, newPin: 'admin-pin-1' });
    await b.ok('saveEhrSettings', { settings: { destinations: [{ kind: 'folder', id: 'scans', name: 'Scanning share', path: dropDir, sidecar: 'none' }] }, userId: 'Ada Admin', pin: 'admin-pin-1' });
    const [delivery] = await b.ok('sendToEhr', { caseId: demoId, wait: true });
    expect(delivery).toMatchObject({ state: 'delivered' });

    const d = await b.ok('getDashboard', {});
    // The claim was last computed at close; signing made it stale, so the view recomputed it.
    expect(d.claims).toEqual({ recomputed: 1, pending: 0 });
    expect(d).toMatchObject({ cases: 1, closedCases: 1, from: null, to: null });
    expect(d.byStatus.find((s) => s.status === 'sent')!.cases).toBe(1);

    const timeline = await b.ok('getTimeline', { caseId: demoId });
    const end = timeline.monitoring.end!;
    const lag = (t: number) => Math.max(0, t - end) / M;
    const byStep = Object.fromEntries(d.lag.map((l) => [l.step, l]));
    expect(byStep['signed']).toMatchObject({ measured: 1, waiting: 0, medianMinutes: lag(signed.signedAt), p90Minutes: lag(signed.signedAt) });
    expect(byStep['delivered']).toMatchObject({ measured: 1, waiting: 0, medianMinutes: lag(delivery!.doneAt!) });
    expect(byStep['draft']!.measured).toBe(1);
    expect(byStep['draft']!.medianMinutes).toBeLessThanOrEqual(byStep['signed']!.medianMinutes!);

    // Clean at close: only the signature was missing when it closed.
    expect(d.clean).toMatchObject({ measured: 1, clean: 1, notClean: 0, sharePct: 100, arithmetic: '1 of 1 closed case clean at close = 100%' });
    const claim = await b.ok('getClaim', { caseId: demoId });
    expect(claim.clean).toBe(true);
    expect(d.findings.map((f) => f.rule).sort()).toEqual([...new Set(claim.findings.map((f) => f.rule))].sort());
    expect(d.minutes).toMatchObject({ cases: 1, captured: claim.billable.monitoredMinutes, billed: claim.billable.minutes });
    expect(claim.billable.monitoredMinutes).toBe(Math.round(timeline.monitoring.monitoredMs / M));

    // The demo's people, by name.
    expect(d.technologists.map((p) => p.name)).toHaveLength(1);
    expect(d.physicians).toHaveLength(1);
    expect(d.physicians[0]).toMatchObject({ cases: 1, cleanSharePct: 100, medianSignedMinutes: lag(signed.signedAt) });
    const today = claim.dateOfService;
    expect(today).toMatch(/^\d{4}-\d\d-\d\d$/);
    // The demo is shown on the dashboard but is no practice's workload: "Use my numbers" leaves it out.
    expect(d.measured).toEqual({
      casesPerMonth: null,
      casesPerMonthArithmetic: 'No cases in this range (the demo case left out).',
      denialRiskPct: null,
      denialRiskArithmetic: 'No closed case with a claim in this range yet (the demo case left out).',
    });

    // Nothing stale any more: a second view computes nothing.
    expect((await b.ok('getDashboard', {})).claims).toEqual({ recomputed: 0, pending: 0 });
  });
});

describe('cases made on a known clock', () => {
  async function person(key: string, role: 'technologist' | 'physician' | 'surgeon', lastName: string, npi: string) {
    const p = await b.ok('createPerson', { role, lastName, firstName: 'Test', credential: role === 'physician' ? 'MD' : role === 'technologist' ? 'CNIM' : 'MD', npi });
    people[key] = p.id;
  }

  /** A case on `dos`: monitoring marked by notes (or none), closed, and signed when given. */
  async function kase(key: string, dos: string, tech: string, phys: string, steps: Readonly<{ monitoring?: [string, string]; close: string; sign?: string }>) {
    clock = at(`${dos}T07:00:00`);
    const c = await b.ok('createCase', sampleCase({ dateOfService: dos, patient: { lastName: 'Testpatient', firstName: key, mrn: `SYN-${key}`, dateOfBirth: '1960-01-01', sex: 'F' }, technologistId: people[tech], physicianId: people[phys], surgeonId: people['S'], readerLocation: 'remote' }));
    ids[key] = c.id;
    if (steps.monitoring) {
      const [start, end] = steps.monitoring;
      clock = at(`${dos}T${end}`) + M;
      await b.ok('addNote', { caseId: c.id, text: 'Monitoring started', kind: 'monitoring_start', occurredAt: at(`${dos}T${start}`), clientId: `${key}-start-0001` });
      await b.ok('addNote', { caseId: c.id, text: 'Monitoring ended', kind: 'monitoring_end', occurredAt: at(`${dos}T${end}`), clientId: `${key}-end-00001` });
    }
    clock = at(`${dos}T${steps.close}`);
    await b.ok('setCaseStatus', { id: c.id, status: 'closed' });
    if (steps.sign) {
      clock = at(`${dos}T${steps.sign}`);
      await completeReport(b, c.id);
      await b.ok('signReport', { caseId: c.id, userId: 'Dr Known', pin: 'known-pin-1' });
    }
  }

  beforeAll(async () => {
    clock = at('2026-03-01T07:00:00');
    await person('T1', 'technologist', 'Techone', '1000000103');
    await person('T2', 'technologist', 'Techtwo', '1000000111');
    await person('P1', 'physician', 'Readerone', '1000000129');
    await person('P2', 'physician', 'Readertwo', '1000000137');
    await person('S', 'surgeon', 'Surgeon', '1000000145');
    const doc = await b.ok('saveUser', { user: { name: 'Dr Known', role: 'physician', personId: people['P1'] } });
    await b.ok('setUserPin', { id: doc.id, newPin: 'known-pin-1' });
    // Week 10 (Mon 2 March 2026)
    await kase('K1', '2026-03-02', 'T1', 'P1', { monitoring: ['08:00:00', '11:00:00'], close: '11:30:00', sign: '13:00:00' }); // 11:00 → 13:00 = 120 min
    await kase('K2', '2026-03-04', 'T1', 'P2', { close: '09:00:00', sign: '19:00:00' }); // no monitoring on record: from close, 600 min
    // Week 11 (Mon 9 March)
    await kase('K3', '2026-03-10', 'T2', 'P1', { monitoring: ['08:00:00', '09:00:00'], close: '09:10:00', sign: '10:00:00' }); // 09:00 → 10:00 = 60 min
    await kase('K4', '2026-03-11', 'T2', 'P1', { monitoring: ['10:00:00', '12:30:00'], close: '12:45:00' }); // not signed
    clock = at('2026-03-12T07:00:00');
    ids['K5'] = (await b.ok('createCase', sampleCase({ dateOfService: '2026-03-12', technologistId: people['T1'] }))).id; // still open
    clock = at('2026-03-20T08:00:00');
  });

  it('report lag: median and 90th percentile by hand', async () => {
    const d = await b.ok('getDashboard', { from: '2026-03-01', to: '2026-03-15' });
    expect(d).toMatchObject({ from: '2026-03-01', to: '2026-03-15', firstDate: '2026-03-02', lastDate: '2026-03-12', cases: 5, closedCases: 4 });
    expect(Object.fromEntries(d.byStatus.map((s) => [s.status, s.cases]))).toEqual({ open: 1, capturing: 0, closed: 1, signed: 3, sent: 0, amended: 0 });
    // Signed lags 120, 600, 60 → sorted 60, 120, 600: median 120; 90th percentile rank ⌈0.9 × 3⌉ = 3 → 600.
    // The draft of a case with gaps completes when it is signed: the same lags.
    const byStep = Object.fromEntries(d.lag.map((l) => [l.step, l]));
    expect(byStep['signed']).toMatchObject({ measured: 3, waiting: 1, medianMinutes: 120, p90Minutes: 600 });
    expect(byStep['draft']).toMatchObject({ measured: 3, waiting: 1, medianMinutes: 120, p90Minutes: 600 });
    expect(byStep['delivered']).toMatchObject({ measured: 0, waiting: 4, medianMinutes: null, p90Minutes: null });
  });

  it('trend by ISO week, clean share, findings, minutes captured vs billed', async () => {
    const d = await b.ok('getDashboard', { from: '2026-03-01', to: '2026-03-15' });
    // W10: K1 120, K2 600 → median (120 + 600) ÷ 2 = 360. W11: K3 60 (K4 not signed) → 60.
    expect(d.weeks.map((w) => [w.week, w.monday, w.cases, w.medianMinutes.signed, w.medianMinutes.delivered])).toEqual([
      ['2026-W10', '2026-03-02', 2, 360, null],
      ['2026-W11', '2026-03-09', 2, 60, null],
    ]);
    // Nothing billable on these cases (no recordings): none closes clean.
    expect(d.clean).toMatchObject({ measured: 4, clean: 0, notClean: 4, unknown: 0, sharePct: 0, arithmetic: '0 of 4 closed cases clean at close = 0%' });
    const claims = await Promise.all(['K1', 'K2', 'K3', 'K4'].map((k) => b.ok('getClaim', { caseId: ids[k]! })));
    const expected = new Map<string, number>();
    for (const c of claims) for (const r of new Set(c.findings.map((f) => f.rule))) expected.set(r, (expected.get(r) ?? 0) + 1);
    expect(new Map(d.findings.map((f) => [f.rule, f.cases]))).toEqual(expected);
    // The unsigned case is the only one whose latest claim still lacks the signature.
    expect(d.findings.find((f) => f.rule === 'R16')).toMatchObject({ cases: 1, sharePct: 25, title: 'Interpretation report not signed', severity: 'block' });
    // No recordings: the time codes lack a base study (R03), or with no monitoring on record
    // nothing is billable (C04); R27 warns on every one. Most cases first.
    expect(d.findings.map((f) => [f.rule, f.cases, f.sharePct])).toEqual([
      ['R27', 4, 100],
      ['R03', 3, 75],
      ['C04', 1, 25],
      ['R16', 1, 25],
    ]);
    // Captured: 180 (K1) + 0 (K2) + 60 (K3) + 150 (K4) = 390 minutes of marked monitoring.
    expect(claims.map((c) => c.billable.monitoredMinutes)).toEqual([180, 0, 60, 150]);
    expect(d.minutes).toMatchObject({ cases: 4, captured: 390, billed: claims.reduce((s, c) => s + c.billable.minutes, 0) });
    expect(d.weeks.map((w) => w.capturedMinutes)).toEqual([180, 210]);
  });

  it('per technologist and per physician', async () => {
    const d = await b.ok('getDashboard', { from: '2026-03-01', to: '2026-03-15' });
    // T1: K1 (120), K2 (600) → median 360; T2: K3 (60), K4 (not drafted) → 60.
    expect(d.technologists.map((p) => [p.name, p.cases, p.medianDraftMinutes, p.cleanSharePct, p.capturedMinutes])).toEqual([
      ['Test Techone, CNIM', 2, 360, 0, 180],
      ['Test Techtwo, CNIM', 2, 60, 0, 210],
    ]);
    // P1: K1 (120), K3 (60), K4 (unsigned) → median (60 + 120) ÷ 2 = 90; P2: K2 → 600.
    expect(d.physicians.map((p) => [p.name, p.cases, p.medianSignedMinutes])).toEqual([
      ['Test Readerone, MD', 3, 90],
      ['Test Readertwo, MD', 1, 600],
    ]);
  });

  it('measured figures for the ROI calculator', async () => {
    const d = await b.ok('getDashboard', { from: '2026-03-01', to: '2026-03-15' });
    // 5 cases in 15 days: 5 × 30.4375 ÷ 15 = 10.15 → 10.1 a month; 4 of 4 not clean → 100%.
    expect(d.measured).toEqual({
      casesPerMonth: 10.1,
      casesPerMonthArithmetic: '5 cases from 2026-03-01 to 2026-03-15 (15 days): 5 × 30.44 ÷ 15 days = 10.1 cases a month',
      denialRiskPct: 100,
      denialRiskArithmetic: '4 of 4 closed cases not clean at close (open coding questions and the signature not counted) = 100%',
    });
    // All dates: the demo joins the dashboard (clean at close): 1 of 5 clean = 20%. The figures
    // "Use my numbers" takes leave it out: 4 of 4 not clean = 100%.
    const all = await b.ok('getDashboard', {});
    expect(all.clean).toMatchObject({ measured: 5, clean: 1, sharePct: 20 });
    expect(all.measured.denialRiskPct).toBe(100);
    expect(all.measured.denialRiskArithmetic).toContain('(the demo case left out)');
    expect(all.weeks[0]!.week).toBe('2026-W10');
    expect(all.weeks.at(-1)!.week).toBe(isoWeek(all.lastDate!).week);
    // Every week from the first to the last is listed, quiet ones with no cases.
    expect(all.weeks.every((w, i) => i === 0 || Date.parse(w.monday) - Date.parse(all.weeks[i - 1]!.monday) === 7 * 24 * H)).toBe(true);
  });

  it('refuses a range that runs backwards', async () => {
    expect((await b.fail('getDashboard', { from: '2026-03-15', to: '2026-03-01' })).message).toBe('Some fields need attention.');
    expect((await b.fail('getDashboard', { from: '2026-03-15', to: '2026-03-01' })).fields?.['to']).toBe('The from date is after the to date.');
  });
});

describe('closeout dashboard and roi', () => {
  it('dashboard: text, JSON and CSV per table, a date range, bad flags exit 2', async () => {
    const text = await cli(dataDir, ['dashboard', '--from', '2026-03-01', '--to', '2026-03-15']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Practice dashboard: dates of service 2026-03-01 to 2026-03-15; 5 cases, 4 closed.');
    expect(text.stdout).toMatch(/Signed\s+3\s+1\s+2 h 00 min\s+10 h 00 min/);
    expect(text.stdout).toContain('Clean at close: 0 of 4 closed cases clean at close = 0%');

    const json = await cli(dataDir, ['dashboard', '--json', '--from', '2026-03-01', '--to', '2026-03-15']);
    expect(JSON.parse(json.stdout)).toEqual(await b.ok('getDashboard', { from: '2026-03-01', to: '2026-03-15' }));

    const lag = await cli(dataDir, ['dashboard', '--csv', '--table', 'lag', '--from', '2026-03-01', '--to', '2026-03-15']);
    expect(lag.stdout).toBe(
      'step,label,measured_cases,waiting_cases,median_minutes,p90_minutes\r\n' +
        'draft,Draft complete,3,1,120,600\r\n' +
        'signed,Signed,3,1,120,600\r\n' +
        'delivered,Delivered to the EHR,0,4,,\r\n',
    );
    const tech = await cli(dataDir, ['dashboard', '--csv', '--table', 'technologists', '--from', '2026-03-01', '--to', '2026-03-15']);
    expect(tech.stdout.split('\r\n')[1]).toBe('"Test Techone, CNIM",2,360,360,0,180,180');
    const all = await cli(dataDir, ['dashboard', '--csv']);
    expect(all.stdout.split('\r\n\r\n')).toHaveLength(DASHBOARD_TABLES.length);

    const out = path.join(tempDir(), 'weeks.csv');
    expect((await cli(dataDir, ['dashboard', '--csv', '--table', 'weeks', '--out', out])).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^week,monday,closed_cases,/);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);

    expect((await cli(dataDir, ['dashboard', '--from', '1 March'])).code).toBe(2);
    expect((await cli(dataDir, ['dashboard', '--csv', '--table', 'nope'])).stderr).toContain('--table must be one of summary, status, lag, weeks, findings, technologists, physicians.');
    const backwards = await cli(dataDir, ['dashboard', '--from', '2026-03-15', '--to', '2026-03-01']);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain('The from date is after the to date.');
  });

  it('roi: a flag for every input, the arithmetic as text, JSON equal to the model; exit 2 on bad input', async () => {
    const r = await cli(dataDir, ['roi', '--cases-per-month', '30', '--reimbursement', '$1,000', '--denial-rate', '20%', '--expected-denial-rate', '5']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('30 cases × 20% = 6 denied claims');
    expect(r.stdout).toContain('$195.00 + $2,400.00 + $35.51 = $2,630.51');
    expect(r.stdout).toContain('Savings:      $1,972.88 a month');

    const flags = ['--cases-per-month', '50', '--reimbursement', '1500', '--denial-rate', '25', '--recovered', '50', '--staff-minutes', '45', '--staff-cost', '40', '--ar-days', '60', '--cost-of-capital', '10', '--expected-denial-rate', '10', '--software-cost', '500', '--setup-cost', '6000'];
    const j = await cli(dataDir, ['roi', '--json', ...flags]);
    expect(j.code).toBe(0);
    const parsed = JSON.parse(j.stdout);
    expect(parsed).toEqual(JSON.parse(JSON.stringify(computeRoi({ casesPerMonth: 50, reimbursement: 1500, denialRatePct: 25, recoveredPct: 50, staffMinutesPerDenial: 45, staffCostPerHour: 40, arDays: 60, costOfCapitalPct: 10, expectedDenialRatePct: 10, softwareCostPerMonth: 500, setupCost: 6000 }))));
    expect(parsed.payback.text).toBe('1.1 months');
    expect(JSON.parse((await cli(dataDir, ['roi', '--json'])).stdout).inputs).toEqual(ROI_DEFAULTS);

    const bad = await cli(dataDir, ['roi', '--denial-rate', '120', '--ar-days', 'lots', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--denial-rate: Current denial rate must be between 0% and 100%.');
    expect(bad.stderr).toContain('--ar-days: Days a denied claim sits in A/R: enter a number.');
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, code: 'BAD_INPUT', fields: { '--denial-rate': 'Current denial rate must be between 0% and 100%.' } });
    expect((await cli(dataDir, ['roi', '--no-such-flag', '1'])).code).toBe(2);
  });
});

describe('the store side', () => {
  it('the dashboard query scans the date index and looks up claims and step times by key', () => {
    const db = new Database(':memory:');
    migrate(db);
    const sql = new DashboardRepo(db).sql;
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ from: '2026-01-01', to: '2026-12-31' }) as { detail: string }[]).map((r) => r.detail);
    expect(plan.join(' | ')).toMatch(/SEARCH c USING INDEX cases_date_of_service \(date_of_service>\? AND date_of_service<\?\)/);
    expect(plan.join(' | ')).toMatch(/SEARCH x USING INDEX sqlite_autoindex_claim_index_1 \(case_id=\?\)/);
    expect(plan.filter((p) => /SEARCH t USING (COVERING )?INDEX sqlite_autoindex_case_times_1 \(case_id=\? AND what=\?\)/.test(p))).toHaveLength(5);
    expect(plan.join(' | ')).not.toMatch(/SCAN (c|x|t)\b/);
    db.close();
  });

  it('claims never computed (cases from before billing, or written by hand) are computed, 300 per view at most', async () => {
    const dir = tempDir();
    const store = Store.open({ dataDir: dir });
    const insertCase = store.db.prepare(`INSERT INTO cases (id, status, patient_last_name, patient_first_name, patient_mrn, patient_dob, patient_sex, procedure_text, date_of_service, time_zone, created_at, updated_at)
      VALUES (?, 'closed', 'Testpatient', 'Old', ?, '1960-01-01', 'F', 'Fusion', '2026-02-02', 'UTC', 0, 1)`);
    store.write(() => {
      for (let i = 0; i < RECOMPUTE_LIMIT + 5; i++) insertCase.run(`old-${String(i).padStart(4, '0')}`, `SYN-${i}`);
    });
    store.close();
    const old = testBackend({ dataDir: dir });
    try {
      const first = await old.ok('getDashboard', {});
      expect(first.claims).toEqual({ recomputed: RECOMPUTE_LIMIT, pending: 5 });
      expect(first.clean).toMatchObject({ measured: RECOMPUTE_LIMIT, unknown: 5 });
      const second = await old.ok('getDashboard', {});
      expect(second.claims).toEqual({ recomputed: 5, pending: 0 });
      // Nothing recorded on them: nothing billable, none clean at close.
      expect(second.clean).toMatchObject({ measured: RECOMPUTE_LIMIT + 5, clean: 0, unknown: 0 });
      expect(second.findings.find((f) => f.rule === 'C04')).toMatchObject({ cases: RECOMPUTE_LIMIT + 5, sharePct: 100 });
    } finally {
      await old.close();
    }
  });

  it('10,000 stored cases: one view adds them all up (its speed is a row of npm run bench)', async () => {
    const dir = tempDir();
    seedDashboardCases(dir, 10_000);
    const big = testBackend({ dataDir: dir });
    try {
      const d = await big.ok('getDashboard', {});
      expect(d).toMatchObject({ cases: 10_000, closedCases: 10_000, claims: { recomputed: 0, pending: 0 } });
      expect(d.clean).toMatchObject({ measured: 10_000, clean: 7500, sharePct: 75 });
      expect(d.findings.map((f) => [f.rule, f.cases])).toEqual([['R27', 10_000], ['R32', 3334]]);
      expect(d.minutes).toMatchObject({ captured: 2_400_000, billed: 2_000_000, billedPct: 83.3 });
      expect(d.weeks.length).toBeGreaterThanOrEqual(52);
    } finally {
      await big.close();
    }
  });
});
