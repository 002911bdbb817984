import { assertNever } from '../util/assert-never';
import { epochIsoDate, epochWallClock, readEpochTimestamp, type EpochReading, type EpochUnit } from './epoch-timestamp';
import { JsonTokenizer, type JsonSink } from './json-tokenizer';
import { hasContent, type RecordedSetup, type RecordingChannel, type Stimulation, type StimulusOutput } from '../domain/recorded-setup';
import { WarningLog, type EventPushParser } from './push-parser';
import type { DeviceEvent, ParseWarning } from './types';

/**
 * Cadwell Surgical Studio / IOMAX "case data" JSON (vendor-formats.md §1a), read as a stream.
 *
 * Only the members below are tokenised; every other value (TraceData above all, CaseFields…) is
 * skipped by a byte scan, so parse cost is about one pass over the bytes and memory stays flat
 * however many waveforms the export holds.
 *
 *   Cases[i].{ID, StartDate, ProcedureName, Patient*}          → caseHeaders (never event text)
 *   Cases[i].Events[j].{Timestamp, Message, Type, Author, Deleted} → one event each, deleted skipped
 *   Cases[i].Modes[m].{Name, Type}
 *   Cases[i].Modes[m].(Trials|StreamingTrials)[t].{Timestamp, TrialNumber, Baseline, Highlighted}
 *                                                              → one 'modality_activity' / 'baseline' event each
 *   …Trials[t].{Stimuli, Stimulus, Traces[].{Channel, Cursors}, ActualRepRate, RequestedRepRate}
 *                                                              → a baseline trial's payload.setup: how it was
 *                                                                stimulated and recorded, the peaks marked
 *
 * A trial's setup is read only while it may be a baseline: once "Baseline": false has been read,
 * the rest of the trial is skipped like its waveforms.
 *
 * Members come in any order. An event or trial is emitted when its object closes (its Timestamp may
 * follow its Traces). A trial is emitted at once if its mode's Name and Type were already read,
 * else it waits for the mode to close, so the result never depends on member order or on chunking.
 */

export type CadwellTime = Readonly<{
  /** The device's number exactly as written. */
  raw: string;
  /** Read as UTC fields: Cadwell stores the OR wall clock as Unix µs (IONMV); a site setting may say otherwise. */
  wallClock: string;
}>;

/** Patient and case identity, for checking the file belongs to the open case. PHI: never event text, never logged. */
export type CadwellCaseHeader = Readonly<{
  caseIndex: number;
  caseId: string | null;
  procedureName: string | null;
  start: CadwellTime | null;
  patient: Readonly<{
    firstName: string | null;
    lastName: string | null;
    middleInitial: string | null;
    id: string | null;
    gender: string | null;
    /** BirthDate as written (µs number or text) and as a calendar date when it reads as one. */
    birthDate: Readonly<{ raw: string; date: string | null }> | null;
  }>;
  /** False when the file ended inside this case (truncated export). */
  complete: boolean;
}>;

/** When a mode ran: what the app needs to bill modality time (first to last trial, and how many). */
export type CadwellModeSummary = Readonly<{
  caseIndex: number;
  modeIndex: number;
  name: string | null;
  type: string | null;
  trialCount: number;
  streamingTrialCount: number;
  baselineCount: number;
  first: CadwellTime | null;
  last: CadwellTime | null;
}>;

export type CadwellJsonOptions = Readonly<{
  /**
   * Force the timestamp unit instead of guessing it from the magnitude per value (IONMV's rule:
   * > 1e14 µs, > 1e11 ms, else s).
   */
  unit?: EpochUnit;
  /** Longest string kept (Message, names); longer ones are cut with a warning. */
  maxStringBytes?: number;
}>;

type CaseState = {
  readonly index: number;
  eventCount: number;
  modeCount: number;
  id: string | null;
  procedureName: string | null;
  startRaw: string | null;
  firstName: string | null;
  lastName: string | null;
  middleInitial: string | null;
  patientId: string | null;
  gender: string | null;
  birthDateRaw: string | null;
  birthDateIsNumber: boolean;
};

type EventState = {
  readonly index: number;
  timestamp: string | null;
  message: string | null;
  type: string | null;
  author: string | null;
  deleted: boolean;
};

type TrialRecord = Readonly<{
  index: number;
  streaming: boolean;
  raw: string;
  reading: EpochReading;
  trialNumber: number | null;
  baseline: boolean;
  highlighted: boolean;
  /** Baseline trials only. */
  setup: RecordedSetup | null;
}>;

type ModeState = {
  readonly case: CaseState;
  readonly index: number;
  name: string | null;
  type: string | null;
  sawName: boolean;
  sawType: boolean;
  trialsSeen: number;
  streamingSeen: number;
  /** Trials closed before Name and Type were read: emitted when the mode closes. */
  waiting: TrialRecord[];
  trialCount: number;
  streamingTrialCount: number;
  baselineCount: number;
  first: TrialRecord | null;
  last: TrialRecord | null;
};

type TrialState = {
  readonly index: number;
  readonly streaming: boolean;
  timestamp: string | null;
  trialNumber: string | null;
  baseline: boolean;
  sawBaseline: boolean;
  highlighted: boolean;
  actualRate: number | null;
  requestedRate: number | null;
  /** Stimuli, Stimulus and Traces as read (only the SETUP_KEYS members), turned into a setup at close. */
  captured: Record<string, unknown>;
};

/** A JSON value being built inside a trial's setup members: an object or a list. */
type Built = Record<string, unknown> | unknown[];

/** Where the tokenizer is in the document, as far as we read it. */
type Frame =
  | Readonly<{ kind: 'root' }>
  | Readonly<{ kind: 'document' }>
  | { readonly kind: 'cases'; next: number }
  | Readonly<{ kind: 'case'; c: CaseState }>
  | Readonly<{ kind: 'events'; c: CaseState }>
  | Readonly<{ kind: 'event'; c: CaseState; e: EventState }>
  | Readonly<{ kind: 'modes'; c: CaseState }>
  | Readonly<{ kind: 'mode'; m: ModeState }>
  | Readonly<{ kind: 'trials'; m: ModeState; streaming: boolean }>
  | Readonly<{ kind: 'trial'; m: ModeState; t: TrialState }>
  /** Inside a trial's Stimuli / Stimulus / Traces: members named in SETUP_KEYS are kept. */
  | Readonly<{ kind: 'build'; value: Built }>
  /** A container we walk through without reading (an unexpected shape). */
  | Readonly<{ kind: 'other' }>;

const CASE_KEYS = new Set([
  'ID',
  'StartDate',
  'ProcedureName',
  'PatientFirstName',
  'PatientLastName',
  'PatientMiddleInitial',
  'PatientID',
  'BirthDate',
  'PatientBirthDate',
  'Gender',
  'PatientGender',
  'Events',
  'Modes',
]);
const EVENT_KEYS = new Set(['Timestamp', 'Message', 'Type', 'Author', 'Deleted']);
const MODE_KEYS = new Set(['Name', 'Type', 'Trials', 'StreamingTrials']);
const TRIAL_KEYS = new Set(['Timestamp', 'TrialNumber', 'Baseline', 'Highlighted', 'ActualRepRate', 'RequestedRepRate']);
/** The trial members read into its setup. */
const TRIAL_SETUP_KEYS = new Set(['Stimuli', 'Stimulus', 'Traces']);
/** Members kept inside them (vendor-formats.md §1a); TraceData and the rest are skipped unread. */
const SETUP_KEYS = new Set([
  'DiscreteStimuli',
  'Name',
  'Train1PulseCount',
  'PulseCount',
  'Outputs',
  'Label',
  'Usage',
  'ElectricalPulses',
  'Intensity',
  'IntensityUnits',
  'PulseWidth',
  'Channel',
  'ActiveBodySiteName',
  'ReferenceBodySiteName',
  'Cursors',
  'Position',
  'Voltage',
]);
/** A damaged file must not make one trial's setup grow without bound. */
const MAX_BUILT_ITEMS = 256;

/** Cadwell writes flags as JSON booleans, and MEP's loader shows some as "true"/"false" text. */
function truthy(value: string | boolean | null): boolean {
  if (typeof value === 'boolean') return value;
  return value !== null && /^(true|1)$/i.test(value.trim());
}

/** The public parser: bytes in, events out, with the case headers and mode summaries on the side. */
export class CadwellJsonParser implements EventPushParser {
  private readonly log = new WarningLog();
  private readonly sink: CaseDataSink;
  private readonly tokenizer: JsonTokenizer;
  private ended = false;

  constructor(options: CadwellJsonOptions = {}) {
    this.sink = new CaseDataSink(options, this.log);
    this.tokenizer = new JsonTokenizer(this.sink, {
      maxStringBytes: options.maxStringBytes ?? 64 * 1024,
      onError: (message, at) => this.log.add(`byte ${at}`, message),
      onWarning: (message, at) => this.log.add(`byte ${at}`, message),
    });
  }

  get warnings(): readonly ParseWarning[] {
    return this.log.warnings;
  }

  /** One entry per case whose object closed (plus, after end(), a truncated last case). */
  get caseHeaders(): readonly CadwellCaseHeader[] {
    return this.sink.headers;
  }

  /** One entry per mode whose object closed (plus, after end(), modes left open). */
  get modeSummaries(): readonly CadwellModeSummary[] {
    return this.sink.summaries;
  }

  /** Soft-deleted events stepped over, for the import summary shown to the user. */
  get deletedEventsSkipped(): number {
    return this.sink.deleted;
  }

  push(chunk: Uint8Array): readonly DeviceEvent[] {
    if (this.ended) return [];
    this.tokenizer.write(chunk);
    return this.sink.drain();
  }

  end(): readonly DeviceEvent[] {
    if (this.ended) return [];
    this.ended = true;
    this.tokenizer.end();
    this.sink.finish(this.tokenizer.failed);
    return this.sink.drain();
  }
}

/**
 * Receives the tokens and keeps only what the layout above names. Kept apart from the parser so
 * the JsonSink callbacks are not part of the parser's public surface.
 */
class CaseDataSink implements JsonSink {
  private readonly stack: Frame[] = [{ kind: 'root' }];
  private pendingKey: string | null = null;
  private out: DeviceEvent[] = [];
  readonly headers: CadwellCaseHeader[] = [];
  readonly summaries: CadwellModeSummary[] = [];
  private readonly unitsSeen = new Set<EpochUnit>();
  private sawCases = false;
  deleted = 0;

  constructor(
    private readonly options: CadwellJsonOptions,
    private readonly log: WarningLog,
  ) {}

  drain(): readonly DeviceEvent[] {
    const batch = this.out;
    this.out = [];
    return batch;
  }

  finish(tokenizerFailed: boolean): void {
    // A truncated file (an export still being written, a failed copy) still holds real data: emit
    // the trials of modes left open and report the open case's header as incomplete.
    for (const frame of this.stack) {
      if (frame.kind === 'mode') this.closeMode(frame.m);
      else if (frame.kind === 'case') this.headers.push(this.caseHeader(frame.c, false));
    }
    if (!this.sawCases && !tokenizerFailed) this.log.add('file', 'No "Cases" list found: this does not look like a Cadwell case-data export.');
    if (this.unitsSeen.size > 0 && !this.unitsSeen.has('us')) {
      this.log.add('file', `Timestamps look like ${[...this.unitsSeen].join(' and ')}, not µs: check the export.`);
    }
  }

  private get top(): Frame {
    return this.stack[this.stack.length - 1] as Frame;
  }

  // ---- JsonSink ----

  key(name: string): boolean {
    const frame = this.top;
    let wanted: boolean;
    switch (frame.kind) {
      case 'document':
        wanted = name === 'Cases';
        break;
      case 'case':
        wanted = CASE_KEYS.has(name);
        break;
      case 'event':
        wanted = EVENT_KEYS.has(name);
        break;
      case 'mode':
        wanted = MODE_KEYS.has(name);
        break;
      case 'trial':
        // A trial known not to be a baseline has no setup worth reading.
        wanted = TRIAL_KEYS.has(name) || (TRIAL_SETUP_KEYS.has(name) && (!frame.t.sawBaseline || frame.t.baseline));
        break;
      case 'build':
        wanted = Array.isArray(frame.value) || SETUP_KEYS.has(name);
        break;
      case 'root':
      case 'cases':
      case 'events':
      case 'modes':
      case 'trials':
      case 'other':
        wanted = false;
        break;
      default:
        return assertNever(frame, 'frame');
    }
    this.pendingKey = wanted ? name : null;
    return !wanted;
  }

  startObject(): void {
    const frame = this.top;
    const key = this.takeKey();
    switch (frame.kind) {
      case 'root':
        this.stack.push({ kind: 'document' });
        return;
      case 'cases':
        this.stack.push({ kind: 'case', c: newCase(frame.next++) });
        return;
      case 'events':
        this.stack.push({ kind: 'event', c: frame.c, e: newEvent(frame.c.eventCount++) });
        return;
      case 'modes':
        this.stack.push({ kind: 'mode', m: newMode(frame.c, frame.c.modeCount++) });
        return;
      case 'trials': {
        const index = frame.streaming ? frame.m.streamingSeen++ : frame.m.trialsSeen++;
        this.stack.push({ kind: 'trial', m: frame.m, t: newTrial(index, frame.streaming) });
        return;
      }
      case 'trial':
        if (key === 'Stimuli' || key === 'Stimulus') {
          const value: Built = {};
          frame.t.captured[key] = value;
          this.stack.push({ kind: 'build', value });
          return;
        }
        if (key !== null) this.log.add(this.where(), `"${key}" is an object where a list or value was expected; ignored.`);
        this.stack.push({ kind: 'other' });
        return;
      case 'build':
        this.stack.push(this.nest(frame.value, key, {}));
        return;
      case 'document':
      case 'case':
      case 'event':
      case 'mode':
        if (key !== null) this.log.add(this.where(), `"${key}" is an object where a list or value was expected; ignored.`);
        this.stack.push({ kind: 'other' });
        return;
      case 'other':
        this.stack.push({ kind: 'other' });
        return;
      default:
        assertNever(frame, 'frame');
    }
  }

  startArray(): void {
    const frame = this.top;
    const key = this.takeKey();
    let next: Frame = { kind: 'other' };
    switch (frame.kind) {
      case 'root':
        this.log.add('file', 'The file is a JSON list, not an object with "Cases".');
        break;
      case 'document':
        if (key === 'Cases') {
          this.sawCases = true;
          next = { kind: 'cases', next: 0 };
        }
        break;
      case 'case':
        if (key === 'Events') next = { kind: 'events', c: frame.c };
        else if (key === 'Modes') next = { kind: 'modes', c: frame.c };
        else if (key !== null) this.log.add(this.where(), `"${key}" is a list where a value was expected; ignored.`);
        break;
      case 'mode':
        if (key === 'Trials' || key === 'StreamingTrials') next = { kind: 'trials', m: frame.m, streaming: key === 'StreamingTrials' };
        else if (key !== null) this.log.add(this.where(), `"${key}" is a list where a value was expected; ignored.`);
        break;
      case 'trial':
        if (key === 'Traces') {
          const value: Built = [];
          frame.t.captured[key] = value;
          next = { kind: 'build', value };
        } else if (key !== null) this.log.add(this.where(), `"${key}" is a list where a value was expected; ignored.`);
        break;
      case 'build':
        next = this.nest(frame.value, key, []);
        break;
      case 'event':
        if (key !== null) this.log.add(this.where(), `"${key}" is a list where a value was expected; ignored.`);
        break;
      case 'cases':
      case 'events':
      case 'modes':
      case 'trials':
      case 'other':
        break;
      default:
        assertNever(frame, 'frame');
    }
    this.stack.push(next);
  }

  endObject(): void {
    const frame = this.stack.pop();
    if (!frame) return;
    switch (frame.kind) {
      case 'case':
        this.headers.push(this.caseHeader(frame.c, true));
        return;
      case 'event':
        this.closeEvent(frame.c, frame.e);
        return;
      case 'mode':
        this.closeMode(frame.m);
        return;
      case 'trial':
        this.closeTrial(frame.m, frame.t);
        return;
      case 'root':
      case 'document':
      case 'cases':
      case 'events':
      case 'modes':
      case 'trials':
      case 'build':
      case 'other':
        return;
      default:
        assertNever(frame, 'frame');
    }
  }

  endArray(): void {
    this.stack.pop();
  }

  string(value: string): void {
    this.scalar(value, false);
  }

  number(raw: string): void {
    this.scalar(raw, true);
  }

  literal(value: boolean | null): void {
    this.scalar(value, false);
  }

  /** A container inside a trial's setup members: kept when its key is, else walked through. */
  private nest(parent: Built, key: string | null, value: Built): Frame {
    if (Array.isArray(parent)) {
      if (parent.length >= MAX_BUILT_ITEMS) return { kind: 'other' };
      parent.push(value);
    } else if (key !== null) parent[key] = value;
    else return { kind: 'other' };
    return { kind: 'build', value };
  }

  private takeKey(): string | null {
    const key = this.pendingKey;
    this.pendingKey = null;
    return key;
  }

  /** Stores a member value on the object it belongs to. */
  private scalar(value: string | boolean | null, isNumber: boolean): void {
    const frame = this.top;
    const key = this.takeKey();
    const text = typeof value === 'string' ? value : null;
    if (frame.kind === 'build') {
      const v = isNumber ? Number(text) : value;
      if (Array.isArray(frame.value)) {
        if (frame.value.length < MAX_BUILT_ITEMS) frame.value.push(v);
      } else if (key !== null) frame.value[key] = v;
      return;
    }
    if (key === null) return;
    switch (frame.kind) {
      case 'case':
        this.caseField(frame.c, key, text, isNumber);
        return;
      case 'event':
        if (key === 'Timestamp') frame.e.timestamp = text;
        else if (key === 'Message') frame.e.message = text;
        else if (key === 'Type') frame.e.type = text;
        else if (key === 'Author') frame.e.author = text;
        else if (key === 'Deleted') frame.e.deleted = truthy(value);
        return;
      case 'mode':
        if (key === 'Name') {
          frame.m.name = text;
          frame.m.sawName = true;
        } else if (key === 'Type') {
          frame.m.type = text;
          frame.m.sawType = true;
        }
        return;
      case 'trial':
        if (key === 'Timestamp') frame.t.timestamp = text;
        else if (key === 'TrialNumber') frame.t.trialNumber = text;
        else if (key === 'Baseline') {
          frame.t.baseline = truthy(value);
          frame.t.sawBaseline = true;
        } else if (key === 'Highlighted') frame.t.highlighted = truthy(value);
        else if (key === 'ActualRepRate') frame.t.actualRate = isNumber ? Number(text) : null;
        else if (key === 'RequestedRepRate') frame.t.requestedRate = isNumber ? Number(text) : null;
        return;
      case 'root':
      case 'document':
      case 'cases':
      case 'events':
      case 'modes':
      case 'trials':
      case 'other':
        return;
      default:
        assertNever(frame, 'frame');
    }
  }

  private caseField(c: CaseState, key: string, text: string | null, isNumber: boolean): void {
    switch (key) {
      case 'ID':
        c.id = text;
        return;
      case 'StartDate':
        c.startRaw = text;
        return;
      case 'ProcedureName':
        c.procedureName = text;
        return;
      case 'PatientFirstName':
        c.firstName = text;
        return;
      case 'PatientLastName':
        c.lastName = text;
        return;
      case 'PatientMiddleInitial':
        c.middleInitial = text;
        return;
      case 'PatientID':
        c.patientId = text;
        return;
      case 'BirthDate':
      case 'PatientBirthDate':
        c.birthDateRaw = text;
        c.birthDateIsNumber = isNumber;
        return;
      case 'Gender':
      case 'PatientGender':
        c.gender = text;
        return;
      default:
        return;
    }
  }

  // ---- emitting ----

  private read(raw: string | null, where: string, what: string): EpochReading | null {
    if (raw === null) {
      this.log.add(where, `${what} has no Timestamp; skipped.`);
      return null;
    }
    const reading = readEpochTimestamp(raw, this.options.unit);
    if (!reading) {
      this.log.add(where, `${what} has an unreadable Timestamp; skipped.`);
      return null;
    }
    this.unitsSeen.add(reading.unit);
    return reading;
  }

  private closeEvent(c: CaseState, e: EventState): void {
    // Soft-deleted notes are kept in the export but were withdrawn by the user (§1a, rule 3).
    if (e.deleted) {
      this.deleted += 1;
      return;
    }
    const where = `Cases[${c.index}].Events[${e.index}]`;
    const reading = this.read(e.timestamp, where, 'An event');
    if (!reading || e.timestamp === null) return;
    this.out.push({
      wallClock: epochWallClock(reading),
      key: `c${c.index}/e${e.index}`,
      // Cascade-era exports use 0x14 (the EDF TAL separator) as a space (§1b).
      text: (e.message ?? '').replaceAll('\u0014', ' ').trim(),
      raw: e.timestamp,
      extra: { caseIndex: c.index, type: e.type, author: e.author },
    });
  }

  private closeTrial(m: ModeState, t: TrialState): void {
    const list = t.streaming ? 'StreamingTrials' : 'Trials';
    const where = `Cases[${m.case.index}].Modes[${m.index}].${list}[${t.index}]`;
    const reading = this.read(t.timestamp, where, 'A trial');
    if (!reading || t.timestamp === null) return;
    const n = t.trialNumber === null ? Number.NaN : Number(t.trialNumber);
    const record: TrialRecord = {
      index: t.index,
      streaming: t.streaming,
      raw: t.timestamp,
      reading,
      trialNumber: Number.isSafeInteger(n) ? n : null,
      baseline: t.baseline,
      highlighted: t.highlighted,
      setup: t.baseline ? setupFromTrial(t) : null,
    };
    this.count(m, record);
    if (m.sawName && m.sawType) this.out.push(this.trialEvent(m, record));
    else m.waiting.push(record);
  }

  private count(m: ModeState, r: TrialRecord): void {
    if (r.streaming) m.streamingTrialCount += 1;
    else m.trialCount += 1;
    if (r.baseline) m.baselineCount += 1;
    if (!m.first || r.reading.micros < m.first.reading.micros) m.first = r;
    if (!m.last || r.reading.micros > m.last.reading.micros) m.last = r;
  }

  private closeMode(m: ModeState): void {
    for (const r of m.waiting) this.out.push(this.trialEvent(m, r));
    m.waiting = [];
    this.summaries.push({
      caseIndex: m.case.index,
      modeIndex: m.index,
      name: m.name,
      type: m.type,
      trialCount: m.trialCount,
      streamingTrialCount: m.streamingTrialCount,
      baselineCount: m.baselineCount,
      first: m.first ? { raw: m.first.raw, wallClock: epochWallClock(m.first.reading) } : null,
      last: m.last ? { raw: m.last.raw, wallClock: epochWallClock(m.last.reading) } : null,
    });
  }

  private trialEvent(m: ModeState, r: TrialRecord): DeviceEvent {
    return {
      wallClock: epochWallClock(r.reading),
      key: `c${m.case.index}/m${m.index}/${r.streaming ? 's' : 't'}${r.index}`,
      text: '',
      kind: r.baseline ? 'baseline' : 'modality_activity',
      ...(m.name !== null ? { modalityName: m.name } : {}),
      raw: r.raw,
      extra: {
        caseIndex: m.case.index,
        modeType: m.type,
        trialNumber: r.trialNumber,
        streaming: r.streaming,
        baseline: r.baseline,
        highlighted: r.highlighted,
        ...(r.setup ? { setup: r.setup } : {}),
      },
    };
  }

  private caseHeader(c: CaseState, complete: boolean): CadwellCaseHeader {
    const start = c.startRaw === null ? null : readEpochTimestamp(c.startRaw, this.options.unit);
    let birthDate: { raw: string; date: string | null } | null = null;
    if (c.birthDateRaw !== null) {
      // The documented unit is µs; the magnitude rule fails for births near 1970, so no guessing.
      const reading = c.birthDateIsNumber ? readEpochTimestamp(c.birthDateRaw, 'us') : null;
      const isoText = /^\d{4}-\d{2}-\d{2}/.exec(c.birthDateRaw);
      birthDate = { raw: c.birthDateRaw, date: reading ? epochIsoDate(reading) : isoText ? isoText[0] : null };
    }
    return {
      caseIndex: c.index,
      caseId: c.id,
      procedureName: c.procedureName,
      start: start && c.startRaw !== null ? { raw: c.startRaw, wallClock: epochWallClock(start) } : null,
      patient: {
        firstName: c.firstName,
        lastName: c.lastName,
        middleInitial: c.middleInitial,
        id: c.patientId,
        gender: c.gender,
        birthDate,
      },
      complete,
    };
  }

  /** A path for messages: the innermost case/event/mode/trial. */
  private where(): string {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const f = this.stack[i] as Frame;
      if (f.kind === 'event') return `Cases[${f.c.index}].Events[${f.e.index}]`;
      if (f.kind === 'trial') return `Cases[${f.m.case.index}].Modes[${f.m.index}].${f.t.streaming ? 'StreamingTrials' : 'Trials'}[${f.t.index}]`;
      if (f.kind === 'mode') return `Cases[${f.m.case.index}].Modes[${f.m.index}]`;
      if (f.kind === 'case') return `Cases[${f.c.index}]`;
    }
    return 'file';
  }
}

function newCase(index: number): CaseState {
  return {
    index,
    eventCount: 0,
    modeCount: 0,
    id: null,
    procedureName: null,
    startRaw: null,
    firstName: null,
    lastName: null,
    middleInitial: null,
    patientId: null,
    gender: null,
    birthDateRaw: null,
    birthDateIsNumber: false,
  };
}

function newEvent(index: number): EventState {
  return { index, timestamp: null, message: null, type: null, author: null, deleted: false };
}

function newMode(c: CaseState, index: number): ModeState {
  return {
    case: c,
    index,
    name: null,
    type: null,
    sawName: false,
    sawType: false,
    trialsSeen: 0,
    streamingSeen: 0,
    waiting: [],
    trialCount: 0,
    streamingTrialCount: 0,
    baselineCount: 0,
    first: null,
    last: null,
  };
}

function newTrial(index: number, streaming: boolean): TrialState {
  return { index, streaming, timestamp: null, trialNumber: null, baseline: false, sawBaseline: false, highlighted: false, actualRate: null, requestedRate: null, captured: {} };
}

// ---- a trial's setup, from the members kept ----

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const textOf = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 200) : null);
const numberOf = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** "mA" / "V" in any case; anything else is no unit we can state. */
function unitOf(v: unknown): 'mA' | 'V' | null {
  const t = textOf(v)?.toLowerCase();
  return t === 'ma' ? 'mA' : t === 'v' ? 'V' : null;
}

/** Outputs are `{Label, Usage}` objects in MEP's loader; plain labels are taken as they come. */
function outputsOf(v: unknown): StimulusOutput[] {
  const out: StimulusOutput[] = [];
  for (const o of listOf(v)) {
    const label = isObject(o) ? textOf(o['Label']) : textOf(o);
    if (label) out.push({ label, usage: isObject(o) ? textOf(o['Usage']) : null });
  }
  return out;
}

/** Seconds as Cadwell writes pulse widths → µs, to the nearest 0.1 µs (5e-05 s is 50 µs, not 50.000000000000004). */
const secondsToUs = (s: number | null) => (s === null ? null : Math.round(s * 1e7) / 10);

/** A train's interpulse interval: the step between its pulses' Displacements (s), when it is one step. */
function isiOf(pulses: readonly Record<string, unknown>[]): number | null {
  const at = pulses.map((p) => numberOf(p['Displacement']));
  if (at.length < 2 || at.some((x) => x === null)) return null;
  const steps = new Set((at as number[]).slice(1).map((x, i) => Math.round((x - (at[i] as number)) * 1e7) / 1e4));
  return steps.size === 1 ? ([...steps][0] as number) : null;
}

/**
 * What a baseline trial says about its stimulation and recording. Both stimulus shapes of §1a are
 * read: Stimuli.DiscreteStimuli[] (MEP's loader) and a single Stimulus (IONMV's); the rate is the
 * actual one, else the requested one (ActualRepRate can be 0).
 */
function setupFromTrial(t: TrialState): RecordedSetup | null {
  const rate = t.actualRate !== null && t.actualRate > 0 ? t.actualRate : t.requestedRate !== null && t.requestedRate > 0 ? t.requestedRate : null;
  const stimulation: Stimulation[] = [];
  const stimuli = t.captured['Stimuli'];
  for (const d of isObject(stimuli) ? listOf(stimuli['DiscreteStimuli']).filter(isObject) : []) {
    const pulses = listOf(d['ElectricalPulses']).filter(isObject);
    const first = pulses[0];
    const intensity = first ? numberOf(first['Intensity']) : null;
    stimulation.push({
      stimulator: textOf(d['Name']),
      outputs: outputsOf(d['Outputs']),
      intensities: intensity === null ? [] : [intensity],
      unit: intensity === null || !first ? null : unitOf(first['IntensityUnits']),
      pulses: numberOf(d['Train1PulseCount']) ?? (pulses.length || null),
      pulseWidthUs: first ? secondsToUs(numberOf(first['PulseWidth'])) : null,
      isiMs: isiOf(pulses),
      rateHz: rate,
    });
  }
  const single = t.captured['Stimulus'];
  if (isObject(single)) {
    const intensity = numberOf(single['Intensity']);
    stimulation.push({
      stimulator: null,
      outputs: outputsOf(single['Outputs']),
      intensities: intensity === null ? [] : [intensity],
      unit: intensity === null ? null : unitOf(single['IntensityUnits']),
      pulses: numberOf(single['PulseCount']),
      pulseWidthUs: secondsToUs(numberOf(single['PulseWidth'])),
      isiMs: null,
      rateHz: rate,
    });
  }
  const channels: RecordingChannel[] = [];
  for (const trace of listOf(t.captured['Traces']).filter(isObject)) {
    const ch = isObject(trace['Channel']) ? trace['Channel'] : {};
    const active = textOf(ch['ActiveBodySiteName']);
    const reference = textOf(ch['ReferenceBodySiteName']);
    // IONMV names a channel from its sites when Name is empty.
    const name = textOf(ch['Name']) ?? (active && reference ? `${active}-${reference}` : active ?? reference);
    if (!name) continue;
    const cursors = listOf(trace['Cursors'])
      .filter(isObject)
      .flatMap((c) => {
        const label = textOf(c['Label']);
        const position = numberOf(c['Position']);
        const volts = numberOf(c['Voltage']);
        // To the µs and the nV: far below what is reported, and free of binary noise (0.0374 s → 37.4 ms).
        return label && position !== null ? [{ label, latencyMs: Math.round(position * 1e6) / 1e3, microvolts: volts === null ? null : Math.round(volts * 1e9) / 1e3 }] : [];
      });
    channels.push({ name, active, reference, cursors });
  }
  const setup = { stimulation, channels };
  return hasContent(setup) ? setup : null;
}

export function createCadwellJsonParser(options?: CadwellJsonOptions): CadwellJsonParser {
  return new CadwellJsonParser(options);
}
