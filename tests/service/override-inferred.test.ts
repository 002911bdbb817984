/**
 * An override accepts a documentation risk; it never turns an inferred time into billed time.
 * A case whose monitoring was started but never ended (the last recording stands in for the end)
 * is blocked by R05; a billing user overrides it; the charge export then leaves the time line out
 * and says why. Once the technologist records when monitoring really ended (a quick entry,
 * audited), the time is exported. Real watcher, real EDF trials, real SQLite.
 */
import { describe, expect, it } from 'vitest';
import { cadwellEdf, captureRig, eventually, writeFile, xltekText } from '../helpers/capture';

const MIN = 60_000;
const two = (n: number) => String(n).padStart(2, '0');

describe('an override and a guessed monitoring end', () => {
  it('exports no time computed from an inferred end; the recorded end makes it billable', async () => {
    // Two hours ago, on the workstation's clock (the date goes with the time near midnight).
    const start = new Date(Date.now() - 120 * MIN);
    const date = { day: start.getDate(), month: start.getMonth() + 1, year: start.getFullYear() };
    const dateOfService = `${date.year}-${two(date.month)}-${two(date.day)}`;
    const clock = (d: Date, sep: string) => `${two(d.getHours())}${sep}${two(d.getMinutes())}${sep}${two(d.getSeconds())}`;
    const r = await captureRig({ caseOverrides: { dateOfService }, folder: { timeZone: 'workstation' } });
    const b = r.backend;
    const surgeon = await b.ok('createPerson', { role: 'surgeon', lastName: 'Sample', firstName: 'Sam', credential: 'MD', npi: '1000000012' });
    const reader = await b.ok('createPerson', { role: 'physician', lastName: 'Reader', firstName: 'Rita', credential: 'MD', npi: '1000000004' });
    const { case: record } = await b.ok('getCase', { id: r.caseId });
    const { id: _i, status: _s, timeZone: _z, version, createdAt: _c, updatedAt: _u, ...fields } = record;
    await b.ok('updateCase', { id: r.caseId, version, fields: { ...fields, surgeonId: surgeon.id, physicianId: reader.id, readerLocation: 'in_room', payer: { type: 'commercial', name: 'Acme Health' } } });
    const biller = await b.ok('saveUser', { user: { name: 'Bill Ing', role: 'billing' } });
    await b.ok('setUserPin', { id: biller.id, newPin: 'biller-pin-1' });

    // Monitoring start and a baseline in the events text; 90 minutes of TcMEP trials; no end.
    const at = (m: number) => clock(new Date(start.getTime() + m * MIN), ':');
    writeFile(r.exportDir, 'events.txt', xltekText([[at(0), 'Monitoring start'], [at(2), 'Baseline TcMEP obtained']], `${two(date.month)}/${two(date.day)}/${date.year}`, at(0)));
    writeFile(r.exportDir, 'L MEP.edf', cadwellEdf({ trials: 180, everySec: 30, start: clock(new Date(start.getTime() + MIN), '.'), date }));
    await eventually(async () => expect((await r.events()).length).toBeGreaterThanOrEqual(182));
    await b.ok('setCaseStatus', { id: r.caseId, status: 'closed' });
    await b.ok('saveBillingDetails', { caseId: r.caseId, details: { limbs: { TCMEP: ['lower'] } } });

    const claim = await b.ok('getClaim', { caseId: r.caseId });
    const r05 = claim.findings.find((f) => f.rule === 'R05');
    expect(r05?.severity).toBe('block');
    expect(r05?.message).toMatch(/no end was recorded; the last TcMEP( \(\w+ limb\))? recording \(\d\d:\d\d\) stands in for it\.$/);
    const time = claim.lines.find((l) => l.kind === 'time');
    expect(time?.units).toBeGreaterThan(0);

    await b.ok('overrideClaim', { caseId: r.caseId, userId: 'Bill Ing', pin: 'biller-pin-1', reason: 'End time confirmed by phone with the OR; paperwork to follow' });
    const exported = await b.ok('exportCharges', { caseIds: [r.caseId], format: 'json' });
    expect(exported.rows.length).toBeGreaterThan(0);
    expect(exported.rows.map((row) => row.code)).not.toContain(time!.code);
    expect(exported.withheld).toEqual([expect.objectContaining({ caseId: r.caseId, code: time!.code, why: expect.stringMatching(/an override does not make inferred time billable\. Record when monitoring really ended/) })]);

    // The technologist records the real end: a quick entry with its time.
    await b.ok('setCaseStatus', { id: r.caseId, status: 'open' });
    await b.ok('addEntry', { caseId: r.caseId, occurredAt: start.getTime() + 95 * MIN, clientId: 'override-end', entry: { kind: 'monitoring_end' } });
    await b.ok('setCaseStatus', { id: r.caseId, status: 'closed' });
    const after = await b.ok('getClaim', { caseId: r.caseId });
    expect(after.findings.map((f) => f.rule)).not.toContain('R05');
    if (after.status === 'not_clean') await b.ok('overrideClaim', { caseId: r.caseId, userId: 'Bill Ing', pin: 'biller-pin-1', reason: 'Signature on paper; scanned copy in the EHR' });
    const again = await b.ok('exportCharges', { caseIds: [r.caseId], format: 'json' });
    expect(again.withheld).toEqual([]);
    expect(again.rows.find((row) => row.code === time!.code)?.minutes).toBeGreaterThan(0);
    await b.close();
  });
});
