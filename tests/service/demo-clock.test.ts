/**
 * The demo is a case happening now: its device times run from the moment it starts, a note typed
 * on it is timed by its clock and lands where the demo is, and its report lag and clean-at-close
 * read as the product promises.
 */
import { describe, expect, it } from 'vitest';
import { caseNow } from '../../shared/domain/case-clock';
import { completeReport, testBackend } from '../helpers/backend';
import { until } from '../helpers/patience';
import { tempDir } from '../helpers/temp-dir';

describe('the demo case’s clock', () => {
  it('starts now; a note typed mid-play lands among the demo’s events; its lags read as promised', async () => {
    const startedAt = Date.now();
    // 600×: the 190-minute case plays in 19 s; the note is typed a few seconds in.
    const b = testBackend({ dataDir: tempDir(), seedDemo: true, capture: true, demoSpeed: 600 });
    const caseId = (await b.ok('listCases', {}))[0]!.id;
    const { clock } = await b.ok('getCase', { id: caseId });
    expect(clock).not.toBeNull();
    expect(clock!.startInstantMs).toBeGreaterThanOrEqual(startedAt);
    expect(clock!.speed).toBe(600);
    // A real case has the workstation's clock.
    const other = await b.ok('createCase', (await import('../helpers/backend')).sampleCase());
    expect((await b.ok('getCase', { id: other.id })).clock).toBeNull();

    await until('some demo events', async () => (await b.ok('listEvents', { caseId })).length >= 5);
    const typedAt = caseNow(clock, Date.now());
    const note = await b.ok('addNote', { caseId, text: 'Typed by the newcomer', occurredAt: typedAt, clientId: 'demo-note-0001' });
    expect(note.occurredAt).toBe(typedAt);
    // On the demo's clock, not the wall clock: after the demo's first events, long before its last.
    await b.demo?.done;
    await b.capture?.idle();
    const events = (await b.ok('listEvents', { caseId, limit: 5000 })).filter((e) => e.source !== 'keyboard');
    const times = events.map((e) => e.occurredAt);
    expect(Math.min(...times)).toBeLessThan(typedAt);
    expect(Math.max(...times)).toBeGreaterThan(typedAt);
    // Its device times run from the moment it started.
    expect(Math.min(...times)).toBeGreaterThanOrEqual(startedAt - 60_000);

    // Closed and signed right away: capture end is on the demo's clock, so the lags are zero.
    await b.ok('saveBillingDetails', { caseId, details: { limbs: { TCMEP: ['upper', 'lower'] }, emgExtremities: 2, surgeonOrder: ['SSEP', 'TCMEP', 'EMG_FREE', 'EMG_TRIGGERED'] } });
    await b.ok('setCaseStatus', { id: caseId, status: 'closed' });
    await completeReport(b, caseId);
    const demoUser = (await b.ok('listUsers', {})).find((u) => u.name === 'Morgan Example (demo)')!;
    await b.ok('signReport', { caseId, userId: demoUser.id, pin: 'demo-sign' });
    const d = await b.ok('getDashboard', {});
    expect(d.lag.find((l) => l.step === 'signed')).toMatchObject({ measured: 1, medianMinutes: 0 });
    expect(d.clean).toMatchObject({ measured: 1, clean: 1, sharePct: 100 });
    await b.close();
  });
});
