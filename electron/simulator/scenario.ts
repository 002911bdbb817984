/**
 * The simulated case as data: a one-level lumbar fusion (L4-L5) under TIVA, about 3 h 10 min from
 * patient-in-room to patient-out, as a time-ordered list of what the devices record.
 *
 * PURE and deterministic: the same seed gives the same actions, so tests can compute the truth
 * (`expectedFacts`) without reading any file, and two runs write identical bytes. Times are
 * whole milliseconds from the case start; the clock (clock.ts) turns them into device wall clocks.
 *
 * The milestones follow resources/demo/demo-case.json (baselines ≈ 22/25 min, incision ≈ 34, the
 * L4 left screw ≈ 71, the left TA MEP alert ≈ 96 with recovery ≈ 112, closure ≈ 150, monitoring
 * end ≈ 163), jittered by seconds from the seed.
 */
import { DEMO_CASE, type SimCase } from './demo-case';
import { MODES, modeSpec, type ModeKey } from './modes';
import { between, gaussian, intBetween, rngFor, type Rng } from './random';
import type { Stimulus } from './stimulus-text';

export type NoteCategory =
  | 'setup'
  | 'anesthesia'
  | 'position'
  | 'baseline'
  | 'modality_start'
  | 'monitoring_start'
  | 'milestone'
  | 'screw'
  | 'alert'
  | 'notified'
  | 'intervention'
  | 'recovery'
  | 'closure_status'
  | 'monitoring_end'
  | 'note';

/** One sweep, average or streaming chunk of a mode. */
export type TrialAction = Readonly<{
  kind: 'trial';
  atMs: number;
  mode: ModeKey;
  /** 1-based within the mode. */
  trialNumber: number;
  baseline: boolean;
  highlighted: boolean;
  /** null for free-run recording. */
  stimulus: Stimulus | null;
  /** Response size per channel relative to the patient's baseline (1 = as at baseline). */
  gains: readonly number[];
}>;

/** A note the technologist types (or deletes again). */
export type NoteAction = Readonly<{
  kind: 'note';
  atMs: number;
  text: string;
  category: NoteCategory;
  author: string;
  /** Typed, then deleted: Cadwell keeps it with Deleted=true; the text export never shows it. */
  deleted: boolean;
}>;

/** One reading from the anaesthesia monitor. */
export type VitalsAction = Readonly<{
  kind: 'vitals';
  atMs: number;
  mapMmHg: number;
  heartRate: number;
  temperatureC: number;
}>;

export type SimAction = TrialAction | NoteAction | VitalsAction;

export type Scenario = Readonly<{
  seed: number;
  /** GUID-like case id (Cadwell `Cases[0].ID`, the JSON file name). */
  caseId: string;
  case: SimCase;
  /** Offset of the last action: the case ends with it. */
  durationMs: number;
  /** Sorted by atMs; ties keep their construction order. */
  actions: readonly SimAction[];
}>;

const MIN = 60_000;
const SEC = 1000;
/** Patient in room to patient out, as in the demo case (startMinutesAgo 190). */
export const CASE_DURATION_MS = 190 * MIN;

/** Build the case for a seed (any 32-bit integer). */
export function buildScenario(seed: number): Scenario {
  const rng = rngFor(seed, 'scenario');
  const b = new Builder(rng);
  const at = (minutes: number, jitterSec = 0): number => Math.round(minutes * MIN + rng() * jitterSec * SEC);

  // ---- setup and anaesthesia
  b.note(0, 'setup', 'Patient in room. Electrodes placed, impedances < 5 kOhm.');
  const induction = at(6, 40);
  b.note(induction, 'anesthesia', 'Induction. TIVA: propofol 120 mcg/kg/min, remifentanil 0.2 mcg/kg/min; no paralytic after intubation.');
  b.trial('tof', induction + 4 * MIN, { gains: [0.55] });
  b.note(at(14, 40), 'position', 'Patient positioned prone, pressure points checked.');

  // ---- SSEP: an average every 1–2 min from 18 min until shortly before monitoring end
  const monitoringEnd = at(163, 30);
  const ssepBaselineFrom = 21 * MIN;
  let upperBaseline = -1;
  let lowerBaseline = -1;
  for (let t = 18 * MIN + intBetween(rng, 0, 20) * SEC; t < monitoringEnd - MIN; t += intBetween(rng, 60, 120) * SEC) {
    const lower = t + intBetween(rng, 15, 35) * SEC;
    const upperIsBaseline = upperBaseline < 0 && t >= ssepBaselineFrom;
    const lowerIsBaseline = lowerBaseline < 0 && lower >= ssepBaselineFrom;
    if (upperIsBaseline) upperBaseline = t;
    if (lowerIsBaseline) lowerBaseline = lower;
    b.trial('upperSsep', t, { baseline: upperIsBaseline });
    b.trial('lowerSsep', lower, { baseline: lowerIsBaseline });
  }
  b.note(Math.max(upperBaseline, lowerBaseline) + intBetween(rng, 20, 40) * SEC, 'baseline', 'Baseline upper and lower SSEP obtained, good morphology.');

  // ---- milestone times (decided first: the MEP schedule works around them)
  const mepBaseline = at(25, 20);
  const tofBaseline = mepBaseline + intBetween(rng, 30, 50) * SEC;
  const emgStart = at(26, 0) + intBetween(rng, 40, 55) * SEC;
  const monitoringStart = at(28, 30);
  const incision = at(34, 30);
  const screws = [
    { level: 'L4', side: 'left', thresholdMa: 14, at: at(71, 30) },
    { level: 'L4', side: 'right', thresholdMa: 18, at: at(75.5, 30) },
    { level: 'L5', side: 'left', thresholdMa: 22, at: at(80, 30) },
    { level: 'L5', side: 'right', thresholdMa: 16, at: at(84.5, 30) },
  ] as const;
  const retractor = at(90, 30);
  const alertTrial = at(95.6, 20);
  const alertNote = alertTrial + intBetween(rng, 15, 30) * SEC;
  const notified = alertNote + intBetween(rng, 50, 75) * SEC;
  const intervention = notified + intBetween(rng, 45, 70) * SEC;
  const closure = at(150, 30);
  const finalRuns = at(158, 20);
  const closureStatus = at(160, 20);

  // ---- MEPs: baseline, then every 5–10 min, plus on demand (after screws, through the alert, at closure)
  const alertSeries: { at: number; taGain: number }[] = [];
  {
    // Every ~2 min from the drop until the left TA is back, ~15 min later.
    let t = alertTrial;
    const recoveryFrom = alertTrial + 15.5 * MIN;
    for (;;) {
      const progress = t <= intervention ? 0 : Math.min(1, (t - intervention) / (recoveryFrom - intervention));
      alertSeries.push({ at: t, taGain: t >= recoveryFrom ? between(rng, 0.95, 1.02) : 0.18 + 0.72 * progress + between(rng, -0.03, 0.03) });
      if (t >= recoveryFrom) break;
      t += intBetween(rng, 105, 135) * SEC;
    }
  }
  const recoveryTrial = (alertSeries[alertSeries.length - 1] as { at: number }).at;
  const recoveryNote = recoveryTrial + intBetween(rng, 20, 35) * SEC;
  const onDemand = [
    mepBaseline - 70 * SEC, // a setup run before the baseline is marked
    mepBaseline,
    screws[1].at + 50 * SEC,
    screws[3].at + 50 * SEC,
    ...alertSeries.map((a) => a.at),
    finalRuns,
  ];
  const regular: number[] = [];
  for (let t = mepBaseline + intBetween(rng, 5, 10) * MIN; t < finalRuns - 2 * MIN; t += intBetween(rng, 300, 600) * SEC) regular.push(t);
  const keepRegular = regular.filter((t) => onDemand.every((d) => Math.abs(t - d) > 150 * SEC) && !(t > alertTrial - 4 * MIN && t < recoveryTrial + 2 * MIN));
  const mepTimes = [...onDemand, ...keepRegular].sort((x, y) => x - y);
  for (const t of mepTimes) {
    const series = alertSeries.find((a) => a.at === t);
    const noisy = (): number => 1 + gaussian(rng) * 0.06;
    // Channels: APB, Quad, TA, AH. Only the left TA drops.
    const lGains = [noisy(), noisy(), series ? series.taGain : noisy(), noisy()];
    const highlighted = t === alertTrial || t === recoveryTrial;
    b.trial('lMep', t, { baseline: t === mepBaseline, highlighted, gains: lGains });
    b.trial('rMep', t + intBetween(rng, 3, 6) * SEC, { baseline: t === mepBaseline, gains: [noisy(), noisy(), noisy(), noisy()] });
  }
  b.note(mepBaseline + intBetween(rng, 30, 45) * SEC, 'baseline', 'Baseline TcMEP obtained in all four limbs.');

  // ---- TOF
  b.trial('tof', tofBaseline, { baseline: true });
  b.note(tofBaseline + 20 * SEC, 'baseline', 'Train-of-four 4/4, no residual blockade.');
  for (const m of [60, 120]) b.trial('tof', at(m, 60), {});
  b.trial('tof', finalRuns + 30 * SEC, {});

  // ---- free-run EMG: a streaming chunk every 20 s, quiet except right after each screw
  b.note(emgStart + intBetween(rng, 10, 20) * SEC, 'modality_start', 'Free-run EMG running, lower limb myotomes.');
  let firstChunk = true;
  for (let t = emgStart; t < monitoringEnd; t += 20 * SEC) {
    const burstSide = screws.find((s) => t > s.at - 30 * SEC && t <= s.at)?.side;
    // Channels: L Quad, L TA, R Quad, R TA. A gain is the amount of spontaneous activity.
    const gains = burstSide === 'left' ? [0.3, 1, 0, 0] : burstSide === 'right' ? [0, 0, 0.3, 1] : [0, 0, 0, 0];
    b.trial('freeEmg', t, { baseline: firstChunk, gains });
    firstChunk = false;
  }

  b.note(monitoringStart, 'monitoring_start', 'Monitoring start.');
  // Typed too early with a typo, deleted, then entered again: Cadwell keeps the deleted note.
  b.note(incision - intBetween(rng, 15, 25) * SEC, 'milestone', 'Incison', { deleted: true });
  b.note(incision, 'milestone', 'Incision.');
  b.note(at(45, 40), 'anesthesia', 'Propofol infusion increased to 150 mcg/kg/min.');
  b.note(at(52, 40), 'note', 'Forced-air warming set to 43 \u00b0C.');
  const remi = at(62, 40);
  b.note(remi, 'anesthesia', 'Remifentanil bolus 0.5 mcg/kg.');

  // ---- pedicle screws: triggered EMG ramps up to the threshold, then the note
  for (const s of screws) {
    const amps = [Math.round(s.thresholdMa * 0.4), Math.round(s.thresholdMa * 0.7), s.thresholdMa];
    amps.forEach((ma, i) => {
      const responds = i === amps.length - 1;
      // Channels: L Quad, L TA, R Quad, R TA.
      const gains = !responds ? [0, 0, 0, 0] : s.side === 'left' ? [0.4, 1, 0, 0] : [0, 0, 0.4, 1];
      b.trial('temg', s.at - (60 - i * 15) * SEC, { gains, stimulus: { ...TEMG_STIM, intensityMa: ma, sensedMa: sensed(rng, ma), volts: Math.round(ma * 4.5) } });
    });
    b.note(s.at, 'screw', `Pedicle screw ${s.level} ${s.side}, triggered EMG threshold ${s.thresholdMa} mA.`);
  }

  // ---- the alert and its recovery
  b.note(retractor, 'milestone', 'Retractor placed for interbody cage, left side.');
  b.note(alertNote, 'alert', 'Left tibialis anterior TcMEP amplitude down 80% from baseline.');
  b.note(notified, 'notified', 'Surgeon notified of left TA MEP change.');
  b.note(intervention, 'intervention', 'MAP raised to 85 mmHg, retractor released.');
  b.note(recoveryNote, 'recovery', 'Left TA TcMEP back to baseline amplitude.');

  // ---- closing
  b.note(at(120, 60), 'milestone', 'Interbody cage placed.');
  b.note(at(132, 60), 'milestone', 'Rods placed, set screws final-tightened.');
  b.note(closure, 'milestone', 'Closure.');
  b.note(closureStatus, 'closure_status', 'At closure all modalities at baseline.');
  b.note(monitoringEnd, 'monitoring_end', 'Monitoring end.');
  b.note(monitoringEnd + intBetween(rng, 120, 240) * SEC, 'setup', 'Electrodes removed, skin checked.');
  // The last action sits exactly at the case end, so the clock can make it land at "now".
  b.note(CASE_DURATION_MS, 'setup', 'Patient out of room.');

  // ---- vitals once a minute, with the MAP dip that precedes the alert
  const vitalsRng = rngFor(seed, 'vitals');
  for (let t = 0; t <= CASE_DURATION_MS; t += MIN) {
    b.vitals(t, vitalsAt(t, vitalsRng, { induction, remi, alertTrial, intervention }));
  }

  return { seed, caseId: caseIdFor(seed), case: DEMO_CASE, durationMs: CASE_DURATION_MS, actions: b.sorted() };
}

const TEMG_STIM: Stimulus = { intensityMa: 0, sensedMa: 0, volts: 0, pulseWidthUs: 200, pulses: 1, isiMs: 0, rateHz: 2.1 };

/** Default stimulus per mode; the technologist does not change these during this case. */
const STIMULI: Readonly<Record<Exclude<ModeKey, 'freeEmg' | 'temg'>, Stimulus>> = {
  upperSsep: { intensityMa: 25, sensedMa: 25, volts: 95, pulseWidthUs: 300, pulses: 1, isiMs: 0, rateHz: 4.7 },
  lowerSsep: { intensityMa: 40, sensedMa: 39, volts: 160, pulseWidthUs: 300, pulses: 1, isiMs: 0, rateHz: 3.1 },
  lMep: { intensityMa: 120, sensedMa: 118, volts: 300, pulseWidthUs: 50, pulses: 5, isiMs: 2, rateHz: 2 },
  rMep: { intensityMa: 130, sensedMa: 127, volts: 320, pulseWidthUs: 50, pulses: 5, isiMs: 2, rateHz: 2 },
  tof: { intensityMa: 40, sensedMa: 39, volts: 110, pulseWidthUs: 200, pulses: 4, isiMs: 500, rateHz: 2 },
};

function sensed(rng: Rng, ma: number): number {
  return Math.max(0, ma - intBetween(rng, 0, 1));
}

type TrialOptions = Readonly<{ baseline?: boolean; highlighted?: boolean; gains?: readonly number[]; stimulus?: Stimulus }>;

/** Collects actions and numbers trials per mode in time order. */
class Builder {
  private readonly list: SimAction[] = [];
  private readonly author: string;

  constructor(private readonly rng: Rng) {
    const t = DEMO_CASE.technologist;
    // A login-style user name, as Cadwell's Author field shows.
    this.author = `${t.firstName.charAt(0)}${t.lastName}`.toLowerCase();
  }

  note(atMs: number, category: NoteCategory, text: string, opts: Readonly<{ deleted?: boolean }> = {}): void {
    this.list.push({ kind: 'note', atMs, text, category, author: this.author, deleted: opts.deleted ?? false });
  }

  trial(mode: ModeKey, atMs: number, opts: TrialOptions): void {
    const spec = modeSpec(mode);
    const gains = opts.gains ?? spec.channels.map(() => 1 + gaussian(this.rng) * 0.05);
    const stimulus = opts.stimulus ?? (mode === 'freeEmg' || mode === 'temg' ? null : STIMULI[mode]);
    // Trial numbers are assigned in sorted() once every trial of the mode is known.
    this.list.push({ kind: 'trial', atMs, mode, trialNumber: 0, baseline: opts.baseline ?? false, highlighted: opts.highlighted ?? false, stimulus, gains });
  }

  vitals(atMs: number, v: Readonly<{ mapMmHg: number; heartRate: number; temperatureC: number }>): void {
    this.list.push({ kind: 'vitals', atMs, ...v });
  }

  sorted(): readonly SimAction[] {
    const order = this.list.map((a, i) => ({ a, i })).sort((x, y) => x.a.atMs - y.a.atMs || x.i - y.i);
    const next = new Map<ModeKey, number>();
    return order.map(({ a }) => {
      if (a.kind !== 'trial') return a;
      const n = (next.get(a.mode) ?? 0) + 1;
      next.set(a.mode, n);
      return { ...a, trialNumber: n };
    });
  }
}

type VitalsMarks = Readonly<{ induction: number; remi: number; alertTrial: number; intervention: number }>;

/** MAP/HR/temperature for minute t: smooth curves plus a little noise, rounded as monitors show them. */
function vitalsAt(t: number, rng: Rng, m: VitalsMarks): Readonly<{ mapMmHg: number; heartRate: number; temperatureC: number }> {
  let map = 82;
  if (t >= m.induction && t < m.induction + 8 * MIN) map -= 13; // propofol induction
  const dipStart = m.alertTrial - 9 * MIN;
  if (t >= dipStart && t < m.alertTrial) map -= 19 * ((t - dipStart) / (m.alertTrial - dipStart)); // slides to ~63
  else if (t >= m.alertTrial && t < m.intervention) map -= 19;
  else if (t >= m.intervention && t < m.intervention + 25 * MIN) map += 4; // raised to ~85 on request
  let hr = 68;
  if (t >= m.remi && t < m.remi + 10 * MIN) hr -= 6;
  // Core temperature drifts down after induction, then forced-air warming brings it back.
  const minutes = t / MIN;
  const temp = minutes < 55 ? 36.5 - 0.7 * (minutes / 55) : Math.min(36.4, 35.8 + 0.6 * ((minutes - 55) / 90));
  return {
    mapMmHg: Math.round(map + gaussian(rng) * 1.5),
    heartRate: Math.round(hr + gaussian(rng) * 1.5),
    temperatureC: Math.round((temp + gaussian(rng) * 0.03) * 10) / 10,
  };
}

function caseIdFor(seed: number): string {
  const rng = rngFor(seed, 'case-id');
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Math.floor(rng() * 16).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---------------------------------------------------------------------------------------------
// The truth the files must tell

export type ExpectedMode = Readonly<{
  name: string;
  type: string;
  streaming: boolean;
  trialCount: number;
  /** Offset (ms) of every trial, in order. */
  trialMs: readonly number[];
  /** Offsets (ms) of trials marked Baseline. */
  baselineMs: readonly number[];
  firstMs: number;
  lastMs: number;
}>;

export type ExpectedNote = Readonly<{ atMs: number; text: string; category: NoteCategory }>;

export type ExpectedFacts = Readonly<{
  durationMs: number;
  modes: readonly ExpectedMode[];
  /** Notes as a reader should see them (deleted ones left out), in time order. */
  notes: readonly ExpectedNote[];
  deletedNotes: readonly ExpectedNote[];
  monitoring: Readonly<{ startMs: number; endMs: number }>;
  alert: Readonly<{
    /** The first L MEP trial showing the drop. */
    trialMs: number;
    onset: ExpectedNote;
    notified: ExpectedNote;
    intervention: ExpectedNote;
    recovery: ExpectedNote;
    /** The L MEP trial showing the recovered amplitude. */
    recoveryTrialMs: number;
  }>;
  closureStatus: ExpectedNote;
  screws: readonly ExpectedNote[];
  vitalsCount: number;
}>;

/** What every output must agree with, derived from the actions alone (no files). */
export function expectedFacts(s: Scenario): ExpectedFacts {
  const trials = s.actions.filter((a): a is TrialAction => a.kind === 'trial');
  const notes = s.actions.filter((a): a is NoteAction => a.kind === 'note');
  const modes = MODES.map((m): ExpectedMode => {
    const mine = trials.filter((t) => t.mode === m.key);
    return {
      name: m.name,
      type: m.type,
      streaming: m.streaming,
      trialCount: mine.length,
      trialMs: mine.map((t) => t.atMs),
      baselineMs: mine.filter((t) => t.baseline).map((t) => t.atMs),
      firstMs: mine[0]?.atMs ?? -1,
      lastMs: mine[mine.length - 1]?.atMs ?? -1,
    };
  });
  const shown = notes.filter((n) => !n.deleted).map((n): ExpectedNote => ({ atMs: n.atMs, text: n.text, category: n.category }));
  const one = (category: NoteCategory): ExpectedNote => {
    const found = shown.filter((n) => n.category === category);
    if (found.length !== 1) throw new Error(`scenario has ${found.length} "${category}" notes, expected 1`);
    return found[0] as ExpectedNote;
  };
  const highlightedLMep = trials.filter((t) => t.mode === 'lMep' && t.highlighted).map((t) => t.atMs);
  return {
    durationMs: s.durationMs,
    modes,
    notes: shown,
    deletedNotes: notes.filter((n) => n.deleted).map((n) => ({ atMs: n.atMs, text: n.text, category: n.category })),
    monitoring: { startMs: one('monitoring_start').atMs, endMs: one('monitoring_end').atMs },
    alert: {
      trialMs: highlightedLMep[0] ?? -1,
      onset: one('alert'),
      notified: one('notified'),
      intervention: one('intervention'),
      recovery: one('recovery'),
      recoveryTrialMs: highlightedLMep[1] ?? -1,
    },
    closureStatus: one('closure_status'),
    screws: shown.filter((n) => n.category === 'screw'),
    vitalsCount: s.actions.filter((a) => a.kind === 'vitals').length,
  };
}
