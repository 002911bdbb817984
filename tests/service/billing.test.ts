/**
 * Billing on the real backend: the demo case's claim from its captured events, coding questions
 * answered, sign-off, override by a user with billing rights, charge export, and rule sets saved
 * by an administrator. Real SQLite, real watcher (the demo plays through it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeReport, sampleCase, testBackend, type TestBackend } from '../helpers/backend';
import { tempDir } from '../helpers/temp-dir';
import { CHARGE_COLUMNS } from '../../shared/billing/charges';

let b: TestBackend;
let caseId: string;

beforeAll(async () => {
  b = testBackend({ dataDir: tempDir(), seedDemo: true, capture: true, demoSpeed: 50_000 });
  await b.demo?.done;
  await b.capture?.idle();
  caseId = (await b.ok('listCases', {}))[0]!.id;
  const biller = await b.ok('saveUser', { user: { name: 'Bill Ing', role: 'billing' } });
  await b.ok('setUserPin', { id: biller.id, newPin: 'biller-pin-1' });
  const admin = await b.ok('saveUser', { user: { name: 'Ada Admin', role: 'admin' } });
  await b.ok('setUserPin', { id: admin.id, newPin: 'admin-pin-1' });
  const tech = await b.ok('saveUser', { user: { name: 'Tess Tech', role: 'technologist' } });
  await b.ok('setUserPin', { id: tech.id, newPin: 'tech-pin-1' });
});
afterAll(async () => {
  await b?.close();
});

describe('the demo case claim', () => {
  it('asks what the device names do not say, then codes from the captured recordings and minutes', async () => {
    const first = await b.ok('getClaim', { caseId });
    expect(first.questions.map((q) => q.id)).toEqual(['limbs:TCMEP', 'emg_extremities']);
    expect(first.findings.filter((f) => f.rule === 'C01').map((f) => f.message)).toEqual([
      'TcMEP: which limbs were tested? The device names (L MEP, R MEP) do not say.',
      'EMG: how many extremities were monitored? The record does not say (no recording or entry names limb and side).',
    ]);
    expect(first.lines.map((l) => l.code)).toEqual(['95938', '95941']);
    expect(first.notBilled.map((n) => n.modality)).toEqual(['TOF']);

    const answered = await b.ok('saveBillingDetails', { caseId, details: { limbs: { TCMEP: ['upper', 'lower'] }, emgExtremities: 2, surgeonOrder: ['SSEP', 'TCMEP', 'EMG_FREE', 'EMG_TRIGGERED'] } });
    const timeline = await b.ok('getTimeline', { caseId });
    const minutes = Math.round(timeline.monitoring.monitoredMs / 60_000);
    expect(answered.lines.map((l) => [l.code, l.units, l.minutes])).toEqual([
      ['95938', 1, null],
      ['95939', 1, null],
      ['95861', 1, null],
      // Remote reader, commercial payer: hours, 31/91/151… minutes.
      ['95941', minutes >= 151 ? 3 : 2, minutes],
    ]);
    expect(answered.lines[3]!.intervals).toEqual(timeline.monitoring.segments.map((s) => ({ start: s.start, end: s.end })));
    expect(answered.lines.every((l) => l.renderingNpi === '1000000004' && l.placeOfService === '22' && l.icdPointers.join() === '1,2')).toBe(true);
    expect(answered.referringNpi).toBe('1000000012');
    // What still blocks: only the signature.
    expect(answered.findings.filter((f) => f.severity === 'block').map((f) => f.rule)).toEqual(['R16']);
    expect(answered).toMatchObject({ clean: false, status: 'not_clean', exportable: false });
    expect(b.pushes.some((p) => p.name === 'claimChanged')).toBe(true);
  });

  it('charges of an unclean claim are refused until a user with billing rights overrides with a reason', async () => {
    await b.ok('setCaseStatus', { id: caseId, status: 'closed' });
    expect((await b.fail('exportCharges', { caseIds: [caseId], format: 'csv' })).message).toMatch(/^Not clean: 1 blocking finding \(R16\)/);
    expect((await b.fail('overrideClaim', { caseId, userId: 'Tess Tech', pin: 'tech-pin-1', reason: 'Physician is travelling this week' })).message).toBe('Tess Tech has no billing rights (billing or administrator role needed).');
    expect((await b.fail('overrideClaim', { caseId, userId: 'Bill Ing', pin: 'wrong', reason: 'Physician is travelling this week' })).message).toBe('That PIN is not right. Nothing was changed.');
    expect((await b.fail('overrideClaim', { caseId, userId: 'Bill Ing', pin: 'biller-pin-1', reason: 'short' })).fields?.['reason']).toMatch(/at least 10 characters/);
    const o = await b.ok('overrideClaim', { caseId, userId: 'Bill Ing', pin: 'biller-pin-1', reason: 'Signed on paper; scanned copy attached in the EHR' });
    expect(o).toMatchObject({ status: 'overridden', exportable: true, override: { by: 'Bill Ing', reason: 'Signed on paper; scanned copy attached in the EHR' } });

    const csv = await b.ok('exportCharges', { caseIds: [caseId], format: 'csv' });
    const [header, ...rows] = csv.content.trim().split('\r\n');
    expect(header).toBe(CHARGE_COLUMNS.join(','));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(new RegExp(`^${caseId},\\d{4}-\\d\\d-\\d\\d,DEMO-0001,Testpatient,Ada,commercial,Example Health Plan,1000000004,1000000012,,1,95938,,1,,M43.16\\|M48.062,1\\|2,22,overridden,closeout-default 2026.1$`));

    // A new blocking problem is not covered by the earlier override.
    await b.ok('setCaseStatus', { id: caseId, status: 'open' });
    const reopened = (await b.ok('getCase', { id: caseId })).case;
    const { id: _id, status: _s, timeZone: _z, version, createdAt: _c, updatedAt: _u, ...fields } = reopened;
    await b.ok('updateCase', { id: caseId, version, fields: { ...fields, diagnosisCodes: [] } });
    expect(await b.ok('getClaim', { caseId })).toMatchObject({ status: 'not_clean', override: null });
    await b.ok('updateCase', { id: caseId, version: version + 1, fields });
    await b.ok('setCaseStatus', { id: caseId, status: 'closed' });
    expect(await b.ok('getClaim', { caseId })).toMatchObject({ status: 'overridden' });
    const audit = await b.ok('verifyAudit', {});
    expect(audit.intact).toBe(true);
  });

  it('signed by the physician, the claim is clean and the date-range export takes it; open cases are listed as skipped', async () => {
    const demoUser = (await b.ok('listUsers', {})).find((u) => u.name === 'Morgan Example (demo)')!;
    await completeReport(b, caseId);
    await b.ok('signReport', { caseId, userId: demoUser.id, pin: 'demo-sign' });
    const claim = await b.ok('getClaim', { caseId });
    expect(claim).toMatchObject({ clean: true, status: 'clean', exportable: true });
    const open = await b.ok('createCase', sampleCase());
    const dos = claim.dateOfService;
    const json = await b.ok('exportCharges', { from: '2000-01-01', to: '2099-12-31', format: 'json' });
    expect(json.cases).toBe(1);
    expect(json.rows.map((r) => r.code)).toEqual(['95938', '95939', '95861', '95941']);
    expect(json.rows.every((r) => r.claim_status === 'clean' && r.date_of_service === dos)).toBe(true);
    expect(json.skipped).toEqual([{ caseId: open.id, dateOfService: open.dateOfService, why: 'The case is still open: close it first.' }]);
    expect(JSON.parse(json.content)).toEqual(json.rows);
  });
});

describe('billing settings', () => {
  it('only an administrator changes the rule sets; every version is kept and the new one is in force', async () => {
    const before = await b.ok('getBillingSettings', {});
    expect(before.ruleSetsSource).toBe('default');
    const sets = before.ruleSets;
    const edited = { ...sets, base: { ...sets.base, version: '2026.2', rules: { ...sets.base.rules, R27: { ...sets.base.rules['R27']!, severity: 'block' as const } } } };
    expect((await b.fail('saveBillingSettings', { ruleSets: edited, userId: 'Bill Ing', pin: 'biller-pin-1' })).message).toBe('Bill Ing is not an administrator; only an administrator changes billing rules.');
    const bad = await b.fail('saveBillingSettings', { ruleSets: { ...edited, base: { ...edited.base, rules: { R01: sets.base.rules['R01'] } } }, userId: 'Ada Admin', pin: 'admin-pin-1' });
    expect(bad.code).toBe('BAD_INPUT');
    const saved = await b.ok('saveBillingSettings', { ruleSets: edited, practice: { role: 'professional', billingNpi: '1234567893' }, userId: 'Ada Admin', pin: 'admin-pin-1' });
    expect(saved).toMatchObject({ ruleSetsSource: 'saved', practice: { role: 'professional' }, history: [{ label: 'closeout-default 2026.2 + amerihealth-1to1 2013.10 + harvard-pilgrim-1to1 2024.1 + aetna-1to1 2025.1', savedBy: 'Ada Admin' }] });
    const claim = await b.ok('getClaim', { caseId });
    expect(claim.rulesLabel).toBe('closeout-default 2026.2');
    expect(claim.lines.filter((l) => l.kind === 'base').every((l) => l.modifiers.join() === '26')).toBe(true);
  });
});
