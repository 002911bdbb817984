/**
 * The device simulator end to end: real files in a temp folder, read back with the project's own
 * parsers (EDF+ reader with the Cadwell profile, Cadwell case-data JSON, XLTEK text), and checked
 * against the scenario's own truth (expectedFacts), never against the writers' code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../helpers/patience';
import { FileByteSource } from '../../electron/services/capture/file-byte-source';
import { CadwellJsonParser } from '../../shared/parsers/cadwell-json';
import { detectFormat } from '../../shared/parsers/detect';
import { cadwellTrials, openCadwellEdf, type EdfHeader } from '../../shared/parsers/edf';
import type { RecordedSetup } from '../../shared/domain/recorded-setup';
import type { DeviceEvent, ParseWarning } from '../../shared/parsers/types';
import { XltekTxtParser } from '../../shared/parsers/xltek-txt';
import { deviceWallMs, parseStartOption, type SimClock } from '../../electron/simulator/clock';
import { EdfPlusDWriter } from '../../electron/simulator/edf-plus-d-writer';
import { MODES } from '../../electron/simulator/modes';
import { expectedFacts, type ExpectedFacts } from '../../electron/simulator/scenario';
import { runSimulation, type SimulationOptions, type SimulationSummary } from '../../electron/simulator/simulation';
import { tempDir } from '../helpers/temp-dir';

const ZONE = 'America/Chicago';
const START = parseStartOption('2026-11-26T07:30:00', ZONE) as number;
const SEED = 7;

/** Naive wall-clock ms of a parser's "YYYY-MM-DDTHH:MM:SS[.f…]" (read as UTC fields, like ours). */
function wallMs(wallClock: string): number {
  return Date.parse(`${wallClock.length === 19 ? wallClock : wallClock.slice(0, 23)}Z`);
}

type EdfRead = Readonly<{ header: EdfHeader; trials: readonly DeviceEvent[]; warnings: readonly ParseWarning[] }>;

function readEdf(file: string): EdfRead {
  const source = new FileByteSource(file);
  try {
    const reader = openCadwellEdf(source);
    const trials = [...cadwellTrials(reader, file)];
    return { header: reader.header, trials, warnings: reader.warnings };
  } finally {
    source.close();
  }
}

type CadwellRead = Readonly<{ parser: CadwellJsonParser; events: readonly DeviceEvent[] }>;

async function readCadwell(file: string): Promise<CadwellRead> {
  const parser = new CadwellJsonParser();
  const events: DeviceEvent[] = [];
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 64 * 1024 })) events.push(...parser.push(chunk as Buffer));
  events.push(...parser.end());
  return { parser, events };
}

function readXltek(file: string): Readonly<{ parser: XltekTxtParser; events: readonly DeviceEvent[] }> {
  const parser = new XltekTxtParser({ encoding: 'windows-1252' });
  const events = [...parser.push(fs.readFileSync(file)), ...parser.end()];
  return { parser, events };
}

/** Peak-to-peak of one channel of one EDF record, in counts (to see the alert in the data itself). */
function peakToPeak(file: string, header: EdfHeader, record: number, signal: number): number {
  const s = header.signals[signal];
  if (!s) throw new Error(`no signal ${signal}`);
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(s.samplesPerRecord * 2);
    fs.readSync(fd, buf, 0, buf.length, header.headerBytes + record * header.recordBytes + s.offsetInRecord);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < s.samplesPerRecord; i++) {
      const v = buf.readInt16LE(2 * i);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return hi - lo;
  } finally {
    fs.closeSync(fd);
  }
}

describe('simulator: a whole case at 20000×, read back with the project parsers', () => {
  let dir: string;
  let summary: SimulationSummary;
  let facts: ExpectedFacts;
  let clock: SimClock;
  const wall = (offsetMs: number): number => deviceWallMs(clock, offsetMs);

  beforeAll(async () => {
    // Shared by the tests below, so not tempDir() (that one is emptied after every test).
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-sim-'));
    const sim = runSimulation({ outDir: dir, seed: SEED, speed: 20_000, zone: ZONE, startInstantMs: START, cadwellEveryMin: 20 });
    clock = sim.clock;
    facts = expectedFacts(sim.scenario);
    summary = await sim.done;
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('plays every action and writes one EDF per mode, the Cadwell JSON and the XLTEK text', () => {
    expect(summary.completed).toBe(true);
    expect(summary.lastOffsetMs).toBe(facts.durationMs);
    expect(summary.notes).toBe(facts.notes.length);
    expect(summary.vitals).toBe(facts.vitalsCount);
    const names = fs.readdirSync(dir).sort();
    expect(names).toEqual(
      [...MODES.map((m) => `${m.name}.edf`), `${summary.caseId}_data.json`, 'xltek_events.txt'].sort(),
    );
    // Periodic re-exports happened and left no temp file behind.
    expect(summary.cadwellExports).toBeGreaterThanOrEqual(2);
    for (const name of names) {
      const head = fs.readFileSync(path.join(dir, name)).subarray(0, 64 * 1024);
      const expected = name.endsWith('.edf') ? 'edf' : name.endsWith('.json') ? 'cadwell-json' : 'xltek-txt';
      expect(detectFormat(name, head).format, name).toBe(expected);
    }
  });

  it('EDF+D per mode: header as Cadwell writes it, one record per trial at the trial wall clock, records rewritten', () => {
    for (const mode of facts.modes) {
      const file = path.join(dir, `${mode.name}.edf`);
      const { header, trials, warnings } = readEdf(file);
      expect(warnings, mode.name).toEqual([]);
      expect(header.variant).toBe('EDF+D');
      expect(header.recordsInHeader).toBe(mode.trialCount);
      expect(header.recordCount).toBe(mode.trialCount);
      expect(header.raw.patient).toBe('DEMO-0001 F 12-APR-1961 Testpatient_Ada');
      expect(header.patient).toEqual({ code: 'DEMO-0001', sex: 'F', birthdate: '1961-04-12', name: 'Testpatient Ada', additional: '' });
      expect(header.recording).toMatchObject({ startdate: header.startWallClock.slice(0, 10), equipment: 'Closeout Simulator' });
      // The header start is the mode's first trial cut to the second.
      expect(wallMs(header.startWallClock)).toBe(Math.floor(wall(mode.firstMs) / 1000) * 1000);
      expect(trials.every((t) => t.modalityName === mode.name && t.kind === 'modality_activity')).toBe(true);
      expect(trials.map((t) => wallMs(t.wallClock))).toEqual(mode.trialMs.map(wall));
    }
  });

  it('EDF stimulus text reads back through the Cadwell profile (Cascade form; none for free-run EMG)', () => {
    const lmep = readEdf(path.join(dir, 'L MEP.edf'));
    expect(lmep.trials[0]?.text).toBe('Stim: 120mA, 50\u00b5s, 5, 2ms, 2Hz');
    // The setup it states: the stimulus on every sweep, the mode's channels on the first.
    expect(lmep.trials[0]?.extra?.['setup']).toEqual<RecordedSetup>({
      stimulation: [{ stimulator: null, outputs: [], intensities: [120], unit: 'mA', pulses: 5, pulseWidthUs: 50, isiMs: 2, rateHz: 2 }],
      channels: ['L APB', 'L Quad', 'L TA', 'L AH'].map((name) => ({ name, active: null, reference: null, cursors: [] })),
    });
    expect((lmep.trials[1]?.extra?.['setup'] as RecordedSetup).channels).toEqual([]);
    const emg = readEdf(path.join(dir, 'Free Run EMG.edf'));
    expect(emg.trials.every((t, i) => t.text === '' && (i === 0 ? (t.extra?.['setup'] as RecordedSetup).stimulation.length === 0 : t.extra?.['setup'] === undefined))).toBe(true);
    // Triggered EMG ramps to each screw's threshold: the last stimulus of each ramp is the threshold.
    const temg = readEdf(path.join(dir, 'Triggered EMG.edf'));
    const amps = temg.trials.map((t) => (t.extra?.['setup'] as RecordedSetup).stimulation[0]?.intensities[0]);
    expect([amps[2], amps[5], amps[8], amps[11]]).toEqual([14, 18, 22, 16]);
  });

  it('the alert is in the data: left TA MEP at ~20% of baseline, back at recovery', () => {
    const file = path.join(dir, 'L MEP.edf');
    const { header, trials } = readEdf(file);
    const recordAt = (offsetMs: number): number => trials.findIndex((t) => wallMs(t.wallClock) === wall(offsetMs));
    const lMep = facts.modes.find((m) => m.name === 'L MEP');
    const baseline = recordAt(lMep?.baselineMs[0] ?? -1);
    const alert = recordAt(facts.alert.trialMs);
    const recovered = recordAt(facts.alert.recoveryTrialMs);
    expect(Math.min(baseline, alert, recovered)).toBeGreaterThanOrEqual(0);
    const ta = header.signals.findIndex((s) => s.label === 'L TA');
    const apb = header.signals.findIndex((s) => s.label === 'L APB');
    const ratio = (r: number, s: number): number => peakToPeak(file, header, r, s) / peakToPeak(file, header, baseline, s);
    expect(ratio(alert, ta)).toBeGreaterThan(0.1);
    expect(ratio(alert, ta)).toBeLessThan(0.3);
    expect(ratio(alert, apb)).toBeGreaterThan(0.8);
    expect(ratio(recovered, ta)).toBeGreaterThan(0.85);
  });

  it('Cadwell JSON: patient, modes with trial counts and baseline flags, notes, the deleted note skipped', async () => {
    const file = summary.files.cadwellJson as string;
    const { parser, events } = await readCadwell(file);
    expect(parser.warnings).toEqual([]);
    expect(parser.caseHeaders).toHaveLength(1);
    const h = parser.caseHeaders[0];
    expect(h?.caseId).toBe(summary.caseId);
    expect(h?.complete).toBe(true);
    expect(h?.patient).toEqual({
      firstName: 'Ada',
      lastName: 'Testpatient',
      middleInitial: '',
      id: 'DEMO-0001',
      gender: 'Female',
      birthDate: { raw: String(Date.UTC(1961, 3, 12) * 1000), date: '1961-04-12' },
    });
    expect(wallMs(h?.start?.wallClock ?? '')).toBe(wall(0));

    expect(
      parser.modeSummaries.map((m) => ({ name: m.name, type: m.type, trials: m.trialCount + m.streamingTrialCount, streaming: m.streamingTrialCount > 0, baselines: m.baselineCount })),
    ).toEqual(facts.modes.map((m) => ({ name: m.name, type: m.type, trials: m.trialCount, streaming: m.streaming, baselines: m.baselineMs.length })));

    // Baseline flags sit on the right trials.
    for (const mode of facts.modes) {
      const flagged = events.filter((e) => e.modalityName === mode.name && e.kind === 'baseline').map((e) => wallMs(e.wallClock));
      expect(flagged, mode.name).toEqual(mode.baselineMs.map(wall));
    }

    const notes = events.filter((e) => e.kind === undefined);
    expect(notes.map((n) => n.text)).toEqual(facts.notes.map((n) => n.text));
    expect(notes.map((n) => wallMs(n.wallClock))).toEqual(facts.notes.map((n) => wall(n.atMs)));
    expect(notes.every((n) => n.extra?.['type'] === 'User Event' && n.extra['author'] === 'rdemo')).toBe(true);

    // The deleted note is in the file but not among the events.
    expect(facts.deletedNotes).toHaveLength(1);
    expect(parser.deletedEventsSkipped).toBe(1);
    const raw = fs.readFileSync(file, 'utf8');
    const deleted = facts.deletedNotes[0];
    expect(raw).toContain(`"Message":${JSON.stringify(deleted?.text)},"Type":"User Event","Author":"rdemo","Deleted":true`);
    expect(notes.some((n) => n.text === deleted?.text)).toBe(false);
    expect(raw).toContain('"State":"Completed"');
  });

  it('XLTEK text: header date, start line, one line per note at its wall clock (whole seconds), Windows-1252 and CRLF', () => {
    const file = summary.files.xltek as string;
    const { parser, events } = readXltek(file);
    expect(parser.warnings).toEqual([]);
    const start = new Date(wall(0)).toISOString();
    expect(parser.header).toEqual({ date: start.slice(0, 10), dateSource: 'header', startTime: start.slice(11, 19), startWallClock: start.slice(0, 19) });
    expect(events.map((e) => e.text)).toEqual(facts.notes.map((n) => n.text));
    expect(events.map((e) => wallMs(e.wallClock))).toEqual(facts.notes.map((n) => Math.floor(wall(n.atMs) / 1000) * 1000));
    const bytes = fs.readFileSync(file);
    expect(bytes.includes(Buffer.from('43 \xb0C', 'latin1'))).toBe(true);
    expect(bytes.toString('latin1').split('\r\n')).toHaveLength(7 + facts.notes.length + 1);
  });

  it('the alert, notification, intervention and recovery agree across the Cadwell JSON and the XLTEK text', async () => {
    const cadwell = (await readCadwell(summary.files.cadwellJson as string)).events.filter((e) => e.kind === undefined);
    const xltek = readXltek(summary.files.xltek as string).events;
    const a = facts.alert;
    for (const note of [a.onset, a.notified, a.intervention, a.recovery, facts.closureStatus]) {
      const c = cadwell.find((e) => e.text === note.text);
      const x = xltek.find((e) => e.text === note.text);
      expect(c && wallMs(c.wallClock), note.text).toBe(wall(note.atMs));
      expect(x && wallMs(x.wallClock), note.text).toBe(Math.floor(wall(note.atMs) / 1000) * 1000);
    }
    // The story holds together: drop, then call, then fix, then recovery ~15 min later.
    expect(a.trialMs).toBeLessThan(a.onset.atMs);
    expect(a.onset.atMs).toBeLessThan(a.notified.atMs);
    expect(a.notified.atMs).toBeLessThan(a.intervention.atMs);
    expect(a.recovery.atMs - a.onset.atMs).toBeGreaterThan(12 * 60_000);
    expect(a.recovery.atMs - a.onset.atMs).toBeLessThan(20 * 60_000);
    expect(facts.monitoring.startMs).toBeLessThan(a.trialMs);
    expect(facts.monitoring.endMs).toBeGreaterThan(facts.closureStatus.atMs);
  });
});

describe('simulator: stopping midway and reading while it writes', () => {
  it('an EDF read mid-run has records = -1 and only complete records; stop() finishes every file', async () => {
    const dir = tempDir('closeout-sim-live-');
    // 600×: the case would take 19 s; we stop after a few seconds.
    const sim = runSimulation({ outDir: dir, seed: SEED, speed: 600, zone: ZONE, startInstantMs: START });
    const file = path.join(dir, 'Upper SSEP.edf');
    const deadline = Date.now() + HANG_MS;
    let reads = 0;
    let lastCount = 0;
    while (Date.now() < deadline && lastCount < 4) {
      await new Promise((r) => setTimeout(r, 25));
      if (!fs.existsSync(file)) continue;
      const { header, trials, warnings } = readEdf(file);
      reads += 1;
      expect(header.recordsInHeader).toBe(-1);
      // The only warning while recording: the header does not know the count yet.
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toMatch(/-1 \(unknown\)/);
      expect(trials).toHaveLength(header.recordCount);
      expect(trials.every((t) => /^Stim: 25mA, 300\u00b5s, 1, 0ms, 4\.7Hz$/.test(t.text))).toBe(true);
      lastCount = header.recordCount;
    }
    expect(reads).toBeGreaterThan(0);
    expect(lastCount).toBeGreaterThanOrEqual(4);

    await sim.stop();
    const summary = await sim.done;
    expect(summary.completed).toBe(false);
    expect(summary.actionsDone).toBeLessThan(sim.scenario.actions.length);

    // Every EDF header now holds its real count, and nothing is left over.
    for (const f of summary.files.edf) {
      const { header, warnings } = readEdf(f.path);
      expect(warnings, f.mode).toEqual([]);
      expect(header.recordsInHeader).toBe(f.records);
      expect(header.recordCount).toBe(f.records);
    }
    // The Cadwell JSON holds what was recorded until the stop, marked as still in progress.
    const { parser } = await readCadwell(summary.files.cadwellJson as string);
    expect(parser.warnings).toEqual([]);
    const trials = parser.modeSummaries.reduce((n, m) => n + m.trialCount + m.streamingTrialCount, 0);
    expect(trials).toBe(summary.trials);
    expect(fs.readFileSync(summary.files.cadwellJson as string, 'utf8')).toContain('"State":"In Progress"');
    const xltek = readXltek(summary.files.xltek as string);
    expect(xltek.events).toHaveLength(summary.notes);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('stop() before anything is due still leaves finished files', async () => {
    const dir = tempDir('closeout-sim-stop-');
    const sim = runSimulation({ outDir: dir, seed: SEED, speed: 1, zone: ZONE, startInstantMs: START });
    await sim.stop();
    const summary = await sim.done;
    // The first action (patient in room) is due at once; nothing after it.
    expect(summary.completed).toBe(false);
    expect(summary.actionsDone).toBeLessThanOrEqual(2);
    expect(readXltek(summary.files.xltek as string).parser.header.startTime).not.toBeNull();
    const { parser } = await readCadwell(summary.files.cadwellJson as string);
    expect(parser.caseHeaders[0]?.patient.id).toBe('DEMO-0001');
  });
});

describe('simulator: deterministic output', () => {
  const run = async (dir: string, seed: number, extra: Partial<SimulationOptions> = {}): Promise<SimulationSummary> =>
    runSimulation({ outDir: dir, seed, speed: 1e6, zone: ZONE, startInstantMs: START, ...extra }).done;

  it('the same seed and start give byte-identical EDF, XLTEK and Cadwell files; another seed does not', async () => {
    const a = tempDir('closeout-sim-a-');
    const b = tempDir('closeout-sim-b-');
    const c = tempDir('closeout-sim-c-');
    await run(a, 42);
    // A different speed changes only when things are written, not what.
    await run(b, 42, { speed: 3e5 });
    await run(c, 43, { formats: ['edf', 'xltek'] });
    const files = fs.readdirSync(a).sort();
    expect(fs.readdirSync(b).sort()).toEqual(files);
    for (const name of files) expect(fs.readFileSync(path.join(b, name)).equals(fs.readFileSync(path.join(a, name))), name).toBe(true);
    expect(fs.readFileSync(path.join(c, 'L MEP.edf')).equals(fs.readFileSync(path.join(a, 'L MEP.edf')))).toBe(false);
    expect(fs.readFileSync(path.join(c, 'xltek_events.txt')).equals(fs.readFileSync(path.join(a, 'xltek_events.txt')))).toBe(false);
  });

  it('with no --start, the last action is stamped with the real time at which it is written', async () => {
    const dir = tempDir('closeout-sim-now-');
    const before = Date.now();
    const summary = await runSimulation({ outDir: dir, seed: 3, speed: 1e6, zone: 'UTC', formats: ['xltek'] }).done;
    const after = Date.now();
    const events = readXltek(summary.files.xltek as string).events;
    const last = wallMs(events[events.length - 1]?.wallClock ?? '');
    // Zone UTC: the naive wall clock is the instant itself (whole seconds in the text export).
    expect(last).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(last).toBeLessThanOrEqual(after);
  });
});

describe('simulator: EDF writer options', () => {
  it('IOMAX stimulus text and Windows-1252 annotations read back (the latter with the reader\u2019s code-page warning)', async () => {
    const dir = tempDir('closeout-sim-iomax-');
    const summary = await runSimulation({ outDir: dir, seed: SEED, speed: 1e6, zone: ZONE, startInstantMs: START, formats: ['edf'], stimulusForm: 'iomax' }).done;
    const lmep = readEdf(summary.files.edf.find((f) => f.mode === 'L MEP')?.path as string);
    expect(lmep.warnings).toEqual([]);
    expect(lmep.trials[0]?.text).toBe('Intensity: 120 / 118 mA (300 V) Pulse Count: 5 Rep Rate (Hz): 2 Pulse Width (us): 50');
    expect((lmep.trials[0]?.extra?.['setup'] as RecordedSetup).stimulation).toEqual([{ stimulator: null, outputs: [], intensities: [120, 118], unit: 'mA', pulses: 5, pulseWidthUs: 50, isiMs: null, rateHz: 2 }]);

    const cp = tempDir('closeout-sim-cp1252-');
    const s2 = await runSimulation({ outDir: cp, seed: SEED, speed: 1e6, zone: ZONE, startInstantMs: START, formats: ['edf'], edfTextEncoding: 'windows-1252' }).done;
    const file = s2.files.edf.find((f) => f.mode === 'R MEP')?.path as string;
    expect(fs.readFileSync(file).includes(Buffer.from('130mA, 50\xb5s', 'latin1'))).toBe(true);
    const rmep = readEdf(file);
    expect(rmep.trials[0]?.text).toBe('Stim: 130mA, 50\u00b5s, 5, 2ms, 2Hz');
    expect(rmep.warnings.map((w) => w.message).join(' ')).toMatch(/Windows-1252/);
  });

  it('a record that would not fit its annotation signal is refused, not cut', () => {
    const dir = tempDir('closeout-sim-edf-');
    const w = EdfPlusDWriter.create({
      path: path.join(dir, 'x.edf'),
      patient: 'X X X X',
      recording: 'Startdate X X X X',
      startWallMs: Date.UTC(2026, 10, 26, 7, 30),
      recordDurationSec: 0.1,
      signals: [{ label: 'A', transducer: '', physicalDimension: 'uV', physicalMin: -1, physicalMax: 1, digitalMin: -32768, digitalMax: 32767, prefiltering: '', samplesPerRecord: 4 }],
      annotationSamples: 8,
    });
    expect(() => w.append(0, [new Int16Array(4)], ['a text far longer than sixteen bytes'])).toThrow(/annotations need/);
    w.append(1500, [new Int16Array([1, 2, 3, 4])], []);
    w.finish();
    const { header, trials, warnings } = readEdf(path.join(dir, 'x.edf'));
    expect(warnings).toEqual([]);
    expect(header.recordsInHeader).toBe(1);
    expect(trials.map((t) => t.wallClock)).toEqual(['2026-11-26T07:30:01.500']);
  });
});
