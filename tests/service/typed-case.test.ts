/**
 * A case with no device source at all, built only from what the technologist marks and types,
 * comes out as the same case captured from the device exports: the same monitoring times and
 * alert (with who was told, what was done, how it recovered), the same codes and units on a clean
 * claim, and the same minutes on the practice dashboard. The device case is the demo, played
 * through the real watcher; the typed one repeats its facts, at its times, through quick entry.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../helpers/patience';
import { layoutTimelineFigure } from '../../shared/domain/timeline-figure';
import { laneName, wallClockFormatter } from '../../shared/domain/timeline';
import type { ArgsIn } from '../../shared/contract/api';
import type { CaseRecord } from '../../shared/domain/case';
import type { Timeline } from '../../shared/domain/timeline';
import { completeReport, testBackend, type TestBackend } from '../helpers/backend';
import { tempDir } from '../helpers/temp-dir';

let b: TestBackend;
let deviceId: string;
let typedId: string;
let device: Timeline;
const ANSWERS: ArgsIn<'saveBillingDetails'>['details'] = { limbs: { TCMEP: ['upper', 'lower'] }, emgExtremities: 2, surgeonOrder: ['SSEP', 'TCMEP', 'EMG_FREE', 'EMG_TRIGGERED'] };

let n = 0;
/**
 * The demo's clock runs fast from its start, so its device times lie ahead of the wall clock; the
 * case typed by hand is the same case an hour or so earlier (same times of day but for this shift),
 * as no keyboard entry may be in the future.
 */
let shift = 0;
const entry = (caseId: string, occurredAt: number, e: ArgsIn<'addEntry'>['entry']) => b.ok('addEntry', { caseId, occurredAt: occurredAt - shift, clientId: `typed-entry-${++n}`, entry: e });

beforeAll(async () => {
  b = testBackend({ dataDir: tempDir(), seedDemo: true, capture: true, demoSpeed: 50_000 });
  await b.demo?.done;
  await b.capture?.idle();
  deviceId = (await b.ok('listCases', {}))[0]!.id;
  await b.ok('saveBillingDetails', { caseId: deviceId, details: ANSWERS });
  device = await b.ok('getTimeline', { caseId: deviceId });
  shift = Math.max(0, device.monitoring.end! - Date.now() + 60_000);

  // The same patient and procedure on a workstation with no device source: only the keyboard.
  const record: CaseRecord = (await b.ok('getCase', { id: deviceId })).case;
  const { id: _i, status: _s, timeZone: _z, version: _v, createdAt: _c, updatedAt: _u, ...fields } = record;
  // Its date of service is the day its monitoring started (the shift may cross midnight).
  const day = new Date(device.monitoring.start! - shift);
  const dateOfService = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
  typedId = (await b.ok('createCase', { ...fields, dateOfService })).id;
  // One case captures at a time: the demo's capture is over.
  await b.ok('setCaseStatus', { id: deviceId, status: 'closed' });
  await b.ok('setCaseStatus', { id: typedId, status: 'capturing' });

  const lane = (modality: string) => device.lanes.find((l) => l.modality === modality)!;
  const baselineAt = (modality: string) => lane(modality).baselines[0]?.at ?? lane(modality).firstActivity;
  const a = device.alerts[0]!;
  await entry(typedId, device.monitoring.start!, { kind: 'monitoring_start' });
  await entry(typedId, baselineAt('SSEP'), { kind: 'baseline', modality: 'SSEP', limbs: ['upper', 'lower'] });
  await entry(typedId, baselineAt('TCMEP'), { kind: 'baseline', modality: 'TCMEP', limbs: ['upper', 'lower'] });
  await entry(typedId, baselineAt('EMG_FREE'), { kind: 'baseline', modality: 'EMG_FREE' });
  await entry(typedId, baselineAt('EMG_TRIGGERED'), { kind: 'baseline', modality: 'EMG_TRIGGERED' });
  const alert = await entry(typedId, a.at, { kind: 'alert', modality: 'TCMEP', side: 'left', muscle: 'tibialis anterior', amplitudeDropPct: 80 });
  await entry(typedId, a.notified!.at, { kind: 'surgeon_notified', who: 'Dr Sam Sample', role: 'surgeon' });
  for (const i of a.interventions) await entry(typedId, i.at, { kind: 'intervention', action: 'map_raised', detail: 'to 85 mmHg, retractor released' });
  await entry(typedId, a.resolved!.at, { kind: 'alert_resolved', recovery: 'full', alertEventId: alert[0]!.id });
  const closing = (await b.ok('getReport', { caseId: deviceId })).facts.closing!;
  await entry(typedId, closing.at, { kind: 'closing', status: 'at_baseline' });
  await entry(typedId, device.monitoring.end!, { kind: 'monitoring_end' });
  await b.ok('saveBillingDetails', { caseId: typedId, details: ANSWERS });
});
afterAll(async () => {
  await b?.close();
});

describe('a case typed by hand, no device source', () => {
  it('has the device case’s monitoring and alert on its timeline', async () => {
    const typed = await b.ok('getTimeline', { caseId: typedId });
    expect(typed.monitoring.segments.map((s) => [s.start, s.end])).toEqual(device.monitoring.segments.map((s) => [s.start - shift, s.end - shift]));
    expect(typed.monitoring.monitoredMs).toBe(device.monitoring.monitoredMs);
    expect(typed.gaps).toEqual([]);
    const shape = (t: Timeline, by: number) =>
      t.alerts.map((a) => ({ at: a.at - by, modality: a.modality, side: a.side, limb: a.limb, notified: a.notified!.at - by, interventions: a.interventions.map((i) => i.at - by), resolved: a.resolved!.at - by, outcome: a.outcome }));
    expect(shape(typed, 0)).toEqual(shape(device, shift));
    // The lanes the technologist's baselines open run to the marked end; they say they were entered.
    expect(typed.lanes.map((l) => [l.key, l.entered])).toEqual([
      ['SSEP:lower', true],
      ['SSEP:upper', true],
      ['TCMEP:lower', true],
      ['TCMEP:upper', true],
      ['EMG_FREE:', true],
      ['EMG_TRIGGERED:', true],
    ]);
    // Every typed event names its source and who typed it.
    const events = await b.ok('listEvents', { caseId: typedId });
    expect(events.every((e) => e.source === 'keyboard' && e.payload?.['typedBy'] === 'Riley Demo')).toBe(true);
  });

  it('reports the alert with who was told, what was done and how it recovered; states only what the record holds', async () => {
    const r = await b.ok('getReport', { caseId: typedId });
    const text = (id: string) => r.sections.find((s) => s.id === id)!.text;
    expect(text('events')).toContain('Left tibialis anterior TcMEP amplitude down 80% from baseline.');
    expect(text('events')).toMatch(/ {2}Notified at \d\d:\d\d: Dr Sam Sample, surgeon\./);
    expect(text('events')).toMatch(/ {2}\d\d:\d\d Intervention: MAP raised to 85 mmHg, retractor released\./);
    expect(text('events')).toMatch(/ {2}\d\d:\d\d Recovered after 16 min: Left lower limb TcMEP back to baseline\./);
    expect(text('modalities')).toContain('as entered by the technologist (no device recordings)');
    expect(text('closing')).toMatch(/At closure, all monitored modalities at baseline\.$/);
    const suggestion = r.sections.find((s) => s.id === 'interpretation')!.suggestion!;
    expect(suggestion).toContain('SSEP, TcMEP, Free-run EMG and Triggered EMG were monitored.');
    expect(suggestion).toMatch(/The change in TcMEP, left lower limb at \d\d:\d\d recovered by \d\d:\d\d after MAP raised to 85 mmHg, retractor released\./);
    // Nothing is missing but the physician's interpretation, as for the device case.
    expect(r.gaps).toEqual(['Interpretation: not written by the interpreting physician']);
    expect((await b.ok('getReport', { caseId: deviceId })).gaps).toEqual(r.gaps);
  });

  it('bills the same codes and units as the device case, and its claim is clean once signed', async () => {
    const deviceClaim = await b.ok('getClaim', { caseId: deviceId });
    const typedClaim = await b.ok('getClaim', { caseId: typedId });
    const lines = (c: typeof deviceClaim) => c.lines.map((l) => [l.code, l.modifiers.join(' '), l.units, l.minutes]);
    expect(lines(typedClaim)).toEqual(lines(deviceClaim));
    expect(typedClaim.lines.map((l) => l.code)).toEqual(['95938', '95939', '95861', '95941']);
    expect(typedClaim.findings.filter((f) => f.severity === 'block').map((f) => f.rule)).toEqual(['R16']);

    const reader = (await b.ok('listPeople', { role: 'physician' }))[0]!;
    const user = await b.ok('saveUser', { user: { name: 'Dr Typed Reader', role: 'physician', personId: reader.id } });
    await b.ok('setUserPin', { id: user.id, newPin: 'typed-reader-1' });
    await b.ok('setCaseStatus', { id: typedId, status: 'closed' });
    for (const caseId of [typedId, deviceId]) await completeReport(b, caseId);
    await b.ok('signReport', { caseId: typedId, userId: user.id, pin: 'typed-reader-1' });
    const demoUser = (await b.ok('listUsers', {})).find((u) => u.name === 'Morgan Example (demo)')!;
    await b.ok('signReport', { caseId: deviceId, userId: demoUser.id, pin: 'demo-sign' });
    const signedTyped = await b.ok('getClaim', { caseId: typedId });
    expect(signedTyped).toMatchObject({ clean: true, status: 'clean' });
    expect(lines(signedTyped)).toEqual(lines(await b.ok('getClaim', { caseId: deviceId })));
  });

  it('shows its typed spans as entered, not as recordings, in the PDF and its figure', async () => {
    // After the signing above; pdftotext reads the table and the legend as a reader sees them.
    const pdf = await b.ok('exportPdf', { caseId: typedId });
    const file = path.join(tempDir(), 'typed.pdf');
    fs.writeFileSync(file, Buffer.from(pdf.base64, 'base64'));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', timeout: HANG_MS });
    const timeline = await b.ok('getTimeline', { caseId: typedId });
    const { timeZone } = (await b.ok('getCase', { id: typedId })).case;
    const clock = wallClockFormatter(timeZone);
    for (const lane of timeline.lanes) {
      const row = new RegExp(`${laneName(lane).replace(/[()]/g, '\\$&')}\\s+Entered by the technologist\\s+—\\s+${clock(lane.firstActivity)}\\s+${clock(lane.lastActivity)}\\s+${Math.round(lane.activeMs / 60_000)}\\n`);
      expect(text).toMatch(row);
    }
    // The legend names the tone beside the recordings'.
    expect(text).toMatch(/Recording\s+Entered by the technologist\s+No activity/);
    // The figure draws them in their own tone; the device case's lanes stay recordings.
    const tones = (t: Timeline) => layoutTimelineFigure(t, { width: 600, timeZone }).shapes.filter((s) => s.type === 'rect' && (s.tone === 'activity' || s.tone === 'entered')).map((s) => s.tone);
    expect(new Set(tones(timeline))).toEqual(new Set(['entered']));
    expect(new Set(tones(device))).toEqual(new Set(['activity']));
  });

  it('counts on the practice dashboard as the device case does', async () => {
    const d = await b.ok('getDashboard', {});
    const minutes = Math.round(device.monitoring.monitoredMs / 60_000);
    expect(d.cases).toBe(2);
    expect(d.minutes.captured).toBe(2 * minutes);
    const billed = (await b.ok('getClaim', { caseId: deviceId })).lines.find((l) => l.minutes !== null)!.minutes!;
    expect(d.minutes.billed).toBe(2 * billed);
    expect(d.byStatus.find((s) => s.status === 'signed')?.cases).toBe(2);
  });
});
