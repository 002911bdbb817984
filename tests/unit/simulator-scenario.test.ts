/**
 * The simulator's pure parts: the scenario and its truth, the clock, the texts and messages the
 * devices write, and the CLI's argument checks.
 */
import { describe, expect, it } from 'vitest';
import { observationsFromMessage } from '../../shared/hl7/observations';
import { headerOf, parseHl7 } from '../../shared/hl7/parse';
import { parseCadwellStimulus } from '../../shared/parsers/edf';
import { decodeText } from '../../shared/parsers/text-decoding';
import { parseSimulatorArgs, progressLine } from '../../electron/simulator/cli';
import { createClock, defaultStartInstant, deviceWallMs, formatWallClock, parseStartOption, realDueMs } from '../../electron/simulator/clock';
import { edfPlusPatientField, edfPlusRecordingField, talOnset } from '../../electron/simulator/edf-plus-d-writer';
import { MODES } from '../../electron/simulator/modes';
import { buildScenario, CASE_DURATION_MS, expectedFacts, type NoteAction, type TrialAction } from '../../electron/simulator/scenario';
import { stimulusTexts, type Stimulus } from '../../electron/simulator/stimulus-text';
import { encodeWindows1252 } from '../../electron/simulator/text-encoding';
import { buildVitalsOru, vitalsTextLine } from '../../electron/simulator/vitals-message';
import { DEMO_CASE } from '../../electron/simulator/demo-case';

const MIN = 60_000;

describe('scenario', () => {
  it('is deterministic per seed and differs between seeds', () => {
    expect(buildScenario(5)).toEqual(buildScenario(5));
    expect(buildScenario(5).actions).not.toEqual(buildScenario(6).actions);
  });

  it.each([1, 2, 3, 99, 4294967295])('seed %i: a 3 h 10 min lumbar fusion with the demo patient and the expected shape', (seed) => {
    const s = buildScenario(seed);
    const f = expectedFacts(s);
    expect(s.durationMs).toBe(190 * MIN);
    expect(s.actions[0]?.atMs).toBe(0);
    expect(s.actions.at(-1)?.atMs).toBe(CASE_DURATION_MS);
    for (let i = 1; i < s.actions.length; i++) expect((s.actions[i] as { atMs: number }).atMs).toBeGreaterThanOrEqual((s.actions[i - 1] as { atMs: number }).atMs);
    expect(s.case.patient).toEqual({ lastName: 'Testpatient', firstName: 'Ada', mrn: 'DEMO-0001', dateOfBirth: '1961-04-12', sex: 'F' });
    expect(s.caseId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const mode = (name: string) => f.modes.find((m) => m.name === name);
    // SSEP averages every 1–2 min, MEPs every 5–10 min plus on demand, EMG streaming, TOF now and then.
    expect(mode('Upper SSEP')?.trialCount).toBeGreaterThan(70);
    expect(mode('Lower SSEP')?.trialCount).toBe(mode('Upper SSEP')?.trialCount);
    expect(mode('L MEP')?.trialCount).toBeGreaterThanOrEqual(18);
    expect(mode('L MEP')?.trialCount).toBeLessThanOrEqual(40);
    expect(mode('Free Run EMG')).toMatchObject({ streaming: true });
    expect(mode('Free Run EMG')?.trialCount).toBeGreaterThan(300);
    expect(mode('Triggered EMG')?.trialCount).toBe(12);
    expect(mode('TOF')?.trialCount).toBeGreaterThanOrEqual(4);
    // One baseline per mode, except triggered EMG (thresholds, not baselines).
    for (const m of f.modes) expect(m.baselineMs, m.name).toHaveLength(m.name === 'Triggered EMG' ? 0 : 1);
    // Baselines come before monitoring starts, which comes before incision.
    const incision = f.notes.find((n) => n.text === 'Incision.')?.atMs ?? -1;
    for (const m of f.modes) for (const b of m.baselineMs) expect(b).toBeLessThan(f.monitoring.startMs);
    expect(f.monitoring.startMs).toBeLessThan(incision);

    // Milestones near the demo case's minutes (jitter of seconds).
    const near = (atMs: number, minute: number, slackMin = 1.5) => expect(Math.abs(atMs / MIN - minute)).toBeLessThanOrEqual(slackMin);
    near(f.alert.onset.atMs, 96);
    near(f.alert.notified.atMs, 97);
    near(f.alert.intervention.atMs, 98);
    near(f.alert.recovery.atMs, 112, 2);
    near(f.closureStatus.atMs, 160);
    near(f.monitoring.startMs, 28);
    near(f.monitoring.endMs, 163);
    expect(f.screws.map((n) => n.text)).toEqual([
      'Pedicle screw L4 left, triggered EMG threshold 14 mA.',
      'Pedicle screw L4 right, triggered EMG threshold 18 mA.',
      'Pedicle screw L5 left, triggered EMG threshold 22 mA.',
      'Pedicle screw L5 right, triggered EMG threshold 16 mA.',
    ]);
    expect(f.deletedNotes).toHaveLength(1);
    expect(f.vitalsCount).toBe(191);
    // The demo's story, in order: baselines, monitoring, incision, the alert and its follow-up, closure.
    const texts = f.notes.map((n) => n.text);
    const order = ['Monitoring start.', 'Incision.', 'Left tibialis anterior TcMEP amplitude down 80% from baseline.', 'Surgeon notified of left TA MEP change.', 'Closure.', 'Monitoring end.'];
    expect(order.map((t) => texts.indexOf(t)).every((i, k, a) => i >= 0 && (k === 0 || i > (a[k - 1] as number)))).toBe(true);
  });

  it('the alert is in the L MEP data: left TA down ~80% from the drop until the recovery trial, other channels unchanged', () => {
    const s = buildScenario(11);
    const f = expectedFacts(s);
    const lMep = s.actions.filter((a): a is TrialAction => a.kind === 'trial' && a.mode === 'lMep');
    const ta = MODES.find((m) => m.key === 'lMep')?.channels.findIndex((c) => c.name === 'L TA') as number;
    for (const t of lMep) {
      const g = t.gains[ta] as number;
      if (t.atMs < f.alert.trialMs || t.atMs >= f.alert.recoveryTrialMs) expect(g, `${t.atMs}`).toBeGreaterThan(0.75);
      if (t.atMs === f.alert.trialMs) expect(g).toBeLessThan(0.25);
      expect(t.gains.filter((_, i) => i !== ta).every((x) => x > 0.75)).toBe(true);
    }
    // MEPs on demand through the alert: about every 2 minutes.
    expect(lMep.filter((t) => t.atMs >= f.alert.trialMs && t.atMs <= f.alert.recoveryTrialMs).length).toBeGreaterThanOrEqual(7);
  });

  it('MAP dips before the alert and is raised by the intervention', () => {
    const s = buildScenario(11);
    const f = expectedFacts(s);
    const map = (atMs: number) => {
      const v = s.actions.filter((a) => a.kind === 'vitals' && a.atMs <= atMs).at(-1);
      return v?.kind === 'vitals' ? v.mapMmHg : NaN;
    };
    expect(map(f.alert.trialMs - 20 * MIN)).toBeGreaterThan(75);
    expect(map(f.alert.trialMs)).toBeLessThan(68);
    expect(map(f.alert.intervention.atMs + 2 * MIN)).toBeGreaterThanOrEqual(82);
  });

  it('anaesthesia notes: a propofol rate change and a remifentanil bolus; trials are numbered 1… per mode', () => {
    const s = buildScenario(2);
    const anaesthesia = s.actions.filter((a): a is NoteAction => a.kind === 'note' && a.category === 'anesthesia').map((n) => n.text);
    expect(anaesthesia.some((t) => /propofol .*increased/i.test(t))).toBe(true);
    expect(anaesthesia.some((t) => /remifentanil bolus/i.test(t))).toBe(true);
    for (const m of MODES) {
      const numbers = s.actions.filter((a): a is TrialAction => a.kind === 'trial' && a.mode === m.key).map((t) => t.trialNumber);
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    }
  });
});

describe('clock', () => {
  it('by default the last action lands at the real time it is written, at any speed', () => {
    const now = Date.UTC(2026, 10, 26, 18, 0, 0);
    for (const speed of [1, 60, 20_000]) {
      const c = createClock({ durationMs: CASE_DURATION_MS, speed, zone: 'UTC', realStartMs: now });
      expect(c.startInstantMs).toBe(defaultStartInstant(now, CASE_DURATION_MS, speed));
      expect(Math.abs(c.startInstantMs + CASE_DURATION_MS - realDueMs(c, CASE_DURATION_MS))).toBeLessThanOrEqual(1);
    }
    // At speed 1 the case started exactly its duration ago.
    expect(createClock({ durationMs: CASE_DURATION_MS, speed: 1, zone: 'UTC', realStartMs: now }).startInstantMs).toBe(now);
  });

  it('device clocks are naive wall clocks in the zone, across a DST change', () => {
    // 2026-03-08 02:00 America/Chicago: clocks jump from 01:59:59 CST to 03:00:00 CDT.
    const start = parseStartOption('2026-03-08T01:30', 'America/Chicago') as number;
    expect(start).toBe(Date.UTC(2026, 2, 8, 7, 30));
    const c = createClock({ durationMs: CASE_DURATION_MS, speed: 1, zone: 'America/Chicago', realStartMs: 0, startInstantMs: start });
    expect(formatWallClock(deviceWallMs(c, 0))).toBe('2026-03-08T01:30:00.000');
    expect(formatWallClock(deviceWallMs(c, 45 * MIN))).toBe('2026-03-08T03:15:00.000');
  });

  it('--start accepts a naive wall clock (in the zone) or an instant; rejects the rest', () => {
    expect(parseStartOption('2026-11-26T07:30', 'Europe/Amsterdam')).toBe(Date.UTC(2026, 10, 26, 6, 30));
    expect(parseStartOption('2026-11-26T07:30:15', 'UTC')).toBe(Date.UTC(2026, 10, 26, 7, 30, 15));
    expect(parseStartOption('2026-11-26T07:30:00Z', 'America/Chicago')).toBe(Date.UTC(2026, 10, 26, 7, 30));
    expect(parseStartOption('2026-11-26T07:30:00-05:00', 'UTC')).toBe(Date.UTC(2026, 10, 26, 12, 30));
    for (const bad of ['', 'yesterday', '2026-11-26', '26/11/2026 07:30', '2026-13-01T07:30Z']) expect(parseStartOption(bad, 'UTC'), bad).toBeNull();
  });
});

describe('device texts', () => {
  const stim: Stimulus = { intensityMa: 120, sensedMa: 118, volts: 300, pulseWidthUs: 50, pulses: 5, isiMs: 2, rateHz: 2 };

  it('stimulus text in both Cadwell forms, as the EDF profile parses them', () => {
    expect(stimulusTexts(stim, 'cascade')).toEqual(['Stim: 120mA, 50\u00b5s, 5, 2ms, 2Hz']);
    expect(parseCadwellStimulus(stimulusTexts(stim, 'cascade').join(' '))).toMatchObject({ form: 'cascade', amplitudes: [120], pulseWidthUs: 50, pulses: 5, isiMs: 2, rateHz: 2 });
    expect(stimulusTexts(stim, 'iomax')[0]).toBe('Intensity: 120 / 118 mA (300 V)');
    expect(parseCadwellStimulus(stimulusTexts(stim, 'iomax').join(' '))).toMatchObject({ form: 'iomax', amplitudes: [120, 118], counterpart: { value: 300, unit: 'V' }, pulses: 5, rateHz: 2, pulseWidthUs: 50 });
    expect(stimulusTexts({ ...stim, rateHz: 4.7, intensityMa: 25 }, 'cascade')).toEqual(['Stim: 25mA, 50\u00b5s, 5, 2ms, 4.7Hz']);
  });

  it('EDF+ identification fields and TAL onsets', () => {
    expect(edfPlusPatientField({ code: 'DEMO-0001', sex: 'F', birthdate: '1961-04-12', lastName: 'Testpatient', firstName: 'Ada' })).toBe('DEMO-0001 F 12-APR-1961 Testpatient_Ada');
    expect(edfPlusPatientField({ code: '', sex: null, birthdate: null, lastName: 'Van der Test', firstName: 'Ann Marie' })).toBe('X X X Van_der_Test_Ann_Marie');
    expect(edfPlusRecordingField(Date.UTC(2026, 10, 26, 7, 30), 'Closeout Simulator')).toBe('Startdate 26-NOV-2026 X X Closeout_Simulator');
    expect([talOnset(0), talOnset(535), talOnset(12_345_678), talOnset(-250)]).toEqual(['+0.000', '+0.535', '+12345.678', '-0.250']);
  });

  it('Windows-1252 encoding round-trips through the project decoder; unmappable characters become "?"', () => {
    const text = 'Warming 43 °C, 50 µs, “quotes” – € Ω';
    const bytes = encodeWindows1252(text);
    expect([...bytes.subarray(11, 12)]).toEqual([0xb0]);
    expect(decodeText(bytes, 'windows-1252')).toBe('Warming 43 °C, 50 µs, “quotes” – € ?');
  });

  it('vitals as ORU^R01 that the shared parser and observation mapping read, and as a text line', () => {
    const v = { wallMs: Date.UTC(2026, 10, 26, 9, 41, 0), utcOffsetMinutes: -360, mapMmHg: 78, heartRate: 64, temperatureC: 36.4 };
    const text = buildVitalsOru(v, DEMO_CASE, 'SIMABC123-7');
    expect(text.endsWith('\r')).toBe(true);
    const parsed = parseHl7(text);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(headerOf(parsed.message)).toMatchObject({ messageCode: 'ORU', triggerEvent: 'R01', controlId: 'SIMABC123-7', version: '2.5.1', timestamp: '20261126094100-0600' });
    const { events, warnings } = observationsFromMessage(parsed.message);
    expect(warnings).toEqual([]);
    expect(events.map((e) => e.text)).toEqual(['MAP 78 mmHg', 'HR 64 /min', 'Temp 36.4 °C']);
    expect(events.every((e) => e.wallClock === '2026-11-26T09:41:00' && e.kind === 'vitals')).toBe(true);
    expect(vitalsTextLine(v)).toBe('09:41:00 MAP 78 HR 64 TEMP 36.4\r\n');
    expect(vitalsTextLine({ ...v, temperatureC: 36 })).toBe('09:41:00 MAP 78 HR 64 TEMP 36.0\r\n');
  });
});

describe('CLI arguments', () => {
  const ok = (argv: string[]) => {
    const r = parseSimulatorArgs(argv);
    if (!r.ok || r.help) throw new Error(r.ok ? 'help' : r.message);
    return r;
  };
  const message = (argv: string[]) => {
    const r = parseSimulatorArgs(argv);
    return r.ok ? null : r.message;
  };

  it('defaults and every flag', () => {
    const d = ok(['--out', 'x']);
    expect(d.quiet).toBe(false);
    expect(d.options).toMatchObject({ seed: 1, speed: 1, formats: ['edf', 'cadwell', 'xltek'], serialPath: null, serialFraming: 'mllp', cadwellEveryMin: null, stimulusForm: 'cascade' });
    expect(d.options.outDir.endsWith('/x')).toBe(true);
    expect(d.options.startInstantMs).toBeUndefined();
    const all = ok([
      '--out', '/tmp/o', '--speed', '60', '--start', '2026-11-26T07:30', '--zone', 'America/Chicago', '--seed', '42', '--formats', 'edf,xltek,edf',
      '--serial', '/tmp/a', '--serial-framing', 'lines', '--stim-text', 'iomax', '--quiet',
    ]);
    expect(all.quiet).toBe(true);
    expect(all.options).toMatchObject({ outDir: '/tmp/o', speed: 60, zone: 'America/Chicago', seed: 42, formats: ['edf', 'xltek'], serialPath: '/tmp/a', serialFraming: 'lines', stimulusForm: 'iomax', startInstantMs: Date.UTC(2026, 10, 26, 13, 30) });
    expect(ok(['--out', 'x', '--cadwell-every', '15']).options.cadwellEveryMin).toBe(15);
    expect(ok(['--out', 'x', '--formats', 'none', '--serial', '/dev/null']).options.formats).toEqual([]);
    expect(parseSimulatorArgs(['--help'])).toEqual({ ok: true, help: true });
  });

  it.each([
    [[], /--out DIR is required/],
    [['--out', 'x', '--speed', '0'], /--speed must be a number above 0/],
    [['--out', 'x', '--speed', 'fast'], /--speed/],
    [['--out', 'x', '--zone', 'Mars/Olympus'], /--zone "Mars\/Olympus" is not a time zone/],
    [['--out', 'x', '--start', 'yesterday'], /--start "yesterday" is not a date/],
    [['--out', 'x', '--seed=-1'], /--seed must be a whole number/],
    [['--out', 'x', '--seed', '-1'], /Option '--seed' argument is ambiguous/],
    [['--out', 'x', '--seed', '4294967296'], /--seed/],
    [['--out', 'x', '--formats', 'edf,nk'], /--formats: "nk" is not one of/],
    [['--out', 'x', '--formats', 'none'], /Nothing to write/],
    [['--out', 'x', '--serial-framing', 'hl7'], /--serial-framing must be mllp or lines/],
    [['--out', 'x', '--cadwell-every', '0'], /--cadwell-every must be/],
    [['--out', 'x', '--formats', 'edf', '--cadwell-every', '5'], /needs the cadwell format/],
    [['--out', 'x', '--stim-text', 'nicolet'], /--stim-text must be cascade or iomax/],
    [['--out', 'x', '--bogus'], /Unknown option '--bogus'/],
    [['--out', 'x', 'stray'], /positional/i],
  ])('%j is refused with a plain message', (argv, re) => {
    const m = message(argv as string[]);
    expect(m).toMatch(re);
    expect(m).not.toContain('\n');
  });

  it('progress lines show the device clock, counts and the note just written', () => {
    const p = { deviceClock: '2026-11-26T09:41:12.345', offsetMs: 0, actionsDone: 12, totalActions: 893, trials: 5, notes: 3, vitals: 4 };
    expect(progressLine({ ...p, note: null })).toBe('[2026-11-26 09:41:12]  12/893 actions, 5 trials, 3 notes, 4 vitals\n');
    expect(progressLine({ ...p, note: 'Incision.' })).toBe('[2026-11-26 09:41:12]  12/893 actions, 5 trials, 3 notes, 4 vitals  Incision.\n');
  });
});
